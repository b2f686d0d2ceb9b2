import type { ApiError } from './context';

/** CreateTopics (Kafka's v2+; manual replica assignments are not supported). */
export interface CreateTopicsRequest {
  readonly topics: readonly CreatableTopic[];
  readonly timeoutMs: number;
  /** Plan and check only; nothing is created. */
  readonly validateOnly: boolean;
}

export interface CreatableTopic {
  readonly name: string;
  /** -1 = the broker's num.partitions. */
  readonly numPartitions: number;
  /** -1 = the broker's default.replication.factor. */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface CreateTopicsResponse {
  readonly topics: CreatableTopicResult[];
}

export interface CreatableTopicResult {
  readonly name: string;
  error: ApiError | null;
  /** UUID text; "" on error or with validateOnly. */
  topicId: string;
  /** -1 on error. */
  numPartitions: number;
  /** -1 on error. */
  replicationFactor: number;
  /** The effective configs (broker defaults under the topic's overrides), as Kafka's v5+. */
  configs: Record<string, string>;
}

/** DeleteTopics, by name. */
export interface DeleteTopicsRequest {
  readonly topicNames: readonly string[];
  readonly timeoutMs: number;
}

export interface DeleteTopicsResponse {
  readonly topics: DeletableTopicResult[];
}

export interface DeletableTopicResult {
  readonly name: string;
  error: ApiError | null;
}

/** CreatePartitions (Kafka's, `count` = the new total; manual assignments not supported). */
export interface CreatePartitionsRequest {
  readonly topics: readonly CreatePartitionsTopic[];
  readonly timeoutMs: number;
  readonly validateOnly: boolean;
}

export interface CreatePartitionsTopic {
  readonly name: string;
  readonly count: number;
}

export interface CreatePartitionsResponse {
  readonly results: CreatePartitionsTopicResult[];
}

export interface CreatePartitionsTopicResult {
  readonly name: string;
  error: ApiError | null;
}
