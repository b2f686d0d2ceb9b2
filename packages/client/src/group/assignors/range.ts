import { compareMembers, emptyAssignment, type PartitionAssignor } from './types';

/**
 * Kafka's RangeAssignor: per topic, the subscribers in member order get
 * consecutive ranges; the first `n % k` get one extra partition. Co-located
 * partitions of equally partitioned topics land together (partition i of
 * every topic goes to the same member), which joins rely on; the price is
 * imbalance across many topics (the first members get the extras of each).
 */
export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  supportedProtocols: ['eager'],
  assign(partitionCounts, members) {
    const out = emptyAssignment(members);
    const topics = new Set(members.flatMap((m) => m.subscription.topics));
    for (const topic of [...topics].sort()) {
      const count = partitionCounts.get(topic);
      if (count === undefined) continue;
      const subscribers = members.filter((m) => m.subscription.topics.includes(topic)).sort(compareMembers);
      const per = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      subscribers.forEach((m, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        const list = out.get(m.memberId)!;
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p });
      });
    }
    return out;
  },
};
