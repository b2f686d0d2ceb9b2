import { GregorError } from '@gregor/common';
import { changelogTopic, resolveTopic } from '../topology/nodes';
import type { Subtopology } from '../topology/subtopologies';
import type { Topology } from '../topology/topology';

export interface InternalTopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly kind: 'repartition' | 'changelog';
  readonly configs: Readonly<Record<string, string>>;
}

export interface TopicPlan {
  /** Tasks per sub-topology: the largest partition count among its source topics. */
  readonly taskCounts: ReadonlyMap<number, number>;
  /** Partition count of every source topic, user and internal (resolved names). */
  readonly partitionCounts: ReadonlyMap<string, number>;
  readonly internalTopics: readonly InternalTopicSpec[];
}

/**
 * Works out the internal topics and the task counts from the user topics'
 * partition counts (pure). A repartition topic gets as many partitions as
 * the sub-topology writing it has tasks (Kafka's default); a changelog as
 * many as its store's sub-topology, partition p belonging to task p.
 * Co-partitioning is checked here: topics joined in one sub-topology must
 * have equal partition counts, else the application cannot start.
 */
export function planTopics(topology: Topology, applicationId: string, userPartitions: ReadonlyMap<string, number>): TopicPlan {
  const subs = topology.subtopologies();
  const counts = new Map<string, number>();
  for (const s of subs) {
    for (const t of s.sourceTopics) {
      if (t.internal) continue;
      const n = userPartitions.get(t.name);
      if (n === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `source topic "${t.name}" does not exist: create it before starting the application`, { topic: t.name });
      counts.set(t.name, n);
    }
  }
  const writers = repartitionWriters(subs, applicationId);
  const taskCounts = new Map<number, number>();
  // Resolve sub-topologies whose sources are all known; each round resolves at least one (the graph is acyclic through repartition topics).
  for (let round = 0; taskCounts.size < subs.length; round++) {
    if (round > subs.length) throw new GregorError('INVALID_CONFIG', 'invalid topology: repartition topics form a cycle');
    for (const s of subs) {
      if (taskCounts.has(s.id)) continue;
      const sources = s.sourceTopics.map((t) => resolveTopic(applicationId, t));
      const known = sources.map((t) => counts.get(t) ?? internalCount(t, writers, taskCounts));
      if (known.some((n) => n === undefined)) continue;
      s.sourceTopics.forEach((_t, i) => counts.set(sources[i]!, known[i]!));
      taskCounts.set(s.id, Math.max(...(known as number[])));
    }
  }
  checkCopartitioned(topology, applicationId, counts);
  const internalTopics: InternalTopicSpec[] = [];
  for (const [topic] of writers) {
    internalTopics.push({ topic, partitions: counts.get(topic)!, kind: 'repartition', configs: { 'cleanup.policy': 'delete' } });
  }
  for (const s of subs) {
    for (const store of s.stores) {
      if (!topology.store(store)!.logging) continue;
      internalTopics.push({ topic: changelogTopic(applicationId, store), partitions: taskCounts.get(s.id)!, kind: 'changelog', configs: { 'cleanup.policy': 'compact' } });
    }
  }
  return { taskCounts, partitionCounts: counts, internalTopics };
}

/** repartition topic → the sub-topology whose sink writes it. */
function repartitionWriters(subs: readonly Subtopology[], applicationId: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of subs) {
    for (const n of s.nodes) {
      if (n.kind === 'sink' && typeof n.topic !== 'function' && n.topic.internal) out.set(resolveTopic(applicationId, n.topic), s.id);
    }
  }
  return out;
}

function internalCount(topic: string, writers: ReadonlyMap<string, number>, taskCounts: ReadonlyMap<number, number>): number | undefined {
  const writer = writers.get(topic);
  return writer === undefined ? undefined : taskCounts.get(writer);
}

function checkCopartitioned(topology: Topology, applicationId: string, counts: ReadonlyMap<string, number>): void {
  for (const group of topology.copartitioned()) {
    const names = group.map((t) => resolveTopic(applicationId, t));
    const distinct = new Set(names.map((t) => counts.get(t)));
    if (distinct.size > 1) {
      const detail = names.map((t) => `${t} (${counts.get(t)})`).join(', ');
      throw new GregorError('INVALID_PARTITIONS', `topics joined together must have the same number of partitions (co-partitioning), but got: ${detail}`);
    }
  }
}
