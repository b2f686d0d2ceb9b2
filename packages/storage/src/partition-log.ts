import { GregorError, assert } from '@gregor/common';
import { appendItems } from './append';
import type { BatchFrame } from './batch-frames';
import { endOffsetForEpoch, latestEpochOf } from './epoch-cache';
import type { Kv, KvOp } from './kv';
import { deletePrefixChunk } from './log-prefix';
import { findOffsetForTimestamp, readBatches } from './log-read';
import { truncateChunk, truncationPoint } from './log-truncate';
import { sideKeyOps, type PartitionState } from './partition-state';
import { initialRetentionState, retentionStep, type BatchSummary, type RetentionPolicy } from './retention';

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  recordCount: number;
  bytes: number;
}

export interface ReadResult {
  /** Whole batches, possibly empty; the first may start before the fetch offset. */
  records: Buffer;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

/** Batches with final offsets, waiting for the store's next write. */
export interface AppendPart {
  core: PartitionCore;
  buf: Buffer;
  frames: BatchFrame[];
}

/** What a partition needs from its store; implemented by LogStore. */
export interface StoreContext {
  readonly kv: Kv;
  /** Batches removed per write by truncation and prefix deletion. */
  readonly maintenanceChunkBatches: number;
  /** Throws if `bytes` more would overflow the write queue. */
  checkCapacity(bytes: number): void;
  /** Queues assigned batches for the next write; resolves with `results` once they are on disk. */
  appendParts(parts: AppendPart[], bytes: number, results: AppendResult[]): Promise<AppendResult[]>;
  /** Runs `fn` alone on the store's write queue. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** One LevelDB write (plus pending HW checkpoints); only inside exclusive(). */
  write(ops: KvOp[]): Promise<void>;
  checkWritable(context: { topic: string; partition: number }): void;
  markHighWatermarkDirty(core: PartitionCore): void;
}

export type PartitionStatus = 'open' | 'deleted' | 'closed';

const EMPTY = Buffer.alloc(0);

/**
 * The mutable heart of a partition, hidden from the package's users (see
 * coreOf). Two views of the log end: `state` is what is on disk; `nextOffset`
 * and `assignedEpoch` run ahead of it by the appends still queued, so offsets
 * are assigned synchronously in call order and appends pipeline.
 */
export class PartitionCore {
  state: PartitionState;
  highWatermark: bigint;
  nextOffset: bigint;
  assignedEpoch: number;
  /** Set while a truncation runs; appends wait for it (they cannot know the new end yet). */
  barrier: Promise<void> | undefined;
  status: PartitionStatus = 'open';

  constructor(
    readonly ctx: StoreContext,
    readonly topic: string,
    readonly partition: number,
    readonly id: number,
    state: PartitionState,
    highWatermark: bigint,
  ) {
    this.state = state;
    this.highWatermark = clamp(highWatermark, state.logStartOffset, state.logEndOffset);
    this.nextOffset = state.logEndOffset;
    this.assignedEpoch = latestEpochOf(state.epochs);
  }

  get context(): { topic: string; partition: number } {
    return { topic: this.topic, partition: this.partition };
  }

  checkReadable(): void {
    if (this.status === 'deleted') throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', 'partition was deleted', this.context);
    if (this.status === 'closed') throw new GregorError('KAFKA_STORAGE_ERROR', 'log store is closed', this.context);
  }

  checkWritable(): void {
    this.checkReadable();
    this.ctx.checkWritable(this.context);
  }

  /** Called once the write that makes `next` true has succeeded. */
  commit(next: PartitionState): void {
    this.state = next;
    const hw = clamp(this.highWatermark, next.logStartOffset, next.logEndOffset);
    if (hw !== this.highWatermark) {
      this.highWatermark = hw;
      this.ctx.markHighWatermarkDirty(this);
    }
  }

  async waitForBarrier(): Promise<void> {
    while (this.barrier !== undefined) await this.barrier.catch(() => undefined);
  }
}

function clamp(value: bigint, low: bigint, high: bigint): bigint {
  return value < low ? low : value > high ? high : value;
}

const cores = new WeakMap<PartitionLog, PartitionCore>();

/** The store's access to a log's internals; not exported from the package. */
export function coreOf(log: PartitionLog): PartitionCore {
  const core = cores.get(log);
  assert(core !== undefined, 'PartitionLog was not created by a LogStore');
  return core;
}

/**
 * One partition's log. Created by LogStore.openPartition; all writes go
 * through the store's single write queue, reads go straight to LevelDB.
 */
export class PartitionLog {
  readonly topic: string;
  readonly partition: number;

  /** @internal Use LogStore.openPartition. */
  constructor(core: PartitionCore) {
    this.topic = core.topic;
    this.partition = core.partition;
    cores.set(this, core);
  }

  get logStartOffset(): bigint {
    return coreOf(this).state.logStartOffset;
  }

