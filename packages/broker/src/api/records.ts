import type { ApiError } from './context';

/**
 * DeleteRecords (Kafka's v0–v2, KIP-107): moves each partition's log start
 * offset up to `offset`, so that every record below it is gone for readers
 * (whole batches are freed by storage once all of them is below the start).
 * Answered by the partition leader once every live replica's log start has
 * reached the offset (Kafka's DelayedDeleteRecords), or after `timeoutMs`.
 */
export interface DeleteRecordsRequest {
  readonly topics: readonly DeleteRecordsTopicData[];
  /** <= 0: the broker's default produce timeout; capped like a produce's. */
  readonly timeoutMs: number;
}

export interface DeleteRecordsTopicData {
  readonly name: string;
  readonly partitions: readonly DeleteRecordsPartitionData[];
}

export interface DeleteRecordsPartitionData {
  readonly partition: number;
  /** Delete every record below this offset; -1 = the high watermark. */
  readonly offset: bigint;
}

export interface DeleteRecordsResponse {
  readonly topics: DeleteRecordsTopicResult[];
}

export interface DeleteRecordsTopicResult {
  readonly name: string;
  readonly partitions: DeleteRecordsPartitionResult[];
}

export interface DeleteRecordsPartitionResult {
  readonly partition: number;
  error: ApiError | null;
  /** The partition's new low watermark (the smallest log start offset of its live replicas); -1 on error. */
  lowWatermark: bigint;
}
