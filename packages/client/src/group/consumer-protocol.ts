import { GregorError, type TopicPartition } from '@gregor/common';
import { KafkaReader, KafkaWriter } from '@gregor/record-batch';

/**
 * Kafka's consumer protocol (ConsumerProtocolSubscription and
 * ConsumerProtocolAssignment, non-flexible, big-endian): the bytes a
 * consumer puts in JoinGroup's protocol metadata and the leader in
 * SyncGroup's assignments. Using Kafka's encoding lets Gregor consumers and
 * Kafka consumers (through the Kafka listener) share a group. We write v3;
 * newer versions are read as v3, as Kafka does (fields are only appended).
 */

export interface Subscription {
  topics: string[];
  userData: Buffer | null;
  /** What the member owns now (v1+); cooperative assignors keep these where they can. */
  ownedPartitions: TopicPartition[];
  /** The generation `ownedPartitions` is from (v2+), -1 when unknown. */
  generationId: number;
  rackId: string | null;
}

export interface MemberAssignment {
  partitions: TopicPartition[];
  userData: Buffer | null;
}

const VERSION = 3;
/** Malformed consumer protocol bytes: Kafka's answer for a member's unreadable metadata. */
const MALFORMED = 'INCONSISTENT_GROUP_PROTOCOL';

/** Kafka's layout groups partitions by topic: ARRAY(topic STRING, partitions ARRAY(INT32)). */
function byTopic(tps: readonly TopicPartition[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const tp of tps) {
    let list = out.get(tp.topic);
    if (list === undefined) out.set(tp.topic, (list = []));
    list.push(tp.partition);
  }
  return out;
}

function partitionsSize(grouped: ReadonlyMap<string, number[]>): number {
  let size = 4;
  for (const [topic, partitions] of grouped) size += KafkaWriter.stringSize(topic) + 4 + 4 * partitions.length;
  return size;
}

function writePartitions(w: KafkaWriter, grouped: ReadonlyMap<string, number[]>): void {
  w.int32(grouped.size);
  for (const [topic, partitions] of grouped) {
    w.string(topic).int32(partitions.length);
    for (const p of partitions) w.int32(p);
  }
}

function readPartitions(r: KafkaReader): TopicPartition[] {
  const out: TopicPartition[] = [];
  const topics = r.arrayLength(6);
  for (let i = 0; i < topics; i++) {
    const topic = r.nullableString() ?? '';
    const n = r.arrayLength(4);
    for (let j = 0; j < n; j++) out.push({ topic, partition: r.int32() });
  }
  return out;
}

/** A copy, so that decoded user data does not pin the whole response buffer. */
function readUserData(r: KafkaReader): Buffer | null {
  const b = r.nullableBytes();
  return b === null ? null : Buffer.from(b);
}

export function encodeSubscription(s: Subscription): Buffer {
  const owned = byTopic(s.ownedPartitions);
  let size = 2 + 4 + KafkaWriter.bytesSize(s.userData) + partitionsSize(owned) + 4 + KafkaWriter.stringSize(s.rackId);
  for (const t of s.topics) size += KafkaWriter.stringSize(t);
  const w = new KafkaWriter(size).int16(VERSION).int32(s.topics.length);
  for (const t of s.topics) w.string(t);
  w.bytes(s.userData);
  writePartitions(w, owned);
  return w.int32(s.generationId).string(s.rackId).done();
}

export function decodeSubscription(buf: Buffer): Subscription {
  const r = new KafkaReader(buf, 'consumer subscription', MALFORMED);
  const version = r.int16();
  if (version < 0) throw new GregorError(MALFORMED, `consumer subscription version ${version}`);
  const topics: string[] = [];
  const n = r.arrayLength(2);
  for (let i = 0; i < n; i++) topics.push(r.nullableString() ?? '');
  const userData = readUserData(r);
  const ownedPartitions = version >= 1 ? readPartitions(r) : [];
  const generationId = version >= 2 ? r.int32() : -1;
  const rackId = version >= 3 ? r.nullableString() : null;
  return { topics, userData, ownedPartitions, generationId, rackId };
}

export function encodeAssignment(a: MemberAssignment): Buffer {
  const grouped = byTopic(a.partitions);
  const w = new KafkaWriter(2 + partitionsSize(grouped) + KafkaWriter.bytesSize(a.userData)).int16(VERSION);
  writePartitions(w, grouped);
  return w.bytes(a.userData).done();
}

/** An empty buffer (a member the leader left out) is an empty assignment. */
export function decodeAssignment(buf: Buffer): MemberAssignment {
  if (buf.length === 0) return { partitions: [], userData: null };
  const r = new KafkaReader(buf, 'consumer assignment', MALFORMED);
  const version = r.int16();
  if (version < 0) throw new GregorError(MALFORMED, `consumer assignment version ${version}`);
  const partitions = readPartitions(r);
  const userData = r.remaining === 0 ? null : readUserData(r);
  return { partitions, userData };
}
