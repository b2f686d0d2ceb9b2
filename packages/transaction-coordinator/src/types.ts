import type { ErrorName } from '@gregor/common';

/**
 * A transactional id's state, Kafka's TransactionState (KIP-98), with the
 * byte each has in a __transaction_state value. PrepareEpochFence is not
 * modelled: fencing an ongoing transaction writes PrepareAbort with the
 * bumped epoch at once (what Kafka writes after its in-memory fence step).
 */
export const TXN_STATES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead'] as const;
export type TxnState = (typeof TXN_STATES)[number];

export function txnStateByte(state: TxnState): number {
  return TXN_STATES.indexOf(state);
}

/**
 * The states a transition into `to` may start from (Kafka's
 * TransactionState.validPreviousStates, without PrepareEpochFence). The
 * shard asserts this on every write it plans.
 */
export const VALID_PREVIOUS_STATES: Readonly<Record<TxnState, readonly TxnState[]>> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteCommit', 'CompleteAbort'],
};

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * What __transaction_state stores for one transactional id (Kafka's
 * TransactionLogValue): the producer id and epoch it owns, the previous
 * pair (KIP-360: a retried InitProducerId after a bump it never heard of),
 * the partitions of the open transaction, and wall-clock times.
 */
export interface TxnMetadata {
  readonly transactionalId: string;
  readonly producerId: bigint;
  /** The producer id before the last one was exhausted (-1 when none). */
  readonly lastProducerId: bigint;
  readonly producerEpoch: number;
  /** The epoch before the last bump (-1 when none). */
  readonly lastProducerEpoch: number;
  readonly timeoutMs: number;
  readonly state: TxnState;
  /** Sorted by topic, then partition; empty unless Ongoing or Prepare*. */
  readonly partitions: readonly TopicPartition[];
  /** Wall-clock ms the open transaction began (-1 when none). */
  readonly txnStartMs: number;
  readonly lastUpdateMs: number;
}

export type RequestId = number;

export interface InitProducerIdRequest {
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  /** KIP-360: the pair the producer holds, or -1 / -1. */
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

export interface InitProducerIdResponse {
  readonly error: ErrorName;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

export interface AddPartitionsRequest {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly partitions: readonly TopicPartition[];
}

/** One error for the whole request, as Kafka answers every partition the same. */
export interface AddPartitionsResponse {
  readonly error: ErrorName;
}

export interface EndTxnRequest {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  /** true = commit, false = abort. */
  readonly commit: boolean;
}

export interface EndTxnResponse {
  readonly error: ErrorName;
}

export interface DescribedTransaction {
  readonly transactionalId: string;
  readonly error: ErrorName;
  readonly state: TxnState | 'Unknown';
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly timeoutMs: number;
  readonly txnStartMs: number;
  readonly partitions: readonly TopicPartition[];
}

export interface ListedTransaction {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly state: TxnState;
}

export type Reply =
  | { kind: 'init'; requestId: RequestId; response: InitProducerIdResponse }
  | { kind: 'add'; requestId: RequestId; response: AddPartitionsResponse }
  | { kind: 'end'; requestId: RequestId; response: EndTxnResponse };

/**
 * A transaction's outcome to write into each of its partitions as a
 * control batch (WriteTxnMarkers). `coordinatorEpoch` is the leader epoch
 * of the __transaction_state partition: a partition refuses a marker from
 * an older coordinator of the same producer (TRANSACTION_COORDINATOR_FENCED).
 */
export interface TxnMarkerRequest {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly commit: boolean;
  readonly coordinatorEpoch: number;
  readonly partitions: readonly TopicPartition[];
}
