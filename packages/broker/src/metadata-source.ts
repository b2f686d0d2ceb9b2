import type { TopicConfigOverrides } from './topic-config';

/**
 * The broker's only view of cluster metadata: which topics exist, which
 * partitions this node leads, with which replicas, leader epoch and ISR, and
 * each topic's config overrides. Here it is answered by LocalMetadataStore;
 * issue 3 answers it from the Raft controller's metadata log, so the broker
 * must not assume anything the controller could not provide (in particular:
 * writes are asynchronous and notifications may arrive later).
 */
export interface BrokerEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack?: string;
}

export interface PartitionAssignment {
  partition: number;
  /** -1 when no leader is available. */
  leaderId: number;
  leaderEpoch: number;
  replicas: readonly number[];
  isr: readonly number[];
}

export interface TopicMetadataView {
  name: string;
  /** UUID, stable for the topic's life; a re-created topic gets a new one. */
  topicId: string;
  replicationFactor: number;
  partitions: readonly PartitionAssignment[];
  /** Explicitly set topic configs; defaults are the broker's. */
  configs: TopicConfigOverrides;
}

/** A validated creation request: every default already resolved. */
export interface NewTopicSpec {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs: TopicConfigOverrides;
}

export type MetadataEvent =
  | { type: 'topic-created'; topic: TopicMetadataView }
  | { type: 'topic-deleted'; name: string; topicId: string }
  | { type: 'configs-changed'; topic: TopicMetadataView };

export interface MetadataSource {
  readonly clusterId: string;
  /** The active controller's node id (-1 when unknown). */
  controllerId(): number;
  /** Registers this broker's client endpoint (KRaft: BrokerRegistration). */
  registerBroker(endpoint: BrokerEndpoint): Promise<void>;
  liveBrokers(): readonly BrokerEndpoint[];
  topic(name: string): TopicMetadataView | undefined;
  topics(): readonly TopicMetadataView[];
  /** Throws GregorError TOPIC_ALREADY_EXISTS / INVALID_REPLICATION_FACTOR. */
  createTopic(spec: NewTopicSpec): Promise<TopicMetadataView>;
  /** Throws GregorError UNKNOWN_TOPIC_OR_PARTITION. */
  deleteTopic(name: string): Promise<void>;
  /** Replaces the topic's overrides (already validated). */
  setTopicConfigs(name: string, configs: TopicConfigOverrides): Promise<void>;
  /** Returns an unsubscribe function. Listeners must not throw. */
  subscribe(listener: (event: MetadataEvent) => void): () => void;
}
