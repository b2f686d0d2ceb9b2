import type { ApiError } from './context';

/** InitProducerId for idempotent producers (KIP-98); transactions are not supported. */
export interface InitProducerIdRequest {
  /** null for an idempotent producer; anything else is INVALID_REQUEST (no transactions). */
  readonly transactionalId: string | null;
  readonly transactionTimeoutMs: number;
  /** KIP-360: the id and epoch the producer has (-1 when none); a non-transactional producer always gets a new id. */
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

export interface InitProducerIdResponse {
  readonly error: ApiError | null;
  /** -1 on error. */
  readonly producerId: bigint;
  /** -1 on error. */
  readonly producerEpoch: number;
}
