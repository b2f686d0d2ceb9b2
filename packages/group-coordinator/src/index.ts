/**
 * @gregor/group-coordinator — Kafka's classic consumer-group coordinator:
 * a pure per-partition state machine (GroupCoordinatorShard), the
 * __consumer_offsets record format and loader, and the runtime that drives
 * shards with real time and a log.
 */
export * from './types';
export { DEFAULT_GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './config';
export type { Effects, PendingAppend, ShardDeps } from './context';
export { describeGroupEvent, type GroupEvent } from './group-events';
export { GroupCoordinatorShard } from './coordinator-shard';
export { OffsetsLoader } from './loader';
export {
  OFFSETS_TOPIC,
  decodeRecord,
  encodeRecord,
  recordKey,
  type CoordinatorRecord,
  type EncodedRecord,
  type GroupMetadataValue,
  type OffsetValue,
  type StoredMember,
} from './records';
export { javaStringHashCode, partitionForGroup } from './partition-for';
export { encodeCoordinatorBatch, decodeCoordinatorBatches } from './batch-codec';
export { GroupCoordinatorRuntime, type GroupCoordinatorRuntimeOptions } from './runtime';
/** The __consumer_offsets partition as the coordinator needs it (the shared coordinator log port). */
export type { CoordinatorLogPort as OffsetsLogPort } from '@gregor/coordinator-runtime';
export { PendingTxnOffsets, type TxnOffsetCommitRequest } from './txn-offsets';
