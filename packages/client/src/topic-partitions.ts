import { GregorError, validateTopicName } from '@gregor/common';
import type { Cluster } from './cluster';
import { parseMetadata } from './metadata';

/**
 * A topic's partition count (Kafka's partitionsFor), from the metadata
 * cache, or from one Metadata request when the topic is not in it. Rejects
 * at once with UNKNOWN_TOPIC_OR_PARTITION (or the topic's other error) when
 * it does not exist, where the producer's send would wait up to maxBlockMs
 * for it to appear. Only a topic that exists enters the cache and is kept
 * fresh, so asking about many missing names grows nothing.
 */
export async function topicPartitionCount(cluster: Cluster, topic: string): Promise<number> {
  validateTopicName(topic);
  const known = cluster.metadata.topic(topic);
  if (known !== undefined) return known.partitions.length;
  const md = parseMetadata(await cluster.callAny('Metadata', { topics: [topic], allowAutoTopicCreation: false }));
  const info = md.topics.find((t) => t.name === topic);
  if (info === undefined || info.partitions.length === 0) {
    throw info?.error ?? new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${topic}" does not exist`, { topic });
  }
  cluster.metadata.apply(md, [topic], cluster.opts.clock.monotonicMs());
  cluster.track([topic]);
  return info.partitions.length;
}
