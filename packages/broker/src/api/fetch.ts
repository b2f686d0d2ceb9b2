import type { ApiError } from './context';

/**
 * Fetch for consumers (Kafka's FetchRequest v4–v12 with replica_id -1,
 * topics by name, no fetch session): a long-poll that answers once
 * `minBytes` are readable below the high watermarks or `maxWaitMs` (capped
 * at 60 s) has passed; partitions in request order share `maxBytes`
 * (KIP-74: the first partition with data may exceed it by one batch).
 */
export interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  /** <= 0: 50 MiB (Kafka's fetch.max.bytes default). */
  readonly maxBytes: number;
  readonly topics: readonly FetchTopicData[];
  /**
   * 0 = read_uncommitted: up to the high watermark; 1 = read_committed
   * (KIP-98): up to the last stable offset, with the aborted transactions
   * the records overlap. Absent: 0.
   */
  readonly isolationLevel?: number;
}

export const ISOLATION_LEVEL = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const;

export interface FetchTopicData {
  readonly name: string;
  readonly partitions: readonly FetchPartitionData[];
}

export interface FetchPartitionData {
  readonly partition: number;
  readonly fetchOffset: bigint;
  /** <= 0: 1 MiB. */
  readonly partitionMaxBytes: number;
  /** KIP-320 fencing; -1 when the client does not know it. */
  readonly currentLeaderEpoch: number;
}

/**
 * No preferred read replica (-1) yet: the Kafka front end writes it. A
 * request whose client went away answers with no topics.
 */
export interface FetchResponse {
  readonly topics: FetchTopicResponse[];
}

export interface FetchTopicResponse {
  readonly name: string;
  readonly partitions: FetchPartitionResponse[];
}

export interface FetchPartitionResponse {
  readonly partition: number;
  error: ApiError | null;
  /** -1 on error. */
  highWatermark: bigint;
  /** The high watermark, or the first offset of the oldest open transaction if lower; -1 on error. */
  lastStableOffset: bigint;
  /** read_committed: aborted transactions the records may overlap (oldest first); null for read_uncommitted. */
  abortedTransactions: AbortedTransaction[] | null;
  /** -1 on error. */
  logStartOffset: bigint;
  /** Whole RecordBatch v2 batches as stored; the first may start before fetchOffset. Empty on error. */
  records: Buffer;
}

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

/** ListOffsets (Kafka's v1+). */
export interface ListOffsetsRequest {
  readonly topics: readonly ListOffsetsTopicData[];
  /** 1 = read_committed: latest is the last stable offset (Kafka's v2+). Absent: 0. */
  readonly isolationLevel?: number;
}

export interface ListOffsetsTopicData {
  readonly name: string;
  readonly partitions: readonly ListOffsetsPartitionData[];
}

export interface ListOffsetsPartitionData {
  readonly partition: number;
  /**
   * -3 = the record with the greatest timestamp below the high watermark
   * (KIP-734), -2 = earliest, -1 = latest (the high watermark), else the
   * first offset with a timestamp >= it (ms).
   */
  readonly timestamp: bigint;
  /** KIP-320 fencing (Kafka's v4+); -1 when not known. */
  readonly currentLeaderEpoch: number;
}

export interface ListOffsetsResponse {
  readonly topics: ListOffsetsTopicResponse[];
}

export interface ListOffsetsTopicResponse {
  readonly name: string;
  readonly partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsPartitionResponse {
  readonly partition: number;
  error: ApiError | null;
  /** -1 for earliest/latest, else the found record's timestamp (-3: the greatest). */
  timestamp: bigint;
  /** -1 when no record qualifies. */
  offset: bigint;
  /** The leader's epoch; -1 on error. */
  leaderEpoch: number;
}

/** OffsetsForLeaderEpoch (KIP-101/279; Kafka's OffsetForLeaderEpoch v2+). */
export interface OffsetsForLeaderEpochRequest {
  readonly topics: readonly OffsetsForLeaderEpochTopicData[];
}

export interface OffsetsForLeaderEpochTopicData {
  readonly name: string;
  readonly partitions: readonly OffsetsForLeaderEpochPartitionData[];
}

export interface OffsetsForLeaderEpochPartitionData {
  readonly partition: number;
  /** KIP-320 fencing; -1 when not known. */
  readonly currentLeaderEpoch: number;
  /** The epoch whose end offset is wanted. */
  readonly leaderEpoch: number;
}

export interface OffsetsForLeaderEpochResponse {
  readonly topics: OffsetsForLeaderEpochTopicResponse[];
}

export interface OffsetsForLeaderEpochTopicResponse {
  readonly name: string;
  readonly partitions: OffsetsForLeaderEpochPartitionResponse[];
}

export interface OffsetsForLeaderEpochPartitionResponse {
  readonly partition: number;
  /** Carries `context.leaderHint` on NOT_LEADER_OR_FOLLOWER (the replication service sends it). */
  error: ApiError | null;
  /** The largest epoch <= the one asked for; -1 when none or on error. */
  leaderEpoch: number;
  /** Its end offset; -1 when none or on error. */
  endOffset: bigint;
}
