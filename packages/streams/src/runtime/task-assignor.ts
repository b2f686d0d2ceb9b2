import type { GroupMember, PartitionAssignor, PartitionCounts } from '@gregor/client';
import { compareMembers } from '@gregor/client';
import type { TopicPartition } from '@gregor/common';
import type { TaskId } from '../processor/task';

/** What the assignor needs of the topology: each sub-topology's source topics (resolved names). */
export type TaskTopics = ReadonlyMap<number, readonly string[]>;

/** Every task of the application: one per sub-topology and partition up to its largest source topic (pure). */
export function allTasks(taskTopics: TaskTopics, partitionCounts: PartitionCounts): TaskId[] {
  const out: TaskId[] = [];
  for (const [subtopology, topics] of [...taskTopics].sort((a, b) => a[0] - b[0])) {
    const n = Math.max(0, ...topics.map((t) => partitionCounts.get(t) ?? 0));
    for (let partition = 0; partition < n; partition++) out.push({ subtopology, partition });
  }
  return out;
}

/** The topic-partitions a task reads: partition p of each of its source topics that has one. */
export function taskPartitions(task: TaskId, taskTopics: TaskTopics, partitionCounts: PartitionCounts): TopicPartition[] {
  return (taskTopics.get(task.subtopology) ?? []).filter((t) => (partitionCounts.get(t) ?? 0) > task.partition).map((topic) => ({ topic, partition: task.partition }));
}

/**
 * The group assignor of a streams application: it assigns tasks, not
 * partitions, so every partition of a task — all the topics a join reads,
 * for one partition number — lands on the same member. Tasks are ordered
 * by sub-topology then partition and dealt round-robin over the members
 * in Kafka's member order, one deal running on from the last: each member
 * gets within one of the same number of tasks, and of each sub-topology's
 * tasks, so stateful tasks spread as evenly as stateless ones. Eager
 * protocol: a rebalance revokes every task first (commit, close), then
 * assigns. Stickiness (keeping tasks where their state is) is not built.
 */
export function streamsTaskAssignor(taskTopics: TaskTopics): PartitionAssignor {
  return {
    name: 'gregor-streams',
    supportedProtocols: ['eager'],
    assign(partitionCounts, members: readonly GroupMember[]) {
      const out = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
      const ordered = [...members].sort(compareMembers);
      if (ordered.length === 0) return out;
      const tasks = allTasks(taskTopics, partitionCounts);
      tasks.forEach((task, i) => out.get(ordered[i % ordered.length]!.memberId)!.push(...taskPartitions(task, taskTopics, partitionCounts)));
      return out;
    },
  };
}
