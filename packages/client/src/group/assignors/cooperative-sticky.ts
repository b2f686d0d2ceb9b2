import { tpKey, type TopicPartition } from '@gregor/common';
import { compareMembers, compareTopicPartitions, type GroupMember, type PartitionAssignor, type PartitionCounts } from './types';

/**
 * Kafka's CooperativeStickyAssignor (KIP-429), written from its contract:
 * balanced (counts within one when all members subscribe to the same
 * topics; otherwise no partition could move to an eligible member with at
 * least two fewer), sticky (members keep the partitions they own, up to
 * their share), and cooperative: a partition that must move from one
 * member to another is left out of this assignment, so its owner revokes
 * it first; the owner then rejoins and the next rebalance gives it to its
 * new member. Nobody stops consuming the partitions that do not move.
 *
 * Ownership comes from each member's subscription (ownedPartitions with
 * the generation they are from). If two members claim a partition, the
 * claim from the newer generation wins (the other member missed a
 * rebalance); on a tie the first member in member order keeps it.
 */
export const cooperativeStickyAssignor: PartitionAssignor = {
  name: 'cooperative-sticky',
  supportedProtocols: ['cooperative', 'eager'],
  assign(partitionCounts, members) {
    return stickyAssign(partitionCounts, members);
  },
};

