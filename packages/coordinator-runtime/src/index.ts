/**
 * @gregor/coordinator-runtime — what the group and transaction
 * coordinators share at their I/O edge: ShardHost drives one pure shard
 * over its internal-topic partition (load, replies, merged acks=all
 * writes, one timer), through a CoordinatorLogPort.
 */
export { COORDINATOR_WAIT_MS, ShardHosts, type ShardHostsOptions } from './shard-hosts';
export { ShardHost, type CoordinatorLogPort, type HostedShard, type ShardEffects, type ShardHostLimits, type ShardKind, type ShardLoader } from './shard-host';
export { decodeKeyedBatches, encodeKeyedBatch, type DecodedChunk, type KeyedEntry, type TransactionalBatchOwner } from './batch-codec';
export { javaStringHashCode, partitionForKey } from './partition-for';
