import { assert } from '@gregor/common';
import type { PartitionCore } from './partition-log';
import { rebuildProducers, snapshotKey } from './producer-snapshots';
import { PRODUCER_BATCHES_RETAINED, type ProducerEntry } from './producer-state';

/**
 * After a truncation (inside its last exclusive step, so nothing is queued
 * and nothing else reads or writes the partition): producer state for the
 * log as it now ends. A producer whose newest batch lies below the new end
 * was not touched and keeps its entry (`before`, the state when the
 * truncation began). The others come from the newest snapshot at or below
 * the end plus the batches after it — exact — or, when no snapshot is left
 * (truncating more than a snapshot interval below the high watermark, an
 * unclean election, or a young log), from a replay of the whole log, which
 * may remember fewer than five batches of a producer whose older ones
 * retention deleted.
 */
export async function rebuildProducersAfterTruncation(core: PartitionCore, emptied: boolean, before: readonly ProducerEntry[]): Promise<void> {
  const end = core.state.logEndOffset;
  if (emptied) {
    core.producers.reset([], [], 0, 0);
    return;
  }
  const best = core.producers.bestSlotAtOrBelow(end);
  let snapshot: { offset: bigint; value: Buffer } | undefined;
  if (best !== undefined) {
    const [value] = await core.ctx.kv.getMany([snapshotKey(core.id, best.slot)]);
    assert(value !== undefined, `partition id ${core.id}: producer snapshot slot ${best.slot} is missing`);
    snapshot = { offset: best.offset, value };
  }
  const rebuilt = await rebuildProducers(core.ctx.kv, core.id, snapshot, end);
  const entries = new Map(rebuilt.entries.map((e) => [e.producerId, e]));
  for (const pre of before) {
    if ((pre.batches.at(-1)?.lastOffset ?? -1n) < end) entries.set(pre.producerId, pre);
    else if (snapshot === undefined) {
      const merged = mergeOlderBatches(pre, entries.get(pre.producerId), end);
      if (merged === undefined) entries.delete(pre.producerId);
      else entries.set(pre.producerId, merged);
    }
  }
  core.producers.reset(entries.values(), core.producers.slots, rebuilt.replayedBatches, rebuilt.replayedBytes);
}

/**
 * Without a snapshot the replay only sees batches still in the log; a
 * producer's cached batches below that (deleted by retention) are put back
 * in front of the replayed ones, as far as the cache before the truncation
 * held them and they are of the same epoch. Undefined: nothing is known.
 */
function mergeOlderBatches(pre: ProducerEntry, replayed: ProducerEntry | undefined, end: bigint): ProducerEntry | undefined {
  const firstReplayed = replayed?.batches[0]?.firstOffset ?? end;
  if (replayed !== undefined && replayed.epoch !== pre.epoch) return replayed;
  const older = pre.batches.filter((b) => b.lastOffset < firstReplayed);
  if (replayed === undefined) return older.length === 0 ? undefined : { ...pre, batches: older, lastTimestamp: older.at(-1)!.timestamp };
  return { ...replayed, batches: [...older, ...replayed.batches].slice(-PRODUCER_BATCHES_RETAINED) };
}
