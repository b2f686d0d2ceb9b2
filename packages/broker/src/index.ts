export { Broker, type BrokerOptions, type BrokerStatus, type ExtraGrpcService } from './broker';
export { defaultBrokerConfig, type BrokerConfig, type KafkaListenerConfig } from './broker-config';
export type { KafkaListenerStatus } from './kafka/kafka-server';
export { KAFKA_LISTENER, KAFKA_REPLICATION_LISTENER } from './kafka/request-context';
export { SERVED_APIS, type ServedApi } from './kafka/served-apis';
export type {
  AlterPartitionRequest,
  BrokerEndpoint,
  ListenerEndpoint,
  MetadataEvent,
  MetadataSource,
  NewTopicSpec,
  PartitionAssignment,
  ProducerIdBlock,
  TopicMetadataView,
} from './metadata-source';
export { CLIENT_LISTENER, listenerEndpoint } from './metadata-source';
export { LOCAL_PRODUCER_ID_BLOCK_SIZE, LocalMetadataStore, METADATA_FILE_NAME, type LocalMetadataStoreOptions } from './local-metadata-store';
export {
  TOPIC_CONFIG_SCHEMA,
  alterTopicConfigOverrides,
  checkTopicDefaults,
  describeTopicConfig,
  effectiveTopicConfig,
  validateTopicConfigOverrides,
  type TopicConfig,
  type TopicConfigEntry,
  type TopicConfigOverrides,
} from './topic-config';
export { planNewTopic, type CreateTopicInput, type CreateTopicLimits } from './create-topic-plan';
export { checkPartitionIncrease, type CreatePartitionsLimits } from './create-partitions-plan';
export {
  DEFAULT_FETCH_MAX_BYTES,
  DEFAULT_PARTITION_FETCH_MAX_BYTES,
  MAX_FETCH_WAIT_MS,
  normalizeFetchShape,
  partitionReadBudget,
  shouldAnswerFetchNow,
  type FetchShape,
} from './fetch-budget';
export { FetchPurgatory, type FetchWaiter } from './fetch-purgatory';
export { computeHighWatermark, type HighWatermarkInput } from './replica/high-watermark';
export { decideIsrChange, isrShrinkDueAtMs, nextIsrCheckDelayMs, silentFollowers, type IsrChange, type IsrInput } from './replica/isr-decision';
export { observeStall, StallFreeClock, type StallState } from './replica/stall-free-clock';
export { initialFollowerState, isCaughtUp, lowWatermark, recordFetch, type FollowerState } from './replica/follower-state';
export { ProducePurgatory, type AckCheck, type AckOutcome } from './replica/produce-purgatory';
export {
  contactEvidenceMs,
  heardFromReplicaMajority,
  initialQuorumContact,
  observeQuorumContact,
  type QuorumContactEvent,
  type QuorumContactSample,
  type QuorumContactState,
  type QuorumContactTiming,
} from './replica/quorum-contact';
export { FRESH, observeFreshness, type FreshnessEvent, type FreshnessSample, type FreshnessState } from './replica/metadata-freshness';
export type { FollowerFetcher, ReplicaRoleSnapshot } from './replica/replica-manager';
export { countLedPartition, emptyLedPartitionCounts, type LedPartitionCounts } from './replica/led-partition-counts';
export { NOOP_OBSERVER, type ApiName, type BrokerObserver } from './observer';
export type { AppendOutcome, AppendRequest, AppendResult, LogStorePort, PartitionLogPort, ReadResult, RetentionLimits } from './storage-port';
export { ProducerIdManager } from './producer-id-manager';
export { writeFileAtomic } from './atomic-file';
export {
  brokerViews,
  quorumView,
  type BrokerView,
  type ClusterStatusSource,
  type ClusterView,
  type QuorumStatus,
  type QuorumView,
  type QuorumVoterStatus,
  type RegisteredBroker,
  type VoterView,
} from './cluster-status';
export { fetchInProcess } from './grpc/in-process';
export { createAdminService, describeCluster, describeClusterResponse, type AdminGrpcService, type AdminServiceDeps } from './grpc/admin-service';
export { computeGroupLags, MAX_LAG_SERIES, type ConsumerGroupLag } from './coordinator/group-lag';
export * from './api';
export { ProduceTrace, type ProduceTraceSample, type TraceEntry } from './produce-trace';
