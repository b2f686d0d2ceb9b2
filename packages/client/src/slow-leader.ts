import type { Cluster } from './cluster';
import type { MetadataCache } from './metadata';

export interface LedPartitionRef {
  topic: string;
  partition: number;
  /** The leader epoch metadata gave when the request was sent; -1 unknown. */
  leaderEpoch: number;
}

/**
 * The first of `partitions` that metadata says another broker than `node`
 * leads now, in a newer leader epoch than the request was sent in (an
 * answer from a broker further behind than the one we had does not count,
 * nor does a leaderless partition).
 */
export function movedAwayFrom(
  metadata: Pick<MetadataCache, 'partition'>,
  node: number,
  partitions: readonly LedPartitionRef[],
): (LedPartitionRef & { leader: number }) | undefined {
  for (const p of partitions) {
    const now = metadata.partition(p.topic, p.partition);
    if (now !== undefined && now.leader >= 0 && now.leader !== node && now.leaderEpoch > p.leaderEpoch) return { ...p, leader: now.leader };
  }
  return undefined;
}

/**
 * Watches one request to the leader `node` (the producer's Produce): once
 * it has waited `cluster.opts.slowLeaderCheckMs` without an answer, metadata
 * is refreshed from the other brokers first (`distrust`: a leader cut off
 * from the cluster still believes it leads), and `onMoved` is called — once
 * — if another broker leads one of `partitions` now. While leadership has
 * not moved it checks again every quarter of the bound (at least 100 ms;
 * the refreshes are coalesced across requests by the Cluster). Returns
 * `stop`, to call when the request ends; a bound of 0 watches nothing.
 */
export function watchSlowLeader(
  cluster: Cluster,
  node: number,
  partitions: readonly LedPartitionRef[],
  onMoved: (moved: LedPartitionRef & { leader: number }, waitedMs: number) => void,
): () => void {
  const firstMs = cluster.opts.slowLeaderCheckMs;
  if (firstMs <= 0) return () => undefined;
  const startedMs = cluster.opts.clock.monotonicMs();
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    timer = undefined;
    if (done || cluster.isClosed) return;
    cluster.distrust(node);
    void cluster.requestRefresh().then(() => {
      if (done) return;
      const moved = movedAwayFrom(cluster.metadata, node, partitions);
      if (moved !== undefined) {
        done = true;
        onMoved(moved, cluster.opts.clock.monotonicMs() - startedMs);
        return;
      }
      timer = setTimeout(check, Math.max(100, firstMs / 4));
      timer.unref();
    });
  };
  timer = setTimeout(check, firstMs);
  timer.unref();
  return () => {
    done = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
