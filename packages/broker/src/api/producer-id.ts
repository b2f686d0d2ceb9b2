import type { ApiError } from './context';

/** InitProducerId for idempotent producers (any broker) and transactional ones (their transaction coordinator), KIP-98. */
export interface InitProducerIdRequest {
  /** null for an idempotent producer; else the transactional id ("" is INVALID_REQUEST). */
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
