import type { Admin } from '@gregor/client';
import { GregorError, isGregorError } from '@gregor/common';
import { resolveTopic } from '../topology/nodes';
import type { Topology } from '../topology/topology';
import type { ResolvedStreamsConfig } from './config';
import { planTopics, type TopicPlan } from './internal-topics';

/**
 * Reads the user source topics' partition counts, plans the internal
 * topics (pure, `planTopics`) and creates the missing ones. An existing
 * internal topic with another partition count is an error: its data would
 * go to the wrong tasks.
 */
export async function ensureInternalTopics(admin: Admin, topology: Topology, config: ResolvedStreamsConfig): Promise<TopicPlan> {
  const { applicationId } = config;
  const userTopics = [...new Set(topology.subtopologies().flatMap((s) => s.sourceTopics.filter((t) => !t.internal).map((t) => resolveTopic(applicationId, t))))];
  const existing = await partitionCounts(admin, userTopics);
  const plan = planTopics(topology, applicationId, existing);
  const internal = await partitionCounts(admin, plan.internalTopics.map((t) => t.topic));
  const missing = plan.internalTopics.filter((t) => !internal.has(t.topic));
  for (const t of plan.internalTopics) {
    const have = internal.get(t.topic);
    if (have !== undefined && have !== t.partitions) {
      throw new GregorError('INVALID_PARTITIONS', `internal topic ${t.topic} has ${have} partitions, the topology needs ${t.partitions} (reset the application to recreate it)`, { topic: t.topic });
    }
  }
  if (missing.length > 0) {
    try {
      await admin.createTopics(
        missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions, configs: t.configs, ...(config.replicationFactor === undefined ? {} : { replicationFactor: config.replicationFactor }) })),
      );
    } catch (err) {
      // Another instance of the application created them first: fine.
      if (!(isGregorError(err) && err.errorName === 'TOPIC_ALREADY_EXISTS')) throw err;
    }
    config.logger.info('created internal topics', { topics: missing.map((t) => `${t.topic} (${t.partitions})`) });
  }
  return plan;
}

/** topic → partition count for those that exist. */
async function partitionCounts(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  if (topics.length === 0) return new Map();
  const described = await admin.describeTopics([...topics]).catch((err: unknown) => {
    if (isGregorError(err) && err.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') return describeEach(admin, topics);
    throw err;
  });
  return new Map(described.map((d) => [d.name, d.partitions.length]));
}

/** describeTopics fails for all when one is unknown: ask one by one and keep those that exist. */
async function describeEach(admin: Admin, topics: readonly string[]): Promise<{ name: string; partitions: unknown[] }[]> {
  const out: { name: string; partitions: unknown[] }[] = [];
  for (const t of topics) {
    try {
      out.push(...(await admin.describeTopics([t])));
    } catch (err) {
      if (!(isGregorError(err) && err.errorName === 'UNKNOWN_TOPIC_OR_PARTITION')) throw err;
    }
  }
  return out;
}
