import { GregorError, validateTopicName } from '@gregor/common';
import { changesForFencedBroker, changesForLeaderlessPartitions, electionContext, UNCLEAN_LEADER_ELECTION_KEY } from './election';
import type { MetadataImage } from './image';
import { assignReplicas, brokerPreferenceOrder } from './placement';
import type { BrokerListener, ConfigRecord, MetadataRecord, PartitionRecord } from './records';

/**
 * What each controller request writes to the log (pure): the active
 * controller runs these against its image, which is current because it
 * processes one write at a time and only after its own leader-change record
 * has been applied. Every plan either throws a GregorError (nothing written)
 * or returns the records of one atomic batch.
 */

/** Checks and normalises topic config overrides; throws INVALID_CONFIG naming the key. */
export type TopicConfigValidator = (configs: Readonly<Record<string, string>>) => Record<string, string>;

/** Without a schema the controller only checks the key it interprets itself. */
export const minimalTopicConfigValidator: TopicConfigValidator = (configs) => {
  const value = configs[UNCLEAN_LEADER_ELECTION_KEY];
  if (value !== undefined && value !== 'true' && value !== 'false') {
    throw new GregorError('INVALID_CONFIG', `invalid config "${UNCLEAN_LEADER_ELECTION_KEY}": expected true or false, got "${value}"`, {
      configKey: UNCLEAN_LEADER_ELECTION_KEY,
    });
  }
  return { ...configs };
};

export interface PlanLimits {
  /** Upper bound on partitions per topic: a typo like 1e9 must not take the quorum down. */
  maxPartitionsPerTopic: number;
  validateConfigs: TopicConfigValidator;
}

export interface CreateTopicSpec {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs: Readonly<Record<string, string>>;
}

function configRecords(topic: string, set: Readonly<Record<string, string>>, remove: readonly string[] = []): ConfigRecord[] {
  const out: ConfigRecord[] = [];
  for (const key of Object.keys(set).sort()) out.push({ type: 'config', topic, key, value: set[key]! });
  for (const key of [...remove].sort()) out.push({ type: 'config', topic, key, value: null });
  return out;
}

function checkPartitionCount(name: string, count: number, limits: PlanLimits): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new GregorError('INVALID_PARTITIONS', `number of partitions must be at least 1, got ${count}`, { topic: name });
  }
  if (count > limits.maxPartitionsPerTopic) {
    throw new GregorError('INVALID_PARTITIONS', `number of partitions ${count} is above the limit ${limits.maxPartitionsPerTopic}`, {
      topic: name,
    });
  }
}

/** CreateTopics for one topic; `topicId` is chosen by the caller (randomness stays at the edge). */
export function planCreateTopic(image: MetadataImage, spec: CreateTopicSpec, topicId: string, limits: PlanLimits): MetadataRecord[] {
  validateTopicName(spec.name);
  if (image.topicByName(spec.name) !== undefined) {
    throw new GregorError('TOPIC_ALREADY_EXISTS', `topic "${spec.name}" already exists`, { topic: spec.name });
  }
  checkPartitionCount(spec.name, spec.numPartitions, limits);
  const configs = limits.validateConfigs(spec.configs);
  const brokers = brokerPreferenceOrder(image);
  const rf = spec.replicationFactor;
  if (!Number.isInteger(rf) || rf < 1) {
    throw new GregorError('INVALID_REPLICATION_FACTOR', `replication factor must be at least 1, got ${rf}`, { topic: spec.name });
  }
  if (rf > brokers.length) {
    throw new GregorError('INVALID_REPLICATION_FACTOR', `replication factor ${rf} is larger than the number of available brokers (${brokers.length})`, {
      topic: spec.name,
    });
  }
  const assignment = assignReplicas(brokers, spec.numPartitions, rf);
  const records: MetadataRecord[] = [{ type: 'topic', name: spec.name, topicId }];
  assignment.forEach((replicas, partition) => {
    const record: PartitionRecord = { type: 'partition', topicId, partition, replicas, isr: replicas, leader: replicas[0]! };
    records.push(record);
  });
  records.push(...configRecords(spec.name, configs));
  return records;
}

