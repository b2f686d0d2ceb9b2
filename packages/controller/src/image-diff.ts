import type { MetadataChange, MetadataImage } from './image';

/**
 * The changes that turn image `a` into image `b`, in the same vocabulary as
 * MetadataImage.apply. Used when a follower installs a snapshot from the
 * leader: listeners see the jump as ordinary changes, not as a gap.
 */
export function diffImages(a: MetadataImage, b: MetadataImage): MetadataChange[] {
  const out: MetadataChange[] = [];
  for (const broker of b.brokers()) {
    const before = a.broker(broker.brokerId);
    if (before === undefined || before.brokerEpoch !== broker.brokerEpoch) {
      out.push({ kind: 'broker-registered', broker: { ...broker, fenced: true }, previous: before });
      if (!broker.fenced) out.push({ kind: 'broker-unfenced', broker });
    } else if (before.fenced !== broker.fenced) {
      out.push(broker.fenced ? { kind: 'broker-fenced', broker } : { kind: 'broker-unfenced', broker });
    }
  }
  for (const topic of a.topics()) {
    if (b.topic(topic.topicId) === undefined) out.push({ kind: 'topic-deleted', name: topic.name, topicId: topic.topicId });
  }
  for (const topic of b.topics()) {
    const before = a.topic(topic.topicId);
    if (before === undefined) {
      out.push({ kind: 'topic-created', topic });
      if (Object.keys(b.topicConfigs(topic.name)).length > 0) out.push({ kind: 'configs-changed', topic: topic.name });
      continue;
    }
    for (const p of topic.partitions) {
      const old = before.partitions[p.partition];
      if (old === undefined) out.push({ kind: 'partition-created', topic: topic.name, topicId: topic.topicId, partition: p });
      else if (old.partitionEpoch !== p.partitionEpoch || old.leaderEpoch !== p.leaderEpoch) {
        out.push({ kind: 'partition-changed', topic: topic.name, topicId: topic.topicId, before: old, after: p });
      }
    }
    if (JSON.stringify(a.topicConfigs(topic.name)) !== JSON.stringify(b.topicConfigs(topic.name))) {
      out.push({ kind: 'configs-changed', topic: topic.name });
    }
  }
  if (a.nextProducerId !== b.nextProducerId) out.push({ kind: 'producer-ids', brokerId: -1, nextProducerId: b.nextProducerId });
  return out;
}
