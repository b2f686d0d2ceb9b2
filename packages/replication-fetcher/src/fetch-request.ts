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
 * One request for every partition this loop fetches from its leader. Each
 * partition fetches from its own log end offset, with the epoch of its last
 * batch so that the leader can detect divergence.
 */
export function buildFetchRequest(
  partitions: readonly PartitionFetch[],
  replicaId: number,
  brokerEpoch: bigint,
  config: ReplicaFetcherConfig,
  rotation: number,
): ReplicaFetchRequest {
  return {
    replicaId,
    brokerEpoch,
    maxWaitMs: config.maxWaitMs,
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
