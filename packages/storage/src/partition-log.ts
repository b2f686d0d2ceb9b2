import { GregorError, assert } from '@gregor/common';
import { appendItems } from './append';
import type { BatchFrame } from './batch-frames';
import { endOffsetForEpoch, latestEpochOf } from './epoch-cache';
import type { Kv, KvOp } from './kv';
import { deletePrefixChunk } from './log-prefix';
import { findOffsetForTimestamp, readBatches } from './log-read';
import { findMaxTimestamp } from './log-max-timestamp';
import { PartitionTailCache, type TailCacheBudget } from './tail-cache';
import { truncateChunk, truncationPoint } from './log-truncate';
import { PartitionProducers, type SnapshotPolicy } from './partition-producers';
import { PartitionTxns, type TxnChange } from './txn-index';
import { sideKeyOps, type PartitionState } from './partition-state';
import { rebuildProducersAfterTruncation } from './producer-rebuild';
import { dropSnapshotsAbove, refreshSnapshotsBelow } from './producer-snapshots';
import type { ProducerEntry } from './producer-state';
import { compactLog, type CompactOptions, type CompactResult, type CompactionMark } from './log-compact';
import { initialRetentionState, retentionStep, type BatchSummary, type RetentionPolicy } from './retention';

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  recordCount: number;
  /** Bytes written; 0 for a duplicate. */
  bytes: number;
  /**
   * The batch repeats one its producer already wrote (a retry, KIP-98):
   * nothing was written, and the offsets and maxTimestamp are the original's.
   */
  duplicate: boolean;
}

/**
 * What each item of a leader append came to: appended (or recognised as a
 * duplicate), or refused by the producer-state check with
 * OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH or
 * DUPLICATE_SEQUENCE_NUMBER — then nothing of it was written.
 */
export type AppendOutcome = AppendResult | GregorError;

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
  /** Producer entries as these batches leave them, in log order. */
  producerUpdates: ProducerEntry[];
  /** Transactions these batches begin or end (txn-index.ts). */
  txnChanges: TxnChange[];
  /** A leader append (its batches go to the tail cache); follower appends are not cached. */
  leader: boolean;
}

/** What a partition needs from its store; implemented by LogStore. */
export interface StoreContext {
  readonly kv: Kv;
  /** Batches removed per write by truncation and prefix deletion. */
  readonly maintenanceChunkBatches: number;
  /** Producers whose newest batch is older than this are forgotten by retention (producer.id.expiration.ms). */
  readonly producerIdExpirationMs: number;
  readonly producerSnapshotPolicy: SnapshotPolicy;
  /** The store-wide budget of the partitions' tail caches. */
  readonly tailCache: TailCacheBudget;
  /** Throws if `bytes` more would overflow the write queue. */
  checkCapacity(bytes: number): void;
  /** Queues assigned batches for the next write; resolves with `results` once they are on disk. */
  appendParts(parts: AppendPart[], bytes: number, results: AppendOutcome[]): Promise<AppendOutcome[]>;
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
  readonly producers = new PartitionProducers();
  readonly txns = new PartitionTxns();
  /** Counts truncations started; a compaction pass that sees it change stops (its key index may name records gone). */
  truncations = 0;
  /** Bytes retention and DeleteRecords have removed from the start so far: the compaction dirty ratio discounts them. */
  bytesRemovedFromStart = 0;
  /** What the last completed compaction pass covered (log-compact.ts). */
  compactionMark: CompactionMark | undefined;
  /** The newest batches, served to reads at the log end without LevelDB (tail-cache.ts). */
  readonly tail: PartitionTailCache;

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
    this.tail = new PartitionTailCache(ctx.tailCache);
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

