import { assert } from '@gregor/common';
import { summarizeStoredBatch } from './batch-frames';
import { truncateEpochsFromEnd } from './epoch-cache';
import { baseOffsetOfDataKey, dataKey, dataRange, timeRange, timestampOfTimeKey } from './keys';
import type { Kv, KvOp } from './kv';
import type { PartitionState } from './partition-state';
import { decodeInt64 } from './values';

/**
 * Where the log ends after truncateTo(`target`): batches are never split, so
 * when `target` falls inside a batch that batch goes too and the log ends at
 * its base offset. With no batch at or below `target` (it lies before all the
 * data) the log becomes empty and starts and ends at `target`, as Kafka's
 * truncateFullyAndStartAt does. A target in a gap left by compaction ends the
 * log where the data before the gap ends (no record is lost: the gap has none).
 */
export async function truncationPoint(kv: Kv, id: number, target: bigint, logStartOffset: bigint): Promise<bigint> {
  const containing = await kv.first({ gte: dataRange(id).gte, lte: dataKey(id, target), reverse: true });
  // In a compaction gap before the first batch: the log empties at its start
  // (recovery computes the end from the last batch, so the end must be one
  // a restart would find).
  if (containing === undefined) return target < logStartOffset ? target : logStartOffset;
  const base = baseOffsetOfDataKey(containing[0]);
  const last = summarizeStoredBatch(containing[1]).lastOffset;
  // In a compaction gap: end right after the batch before it, for the same reason.
  return last >= target ? base : last + 1n;
}

export interface ChunkResult {
  ops: KvOp[];
  next: PartitionState;
  done: boolean;
}

/**
 * One step of truncating to `newEnd`: removes at most `maxBatches` batches
 * from the end, with their time-index entries, in ops that also carry the side
 * keys for the shorter log. Every step on its own is a valid truncation, so a
 * crash between steps leaves a consistent (if not yet fully truncated) log,
 * and a huge truncation never builds a huge write.
 */
export async function truncateChunk(kv: Kv, id: number, state: PartitionState, newEnd: bigint, maxBatches: number): Promise<ChunkResult> {
  const ops: KvOp[] = [];
  let freedBytes = 0;
  let chunkEnd = newEnd;
  let lastBase: bigint | undefined;
  let taken = 0;
  const data = kv.iterate({ gte: dataKey(id, newEnd), lt: dataRange(id).lt, reverse: true, limit: maxBatches + 1 });
  try {
    for (let e = await data.next(); e !== undefined; e = await data.next()) {
      if (taken === maxBatches) {
        chunkEnd = lastBase!; // more remain below: this step ends at the lowest batch it removed
        break;
      }
      lastBase = baseOffsetOfDataKey(e[0]);
      ops.push({ type: 'del', key: e[0] });
      freedBytes += e[1].length;
      taken++;
    }
  } finally {
    await data.close();
  }

  // Index entries are sorted by value too, so the ones for removed batches are a tail.
  let maxIndexedTimestamp: bigint | undefined;
  const index = kv.iterate({ ...timeRange(id), reverse: true });
  try {
    for (let e = await index.next(); e !== undefined; e = await index.next()) {
      if (decodeInt64(e[1]) < chunkEnd) {
        maxIndexedTimestamp = timestampOfTimeKey(e[0]);
        break;
      }
      ops.push({ type: 'del', key: e[0] });
    }
  } finally {
    await index.close();
  }

  const next: PartitionState = {
    logStartOffset: state.logStartOffset < chunkEnd ? state.logStartOffset : chunkEnd,
    logEndOffset: chunkEnd,
    sizeBytes: state.sizeBytes - freedBytes,
    epochs: truncateEpochsFromEnd(state.epochs, chunkEnd),
    maxIndexedTimestamp,
  };
  assert(next.sizeBytes >= 0, `partition size went negative (${next.sizeBytes}) truncating partition id ${id}`);
  return { ops, next, done: chunkEnd === newEnd };
}
