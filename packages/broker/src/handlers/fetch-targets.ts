import { int64 } from '../wire';

/** One partition a fetch asks for, as both Fetch and FetchFromLeader carry it. */
export interface FetchTarget {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

interface WireFetchPartition {
  partition: number;
  fetchOffset: string;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

/**
 * Every partition of a fetch request, flattened in request order (the order
 * the KIP-74 byte budget is spent in), its offset parsed as int64. `extend`
 * adds what one API carries beyond the common fields.
 */
export function fetchTargets<P extends WireFetchPartition, T extends FetchTarget>(
  topics: readonly { name: string; partitions: readonly P[] }[],
  extend: (target: FetchTarget, wire: P) => T,
): T[] {
  const targets: T[] = [];
  for (const topic of topics) {
    for (const p of topic.partitions) {
      const target: FetchTarget = {
        topic: topic.name,
        partition: p.partition,
        fetchOffset: int64(p.fetchOffset, 'fetch_offset'),
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      };
      targets.push(extend(target, p));
    }
  }
  return targets;
}