  /**
   * Where the log will end once the appends already given offsets are
   * written: logEndOffset plus the appends still in the write queue. What
   * a leader's followers may fetch up to (readForFollower).
   */
  get assignedEndOffset(): bigint {
    return coreOf(this).nextOffset;
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
   * so concurrent appends land in call order. The log takes ownership of
   * `batches`: it rewrites them and keeps them in its tail cache, so the
   * caller must not modify them afterwards.
   */
  async append(batches: Buffer, leaderEpoch: number): Promise<AppendResult> {
    const core = coreOf(this);
    const [result] = await appendItems(core.ctx, [{ core, batches, leaderEpoch }]);
    if (result instanceof GregorError) throw result;
    return result!;
  }

  /**
   * Follower append: batches keep the leader's offsets; the first must start
   * at the log end. Producer state follows what the batches say, unchecked.
   */
  async appendAsFollower(batches: Buffer): Promise<AppendResult> {
    const core = coreOf(this);
    const [result] = await appendItems(core.ctx, [{ core, batches, leaderEpoch: undefined }]);
    assert(result !== undefined && !(result instanceof GregorError), 'a follower append was refused by producer state');
    return result;
  }

  /**
   * An idempotent producer's state here, counting appends still being
   * written: its epoch and its last (at most five) batches.
   */
  producerState(producerId: bigint): ProducerEntry | undefined {
    return coreOf(this).producers.pending.get(producerId);
  }

  /** Every producer with state in this partition, appends still being written included (DescribeProducers). */
  producerStates(): IterableIterator<ProducerEntry> {
    return coreOf(this).producers.pending.values();
  }

  /** Producers with state in this partition. */
  get producerCount(): number {
    return coreOf(this).producers.pending.size;
  }

  /**
   * The last stable offset (KIP-98): the high watermark, or the first
   * offset of the oldest transaction still open here if that is lower —
   * read_committed consumers read only below it.
   */
  get lastStableOffset(): bigint {
    const core = coreOf(this);
    const first = core.txns.firstUnstableOffset();
    let lso = first !== undefined && first < core.highWatermark ? first : core.highWatermark;
    if (lso < core.state.logStartOffset) lso = core.state.logStartOffset;
    return lso;
  }

  /** Aborted transactions overlapping [fetchOffset, upperOffset), for a read_committed fetch. */
  abortedTransactions(fetchOffset: bigint, upperOffset: bigint): { producerId: bigint; firstOffset: bigint }[] {
    return coreOf(this).txns.abortedIn(fetchOffset, upperOffset);
  }

  /** Whether `producerId` has a transaction open here, counting appends still being written (KIP-890: no need to verify it again). */
  hasOpenTransaction(producerId: bigint): boolean {
    return coreOf(this).txns.pending.has(producerId);
  }

  /** Transactions open here: producer id → offset of the first batch (on disk). */
  openTransactions(): ReadonlyMap<bigint, bigint> {
    return coreOf(this).txns.ongoing;
  }

  async read(fetchOffset: bigint, maxBytes: number, maxOffset?: bigint): Promise<ReadResult> {
    const core = coreOf(this);
    const { logEndOffset } = core.state;
    return readRange(core, fetchOffset, maxBytes, maxOffset === undefined || maxOffset > logEndOffset ? logEndOffset : maxOffset, logEndOffset);
  }

  /**
   * A follower's read on the leader: up to assignedEndOffset, so batches
   * whose write is still queued are served too (from the tail cache, where
   * a leader append goes when its offsets are assigned). Kafka's leader
   * appends to the page cache before followers read; here the LevelDB write
   * runs on a worker thread, and waiting for it put one storage write (and
   * any write queued ahead of it) on the path of every acks=all produce.
   * Safe because the high watermark still counts the leader's own
   * logEndOffset: nothing is acknowledged before this log has written it.
   * Batches no longer cached are read from LevelDB up to logEndOffset.
   */
  async readForFollower(fetchOffset: bigint, maxBytes: number): Promise<ReadResult> {
    const core = coreOf(this);
    return readRange(core, fetchOffset, maxBytes, core.nextOffset, core.nextOffset);
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
   * The record with the greatest timestamp (the first of them on ties) at
   * offsets in [logStartOffset, upperOffset), upperOffset defaulting to the
   * log end: Kafka's ListOffsets MAX_TIMESTAMP (KIP-734). Normally one index
   * seek and one batch decoded (see log-max-timestamp.ts); undefined when
   * the range holds no record.
   */
  async offsetForMaxTimestamp(upperOffset?: bigint): Promise<{ offset: bigint; timestamp: bigint } | undefined> {
    const core = coreOf(this);
    core.checkReadable();
    const { logStartOffset, logEndOffset } = core.state;
    const upper = upperOffset === undefined || upperOffset > logEndOffset ? logEndOffset : upperOffset;
    return findMaxTimestamp(core.ctx.kv, core.id, logStartOffset, upper);
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
      return truncationPoint(core.ctx.kv, core.id, offset, core.state.logStartOffset);
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
   * Also forgets producers silent for longer than producer.id.expiration.ms.
   */
  async applyRetention(policy: RetentionPolicy, nowMs: number): Promise<{ deletedBatches: number; logStartOffset: bigint; expiredProducers: number }> {
    const core = coreOf(this);
    core.checkWritable();
    let retention: ReturnType<typeof initialRetentionState> | undefined;
    const deletedBatches = await deleteFromStart(core, -1n, (batch) => {
      retention ??= initialRetentionState(core.state.sizeBytes);
      const step = retentionStep(retention, batch, { policy, nowMs, highWatermark: core.highWatermark });
      retention = step.state;
      return step.delete;
    });
    // Producer state outlives the batches it came from (KIP-360) until the
    // producer has been silent for producer.id.expiration.ms.
    const expiredProducers = core.producers.expire(BigInt(Math.floor(nowMs - core.ctx.producerIdExpirationMs)));
    return { deletedBatches, logStartOffset: core.state.logStartOffset, expiredProducers };
  }

  /**
   * Log compaction (cleanup.policy=compact, Kafka's LogCleaner): below the
   * high watermark and before the last batch, keeps only the latest record
   * of each key and drops tombstones older than deleteRetentionMs. Survivors
   * keep their offsets (the log gets gaps, as a compacted Kafka log does);
   * logStartOffset, the log end and the epoch cache do not change. Each
   * idempotent producer's last batches are kept whole. Runs in bounded
   * steps, one atomic LevelDB write each (see log-compact.ts).
   */
  async compact(opts: CompactOptions): Promise<CompactResult> {
    const core = coreOf(this);
    core.checkWritable();
    return compactLog(core, opts);
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

/** Whole batches from `fetchOffset` below `upper` (<= `end`, the end a reader may ask up to); see read. */
async function readRange(core: PartitionCore, fetchOffset: bigint, maxBytes: number, upper: bigint, end: bigint): Promise<ReadResult> {
  core.checkReadable();
  const { logStartOffset, logEndOffset } = core.state;
  if (fetchOffset < logStartOffset || fetchOffset > end) throw outOfRange(core, fetchOffset);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new GregorError('INVALID_FETCH_SIZE', `max bytes ${maxBytes} is not a size`, core.context);
  }
  if (fetchOffset >= upper) return { records: EMPTY, logStartOffset, logEndOffset };
  let chunks = core.tail.read(fetchOffset, upper, maxBytes);
  if (chunks === undefined) {
    // Not cached: only what is written can be read (an unwritten batch dropped from the cache comes with its write).
    if (fetchOffset >= logEndOffset) return { records: EMPTY, logStartOffset, logEndOffset };
    chunks = await readBatches(core.ctx.kv, core.id, fetchOffset, upper < logEndOffset ? upper : logEndOffset, maxBytes);
  }
  if (chunks === undefined) throw outOfRange(core, fetchOffset); // retention or truncation got there first
  const records = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  return { records, logStartOffset, logEndOffset };
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
  core.truncations++;
  const task = (async () => {
    if (previous !== undefined) await previous.catch(() => undefined);
    let newEnd: bigint | undefined;
    let before: ProducerEntry[] = [];
    let txnsApply: (() => void) | undefined;
    for (let done = false; !done; ) {
      done = await core.ctx.exclusive(async () => {
        core.checkWritable();
        const ops: KvOp[] = [];
        if (newEnd === undefined) {
          assert(core.nextOffset === core.state.logEndOffset, 'an append was assigned offsets during a truncation');
          newEnd = await plan();
          if (newEnd === undefined) return true;
          // Snapshots of the part being cut go in the first write, before
          // anything can be appended at offsets they would misdescribe.
          const dropped = dropSnapshotsAbove(core.id, core.producers.slots, startAt !== undefined ? -1n : newEnd);
          ops.push(...dropped.ops);
          core.producers.slots = dropped.kept;
          before = [...core.producers.committed.values()];
          const txns = core.txns.planTruncation(core.id, startAt !== undefined ? -1n : newEnd);
          ops.push(...txns.ops);
          txnsApply = txns.apply;
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
        await core.ctx.write([...ops, ...chunk.ops, ...sideKeyOps(core.id, core.state, next)]);
        txnsApply?.();
        txnsApply = undefined;
        core.commit(next);
        core.tail.clear();
        core.nextOffset = next.logEndOffset;
        core.assignedEpoch = latestEpochOf(next.epochs);
        if (chunk.done) await rebuildProducersAfterTruncation(core, startAt !== undefined, before);
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
      // A snapshot whose replay would start in deleted batches is replaced
      // (in an exclusive job the committed producer state is the whole log).
      const refresh = refreshSnapshotsBelow(core.id, core.producers, chunk.next.logStartOffset, core.state.logEndOffset, chunk.deleted);
      const txns = core.txns.planPrefixDeletion(core.id, chunk.next.logStartOffset);
      const ops = [...chunk.ops, ...sideOps, ...(refresh?.ops ?? []), ...txns.ops];
      if (ops.length > 0) await core.ctx.write(ops);
      refresh?.written();
      core.bytesRemovedFromStart += core.state.sizeBytes - chunk.next.sizeBytes;
      txns.apply();
      core.commit(chunk.next);
      core.tail.dropBelow(chunk.next.logStartOffset);
      deleted += chunk.deleted;
      return chunk.done;
    });
  }
  return deleted;
}
