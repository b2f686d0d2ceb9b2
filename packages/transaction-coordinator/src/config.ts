/** The transaction coordinator's settings, with Kafka's names and defaults where Kafka has them. */
export interface TransactionCoordinatorConfig {
  /** transaction.max.timeout.ms: a longer transaction.timeout.ms is INVALID_TRANSACTION_TIMEOUT. */
  maxTransactionTimeoutMs: number;
  /** transactional.id.expiration.ms: an idle (Empty / Complete*) transactional id is forgotten after this. */
  transactionalIdExpirationMs: number;
  /** How long to wait before writing markers again when a write of the outcome failed. */
  retryBackoffMs: number;
  /** Transactional ids per shard; InitProducerId for a new one beyond it is COORDINATOR_NOT_AVAILABLE. */
  maxTransactionalIdsPerShard: number;
  /** Partitions in one transaction; AddPartitionsToTxn beyond it is INVALID_REQUEST. */
  maxPartitionsPerTransaction: number;
}

export const DEFAULT_TRANSACTION_COORDINATOR_CONFIG: TransactionCoordinatorConfig = {
  maxTransactionTimeoutMs: 900_000,
  transactionalIdExpirationMs: 7 * 24 * 3600 * 1000,
  retryBackoffMs: 100,
  maxTransactionalIdsPerShard: 100_000,
  maxPartitionsPerTransaction: 10_000,
};

/** Epochs are int16; Kafka gives a producer a new id rather than reach Short.MAX_VALUE. */
export const MAX_PRODUCER_EPOCH = 0x7fff;

/** An epoch that cannot be bumped again without a new producer id (Kafka's isEpochExhausted). */
export function isEpochExhausted(epoch: number): boolean {
  return epoch >= MAX_PRODUCER_EPOCH - 1;
}
