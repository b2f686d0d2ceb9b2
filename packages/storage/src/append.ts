import { GregorError, assert } from '@gregor/common';
import { setBaseOffset, setPartitionLeaderEpoch } from '@gregor/record-batch';
import { frameBatches, type BatchFrame } from './batch-frames';
import type { AppendOutcome, AppendPart, AppendResult, PartitionCore, StoreContext } from './partition-log';
import { applyMarkerEpoch, applyProducerBatch, checkProducerBatch, hasProducerId, type ProducerEntry } from './producer-state';
import { commitTxnOverlay, stageTxnChanges, type TxnChange } from './txn-index';

export interface AppendItem {
  core: PartitionCore;
  batches: Buffer;
  /** The leader's epoch for a leader append; undefined for a follower append. */
  leaderEpoch: number | undefined;
}

/** Where a partition's log will end once the items planned so far are written. */
interface Tail {
  nextOffset: bigint;
  epoch: number;
}

/** Producer entries changed by the items planned so far, per partition, over `core.producers.pending`. */
type Staged = Map<PartitionCore, Map<bigint, ProducerEntry>>;

interface Planned {
  item: AppendItem;
  frames: BatchFrame[];
  /** Producer entries after this item, in log order (empty when it has no producer ids). */
  updates: ProducerEntry[];
  /** Transactions this item begins or ends (txn-index.ts). */
  txnChanges: TxnChange[];
  outcome: AppendOutcome;
}

/**
 * Appends items (one or many partitions) in one LevelDB write. Everything
 * that can fail for the whole call is checked before any offset is assigned
 * or any byte is rewritten, so a rejected call leaves every partition as it
 * was. Unless a truncation is running, the function reaches the queue
 * without awaiting: offsets follow call order, and the caller may have many
 * appends in flight.
 *
 * A leader append is also checked against the partition's producer state
 * (KIP-98) in the same synchronous step that assigns its offsets, so
 * pipelined requests of one producer are judged against each other. That
 * check answers per item: a duplicate resolves with the original batch's
 * offsets (`duplicate: true`) and a refused item (out-of-order sequence,
 * fenced producer epoch) resolves as a GregorError; neither is written, and
 * the other items are.
 */
export async function appendItems(ctx: StoreContext, items: AppendItem[]): Promise<AppendOutcome[]> {
  if (items.length === 0) return [];
  for (let waiting = items.find((i) => i.core.barrier !== undefined); waiting !== undefined; ) {
    await waiting.core.waitForBarrier();
    waiting = items.find((i) => i.core.barrier !== undefined);
  }

  const tails = new Map<PartitionCore, Tail>();
  const staged: Staged = new Map();
  const stagedTxns = new Map<PartitionCore, Map<bigint, bigint | null>>();
  const planned = items.map((item): Planned => {
    assert(item.core.ctx === ctx, 'append to a partition of another LogStore');
    item.core.checkWritable();
    const frames = frameBatches(item.batches, item.core.context);
    let tail = tails.get(item.core);
    if (tail === undefined) {
      tail = { nextOffset: item.core.nextOffset, epoch: item.core.assignedEpoch };
      tails.set(item.core, tail);
    }
    let overlay = staged.get(item.core);
    if (overlay === undefined) staged.set(item.core, (overlay = new Map()));
    const baseOffset = tail.nextOffset;
    if (item.leaderEpoch === undefined) {
      planFollower(item.core, tail, frames);
    } else {
      checkLeaderEpoch(item.core, tail, item.leaderEpoch);
      const refused = checkProducers(item.core, overlay, frames);
      if (refused !== undefined) return { item, frames, updates: [], txnChanges: [], outcome: refused };
      planLeader(tail, frames, item.leaderEpoch);
    }
    const updates = stageProducers(item.core, overlay, frames);
    let txnOverlay = stagedTxns.get(item.core);
    if (txnOverlay === undefined) stagedTxns.set(item.core, (txnOverlay = new Map()));
    const txnChanges = stageTxnChanges(item.core.txns, txnOverlay, frames);
    return { item, frames, updates, txnChanges, outcome: summarize(baseOffset, tail.nextOffset - 1n, item.batches, frames) };
  });
  const appended = planned.filter((p) => !(p.outcome instanceof GregorError) && !p.outcome.duplicate);
  let bytes = 0;
  for (const p of appended) bytes += p.item.batches.length;
  ctx.checkCapacity(bytes);

  // Nothing below can fail: commit the plan.
  const parts: AppendPart[] = [];
  for (const { item, frames, updates, txnChanges } of appended) {
    if (item.leaderEpoch !== undefined) {
      for (const f of frames) {
        setBaseOffset(item.batches, f.baseOffset, f.pos);
        setPartitionLeaderEpoch(item.batches, item.leaderEpoch, f.pos);
      }
    }
    parts.push({ core: item.core, buf: item.batches, frames, producerUpdates: updates, txnChanges, leader: item.leaderEpoch !== undefined });
    // A leader's batches are cached now, before their write: its followers may fetch them at once (PartitionLog.readForFollower).
    if (item.leaderEpoch !== undefined) item.core.tail.add(item.batches, frames);
  }
  for (const [core, tail] of tails) {
    core.nextOffset = tail.nextOffset;
    core.assignedEpoch = tail.epoch;
  }
  for (const [core, overlay] of staged) for (const [id, entry] of overlay) core.producers.pending.set(id, entry);
  for (const [core, overlay] of stagedTxns) commitTxnOverlay(core.txns, overlay);
  const outcomes = planned.map((p) => p.outcome);
  // A duplicate's original may still be queued: answering after the queue
  // has passed it means "duplicate" never gets ahead of the write it names.
  if (parts.length === 0 && !outcomes.some((o) => !(o instanceof GregorError) && o.duplicate)) return outcomes;
  return ctx.appendParts(parts, bytes, outcomes);
}

