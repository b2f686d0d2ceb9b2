import type { FetchedOffset, ListedGroup } from '@gregor/group-coordinator';

/** One partition of one consumer group: records between its committed offset and the high watermark. */
export interface ConsumerGroupLag {
  group: string;
  topic: string;
  partition: number;
  lag: bigint;
}

/** At most this many series per scrape: a bound on the work and on the metric's cardinality. */
export const MAX_LAG_SERIES = 10_000;

/**
 * Pure: lag per committed partition of the groups this broker coordinates,
 * from the leader's high watermark as `highWatermark` knows it (the broker
 * passes its own where it leads, else RemoteHighWatermarks' cache).
 * Partitions whose HW is unknown (not fetched yet, stale) are skipped: no
 * series rather than a wrong one. Never negative. Bounded by MAX_LAG_SERIES.
 */
export function computeGroupLags(
  groups: readonly ListedGroup[],
  committed: (groupId: string) => readonly FetchedOffset[],
  highWatermark: (topic: string, partition: number) => bigint | undefined,
  limit = MAX_LAG_SERIES,
): ConsumerGroupLag[] {
  const out: ConsumerGroupLag[] = [];
  for (const g of groups) {
    for (const o of committed(g.groupId)) {
      if (out.length >= limit) return out;
      if (o.error !== 'NONE' || o.offset < 0n) continue;
      const hw = highWatermark(o.topic, o.partition);
      if (hw === undefined) continue;
      out.push({ group: g.groupId, topic: o.topic, partition: o.partition, lag: hw > o.offset ? hw - o.offset : 0n });
    }
  }
  return out;
}
