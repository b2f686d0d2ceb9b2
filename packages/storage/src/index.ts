export { LogStore, type LogStoreMemory, type LogStoreOptions, type LogStoreStats } from './log-store';
export { DEFAULT_LEVELDB_TUNING, type LevelDbTuning } from './kv';
export { PartitionLog, type AppendOutcome, type AppendResult, type ReadResult } from './partition-log';
export type { RetentionPolicy } from './retention';
export { shouldClean, type CompactOptions, type CompactResult, type CompactionMark } from './log-compact';
export { planCompaction, consecutiveRuns, TxnCleaning, type AbortedRange, type CompactionRecord } from './compaction-plan';
export {
  MAX_SEQUENCE,
  PRODUCER_BATCHES_RETAINED,
  applyProducerBatch,
  checkProducerBatch,
  isNextSequence,
  lastSequenceOf,
  type ProducerBatchInfo,
  type ProducerBatchMetadata,
  type ProducerCheck,
  type ProducerEntry,
} from './producer-state';
