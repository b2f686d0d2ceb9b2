/** One partition a fetch asks for, as both Fetch and FetchFromLeader carry it. */
export interface FetchTarget {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

interface FetchPartitionShape {
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes: number;
  readonly currentLeaderEpoch: number;
}

/**
 * Every partition of a fetch request, flattened in request order (the order
 * the KIP-74 byte budget is spent in). `extend` adds what one API carries
 * beyond the common fields.
 */
export function fetchTargets<P extends FetchPartitionShape, T extends FetchTarget>(
  topics: readonly { readonly name: string; readonly partitions: readonly P[] }[],
  extend: (target: FetchTarget, partition: P) => T,
): T[] {
  const targets: T[] = [];
  for (const topic of topics) {
    for (const p of topic.partitions) {
      const target: FetchTarget = {
        topic: topic.name,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      };
      targets.push(extend(target, p));
    }
  }
  return targets;
}
