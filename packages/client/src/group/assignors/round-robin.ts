import type { TopicPartition } from '@gregor/common';
import { compareMembers, emptyAssignment, type PartitionAssignor } from './types';

/**
 * Kafka's RoundRobinAssignor: every partition of every subscribed topic,
 * sorted by topic then partition, dealt in turn to the members (in member
 * order), skipping members not subscribed to the partition's topic. With
 * identical subscriptions counts differ by at most one.
 */
export const roundRobinAssignor: PartitionAssignor = {
  name: 'roundrobin',
  supportedProtocols: ['eager'],
  assign(partitionCounts, members) {
    const out = emptyAssignment(members);
    if (members.length === 0) return out;
    const ordered = [...members].sort(compareMembers);
    const subscribed = ordered.map((m) => new Set(m.subscription.topics));
    const all: TopicPartition[] = [];
    for (const topic of [...new Set(ordered.flatMap((m) => m.subscription.topics))].sort()) {
      const count = partitionCounts.get(topic) ?? 0;
      for (let p = 0; p < count; p++) all.push({ topic, partition: p });
    }
    let next = 0;
    for (const tp of all) {
      // Some member subscribes to tp.topic (it came from a subscription), so this ends.
      while (!subscribed[next % ordered.length]!.has(tp.topic)) next++;
      out.get(ordered[next % ordered.length]!.memberId)!.push(tp);
      next++;
    }
    return out;
  },
};
