import { GregorError } from '@gregor/common';
import { KafkaReader, KafkaWriter } from '@gregor/record-batch';

/**
 * The records of the internal topic `__consumer_offsets`, in Kafka's own
 * byte format (OffsetCommitKey/Value, GroupMetadataKey/Value), so that the
 * topic reads the same to Kafka tools. The topic is compacted: for each key
 * the latest record wins, and a null value (tombstone) deletes the key.
 *
 * key   = int16 version, then
 *         0|1: group STRING, topic STRING, partition INT32      (an offset)
 *         2:   group STRING                                     (group metadata)
 * offset value  v0: offset INT64, metadata STRING, commitTimestamp INT64
 *               v1: + expireTimestamp INT64 (after commitTimestamp)
 *               v2: as v0; v3: offset, leaderEpoch INT32, metadata, commitTimestamp
 * group value   protocolType STRING, generation INT32, protocol NULLABLE_STRING,
 *               leader NULLABLE_STRING, [v2+] currentStateTimestamp INT64,
 *               members ARRAY of: memberId STRING, [v3+] groupInstanceId NULLABLE_STRING,
 *               clientId STRING, clientHost STRING, [v1+] rebalanceTimeout INT32,
 *               sessionTimeout INT32, subscription BYTES, assignment BYTES
 * We write offset key v1 / value v3 and group key v2 / value v3, as Kafka
 * 2.3+ does, and read every non-flexible version.
 */

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface OffsetValue {
  offset: bigint;
  /** -1 when unknown. */
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Only in value v1 (explicit retention); -1 otherwise. */
  expireTimestampMs: number;
}

export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  /** The member's metadata for the group's protocol. */
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generationId: number;
  protocolName: string | null;
  leader: string | null;
  /** Wall-clock ms of the last state change; -1 when unknown. */
  currentStateTimestampMs: number;
  members: StoredMember[];
}

export type CoordinatorRecord =
  | { type: 'offset'; groupId: string; topic: string; partition: number; value: OffsetValue | null }
  | { type: 'group'; groupId: string; value: GroupMetadataValue | null };

/** The key and value bytes of a record (value null = tombstone). */
export interface EncodedRecord {
  key: Buffer;
  value: Buffer | null;
}

const OFFSET_KEY_VERSION = 1;
const GROUP_KEY_VERSION = 2;
const OFFSET_VALUE_VERSION = 3;
const GROUP_VALUE_VERSION = 3;

export function encodeRecord(record: CoordinatorRecord): EncodedRecord {
  if (record.type === 'offset') {
    const key = new KafkaWriter(2 + KafkaWriter.stringSize(record.groupId) + KafkaWriter.stringSize(record.topic) + 4)
      .int16(OFFSET_KEY_VERSION)
      .string(record.groupId)
      .string(record.topic)
      .int32(record.partition)
      .done();
    return { key, value: record.value === null ? null : encodeOffsetValue(record.value) };
  }
  const key = new KafkaWriter(2 + KafkaWriter.stringSize(record.groupId)).int16(GROUP_KEY_VERSION).string(record.groupId).done();
  return { key, value: record.value === null ? null : encodeGroupValue(record.value) };
}

function encodeOffsetValue(v: OffsetValue): Buffer {
  return new KafkaWriter(2 + 8 + 4 + KafkaWriter.stringSize(v.metadata) + 8)
    .int16(OFFSET_VALUE_VERSION)
    .int64(v.offset)
    .int32(v.leaderEpoch)
    .string(v.metadata)
    .int64(BigInt(v.commitTimestampMs))
    .done();
}

function memberSize(m: StoredMember): number {
  return (
    KafkaWriter.stringSize(m.memberId) +
    KafkaWriter.stringSize(m.groupInstanceId) +
    KafkaWriter.stringSize(m.clientId) +
    KafkaWriter.stringSize(m.clientHost) +
    8 +
    KafkaWriter.bytesSize(m.subscription) +
    KafkaWriter.bytesSize(m.assignment)
  );
}

