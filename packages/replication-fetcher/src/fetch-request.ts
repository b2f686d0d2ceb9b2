import type { ReplicaFetcherConfig } from './fetcher-config';
import type { PartitionFetch } from './partition-fetch';
import type { ReplicaFetchRequest } from './replication-client';

/**
 * Rotates `items` left by `start` (mod length). The leader fills a response
 * in request order until its byte budget runs out; rotating the order on
 * each fetch keeps a busy partition from starving the ones after it (Kafka's
 * fetch sessions do the same).
 */
export function rotate<T>(items: readonly T[], start: number): T[] {
  if (items.length === 0) return [];
  const s = ((start % items.length) + items.length) % items.length;
  return [...items.slice(s), ...items.slice(0, s)];
}

/**
 * How long the leader may hold this fetch (replica.fetch.wait.max.ms), cut
 * so that the loop is back by the time the first of the partitions sitting
 * out a backoff (`delayedUntilMs`, monotonic) may fetch again. A partition
 * that backs off is not in the request, and the loop sends its next request
 * only when this one is answered: after a leader change — the follower
 * hears of it before the new leader does, gets NOT_LEADER_OR_FOLLOWER and
 * backs off ~50 ms — a long poll for the loop's other, idle partitions kept
 * it out for the whole wait (500 ms), and acks=all produces to it with it.
 */
export function fetchWaitMs(maxWaitMs: number, delayedUntilMs: readonly number[], nowMs: number): number {
  let wait = maxWaitMs;
  for (const until of delayedUntilMs) wait = Math.min(wait, Math.max(0, Math.ceil(until - nowMs)));
  return wait;
}

/**
 * One request for every partition this loop fetches from its leader. Each
 * partition fetches from its own log end offset, with the epoch of its last
 * batch so that the leader can detect divergence. `maxWaitMs`: see fetchWaitMs.
 */
export function buildFetchRequest(
  partitions: readonly PartitionFetch[],
  replicaId: number,
  brokerEpoch: bigint,
  config: ReplicaFetcherConfig,
  rotation: number,
  maxWaitMs = config.maxWaitMs,
): ReplicaFetchRequest {
  return {
    replicaId,
    brokerEpoch,
    maxWaitMs,
    minBytes: config.minBytes,
    maxBytes: config.responseMaxBytes,
    partitions: rotate(partitions, rotation).map((p) => ({
      topic: p.topic,
      partition: p.partition,
      fetchOffset: p.log.logEndOffset,
      lastFetchedEpoch: p.log.latestEpoch(),
      currentLeaderEpoch: p.leaderEpoch,
      partitionMaxBytes: config.partitionMaxBytes,
      logStartOffset: p.log.logStartOffset,
    })),
  };
}
