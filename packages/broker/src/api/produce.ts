import type { ApiError } from './context';

/**
 * Produce (Kafka's ProduceRequest v3+). `records` are RecordBatch v2 bytes
 * (one or more batches), validated frame by frame and stored as they are:
 * the front end hands over the bytes it received, without copying or
 * decoding them. A topic-partition may appear only once per request.
 */
export interface ProduceRequest {
  /** 0 = no acknowledgement, 1 = the leader, -1 = every in-sync replica. Others: INVALID_REQUIRED_ACKS per partition. */
  readonly acks: number;
  /** acks=all wait; <= 0 means the broker's default, capped at 300000. */
  readonly timeoutMs: number;
  readonly topics: readonly ProduceTopicData[];
  /**
   * The producer's transactional.id when it is transactional (Kafka's
   * Produce v3+): before a producer's first transactional batch on a
   * partition the leader asks the id's coordinator whether the partition
   * is in the open transaction (KIP-890 part 1).
   */
  readonly transactionalId?: string;
}

export interface ProduceTopicData {
  readonly name: string;
  readonly partitions: readonly ProducePartitionData[];
}

export interface ProducePartitionData {
  readonly partition: number;
  readonly records: Buffer;
}

/**
 * With acks=0 the answer comes before the write and says nothing about it
 * (every partition without error, offsets -1 unless refused up front):
 * Kafka's front end sends no response at all, as Kafka does.
 */
export interface ProduceResponse {
  readonly topics: ProduceTopicResponse[];
}

export interface ProduceTopicResponse {
  readonly name: string;
  readonly partitions: ProducePartitionResponse[];
}

export interface ProducePartitionResponse {
  readonly partition: number;
  error: ApiError | null;
  /** Offset of the first record of the first batch; -1 on error. */
  baseOffset: bigint;
  /** The broker's append time on LogAppendTime topics, else -1. */
  logAppendTimeMs: bigint;
  /** -1 on error. */
  logStartOffset: bigint;
}