export function stickyAssign(partitionCounts: PartitionCounts, members: readonly GroupMember[]): Map<string, TopicPartition[]> {
  const ordered = [...members].sort(compareMembers);
  const out = new Map<string, TopicPartition[]>(ordered.map((m) => [m.memberId, []]));
  if (ordered.length === 0) return out;
  const subscribed = new Map(ordered.map((m) => [m.memberId, new Set(m.subscription.topics)]));
  const exists = (tp: TopicPartition): boolean => Number.isInteger(tp.partition) && tp.partition >= 0 && tp.partition < (partitionCounts.get(tp.topic) ?? 0);

  // Who owns what now, after resolving conflicting claims.
  const owner = new Map<string, { memberId: string; generation: number; tp: TopicPartition }>();
  for (const m of ordered) {
    for (const tp of m.subscription.ownedPartitions) {
      if (!exists(tp) || !subscribed.get(m.memberId)!.has(tp.topic)) continue;
      const key = tpKey(tp.topic, tp.partition);
      const prev = owner.get(key);
      if (prev === undefined || m.subscription.generationId > prev.generation) owner.set(key, { memberId: m.memberId, generation: m.subscription.generationId, tp });
    }
  }

  const all: TopicPartition[] = [];
  for (const topic of [...new Set(ordered.flatMap((m) => m.subscription.topics))].sort()) {
    const count = partitionCounts.get(topic) ?? 0;
    for (let p = 0; p < count; p++) all.push({ topic, partition: p });
  }
  const owned = new Map<string, TopicPartition[]>(ordered.map((m) => [m.memberId, []]));
  for (const { memberId, tp } of owner.values()) owned.get(memberId)!.push(tp);
  for (const list of owned.values()) list.sort(compareTopicPartitions);

  const sameTopics = ordered.every((m) => sameSet(subscribed.get(m.memberId)!, subscribed.get(ordered[0]!.memberId)!));
  const assigned = sameTopics ? constrained(ordered, all, owned) : general(ordered, all, owned, subscribed);

  // Cooperative: what moves between members is withheld this round. Any
  // claim counts here, even one ignored above (stale generation, topic no
  // longer subscribed): its member may still be consuming the partition
  // until it revokes it.
  const claimants = new Map<string, Set<string>>();
  for (const m of ordered) {
    for (const tp of m.subscription.ownedPartitions) {
      const key = tpKey(tp.topic, tp.partition);
      let set = claimants.get(key);
      if (set === undefined) claimants.set(key, (set = new Set()));
      set.add(m.memberId);
    }
  }
  for (const m of ordered) {
    const kept = assigned.get(m.memberId)!.filter((tp) => {
      const key = tpKey(tp.topic, tp.partition);
      if (owner.get(key)?.memberId === m.memberId) return true;
      const others = claimants.get(key);
      return others === undefined || (others.size === 1 && others.has(m.memberId));
    });
    out.set(m.memberId, kept.sort(compareTopicPartitions));
  }
  return out;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * Equal subscriptions: quotas are floor(n/k) and, for n % k members,
 * one more. Each member keeps owned partitions up to its quota (the first
 * members in order take the larger quotas they already fill), then the
 * rest are dealt to members below their quota.
 */
function constrained(ordered: readonly GroupMember[], all: readonly TopicPartition[], owned: ReadonlyMap<string, TopicPartition[]>): Map<string, TopicPartition[]> {
  const n = all.length;
  const k = ordered.length;
  const minQuota = Math.floor(n / k);
  const maxQuota = Math.ceil(n / k);
  let maxSlots = n % k;
  const out = new Map<string, TopicPartition[]>();
  const taken = new Set<string>();
  for (const m of ordered) {
    let kept = owned.get(m.memberId)!.slice(0, maxQuota);
    if (kept.length > minQuota) {
      if (maxSlots > 0) maxSlots--;
      else kept = kept.slice(0, minQuota);
    }
    for (const tp of kept) taken.add(tpKey(tp.topic, tp.partition));
    out.set(m.memberId, kept);
  }
  const free = all.filter((tp) => !taken.has(tpKey(tp.topic, tp.partition)));
  let next = 0;
  for (const m of ordered) {
    const list = out.get(m.memberId)!;
    while (list.length < minQuota && next < free.length) list.push(free[next++]!);
  }
  for (const m of ordered) {
    if (next >= free.length) break;
    const list = out.get(m.memberId)!;
    if (list.length === minQuota && maxSlots > 0) {
      list.push(free[next++]!);
      maxSlots--;
    }
  }
  if (next !== free.length) throw new Error(`sticky assignment left ${free.length - next} partitions unassigned`);
  return out;
}

/**
 * Different subscriptions: owned partitions stay; free ones go, most
 * constrained first (fewest eligible members), to the eligible member with
 * the fewest; then partitions move from a member to an eligible one with at
 * least two fewer until none can (each move lowers the sum of squared
 * counts, so this ends). Partitions a member did not own move first.
 */
function general(
  ordered: readonly GroupMember[],
  all: readonly TopicPartition[],
  owned: ReadonlyMap<string, TopicPartition[]>,
  subscribed: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>(ordered.map((m) => [m.memberId, [...owned.get(m.memberId)!]]));
  const ownedKeys = new Map(ordered.map((m) => [m.memberId, new Set(owned.get(m.memberId)!.map((tp) => tpKey(tp.topic, tp.partition)))]));
  const taken = new Set([...ownedKeys.values()].flatMap((s) => [...s]));
  const eligible = (topic: string): GroupMember[] => ordered.filter((m) => subscribed.get(m.memberId)!.has(topic));
  const free = all.filter((tp) => !taken.has(tpKey(tp.topic, tp.partition)));
  const eligibleCount = new Map<string, number>();
  for (const tp of free) if (!eligibleCount.has(tp.topic)) eligibleCount.set(tp.topic, eligible(tp.topic).length);
  free.sort((a, b) => eligibleCount.get(a.topic)! - eligibleCount.get(b.topic)! || compareTopicPartitions(a, b));
  const fewest = (candidates: GroupMember[]): GroupMember => candidates.reduce((best, m) => (out.get(m.memberId)!.length < out.get(best.memberId)!.length ? m : best));
  for (const tp of free) out.get(fewest(eligible(tp.topic)).memberId)!.push(tp);

  for (let moved = true; moved; ) {
    moved = false;
    const byCount = [...ordered].sort((a, b) => out.get(b.memberId)!.length - out.get(a.memberId)!.length || compareMembers(a, b));
    search: for (const a of byCount) {
      const list = out.get(a.memberId)!;
      const candidates = [...list].sort((x, y) => Number(ownedKeys.get(a.memberId)!.has(tpKey(x.topic, x.partition))) - Number(ownedKeys.get(a.memberId)!.has(tpKey(y.topic, y.partition))));
      for (const tp of candidates) {
        const targets = eligible(tp.topic).filter((b) => out.get(b.memberId)!.length + 1 < list.length);
        if (targets.length === 0) continue;
        const b = fewest(targets);
        list.splice(list.indexOf(tp), 1);
        out.get(b.memberId)!.push(tp);
        moved = true;
        break search;
      }
    }
  }
  return out;
}