  /** The offset the next batch will get, as of the last completed write. */
  get logEndOffset(): bigint {
    return coreOf(this).state.logEndOffset;
  }

  /** Bytes of the batches on disk (LevelDB's own overhead and compression aside). */
  get sizeBytes(): number {
    return coreOf(this).state.sizeBytes;
  }

  get highWatermark(): bigint {
    return coreOf(this).highWatermark;
  }

  /**
   * Clamped to [logStartOffset, logEndOffset] as Kafka does. Kept in memory
   * and checkpointed with the store's next write (or on close); after a crash
   * the HW may come back lower, which only delays consumers until followers
   * report in again.
   */
  setHighWatermark(offset: bigint): void {
    const core = coreOf(this);
    const hw = clamp(offset, core.state.logStartOffset, core.state.logEndOffset);
    if (hw === core.highWatermark) return;
    core.highWatermark = hw;
    core.ctx.markHighWatermarkDirty(core);
  }

  /**
   * Leader append: `batches` (one or more whole, validated v2 batches) get the
   * next offsets by rewriting each baseOffset, and partitionLeaderEpoch =
   * `leaderEpoch`, in place (both outside the CRC); the bytes are otherwise
   * stored as they are. Offsets are assigned before this returns its promise,
   * so concurrent appends land in call order.
   */
  async append(batches: Buffer, leaderEpoch: number): Promise<AppendResult> {
    const core = coreOf(this);
    const [result] = await appendItems(core.ctx, [{ core, batches, leaderEpoch }]);
    return result!;
  }

  /** Follower append: batches keep the leader's offsets; the first must start at the log end. */
  async appendAsFollower(batches: Buffer): Promise<AppendResult> {
    const core = coreOf(this);
    const [result] = await appendItems(core.ctx, [{ core, batches, leaderEpoch: undefined }]);
    return result!;
  }

  async read(fetchOffset: bigint, maxBytes: number, maxOffset?: bigint): Promise<ReadResult> {
    const core = coreOf(this);
    core.checkReadable();
    const { logStartOffset, logEndOffset } = core.state;
    if (fetchOffset < logStartOffset || fetchOffset > logEndOffset) throw outOfRange(core, fetchOffset);
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new GregorError('INVALID_FETCH_SIZE', `max bytes ${maxBytes} is not a size`, core.context);
    }
    const upper = maxOffset === undefined || maxOffset > logEndOffset ? logEndOffset : maxOffset;
    if (fetchOffset >= upper) return { records: EMPTY, logStartOffset, logEndOffset };
    const chunks = await readBatches(core.ctx.kv, core.id, fetchOffset, upper, maxBytes);
    if (chunks === undefined) throw outOfRange(core, fetchOffset); // retention or truncation got there first
    const records = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    return { records, logStartOffset, logEndOffset };
  }

  /**
   * First offset (>= logStartOffset) whose record timestamp is >= `timestamp`,
   * with that timestamp; undefined when every record is older. Kafka's
   * special timestamps (-1 latest, -2 earliest) are the caller's business.
   */
  async offsetForTimestamp(timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint } | undefined> {
    const core = coreOf(this);
    core.checkReadable();
    const { logStartOffset, logEndOffset } = core.state;
    return findOffsetForTimestamp(core.ctx.kv, core.id, timestamp, logStartOffset, logEndOffset);
  }

  /**
   * Removes every record at offset >= `offset`. Batches are never split: when
   * `offset` falls inside a batch, the whole batch goes and logEndOffset
   * becomes that batch's baseOffset (below `offset`). Also trims the epoch
   * cache and lowers the HW to the new end. Appends issued meanwhile wait.
   */
  async truncateTo(offset: bigint): Promise<void> {
    const core = coreOf(this);
    core.checkWritable();
    if (offset < 0n) throw outOfRange(core, offset);
    await truncate(core, async () => {
      if (offset >= core.state.logEndOffset) return undefined;
      return truncationPoint(core.ctx.kv, core.id, offset);
    });
  }

  /**
   * Empties the log and restarts it at `offset` (Kafka's
   * truncateFullyAndStartAt): what a follower does when the leader's log
   * start has moved past the follower's end. The epoch cache empties too.
   */
  async truncateFullyAndStartAt(offset: bigint): Promise<void> {
    const core = coreOf(this);
    core.checkWritable();
    if (offset < 0n) throw outOfRange(core, offset);
    await truncate(core, async () => 0n, offset);
  }

  /** Leader-epoch cache (KIP-101): the newest epoch with a batch in this log, -1 when none. */
  latestEpoch(): number {
    return latestEpochOf(coreOf(this).state.epochs);
  }

