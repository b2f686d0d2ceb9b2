import { GregorError } from '@gregor/common';
import type {
  CreatableTopicResult,
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreatePartitionsTopicResult,
  CreateTopicsRequest,
  CreateTopicsResponse,
  DeletableTopicResult,
  DeleteTopicsRequest,
  DeleteTopicsResponse,
} from '../api/topics';
import type { BrokerContext } from '../broker-context';
import { checkPartitionIncrease } from '../create-partitions-plan';
import { planNewTopic } from '../create-topic-plan';
import type { RequestOutcome } from '../outcome';

/**
 * CreateTopics: each entry is planned (validated, defaults resolved) by a
 * pure function, then handed to the metadata source. validate_only stops
 * after the plan and the existence check. Results carry the effective
 * configs, as Kafka's CreateTopics v5 does.
 */
export async function handleCreateTopics(
  ctx: BrokerContext,
  req: CreateTopicsRequest,
  outcome: RequestOutcome,
): Promise<CreateTopicsResponse> {
  const counts = new Map<string, number>();
  for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const topics: CreatableTopicResult[] = [];
  for (const t of req.topics) {
    const result: CreatableTopicResult = { name: t.name, error: null, topicId: '', numPartitions: -1, replicationFactor: -1, configs: {} };
    topics.push(result);
    try {
      if ((counts.get(t.name) ?? 0) > 1) throw new GregorError('INVALID_REQUEST', `topic "${t.name}" appears more than once in the request`);
      const spec = planNewTopic(
        { name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, configs: t.configs },
        {
          defaultNumPartitions: ctx.config.numPartitions,
          defaultReplicationFactor: ctx.config.defaultReplicationFactor,
          liveBrokerCount: ctx.metadata.liveBrokers().length,
          maxPartitionsPerTopic: ctx.config.maxPartitionsPerTopic,
        },
      );
      if (ctx.metadata.topic(spec.name) !== undefined) {
        throw new GregorError('TOPIC_ALREADY_EXISTS', `topic "${spec.name}" already exists`, { topic: spec.name });
      }
      result.numPartitions = spec.numPartitions;
      result.replicationFactor = spec.replicationFactor;
      result.configs = { ...ctx.topicDefaults, ...spec.configs };
      if (req.validateOnly) continue;
      const view = await ctx.metadata.createTopic(spec);
      result.topicId = view.topicId;
      // The topic is usable when the reply arrives: its logs exist.
      // Led partitions answer produce as soon as the caller hears back.
      const led = view.partitions.filter((a) => a.leaderId === ctx.config.nodeId);
      await Promise.all(led.map((a) => ctx.replicas.leaderFor(view.name, a.partition)));
      ctx.logger.info('created topic', { topic: view.name, topicId: view.topicId, partitions: spec.numPartitions });
    } catch (err) {
      result.error = outcome.fail(err, { topic: t.name });
    }
  }
  return { topics };
}

export async function handleDeleteTopics(
  ctx: BrokerContext,
  req: DeleteTopicsRequest,
  outcome: RequestOutcome,
): Promise<DeleteTopicsResponse> {
  const topics: DeletableTopicResult[] = [];
  for (const name of req.topicNames) {
    const result: DeletableTopicResult = { name, error: null };
    topics.push(result);
    try {
      await ctx.metadata.deleteTopic(name);
      ctx.logger.info('deleted topic', { topic: name });
    } catch (err) {
      result.error = outcome.fail(err, { topic: name });
    }
  }
  return { topics };
}

/**
 * CreatePartitions (Kafka's, with the new total count per topic): a topic
 * named twice is INVALID_REQUEST for both entries, as in Kafka; the rest is
 * checked by a pure function and decided by the metadata source (the active
 * controller in a cluster). The reply waits until the new partitions this
 * broker leads have their logs open; other leaders open theirs when the
 * metadata reaches them, so a client may briefly see a retriable
 * NOT_LEADER_OR_FOLLOWER there.
 */
export async function handleCreatePartitions(
  ctx: BrokerContext,
  req: CreatePartitionsRequest,
  outcome: RequestOutcome,
): Promise<CreatePartitionsResponse> {
  const counts = new Map<string, number>();
  for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const results: CreatePartitionsTopicResult[] = [];
  for (const t of req.topics) {
    const result: CreatePartitionsTopicResult = { name: t.name, error: null };
    results.push(result);
    try {
      if ((counts.get(t.name) ?? 0) > 1) throw new GregorError('INVALID_REQUEST', `topic "${t.name}" appears more than once in the request`, { topic: t.name });
      checkPartitionIncrease(t.name, t.count, { maxPartitionsPerTopic: ctx.config.maxPartitionsPerTopic });
      const before = ctx.metadata.topic(t.name)?.partitions.length ?? 0;
      await ctx.metadata.createPartitions(t.name, t.count, { validateOnly: req.validateOnly });
      if (req.validateOnly) continue;
      ctx.logger.info('created partitions', { topic: t.name, from: before, to: t.count });
      const led = (ctx.metadata.topic(t.name)?.partitions ?? []).filter((a) => a.partition >= before && a.leaderId === ctx.config.nodeId);
      // The partitions exist once the metadata source answered: a slow role
      // change here is not a failure of the request (produce retries it).
      const opened = await Promise.allSettled(led.map((a) => ctx.replicas.leaderFor(t.name, a.partition)));
      for (const o of opened) if (o.status === 'rejected') ctx.logger.debug('new partition not led yet', { topic: t.name, err: String(o.reason) });
    } catch (err) {
      result.error = outcome.fail(err, { topic: t.name });
    }
  }
  return { results };
}
