import type { ApiError } from './context';
import type { OffsetCommitRequest, OffsetCommitResponse } from './groups';

/**
 * Transactions (KIP-98), shaped like Kafka's newest versions of each API:
 * AddPartitionsToTxn (v3, one transaction per request), AddOffsetsToTxn,
 * EndTxn, WriteTxnMarkers (broker to broker), DescribeTransactions,
 * ListTransactions. Producer ids are bigint, epochs int16 as number.
 * Requests for a transactional id this broker does not coordinate answer
 * NOT_COORDINATOR (COORDINATOR_LOAD_IN_PROGRESS while its partition loads).
 */

export interface TxnTopicPartitions {
  readonly name: string;
  readonly partitions: readonly number[];
}

export interface TxnPartitionResult {
  readonly partition: number;
  readonly error: ApiError | null;
}

export interface TxnTopicResult {
  readonly name: string;
  readonly partitions: TxnPartitionResult[];
}

interface TxnProducer {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

export interface AddPartitionsToTxnRequest extends TxnProducer {
  readonly topics: readonly TxnTopicPartitions[];
  /**
   * KIP-890 (broker to broker: a partition leader before a producer's first
   * transactional batch there): only check that the partitions are in the
   * open transaction — NONE, or INVALID_TXN_STATE — and add nothing.
   */
  readonly verifyOnly?: boolean;
}

/** Every partition answers the transaction's error (Kafka's). */
export interface AddPartitionsToTxnResponse {
  readonly topics: TxnTopicResult[];
}

/** Adds the group's __consumer_offsets partition, so TxnOffsetCommit's offsets get the transaction's marker. */
export interface AddOffsetsToTxnRequest extends TxnProducer {
  readonly groupId: string;
}

export interface AddOffsetsToTxnResponse {
  readonly error: ApiError | null;
}

export interface EndTxnRequest extends TxnProducer {
  /** true = commit, false = abort. */
  readonly committed: boolean;
}

export interface EndTxnResponse {
  readonly error: ApiError | null;
}

export interface WritableTxnMarker {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  /** true = COMMIT, false = ABORT. */
  readonly committed: boolean;
  readonly coordinatorEpoch: number;
  readonly topics: readonly TxnTopicPartitions[];
}

export interface WriteTxnMarkersRequest {
  readonly markers: readonly WritableTxnMarker[];
}

export interface WriteTxnMarkersResponse {
  readonly markers: { readonly producerId: bigint; readonly topics: TxnTopicResult[] }[];
}

export interface DescribeTransactionsRequest {
  readonly transactionalIds: readonly string[];
}

export interface DescribedTransactionState {
  readonly transactionalId: string;
  readonly error: ApiError | null;
  /** Kafka's state names: Empty, Ongoing, PrepareCommit, …; "" on error. */
  readonly state: string;
  readonly timeoutMs: number;
  /** -1 when no transaction is open. */
  readonly startTimeMs: bigint;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly topics: TxnTopicPartitions[];
}

export interface DescribeTransactionsResponse {
  readonly transactionStates: DescribedTransactionState[];
}

/** DescribeProducers (KIP-664), to each partition's leader. */
export interface DescribeProducersRequest {
  readonly topics: readonly TxnTopicPartitions[];
}

export interface DescribedProducer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  /** -1 when the partition keeps no batch of the current epoch. */
  readonly lastSequence: number;
  readonly lastTimestamp: bigint;
  /** Always -1: partitions do not track the coordinator epoch of markers. */
  readonly coordinatorEpoch: number;
  /** The first offset of the producer's open transaction here, -1n when none. */
  readonly currentTxnStartOffset: bigint;
}

export interface DescribeProducersResponse {
  readonly topics: { readonly name: string; readonly partitions: { readonly partition: number; readonly error: ApiError | null; readonly activeProducers: DescribedProducer[] }[] }[];
}

/** Filters are ANDed; empty = all. Each broker lists the transactional ids it coordinates. */
export interface ListTransactionsRequest {
  readonly stateFilters: readonly string[];
  readonly producerIdFilters: readonly bigint[];
  /** ≥ 0: only transactions running longer than this (ms; KIP-994, Kafka's v1 duration_filter); negative or absent: all. */
  readonly durationFilterMs?: bigint;
}

export interface ListTransactionsResponse {
  readonly error: ApiError | null;
  readonly unknownStateFilters: string[];
  readonly transactionStates: { readonly transactionalId: string; readonly producerId: bigint; readonly state: string }[];
}

/**
 * TxnOffsetCommit (KIP-98, KIP-447), to the group's coordinator: offsets
 * committed with the producer's transaction — visible only once it commits.
 * generationId / memberId / groupInstanceId (KIP-447) fence a consumer of
 * an older generation; -1 / "" / null skip that check (older clients).
 */
export interface TxnOffsetCommitRequest extends OffsetCommitRequest {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

export type TxnOffsetCommitResponse = OffsetCommitResponse;
