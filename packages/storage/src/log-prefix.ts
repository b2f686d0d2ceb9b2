import { assert } from '@gregor/common';
import { summarizeStoredBatch } from './batch-frames';
import { truncateEpochsFromStart } from './epoch-cache';
import { baseOffsetOfDataKey, dataRange, timeRange } from './keys';
import type { Kv, KvOp } from './kv';
import type { ChunkResult } from './log-truncate';
import type { PartitionState } from './partition-state';
import type { BatchSummary } from './retention';
import { decodeInt64, encodeInt64 } from './values';

const PREFIX_READ_AHEAD_BYTES = 1024 * 1024;

/**
 * Bytes of batches one maintenance step (retention, DeleteRecords,
 * compaction) reads and rewrites or deletes. A step is an exclusive job on
 * the node's write queue, so every partition's appends wait behind it: with
 * only the batch cap (maintenanceChunkBatches, 1,000), a retention step over
 * 256 KiB produce batches read and deleted up to ~256 MB while produce stood
 * still.
 */
export const MAINTENANCE_STEP_MAX_BYTES = 8 * 1024 * 1024;

/**
 * One step of deleting batches from the start of the log (retention,
 * DeleteRecords): removes leading batches while `shouldDelete` says so, at
 * most `maxBatches` of them and MAINTENANCE_STEP_MAX_BYTES (at least one
 * batch, whatever its size), and moves the log start to the first batch kept
 * (or to `minLogStart` when that is further, which may be inside that batch).
 * Each step is one valid state on its own, so steps can interleave with
 * appends to other partitions and a crash between them is harmless.
 *
 * The time index is trimmed with the data. If the first kept batch had no
 * entry of its own (deleted batches had held the running max), the last
 * deleted entry is re-pointed at it: its key is then an upper bound for the
 * kept batches up to the next entry, which the timestamp lookup handles by
 * scanning headers forward from there.
 */
export async function deletePrefixChunk(
  kv: Kv,
  id: number,
  state: PartitionState,
  shouldDelete: (batch: BatchSummary) => boolean,
  maxBatches: number,
  minLogStart: bigint,
): Promise<ChunkResult & { deleted: number }> {
  const ops: KvOp[] = [];
  let freedBytes = 0;
  let deleted = 0;
  let cut = state.logEndOffset; // first offset kept
  let done = true;
  const data = kv.iterate({ ...dataRange(id), readAheadBytes: PREFIX_READ_AHEAD_BYTES });
  try {
    for (let e = await data.next(); e !== undefined; e = await data.next()) {
      const baseOffset = baseOffsetOfDataKey(e[0]);
      if (deleted === maxBatches || (deleted > 0 && freedBytes + e[1].length > MAINTENANCE_STEP_MAX_BYTES)) {
        cut = baseOffset;
        done = false;
        break;
      }
      if (!shouldDelete({ baseOffset, ...summarizeStoredBatch(e[1]) })) {
        cut = baseOffset;
        break;
      }
      ops.push({ type: 'del', key: e[0] });
      freedBytes += e[1].length;
      deleted++;
    }
  } finally {
    await data.close();
  }

  let maxIndexedTimestamp = state.maxIndexedTimestamp;
  if (deleted > 0) {
    let lastDeleted: { key: Buffer; opIndex: number } | undefined;
    let nextIndexedBase: bigint | undefined;
    const index = kv.iterate({ ...timeRange(id) });
    try {
      for (let e = await index.next(); e !== undefined; e = await index.next()) {
        const base = decodeInt64(e[1]);
        if (base >= cut) {
          nextIndexedBase = base;
          break;
        }
        lastDeleted = { key: e[0], opIndex: ops.length };
        ops.push({ type: 'del', key: e[0] });
      }
    } finally {
      await index.close();
    }
    const batchesRemain = cut < state.logEndOffset;
    if (!batchesRemain) maxIndexedTimestamp = undefined;
    else if (lastDeleted !== undefined && nextIndexedBase !== cut) {
      ops[lastDeleted.opIndex] = { type: 'put', key: lastDeleted.key, value: encodeInt64(cut) };
    }
  }

  let logStartOffset = state.logStartOffset;
  if (cut > logStartOffset) logStartOffset = cut;
  // Truncation may have moved the end below a DeleteRecords target since it was checked.
  const target = minLogStart < state.logEndOffset ? minLogStart : state.logEndOffset;
  if (target > logStartOffset) logStartOffset = target;
  const next: PartitionState = {
    logStartOffset,
    logEndOffset: state.logEndOffset,
    sizeBytes: state.sizeBytes - freedBytes,
    epochs: truncateEpochsFromStart(state.epochs, logStartOffset),
    maxIndexedTimestamp,
  };
  assert(next.sizeBytes >= 0, `partition size went negative (${next.sizeBytes}) deleting from partition id ${id}`);
  return { ops, next, done, deleted };
}