export function planDeleteTopic(image: MetadataImage, name: string): MetadataRecord[] {
  const topic = image.topicByName(name);
  if (topic === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
  return [{ type: 'remove-topic', topicId: topic.topicId }];
}

/** CreatePartitions: grows a topic to `totalCount` partitions with its replication factor. */
export function planCreatePartitions(image: MetadataImage, name: string, totalCount: number, limits: PlanLimits): MetadataRecord[] {
  const topic = image.topicByName(name);
  if (topic === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
  const current = topic.partitions.length;
  if (!Number.isInteger(totalCount) || totalCount <= current) {
    throw new GregorError('INVALID_PARTITIONS', `topic "${name}" has ${current} partitions; the new count ${totalCount} must be larger`, {
      topic: name,
    });
  }
  checkPartitionCount(name, totalCount, limits);
  const rf = topic.partitions[0]!.replicas.length;
  const assignment = assignReplicas(brokerPreferenceOrder(image, topic.topicId), totalCount - current, rf);
  return assignment.map((replicas, i) => ({
    type: 'partition',
    topicId: topic.topicId,
    partition: current + i,
    replicas,
    isr: replicas,
    leader: replicas[0]!,
  }));
}

/**
 * AlterConfigs for one topic: `set` keys take new values, `remove` keys go
 * back to the default; with `replace`, `set` is the whole new override map.
 * Turning unclean election on elects leaders for leaderless partitions at
 * once (as Kafka does), in the same batch.
 */
export function planAlterConfigs(
  image: MetadataImage,
  name: string,
  change: { set: Readonly<Record<string, string>>; remove: readonly string[]; replace: boolean },
  limits: PlanLimits,
): MetadataRecord[] {
  const topic = image.topicByName(name);
  if (topic === undefined) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
  for (const key of change.remove) {
    if (Object.prototype.hasOwnProperty.call(change.set, key)) {
      throw new GregorError('INVALID_REQUEST', `config "${key}" is both set and removed`, { topic: name, configKey: key });
    }
  }
  const current = image.topicConfigs(name);
  const set = limits.validateConfigs(change.set);
  const removeKeys = change.replace ? Object.keys(current).filter((k) => !(k in set)) : change.remove.filter((k) => k in current);
  const changedSet = Object.fromEntries(Object.entries(set).filter(([k, v]) => current[k] !== v));
  const records: MetadataRecord[] = configRecords(name, changedSet, removeKeys);
  if (changedSet[UNCLEAN_LEADER_ELECTION_KEY] === 'true') {
    // The image does not have the new value yet: this topic is seen as unclean already.
    const ctx = { ...electionContext(image), uncleanEnabled: () => true };
    records.push(...changesForLeaderlessPartitions(image, ctx, name));
  }
  return records;
}

export interface RegisterBrokerRequest {
  brokerId: number;
  incarnationId: string;
  listeners: readonly BrokerListener[];
  rack: string | null;
}

/**
 * BrokerRegistration. The same incarnation registering again (a retried
 * request) writes nothing. A new incarnation replaces the old one, fenced,
 * and leaves every ISR (it may have lost unflushed data); while the old
 * incarnation still has a live session it is refused, so two processes with
 * one node.id cannot take turns (KRaft's DUPLICATE_BROKER_REGISTRATION).
 */
export function planRegisterBroker(
  image: MetadataImage,
  req: RegisterBrokerRequest,
  hasLiveSession: (brokerId: number) => boolean,
): MetadataRecord[] {
  if (!Number.isInteger(req.brokerId) || req.brokerId < 0) {
    throw new GregorError('INVALID_REQUEST', `broker id must be a non-negative integer, got ${req.brokerId}`);
  }
  if (req.incarnationId.length === 0) throw new GregorError('INVALID_REQUEST', 'incarnation id is empty');
  const existing = image.broker(req.brokerId);
  if (existing?.incarnationId === req.incarnationId) return [];
  if (existing !== undefined && !existing.fenced && hasLiveSession(req.brokerId)) {
    throw new GregorError(
      'DUPLICATE_BROKER_REGISTRATION',
      `broker ${req.brokerId} is registered by another incarnation with a live session; retry after its session expires`,
    );
  }
  const records: MetadataRecord[] = [
    { type: 'register-broker', brokerId: req.brokerId, incarnationId: req.incarnationId, listeners: req.listeners, rack: req.rack },
  ];
  if (existing !== undefined) {
    records.push(...changesForFencedBroker(image, req.brokerId, electionContext(image, new Map([[req.brokerId, false]]))));
  }
  return records;
}

export function planFenceBroker(image: MetadataImage, brokerId: number, reason?: string): MetadataRecord[] {
  const broker = image.broker(brokerId);
  if (broker === undefined || broker.fenced) return [];
  return [
    { type: 'fence-broker', brokerId, brokerEpoch: broker.brokerEpoch, ...(reason !== undefined ? { reason } : {}) },
    ...changesForFencedBroker(image, brokerId, electionContext(image, new Map([[brokerId, false]]))),
  ];
}

export function planUnfenceBroker(image: MetadataImage, brokerId: number): MetadataRecord[] {
  const broker = image.broker(brokerId);
  if (broker === undefined || !broker.fenced) return [];
  return [
    { type: 'unfence-broker', brokerId, brokerEpoch: broker.brokerEpoch },
    ...changesForLeaderlessPartitions(image, electionContext(image, new Map([[brokerId, true]]))),
  ];
}

/** Kafka's block size (KIP-730): one write serves a broker for a thousand producers. */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;

export function planAllocateProducerIds(
  image: MetadataImage,
  brokerId: number,
  brokerEpoch: number,
): { records: MetadataRecord[]; firstProducerId: bigint; size: bigint } {
  const broker = image.broker(brokerId);
  if (broker === undefined || broker.brokerEpoch !== brokerEpoch) {
    throw new GregorError('STALE_BROKER_EPOCH', `broker ${brokerId} epoch ${brokerEpoch} is not current`);
  }
  const first = image.nextProducerId;
  return {
    records: [{ type: 'producer-ids', brokerId, brokerEpoch, nextProducerId: first + PRODUCER_ID_BLOCK_SIZE }],
    firstProducerId: first,
    size: PRODUCER_ID_BLOCK_SIZE,
  };
}
