import { assert, GregorError } from '@gregor/common';
import type { MetadataImage } from './image';

/**
 * Replica placement for new partitions (pure).
 *
 * Kafka's rack-unaware assignment gives partition p the leader
 * brokers[(start + p) % n] and followers shifted round the ring. That keeps
 * leaders even, but when the partition count is not a multiple of the broker
 * count the followers of the last, partial round can pile up (n=5, RF=3, two
 * partitions can leave one broker with two replicas and another with none).
 * Here leaders are the same round-robin, and followers are chosen to hit
 * exact per-broker targets, so both leader counts and replica counts are
 * within one of each other for every (brokers, partitions, RF):
 *
 * - target replicas per broker: floor(P*RF/n), plus one for the first
 *   (P*RF mod n) brokers in preference order; the extra leaders
 *   (P mod n of them) also go to the first brokers, so the sets nest and each
 *   broker's follower demand (target - leaders) is never negative;
 * - partitions are filled in order; each takes its RF-1 followers among
 *   brokers with demand left, most constrained first (least slack between the
 *   partitions still able to take the broker and its demand), then most
 *   demand, then ring distance from the leader shifted each round (Kafka's
 *   shift, so that the same pairs of brokers do not always go together).
 */

/**
 * Assigns replicas for `partitionCount` partitions. `brokers` is the
 * preference order (most preferred first): round-robin leaders start there.
 * Result[p][0] is partition p's (preferred) leader.
 */
export function assignReplicas(brokers: readonly number[], partitionCount: number, replicationFactor: number): number[][] {
  const n = brokers.length;
  if (!Number.isInteger(partitionCount) || partitionCount < 1) {
    throw new GregorError('INVALID_PARTITIONS', `number of partitions must be at least 1, got ${partitionCount}`);
  }
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
    throw new GregorError('INVALID_REPLICATION_FACTOR', `replication factor must be at least 1, got ${replicationFactor}`);
  }
  if (replicationFactor > n) {
    throw new GregorError(
      'INVALID_REPLICATION_FACTOR',
      `replication factor ${replicationFactor} is larger than the number of available brokers (${n})`,
    );
  }
  assert(new Set(brokers).size === n, `duplicate broker in [${brokers.join(',')}]`);

  const P = partitionCount;
  const leaderIdx = (p: number): number => p % n;
  const total = P * replicationFactor;
  const demand: number[] = [];
  // Partitions from the current one on whose leader is not broker i.
  const openSlots: number[] = [];
  for (let i = 0; i < n; i++) {
    const leaders = Math.floor(P / n) + (i < P % n ? 1 : 0);
    const target = Math.floor(total / n) + (i < total % n ? 1 : 0);
    assert(target >= leaders, `placement target ${target} below leader count ${leaders}`);
    demand.push(target - leaders);
    openSlots.push(P - leaders);
  }

  const result: number[][] = [];
  for (let p = 0; p < P; p++) {
    const li = leaderIdx(p);
    const shift = n > 1 ? Math.floor(p / n) % (n - 1) : 0;
    const candidates: number[] = [];
    for (let i = 0; i < n; i++) if (i !== li && demand[i]! > 0) candidates.push(i);
    const ring = (i: number): number => ((((i - li - 1 + n) % n) - shift) % (n - 1) + (n - 1)) % (n - 1);
    candidates.sort((a, b) => {
      const slackA = openSlots[a]! - demand[a]!;
      const slackB = openSlots[b]! - demand[b]!;
      if (slackA !== slackB) return slackA - slackB;
      if (demand[a] !== demand[b]) return demand[b]! - demand[a]!;
      return ring(a) - ring(b);
    });
    const followers = candidates.slice(0, replicationFactor - 1);
    assert(followers.length === replicationFactor - 1, `placement ran out of brokers at partition ${p}`);
    for (const i of followers) demand[i]!--;
    for (let i = 0; i < n; i++) if (i !== li) openSlots[i]!--;
    result.push([brokers[li]!, ...followers.map((i) => brokers[i]!)]);
  }
  assert(
    demand.every((d) => d === 0),
    `placement left demand [${demand.join(',')}]`,
  );
  return result;
}

/**
 * Unfenced brokers, least loaded first, so that successive topics spread over
 * the cluster instead of all starting on the lowest id: by the number of
 * replicas of `topicId` (when adding partitions to it), then replicas of any
 * topic, then leaders, then id.
 */
export function brokerPreferenceOrder(image: MetadataImage, topicId?: string): number[] {
  const load = new Map<number, { inTopic: number; replicas: number; leaders: number }>();
  for (const id of image.unfencedBrokerIds()) load.set(id, { inTopic: 0, replicas: 0, leaders: 0 });
  for (const t of image.topics()) {
    for (const p of t.partitions) {
      for (const r of p.replicas) {
        const l = load.get(r);
        if (l === undefined) continue;
        l.replicas++;
        if (t.topicId === topicId) l.inTopic++;
      }
      const leader = load.get(p.leader);
      if (leader !== undefined) leader.leaders++;
    }
  }
  return [...load.entries()]
    .sort(([ia, a], [ib, b]) => a.inTopic - b.inTopic || a.replicas - b.replicas || a.leaders - b.leaders || ia - ib)
    .map(([id]) => id);
}
