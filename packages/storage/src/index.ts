export { LogStore, type LogStoreOptions, type LogStoreStats } from './log-store';
export { PartitionLog, type AppendResult, type ReadResult } from './partition-log';
export type { RetentionPolicy } from './retention';