function encodeGroupValue(v: GroupMetadataValue): Buffer {
  let size = 2 + KafkaWriter.stringSize(v.protocolType) + 4 + KafkaWriter.stringSize(v.protocolName) + KafkaWriter.stringSize(v.leader) + 8 + 4;
  for (const m of v.members) size += memberSize(m);
  const w = new KafkaWriter(size)
    .int16(GROUP_VALUE_VERSION)
    .string(v.protocolType)
    .int32(v.generationId)
    .string(v.protocolName)
    .string(v.leader)
    .int64(BigInt(v.currentStateTimestampMs))
    .int32(v.members.length);
  for (const m of v.members) {
    w.string(m.memberId)
      .string(m.groupInstanceId)
      .string(m.clientId)
      .string(m.clientHost)
      .int32(m.rebalanceTimeoutMs)
      .int32(m.sessionTimeoutMs)
      .bytes(m.subscription)
      .bytes(m.assignment);
  }
  return w.done();
}

/**
 * Decodes one record of __consumer_offsets. Unknown key versions (Kafka
 * writes transaction and share-group records to other topics, but a future
 * version might add types) throw CORRUPT_MESSAGE, as do malformed bytes.
 */
export function decodeRecord(key: Buffer, value: Buffer | null): CoordinatorRecord {
  const k = new KafkaReader(key, 'offsets topic key');
  const keyVersion = k.int16();
  if (keyVersion === 0 || keyVersion === 1) {
    const groupId = k.string();
    const topic = k.string();
    const partition = k.int32();
    return { type: 'offset', groupId, topic, partition, value: value === null ? null : decodeOffsetValue(value) };
  }
  if (keyVersion === 2) {
    const groupId = k.string();
    return { type: 'group', groupId, value: value === null ? null : decodeGroupValue(value) };
  }
  throw new GregorError('CORRUPT_MESSAGE', `offsets topic key version ${keyVersion} is not an offset (0, 1) or group (2) key`);
}

function decodeOffsetValue(buf: Buffer): OffsetValue {
  const r = new KafkaReader(buf, 'offset commit value');
  const version = r.int16();
  if (version < 0 || version > 3) throw new GregorError('CORRUPT_MESSAGE', `offset commit value version ${version} is not supported`);
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestampMs = Number(r.int64());
  const expireTimestampMs = version === 1 ? Number(r.int64()) : -1;
  return { offset, leaderEpoch, metadata, commitTimestampMs, expireTimestampMs };
}

function decodeGroupValue(buf: Buffer): GroupMetadataValue {
  const r = new KafkaReader(buf, 'group metadata value');
  const version = r.int16();
  if (version < 0 || version > 3) throw new GregorError('CORRUPT_MESSAGE', `group metadata value version ${version} is not supported`);
  const protocolType = r.string();
  const generationId = r.int32();
  const protocolName = r.nullableString();
  const leader = r.nullableString();
  const currentStateTimestampMs = version >= 2 ? Number(r.int64()) : -1;
  const count = r.arrayLength(2 + 2 + 2 + 4 + 4 + 4);
  const members: StoredMember[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string();
    const clientHost = r.string();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    const subscription = Buffer.from(r.bytes());
    const assignment = Buffer.from(r.bytes());
    members.push({
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      // v0 had no rebalance timeout: Kafka reads it as the session timeout.
      rebalanceTimeoutMs: rebalanceTimeoutMs === -1 ? sessionTimeoutMs : rebalanceTimeoutMs,
      sessionTimeoutMs,
      subscription,
      assignment,
    });
  }
  return { protocolType, generationId, protocolName, leader, currentStateTimestampMs, members };
}

/** The compaction key of a record: records with equal keys replace each other. */
export function recordKey(record: CoordinatorRecord): string {
  return record.type === 'offset' ? `o\u0000${record.groupId}\u0000${record.topic}\u0000${record.partition}` : `g\u0000${record.groupId}`;
}
