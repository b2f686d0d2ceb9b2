export { ReplicaFetcherManager, type ReplicaFetcherManagerOptions } from './fetcher-manager';
export { DEFAULT_REPLICA_FETCHER_CONFIG, type ReplicaFetcherConfig } from './fetcher-config';
export type { FollowedPartition, FollowerLog } from './follower-log';
export type { FetchPartitionStatus, FetchPhase } from './partition-fetch';
export {
  grpcReplicationClient,
  type LeaderEpochAnswer,
  type LeaderEpochQuery,
  type ReplicaFetchPartitionRequest,
  type ReplicaFetchPartitionResponse,
  type ReplicaFetchRequest,
  type ReplicationClient,
  type ReplicationClientFactory,
} from './replication-client';
export {
  kafkaReplicationClient,
  kafkaFirstClientFactory,
  decodeKafkaFetchResponse,
  encodeKafkaFetchRequest,
  REPLICA_FETCH_VERSION,
  type KafkaConnector,
  type KafkaReplicationClientOptions,
} from './kafka-replication-client';
export { buildFetchRequest, fetchWaitMs, rotate } from './fetch-request';
export { FollowerFetchSession, type FetchSessionFields, type SessionFetch } from './fetch-session';
export {
  UNDEFINED_EPOCH,
  UNDEFINED_EPOCH_END_OFFSET,
  UNDEFINED_EPOCH_OFFSET,
  checkFetchPosition,
  isUndefinedEpochEndOffset,
  leaderEndOffsetForEpoch,
  outOfRangeAction,
  truncationPoint,
  type EpochEndOffset,
  type FetchPositionCheck,
  type LeaderEpochView,
  type OutOfRangeAction,
  type TruncationDecision,
} from './epochs';