/** A leader of an older epoch must not write behind a newer one (KIP-101 relies on epochs only growing). */
function checkLeaderEpoch(core: PartitionCore, tail: Tail, leaderEpoch: number): void {
  if (!Number.isInteger(leaderEpoch) || leaderEpoch < 0 || leaderEpoch > 0x7fff_ffff) {
    throw new GregorError('INVALID_REQUEST', `leader epoch ${leaderEpoch} is not a valid epoch`, core.context);
  }
  if (leaderEpoch < tail.epoch) {
    throw new GregorError('FENCED_LEADER_EPOCH', `append in leader epoch ${leaderEpoch}, the log is at epoch ${tail.epoch}`, core.context);
  }
}

function planLeader(tail: Tail, frames: BatchFrame[], leaderEpoch: number): void {
  for (const f of frames) {
    f.baseOffset = tail.nextOffset;
    f.partitionLeaderEpoch = leaderEpoch;
    tail.nextOffset += BigInt(f.lastOffsetDelta) + 1n;
  }
  tail.epoch = leaderEpoch;
}

function planFollower(core: PartitionCore, tail: Tail, frames: BatchFrame[]): void {
  for (const f of frames) {
    // Later than the log end is a gap compaction left in the leader's log
    // (Kafka's followers accept any increasing offsets); earlier would overlap.
    if (f.baseOffset < tail.nextOffset) {
      throw new GregorError('OFFSET_OUT_OF_RANGE', `follower batch starts at ${f.baseOffset}, the log continues at ${tail.nextOffset}`, {
        ...core.context,
        expectedOffset: tail.nextOffset,
      });
    }
    tail.nextOffset = f.baseOffset + BigInt(f.lastOffsetDelta) + 1n;
  }
  // Kafka's epoch-cache rule (see assignEpoch) makes the last batch's epoch the latest.
  for (const f of frames) if (f.partitionLeaderEpoch >= 0) tail.epoch = f.partitionLeaderEpoch;
}

/**
 * The producer-state verdict on a leader item: undefined to append it, or
 * its outcome without appending (a duplicate's original offsets, or the
 * error). Batches are judged in order, each against the state the earlier
 * ones leave. A duplicate is only recognised as a whole item: a request
 * that mixes a duplicate with new batches could not be answered with one
 * base offset, and well-behaved clients send one batch per partition.
 */
function checkProducers(core: PartitionCore, overlay: Map<bigint, ProducerEntry>, frames: readonly BatchFrame[]): AppendOutcome | undefined {
  let local: Map<bigint, ProducerEntry> | undefined;
  for (const f of frames) {
    if (!hasProducerId(f) || f.isControl) continue;
    const entry = local?.get(f.producerId) ?? overlay.get(f.producerId) ?? core.producers.pending.get(f.producerId);
    const check = checkProducerBatch(entry, f);
    if (check.kind === 'reject') return new GregorError(check.error, check.message, { ...core.context, producerId: f.producerId, early: check.early === true });
    if (check.kind === 'duplicate') {
      if (frames.length > 1) {
        return new GregorError('DUPLICATE_SEQUENCE_NUMBER', `producer ${f.producerId}: a duplicate batch among ${frames.length} in one request`, {
          ...core.context,
          producerId: f.producerId,
        });
      }
      const o = check.original;
      return { baseOffset: o.firstOffset, lastOffset: o.lastOffset, maxTimestamp: o.timestamp, recordCount: f.recordCount, bytes: 0, duplicate: true };
    }
    // Offsets are not assigned yet; only the sequence matters for the next batch's check.
    (local ??= new Map()).set(f.producerId, applyProducerBatch(entry, f, 0n));
  }
  return undefined;
}

/** Applies the item's producer batches (offsets now final) to the overlay; returns the new entries in order. */
function stageProducers(core: PartitionCore, overlay: Map<bigint, ProducerEntry>, frames: readonly BatchFrame[]): ProducerEntry[] {
  const updates: ProducerEntry[] = [];
  for (const f of frames) {
    if (!hasProducerId(f)) continue;
    const before = overlay.get(f.producerId) ?? core.producers.pending.get(f.producerId);
    const entry = f.isControl ? applyMarkerEpoch(before, f.producerId, f.producerEpoch, f.maxTimestamp) : applyProducerBatch(before, f, f.baseOffset);
    overlay.set(f.producerId, entry);
    updates.push(entry);
  }
  return updates;
}

function summarize(baseOffset: bigint, lastOffset: bigint, buf: Buffer, frames: readonly BatchFrame[]): AppendResult {
  let maxTimestamp = -1n;
  let recordCount = 0;
  for (const f of frames) {
    if (f.maxTimestamp > maxTimestamp) maxTimestamp = f.maxTimestamp;
    recordCount += f.recordCount;
  }
  return { baseOffset, lastOffset, maxTimestamp, recordCount, bytes: buf.length, duplicate: false };
}
