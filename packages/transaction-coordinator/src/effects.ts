import type { ErrorName } from '@gregor/common';
import type { Reply, RequestId, TxnMarkerRequest, TxnMetadata, TxnState } from './types';

/**
 * What the driver must do after a call: deliver `replies` now; write each
 * of `appends` to the shard's __transaction_state partition (acks=all) and
 * report the outcome with `appendCompleted`; send each of `markers` to the
 * leaders of its partitions (WriteTxnMarkers) and report with
 * `markersWritten` / `markersFailed`; log `events`.
 */
export interface TxnEffects {
  replies: Reply[];
  appends: TxnAppend[];
  markers: TxnMarkerRequest[];
  events: TxnEvent[];
}

export function emptyEffects(): TxnEffects {
  return { replies: [], appends: [], markers: [], events: [] };
}

/** One transactional id's new metadata (a tombstone when `value` is null). */
export interface TxnAppend {
  readonly transactionalId: string;
  readonly value: TxnMetadata | null;
  /**
   * The previous transaction's Complete* state, to be written as a record
   * of its own just before `value`, in the same batch: the producer's next
   * AddPartitions, parked while the markers were out, starts its
   * transaction in the same acks=all round trip that completes the last
   * one. Both records are written or neither.
   */
  readonly completes?: TxnMetadata;
  /** Opaque to the driver: hand it back to appendCompleted. */
  readonly completion: TxnCompletion;
}

/** The __transaction_state records of one append, in log order. */
export function txnAppendRecords(a: TxnAppend): { transactionalId: string; value: TxnMetadata | null }[] {
  const last = { transactionalId: a.transactionalId, value: a.value };
  return a.completes === undefined ? [last] : [{ transactionalId: a.transactionalId, value: a.completes }, last];
}

/** Why a write was planned, and who waits for it. */
export type TxnCompletion =
  | { readonly kind: 'init'; readonly requestId: RequestId }
  | { readonly kind: 'add'; readonly requestId: RequestId }
  | { readonly kind: 'end'; readonly requestId: RequestId }
  /** InitProducerId found the transaction open: it is being aborted with a bumped epoch; the caller retries. */
  | { readonly kind: 'fence'; readonly requestId: RequestId | undefined }
  | { readonly kind: 'complete' }
  | { readonly kind: 'expire' };

/** A state change worth a log line (the host picks the level: aborts by the coordinator are info). */
export interface TxnEvent {
  readonly transactionalId: string;
  readonly from: TxnState | 'None';
  readonly to: TxnState;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly reason: 'init' | 'add-partitions' | 'end-txn' | 'fence' | 'timeout' | 'complete' | 'expire';
}

/**
 * Kafka's mapping of a failed __transaction_state write to what the
 * client is told (TransactionStateManager.appendTransactionToLog): a
 * coordinator that lost its partition says NOT_COORDINATOR, one whose
 * write could not be replicated COORDINATOR_NOT_AVAILABLE (both
 * retriable: the client finds the coordinator again and retries).
 */
export function appendErrorForClient(error: ErrorName): ErrorName {
  switch (error) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
    case 'REQUEST_TIMED_OUT':
    case 'COORDINATOR_NOT_AVAILABLE':
      return 'COORDINATOR_NOT_AVAILABLE';
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
    case 'NOT_COORDINATOR':
      return 'NOT_COORDINATOR';
    default:
      return 'UNKNOWN_SERVER_ERROR';
  }
}
