import type { ApiError } from './context';

/** Metadata (Kafka's v1+ semantics for the topic list). */
export interface MetadataRequest {
  /** null = every topic; [] = none (brokers and cluster only). Names asked twice are answered once. */
  readonly topics: readonly string[] | null;
  /** Create missing topics, if the broker allows it (`auto.create.topics.enable`). */
  readonly allowAutoTopicCreation: boolean;
}

/** A broker as named on the request's listener. */
export interface BrokerAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  /** null when not set. */
  readonly rack: string | null;
}

export interface MetadataResponse {
  /** Live brokers that advertise the request's listener. */
  readonly brokers: BrokerAddress[];
  readonly clusterId: string;
  /** The active controller; -1 when unknown. */
  readonly controllerId: number;
  readonly topics: TopicMetadata[];
}

export interface TopicMetadata {
  error: ApiError | null;
  readonly name: string;
  /** UUID text (Kafka's topic id, 16 bytes on its wire); "" when the topic does not exist. */
  readonly topicId: string;
  readonly isInternal: boolean;
  readonly partitions: PartitionMetadata[];
}

/**
 * One partition's assignment. A partition without a leader has
 * `leaderId` -1 and no error (Kafka answers LEADER_NOT_AVAILABLE; the
 * Kafka front end may map it so).
 */
export interface PartitionMetadata {
  readonly error: ApiError | null;
  readonly partition: number;
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly replicaNodes: number[];
  readonly isrNodes: number[];
  readonly offlineReplicas: number[];
}

/** Kafka's DescribeCluster (KIP-700): the brokers and controller as Metadata names them. */
export type DescribeClusterRequest = Record<string, never>;

export interface DescribeClusterResponse {
  readonly clusterId: string;
  readonly controllerId: number;
  readonly brokers: BrokerAddress[];
}
