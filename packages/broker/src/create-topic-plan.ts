import { GregorError, validateTopicName } from '@gregor/common';
import type { NewTopicSpec } from './metadata-source';
import { validateTopicConfigOverrides } from './topic-config';

export interface CreateTopicLimits {
  /** Broker `num.partitions`, used when the request says -1. */
  defaultNumPartitions: number;
  /** Broker `default.replication.factor`, used when the request says -1. */
  defaultReplicationFactor: number;
  liveBrokerCount: number;
  /**
   * Upper bound on partitions per topic. Kafka has none, but every partition
   * costs an open log and metadata here, so a typo like 1e9 must not take
   * the node down.
   */
  maxPartitionsPerTopic: number;
}

export interface CreateTopicInput {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs: Readonly<Record<string, string>>;
}

/**
 * Decides whether a CreateTopics entry is acceptable and resolves its
 * defaults. Pure; throws GregorError with Kafka's code for the first problem,
 * in Kafka's order: name, partitions, replication factor, configs.
 */
export function planNewTopic(input: CreateTopicInput, limits: CreateTopicLimits): NewTopicSpec {
  validateTopicName(input.name);
  const numPartitions = input.numPartitions === -1 ? limits.defaultNumPartitions : input.numPartitions;
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new GregorError('INVALID_PARTITIONS', `number of partitions must be at least 1 (or -1 for the default), got ${input.numPartitions}`, {
      topic: input.name,
    });
  }
  if (numPartitions > limits.maxPartitionsPerTopic) {
    throw new GregorError('INVALID_PARTITIONS', `number of partitions ${numPartitions} is above the limit ${limits.maxPartitionsPerTopic}`, {
      topic: input.name,
    });
  }
  const replicationFactor = input.replicationFactor === -1 ? limits.defaultReplicationFactor : input.replicationFactor;
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
    throw new GregorError('INVALID_REPLICATION_FACTOR', `replication factor must be at least 1 (or -1 for the default), got ${input.replicationFactor}`, {
      topic: input.name,
    });
  }
  if (replicationFactor > limits.liveBrokerCount) {
    throw new GregorError(
      'INVALID_REPLICATION_FACTOR',
      `replication factor ${replicationFactor} is larger than the number of available brokers (${limits.liveBrokerCount})`,
      { topic: input.name },
    );
  }
  const configs = validateTopicConfigOverrides(input.configs);
  return { name: input.name, numPartitions, replicationFactor, configs };
}
