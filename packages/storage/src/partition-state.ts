import { assert } from '@gregor/common';
import type { BatchFrame } from './batch-frames';
import { assignEpoch, type EpochEntry } from './epoch-cache';
import { Side, dataKey, sideKey, timeKey } from './keys';
import type { KvOp } from './kv';
import { encodeEpochs, encodeInt64, encodeSize } from './values';

/**
 * What a partition's keys say, held in memory so that appends and reads need
 * no lookups. Only ever replaced after the LevelDB write that makes it true
 * has succeeded, so readers never see offsets that are not on disk.
 *
 * Invariants: logStartOffset <= logEndOffset; the batches on disk are in
 * increasing, non-overlapping offset order and end at logEndOffset; the
 * first batch contains or follows logStartOffset (or there are none and
 * logStartOffset == logEndOffset). Offsets between batches are gaps left by
 * compaction (log-compact.ts): they hold no record, and reads skip them.
 */
export interface PartitionState {
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly sizeBytes: number;
  readonly epochs: readonly EpochEntry[];
  /**
   * The newest time-index key, i.e. the running max timestamp of the batches
   * it covers; undefined when the index is empty.
   */
  readonly maxIndexedTimestamp: bigint | undefined;
}

export const emptyPartitionState = (startOffset: bigint): PartitionState => ({
  logStartOffset: startOffset,
  logEndOffset: startOffset,
  sizeBytes: 0,
  epochs: [],
  maxIndexedTimestamp: undefined,
});

/** A partition's state while a group write is being built. */
export type StagedState = { -readonly [K in keyof PartitionState]: PartitionState[K] };

/**
 * Adds the keys for `frames` (offsets already final) to `ops` and advances
 * `s`. A time-index entry is written only when a batch raises the running max
 * timestamp, which keeps the index small and both its keys and values sorted.
 */
export function stageBatches(s: StagedState, id: number, buf: Buffer, frames: readonly BatchFrame[], ops: KvOp[]): void {
  for (const f of frames) {
    // Greater only for a follower copying a gap that compaction left in the leader's log.
    assert(f.baseOffset >= s.logEndOffset, `batch at ${f.baseOffset} would overlap log end ${s.logEndOffset} (partition id ${id})`);
    ops.push({ type: 'put', key: dataKey(id, f.baseOffset), value: buf.subarray(f.pos, f.pos + f.size) });
    s.sizeBytes += f.size;
    s.logEndOffset = f.baseOffset + BigInt(f.lastOffsetDelta) + 1n;
    if (s.maxIndexedTimestamp === undefined || f.maxTimestamp > s.maxIndexedTimestamp) {
      ops.push({ type: 'put', key: timeKey(id, f.maxTimestamp), value: encodeInt64(f.baseOffset) });
      s.maxIndexedTimestamp = f.maxTimestamp;
    }
    s.epochs = assignEpoch(s.epochs, f.partitionLeaderEpoch, f.baseOffset);
  }
}

/** The side keys that differ between `before` and `after`. */
export function sideKeyOps(id: number, before: PartitionState, after: PartitionState): KvOp[] {
  const ops: KvOp[] = [];
  if (after.sizeBytes !== before.sizeBytes) ops.push({ type: 'put', key: sideKey(id, Side.SizeBytes), value: encodeSize(after.sizeBytes) });
  if (after.logStartOffset !== before.logStartOffset) {
    ops.push({ type: 'put', key: sideKey(id, Side.LogStartOffset), value: encodeInt64(after.logStartOffset) });
  }
  if (after.epochs !== before.epochs) ops.push({ type: 'put', key: sideKey(id, Side.Epochs), value: encodeEpochs(after.epochs) });
  return ops;
}
