import { assert } from '@gregor/common';
import {
  BASE_SEQUENCE_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  ATTRIBUTES_OFFSET,
  isControlBatch,
} from '@gregor/record-batch';
import { Side, dataKey, dataRange, sideKey } from './keys';
import type { Kv, KvOp } from './kv';
import type { PartitionProducers, SnapshotSlot } from './partition-producers';
import { applyMarkerEpoch, applyProducerBatch, decodeProducerSnapshot, encodeProducerSnapshot, hasProducerId, snapshotOffsetOf, type ProducerBatchInfo, type ProducerEntry } from './producer-state';

/**
 * The I/O half of producer state: snapshot side keys, and rebuilding the
 * state from a snapshot plus the headers of the batches after it. Recovery,
 * truncation and retention use it; appends only stage ops.
 */

const REPLAY_READ_AHEAD_BYTES = 1024 * 1024;

export const SNAPSHOT_SIDES = [Side.ProducerSnapshot0, Side.ProducerSnapshot1] as const;

export function snapshotKey(id: number, slot: 0 | 1): Buffer {
  return sideKey(id, SNAPSHOT_SIDES[slot]);
}

/** A batch header as stored, with the producer fields the rules need. */
export function producerInfoOfStoredBatch(value: Buffer): (ProducerBatchInfo & { baseOffset: bigint; isControl: boolean }) {
  return {
    baseOffset: value.readBigInt64BE(0),
    producerId: value.readBigInt64BE(PRODUCER_ID_OFFSET),
    producerEpoch: value.readInt16BE(PRODUCER_EPOCH_OFFSET),
    baseSequence: value.readInt32BE(BASE_SEQUENCE_OFFSET),
    lastOffsetDelta: value.readInt32BE(LAST_OFFSET_DELTA_OFFSET),
    maxTimestamp: value.readBigInt64BE(MAX_TIMESTAMP_OFFSET),
    isControl: isControlBatch(value.readInt16BE(ATTRIBUTES_OFFSET)),
  };
}

/**
 * Ops writing a snapshot of the committed state at `offset` (the log end on
 * disk before the write that carries them), and what to record once that
 * write succeeded; undefined when the newest snapshot already is at `offset`.
 */
export function snapshotOps(id: number, producers: PartitionProducers, offset: bigint, highWatermark: bigint): { ops: KvOp[]; written: () => void } | undefined {
  const plan = producers.planSnapshot(offset, highWatermark);
  if (plan === undefined) return undefined;
  const value = encodeProducerSnapshot(offset, producers.committed.values());
  return {
    ops: [{ type: 'put', key: snapshotKey(id, plan.slot), value }],
    written: () => producers.snapshotWritten(plan.slot, offset, plan.kept),
  };
}

/** Ops removing the snapshots that describe a log past `end` (before a truncation to `end` writes anything). */
export function dropSnapshotsAbove(id: number, slots: readonly SnapshotSlot[], end: bigint): { ops: KvOp[]; kept: SnapshotSlot[] } {
  const ops: KvOp[] = [];
  const kept: SnapshotSlot[] = [];
  for (const s of slots) {
    if (s.offset > end) ops.push({ type: 'del', key: snapshotKey(id, s.slot) });
    else kept.push(s);
  }
  return { ops, kept };
}

/**
 * Prefix deletion moved the log start to `logStartOffset`: a snapshot below
 * it can no longer be replayed from (its batches are gone), and without any
 * snapshot the state of producers whose batches were all deleted would only
 * live in memory. Either way a snapshot of the committed state at
 * `logEndOffset` goes into the same write as the deletion. Only valid where
 * committed is the whole log on disk (an exclusive job). Undefined when
 * nothing needs doing.
 */
export function refreshSnapshotsBelow(
  id: number,
  producers: PartitionProducers,
  logStartOffset: bigint,
  logEndOffset: bigint,
  deletedBatches: number,
): { ops: KvOp[]; written: () => void } | undefined {
  const stale = producers.slots.filter((s) => s.offset < logStartOffset);
  const none = producers.slots.length === 0 && deletedBatches > 0 && producers.committed.size > 0;
  if (stale.length === 0 && !none) return undefined;
  const kept = producers.slots.find((s) => s.offset >= logStartOffset);
  const ops: KvOp[] = stale.map((s) => ({ type: 'del', key: snapshotKey(id, s.slot) }));
  if (kept !== undefined && kept.offset === logEndOffset) return { ops, written: () => (producers.slots = [kept]) };
  const slot: 0 | 1 = kept?.slot === 0 ? 1 : 0;
  ops.push({ type: 'put', key: snapshotKey(id, slot), value: encodeProducerSnapshot(logEndOffset, producers.committed.values()) });
  return { ops, written: () => producers.snapshotWritten(slot, logEndOffset, kept) };
}

export interface RebuiltProducers {
  entries: ProducerEntry[];
  replayedBatches: number;
  replayedBytes: number;
}

/**
 * The producer state of a log that ends at `logEndOffset`: the snapshot
 * (when given; it must describe a prefix of this log) plus every batch from
 * its offset on, or every batch of the log without one. Reads batch values
 * but looks only at their headers.
 */
export async function rebuildProducers(kv: Kv, id: number, snapshot: { offset: bigint; value: Buffer } | undefined, logEndOffset: bigint): Promise<RebuiltProducers> {
  const table = new Map<bigint, ProducerEntry>();
  if (snapshot !== undefined) for (const e of decodeProducerSnapshot(snapshot.value).entries) table.set(e.producerId, e);
  let replayedBatches = 0;
  let replayedBytes = 0;
  const from = snapshot !== undefined ? dataKey(id, snapshot.offset) : dataRange(id).gte;
  if (snapshot === undefined || snapshot.offset < logEndOffset) {
    const it = kv.iterate({ gte: from, lt: dataKey(id, logEndOffset), readAheadBytes: REPLAY_READ_AHEAD_BYTES });
    try {
      for (let e = await it.next(); e !== undefined; e = await it.next()) {
        replayedBatches++;
        replayedBytes += e[1].length;
        const batch = producerInfoOfStoredBatch(e[1]);
        if (!hasProducerId(batch)) continue;
        const before = table.get(batch.producerId);
        table.set(batch.producerId, batch.isControl ? applyMarkerEpoch(before, batch.producerId, batch.producerEpoch, batch.maxTimestamp) : applyProducerBatch(before, batch, batch.baseOffset));
      }
    } finally {
      await it.close();
    }
  }
  return { entries: [...table.values()], replayedBatches, replayedBytes };
}

/**
 * Recovery: the slots found on disk and the state of a log ending at
 * `logEndOffset`, from the newest snapshot at or below it. (Snapshots above
 * the log end cannot exist: a truncation deletes them in its first write.)
 */
export async function recoverProducers(
  kv: Kv,
  id: number,
  values: readonly (Buffer | undefined)[],
  logEndOffset: bigint,
): Promise<RebuiltProducers & { slots: SnapshotSlot[] }> {
  const slots: SnapshotSlot[] = [];
  let best: { offset: bigint; value: Buffer } | undefined;
  values.forEach((value, i) => {
    if (value === undefined) return;
    const offset = snapshotOffsetOf(value);
    assert(offset <= logEndOffset, `partition id ${id}: producer snapshot at ${offset} is past the log end ${logEndOffset}`);
    slots.push({ slot: i as 0 | 1, offset });
    if (best === undefined || offset > best.offset) best = { offset, value };
  });
  return { ...(await rebuildProducers(kv, id, best, logEndOffset)), slots };
}
