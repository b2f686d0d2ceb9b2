import { GregorError } from '@gregor/common';
import { isInternalTopic } from './internal-topics';

export interface CreatePartitionsLimits {
  /** Broker max partitions per topic, as for CreateTopics. */
  maxPartitionsPerTopic: number;
}

/**
 * The checks a broker makes on a CreatePartitions entry before handing it to
 * the metadata source. Pure; throws GregorError with Kafka's code. Whether
 * the topic exists and whether `totalCount` is larger than its current count
 * are left to the metadata source, which decides against committed state
 * (the active controller in a cluster): this broker's view may lag behind,
 * and a lagging view must not answer UNKNOWN_TOPIC_OR_PARTITION for a topic
 * created a moment ago elsewhere.
 */
export function checkPartitionIncrease(name: string, totalCount: number, limits: CreatePartitionsLimits): void {
  // Groups map to __consumer_offsets partitions by hash modulo the count:
  // growing it would move every group away from its committed offsets.
  if (isInternalTopic(name)) {
    throw new GregorError('INVALID_REQUEST', `the partition count of the internal topic "${name}" cannot be changed`, { topic: name });
  }
  if (!Number.isInteger(totalCount) || totalCount < 1) {
    throw new GregorError('INVALID_PARTITIONS', `the new partition count must be at least 1, got ${totalCount}`, { topic: name });
  }
  if (totalCount > limits.maxPartitionsPerTopic) {
    throw new GregorError('INVALID_PARTITIONS', `number of partitions ${totalCount} is above the limit ${limits.maxPartitionsPerTopic}`, { topic: name });
  }
}
