/**
 * @gregor/transaction-coordinator — Kafka's transaction coordinator
 * (KIP-98, KIP-360): a pure per-partition state machine (TransactionShard),
 * the __transaction_state record format and its loader.
 */
export * from './types';
export { DEFAULT_TRANSACTION_COORDINATOR_CONFIG, MAX_PRODUCER_EPOCH, isEpochExhausted, type TransactionCoordinatorConfig } from './config';
export { appendErrorForClient, emptyEffects, txnAppendRecords, type TxnAppend, type TxnCompletion, type TxnEffects, type TxnEvent } from './effects';
export { TransactionShard, mergePartitions, type TransactionShardDeps } from './transaction-shard';
export { TRANSACTION_STATE_TOPIC, decodeTxnRecord, encodeTxnRecord, type TxnRecord } from './records';
export { TransactionLoader } from './loader';
export { TransactionCoordinatorRuntime, partitionForTransactionalId, type TransactionCoordinatorRuntimeOptions, type TxnMarkerPort } from './runtime';
