import { assert } from '@gregor/common';
import { summarizeStoredBatch } from './batch-frames';
import { Side, dataRange, sideKey, timeRange, timestampOfTimeKey } from './keys';
import type { Kv } from './kv';
import type { PartitionState } from './partition-state';
import { SNAPSHOT_SIDES, recoverProducers } from './producer-snapshots';
import { decodeEpochs, decodeInt64, decodeSize } from './values';

/**
 * A partition's state after a restart, without scanning its data: one
 * multi-get of the side keys, one reverse seek to the last batch (log end =
 * its lastOffset + 1) and one to the newest time-index entry (the running max
 * timestamp). Side keys were written in the same LevelDB write as the batches
 * they describe, so they agree with the data whatever moment a crash hit.
 *
 * Producer state comes from the newest snapshot side key plus the headers
 * of the batches written after it: none after a clean close (which
 * snapshots every partition), at most about one snapshot interval after a
 * crash.
 */
export async function recoverPartition(kv: Kv, id: number): Promise<{ state: PartitionState; highWatermark: bigint; producers: Awaited<ReturnType<typeof recoverProducers>> }> {
  const [logStart, hw, size, epochs, snapshot0, snapshot1] = await kv.getMany([
    sideKey(id, Side.LogStartOffset),
    sideKey(id, Side.HighWatermark),
    sideKey(id, Side.SizeBytes),
    sideKey(id, Side.Epochs),
    sideKey(id, SNAPSHOT_SIDES[0]),
    sideKey(id, SNAPSHOT_SIDES[1]),
  ]);
  const last = await kv.first({ ...dataRange(id), reverse: true });
  const newestIndexEntry = await kv.first({ ...timeRange(id), reverse: true, keysOnly: true });
  const logStartOffset = logStart === undefined ? 0n : decodeInt64(logStart);
  const logEndOffset = last === undefined ? logStartOffset : summarizeStoredBatch(last[1]).lastOffset + 1n;
  assert(logStartOffset <= logEndOffset, `partition id ${id}: log start ${logStartOffset} is past log end ${logEndOffset}`);
  const state: PartitionState = {
    logStartOffset,
    logEndOffset,
    sizeBytes: size === undefined ? 0 : decodeSize(size),
    epochs: epochs === undefined ? [] : decodeEpochs(epochs),
    maxIndexedTimestamp: newestIndexEntry === undefined ? undefined : timestampOfTimeKey(newestIndexEntry[0]),
  };
  const producers = await recoverProducers(kv, id, [snapshot0, snapshot1], logEndOffset);
  return { state, highWatermark: hw === undefined ? logStartOffset : decodeInt64(hw), producers };
}
