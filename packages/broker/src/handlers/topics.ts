import { GregorError } from '@gregor/common';
import type {
  CreatableTopicResult,
  CreateTopicsRequest__Output,
  CreateTopicsResponse,
  DeletableTopicResult,
  DeleteTopicsRequest__Output,
  DeleteTopicsResponse,
} from '@gregor/proto';
import type { BrokerContext } from '../broker-context';
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
  req: CreateTopicsRequest__Output,
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
  req: DeleteTopicsRequest__Output,
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
