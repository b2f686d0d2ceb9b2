import type { MetadataImage, PartitionState } from './image';
import type { PartitionChangeRecord } from './records';

/**
 * Preferred leader election (Kafka's `auto.leader.rebalance.enable`), pure.
 *
 * Placement spreads leaders evenly by making a different broker the first
 * replica of each partition — the *preferred* replica. Failover breaks that:
 * when a broker is fenced its partitions move to other ISR members, and
 * when it comes back it returns only as a follower, so after a rolling
 * restart one broker can lead everything. The active controller therefore
 * checks periodically for partitions whose preferred replica could lead and
 * does not, and moves leadership back to it.
 *
 * A preferred replica may take over only when it is unfenced and in the ISR
 * (it holds everything below the high watermark — the same condition as any
 * clean election, so no acknowledged record is lost). The change names only
 * the leader: the ISR stays as it is, the leader epoch bumps when applied.
 *
 * KRaft ignores `leader.imbalance.per.broker.percentage` and elects every
 * imbalanced partition (bounded per batch); Gregor does the same.
 */

/** Records per write: one Raft entry stays small; the rest go in the next write. */
export const MAX_PREFERRED_ELECTIONS_PER_WRITE = 1000;

/** Why, for the one log line per move (describeChange). */
export const PREFERRED_LEADER_REASON = 'preferred leader election';

/** The preferred replica of `p` if it should lead and does not; else undefined. */
export function preferredLeaderToElect(image: MetadataImage, p: PartitionState): number | undefined {
  const preferred = p.replicas[0];
  if (preferred === undefined || p.leader === preferred) return undefined;
  if (!p.isr.includes(preferred) || !image.isUnfenced(preferred)) return undefined;
  return preferred;
}

/**
 * Leader changes that give partitions back to their preferred replica, in
 * topic-name then partition order, at most `maxMoves` of them.
 */
export function planPreferredLeaderElections(image: MetadataImage, maxMoves = MAX_PREFERRED_ELECTIONS_PER_WRITE): PartitionChangeRecord[] {
  const out: PartitionChangeRecord[] = [];
  for (const topic of image.topics()) {
    for (const p of topic.partitions) {
      if (out.length >= maxMoves) return out;
      const leader = preferredLeaderToElect(image, p);
      if (leader === undefined) continue;
      out.push({ type: 'partition-change', topicId: topic.topicId, partition: p.partition, leader, reason: PREFERRED_LEADER_REASON });
    }
  }
  return out;
}
