/**
 * The LevelDB key layout. Every key is a Buffer compared bytewise, so all
 * integers are big-endian and the first byte picks a namespace:
 *
 *   00 01                          → next partition id (uint32)
 *   00 02                          → on-disk format version (uint32)
 *   01 <topic> 00 <partition:u32>  → partition id (uint32)   "directory"
 *   02 <id:u32>                    → (empty) partition being deleted
 *   10 <id:u32> 00 <side:u8>       → side keys (log start, HW, size, epochs,
 *                                     producer-state snapshots)
 *   10 <id:u32> 01 <ts:i64 flipped>→ time index: baseOffset (int64)
 *   10 <id:u32> 02 <base:i64>      → one record batch, bytes as produced
 *   10 <id:u32> 03 00 <pid:i64>    → open transaction: first offset (int64)
 *   10 <id:u32> 03 01 <marker:i64> → completed transaction: pid, first offset, aborted
 *
 * Topic names are [a-zA-Z0-9._-] so the 00 separator cannot occur inside one.
 * A partition's keys all share the 5-byte prefix `10 <id>`, so deleting it is
 * one range; ids are never reused, so a recreated topic starts clean even if
 * the old range is still being cleared.
 */

export const FORMAT_VERSION = 1;

const NS_META = 0x00;
const NS_DIRECTORY = 0x01;
const NS_TOMBSTONE = 0x02;
const NS_PARTITION = 0x10;

const META_NEXT_ID = 0x01;
const META_FORMAT = 0x02;

const KIND_SIDE = 0x00;
const KIND_TIME = 0x01;
const KIND_DATA = 0x02;
const KIND_TXN = 0x03;

export const Side = {
  LogStartOffset: 0x01,
  HighWatermark: 0x02,
  SizeBytes: 0x03,
  Epochs: 0x04,
  /** Two slots for idempotent-producer state snapshots (see partition-producers.ts). */
  ProducerSnapshot0: 0x05,
  ProducerSnapshot1: 0x06,
} as const;
export type Side = (typeof Side)[keyof typeof Side];

/** A key range in abstract-level's option shape. */
export interface KeyRange {
  gte: Buffer;
  lt: Buffer;
}

/** Partition ids are uint32; 4 billion create/delete cycles per node is plenty. */
export const MAX_PARTITION_ID = 0xffff_ffff;

const SIGN_BIT = 1n << 63n;

export const nextIdKey = (): Buffer => Buffer.from([NS_META, META_NEXT_ID]);
export const formatKey = (): Buffer => Buffer.from([NS_META, META_FORMAT]);

export function directoryKey(topic: string, partition: number): Buffer {
  const key = Buffer.allocUnsafe(1 + topic.length + 1 + 4);
  key[0] = NS_DIRECTORY;
  key.write(topic, 1, 'latin1');
  key[1 + topic.length] = 0x00;
  key.writeUInt32BE(partition, 2 + topic.length);
  return key;
}

export function decodeDirectoryKey(key: Buffer): { topic: string; partition: number } {
  const sep = key.length - 5;
  return { topic: key.toString('latin1', 1, sep), partition: key.readUInt32BE(sep + 1) };
}

export const directoryRange = (): KeyRange => ({ gte: Buffer.from([NS_DIRECTORY]), lt: Buffer.from([NS_DIRECTORY + 1]) });

export function tombstoneKey(id: number): Buffer {
  const key = Buffer.allocUnsafe(5);
  key[0] = NS_TOMBSTONE;
  key.writeUInt32BE(id, 1);
  return key;
}

export const tombstoneRange = (): KeyRange => ({ gte: Buffer.from([NS_TOMBSTONE]), lt: Buffer.from([NS_TOMBSTONE + 1]) });
export const decodeTombstoneKey = (key: Buffer): number => key.readUInt32BE(1);

function partitionKey(id: number, kind: number, extraBytes: number): Buffer {
  const key = Buffer.allocUnsafe(6 + extraBytes);
  key[0] = NS_PARTITION;
  key.writeUInt32BE(id, 1);
  key[5] = kind;
  return key;
}

/** Every key of one partition. */
export function partitionRange(id: number): KeyRange {
  const gte = Buffer.allocUnsafe(5);
  gte[0] = NS_PARTITION;
  gte.writeUInt32BE(id, 1);
  if (id === MAX_PARTITION_ID) return { gte, lt: Buffer.from([NS_PARTITION + 1]) };
  const lt = Buffer.allocUnsafe(5);
  lt[0] = NS_PARTITION;
  lt.writeUInt32BE(id + 1, 1);
  return { gte, lt };
}

export function sideKey(id: number, side: Side): Buffer {
  const key = partitionKey(id, KIND_SIDE, 1);
  key[6] = side;
  return key;
}

export function dataKey(id: number, baseOffset: bigint): Buffer {
  const key = partitionKey(id, KIND_DATA, 8);
  key.writeBigInt64BE(baseOffset, 6);
  return key;
}

export const dataRange = (id: number): KeyRange => ({ gte: partitionKey(id, KIND_DATA, 0), lt: partitionKey(id, KIND_DATA + 1, 0) });
export const baseOffsetOfDataKey = (key: Buffer): bigint => key.readBigInt64BE(6);

/**
 * Timestamps are signed (-1 means "none"); flipping the sign bit makes the
 * big-endian bytes sort like the signed numbers.
 */
export function timeKey(id: number, timestamp: bigint): Buffer {
  const key = partitionKey(id, KIND_TIME, 8);
  key.writeBigUInt64BE(BigInt.asUintN(64, timestamp) ^ SIGN_BIT, 6);
  return key;
}

export const timeRange = (id: number): KeyRange => ({ gte: partitionKey(id, KIND_TIME, 0), lt: partitionKey(id, KIND_TIME + 1, 0) });
export const timestampOfTimeKey = (key: Buffer): bigint => BigInt.asIntN(64, key.readBigUInt64BE(6) ^ SIGN_BIT);

/** Transaction index keys (txn-index.ts): an open transaction per producer, a completed one per marker offset. */
export const TXN_ONGOING = 0x00;
export const TXN_COMPLETED = 0x01;

export function txnOngoingKey(id: number, producerId: bigint): Buffer {
  const key = partitionKey(id, KIND_TXN, 9);
  key[6] = TXN_ONGOING;
  key.writeBigInt64BE(producerId, 7);
  return key;
}

export function txnCompletedKey(id: number, markerOffset: bigint): Buffer {
  const key = partitionKey(id, KIND_TXN, 9);
  key[6] = TXN_COMPLETED;
  key.writeBigInt64BE(markerOffset, 7);
  return key;
}

export const txnRange = (id: number): KeyRange => ({ gte: partitionKey(id, KIND_TXN, 0), lt: partitionKey(id, KIND_TXN + 1, 0) });