  /** Kafka's OffsetsForLeaderEpoch answer for `epoch` (see epoch-cache.ts). */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: bigint } {
    const core = coreOf(this);
    return endOffsetForEpoch(core.state.epochs, epoch, core.state.logEndOffset);
  }

  /**
   * Deletes whole batches from the start: while the oldest batch is older
   * than nowMs - retentionMs (time retention stops at the first batch it must
   * keep), or the partition is bigger than retentionBytes. Never a batch with
   * any offset at or above the high watermark. -1 disables either limit.
   */
  async applyRetention(policy: RetentionPolicy, nowMs: number): Promise<{ deletedBatches: number; logStartOffset: bigint }> {
    const core = coreOf(this);
    core.checkWritable();
    let retention: ReturnType<typeof initialRetentionState> | undefined;
    const deletedBatches = await deleteFromStart(core, -1n, (batch) => {
      retention ??= initialRetentionState(core.state.sizeBytes);
      const step = retentionStep(retention, batch, { policy, nowMs, highWatermark: core.highWatermark });
      retention = step.state;
      return step.delete;
    });
    return { deletedBatches, logStartOffset: core.state.logStartOffset };
  }

  /**
   * DeleteRecords: moves logStartOffset to `offset` (possibly inside a batch,
   * which then stays until all of it is below the start). `offset` above the
   * high watermark is OFFSET_OUT_OF_RANGE, as in Kafka.
   */
  async deleteRecordsBefore(offset: bigint): Promise<void> {
    const core = coreOf(this);
    core.checkWritable();
    if (offset > core.highWatermark || offset < 0n) {
      throw new GregorError('OFFSET_OUT_OF_RANGE', `cannot delete records before ${offset}: high watermark is ${core.highWatermark}`, {
        ...core.context,
        highWatermark: core.highWatermark,
      });
    }
    if (offset <= core.state.logStartOffset) return;
    await deleteFromStart(core, offset, (batch) => batch.lastOffset < offset);
  }
}

function outOfRange(core: PartitionCore, offset: bigint): GregorError {
  const { logStartOffset, logEndOffset } = core.state;
  return new GregorError('OFFSET_OUT_OF_RANGE', `offset ${offset} is outside [${logStartOffset}, ${logEndOffset}]`, {
    ...core.context,
    logStartOffset,
    logEndOffset,
  });
}

/**
 * Truncation from the end in bounded steps, each its own exclusive write (see
 * truncateChunk). `plan` runs once, inside the first step, and names the new
 * log end (undefined: nothing to do). With `startAt`, the last step also
 * moves the (then empty) log to start and end there. Appends wait on the
 * barrier: they cannot be given offsets until the new end is known.
 */
async function truncate(core: PartitionCore, plan: () => Promise<bigint | undefined>, startAt?: bigint): Promise<void> {
  const previous = core.barrier;
  const task = (async () => {
    if (previous !== undefined) await previous.catch(() => undefined);
    let newEnd: bigint | undefined;
    for (let done = false; !done; ) {
      done = await core.ctx.exclusive(async () => {
        core.checkWritable();
        if (newEnd === undefined) {
          assert(core.nextOffset === core.state.logEndOffset, 'an append was assigned offsets during a truncation');
          newEnd = await plan();
          if (newEnd === undefined) return true;
        }
        const chunk = await truncateChunk(core.ctx.kv, core.id, core.state, newEnd, core.ctx.maintenanceChunkBatches);
        let next = chunk.next;
        if (chunk.done && startAt !== undefined) {
          assert(next.sizeBytes === 0 && next.epochs.length === 0, 'log not empty when restarting it');
          next = { ...next, logStartOffset: startAt, logEndOffset: startAt };
          core.highWatermark = startAt;
          core.ctx.markHighWatermarkDirty(core);
        } else if (core.highWatermark > next.logEndOffset) {
          core.highWatermark = next.logEndOffset;
          core.ctx.markHighWatermarkDirty(core);
        }
        await core.ctx.write([...chunk.ops, ...sideKeyOps(core.id, core.state, next)]);
        core.commit(next);
        core.nextOffset = next.logEndOffset;
        core.assignedEpoch = latestEpochOf(next.epochs);
        return chunk.done;
      });
    }
  })();
  core.barrier = task;
  try {
    await task;
  } finally {
    if (core.barrier === task) core.barrier = undefined;
  }
}

/** Runs prefix deletion in bounded steps, each its own exclusive write; returns batches deleted. */
async function deleteFromStart(core: PartitionCore, minLogStart: bigint, shouldDelete: (batch: BatchSummary) => boolean): Promise<number> {
  let deleted = 0;
  for (let done = false; !done; ) {
    done = await core.ctx.exclusive(async () => {
      core.checkWritable();
      const chunk = await deletePrefixChunk(core.ctx.kv, core.id, core.state, shouldDelete, core.ctx.maintenanceChunkBatches, minLogStart);
      const sideOps = sideKeyOps(core.id, core.state, chunk.next);
      if (chunk.ops.length + sideOps.length > 0) await core.ctx.write([...chunk.ops, ...sideOps]);
      core.commit(chunk.next);
      deleted += chunk.deleted;
      return chunk.done;
    });
  }
  return deleted;
}
