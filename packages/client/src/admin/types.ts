/** Admin API types. */

export interface NewTopic {
  topic: string;
  /** Default: the broker's num.partitions. */
  numPartitions?: number;
  /** Default: the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Topic configs with Kafka's names, e.g. { 'retention.ms': '3600000' }. */
  configs?: Readonly<Record<string, string>>;
}

export interface CreatedTopic {
  topic: string;
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

/** A CreatePartitions entry: `count` is the new total, as in Kafka's NewPartitions.increaseTo. */
export interface NewPartitions {
  topic: string;
  count: number;
}

export interface PartitionDescription {
  partition: number;
  /** Node id of the leader; null when the partition has none. */
  leader: number | null;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicDescription {
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: PartitionDescription[];
}

export type ConfigResourceType = 'topic' | 'broker';

export interface ConfigResourceQuery {
  type: ConfigResourceType;
  /** Topic name, or broker node id as a string. */
  name: string;
  /** Only these keys; default all. */
  keys?: readonly string[];
}

export interface ConfigEntryInfo {
  name: string;
  value: string;
  readOnly: boolean;
  isDefault: boolean;
}

export interface ResourceConfigs {
  type: ConfigResourceType;
  name: string;
  configs: ConfigEntryInfo[];
}

/** Incremental change (KIP-339): `set` keys change, `delete` keys return to defaults, others stay. */
export interface ConfigAlteration {
  type: ConfigResourceType;
  name: string;
  set?: Readonly<Record<string, string>>;
  delete?: readonly string[];
}

export interface ListOffsetsQuery {
  topic: string;
  partition: number;
  spec: 'earliest' | 'latest' | { timestamp: bigint };
}

/** Records to delete from one partition: every record below `offset` (-1n: below the high watermark). */
export interface RecordsToDelete {
  topic: string;
  partition: number;
  offset: bigint;
}

/** A partition after DeleteRecords: its new low watermark (log start). */
export interface DeletedRecords {
  topic: string;
  partition: number;
  lowWatermark: bigint;
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** -1n when asked for a timestamp later than every record. */
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}

export interface AdminCallOptions {
  /** Budget including retries; default the client's defaultApiTimeoutMs. */
  timeoutMs?: number;
}
