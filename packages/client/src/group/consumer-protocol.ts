import { GregorError, type TopicPartition } from '@gregor/common';

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

class Writer {
  private readonly parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s, 'utf8');
    if (b.length > 0x7fff) throw new GregorError('INVALID_REQUEST', `string of ${b.length} bytes does not fit the consumer protocol`);
    this.int16(b.length);
    this.parts.push(b);
    return this;
  }
  bytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  private pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new GregorError('INCONSISTENT_GROUP_PROTOCOL', `${this.what}: truncated at byte ${this.pos}`);
  }
  get atEnd(): boolean {
    return this.pos >= this.buf.length;
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    this.need(n);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
  count(minBytesEach: number): number {
    const n = this.int32();
    if (n < 0) return 0;
    if (n * minBytesEach > this.buf.length - this.pos) throw new GregorError('INCONSISTENT_GROUP_PROTOCOL', `${this.what}: ${n} elements cannot fit`);
    return n;
  }
}

function writePartitions(w: Writer, tps: readonly TopicPartition[]): void {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) {
    let list = byTopic.get(tp.topic);
    if (list === undefined) byTopic.set(tp.topic, (list = []));
    list.push(tp.partition);
  }
  w.int32(byTopic.size);
  for (const [topic, partitions] of byTopic) {
    w.string(topic).int32(partitions.length);
    for (const p of partitions) w.int32(p);
  }
}

function readPartitions(r: Reader): TopicPartition[] {
  const out: TopicPartition[] = [];
  const topics = r.count(6);
  for (let i = 0; i < topics; i++) {
    const topic = r.string() ?? '';
    const n = r.count(4);
    for (let j = 0; j < n; j++) out.push({ topic, partition: r.int32() });
  }
  return out;
}

export function encodeSubscription(s: Subscription): Buffer {
  const w = new Writer().int16(VERSION).int32(s.topics.length);
  for (const t of s.topics) w.string(t);
  w.bytes(s.userData);
  writePartitions(w, s.ownedPartitions);
  return w.int32(s.generationId).string(s.rackId).done();
}

export function decodeSubscription(buf: Buffer): Subscription {
  const r = new Reader(buf, 'consumer subscription');
  const version = r.int16();
  if (version < 0) throw new GregorError('INCONSISTENT_GROUP_PROTOCOL', `consumer subscription version ${version}`);
  const topics: string[] = [];
  const n = r.count(2);
  for (let i = 0; i < n; i++) topics.push(r.string() ?? '');
  const userData = r.bytes();
  const ownedPartitions = version >= 1 ? readPartitions(r) : [];
  const generationId = version >= 2 ? r.int32() : -1;
  const rackId = version >= 3 ? r.string() : null;
  return { topics, userData, ownedPartitions, generationId, rackId };
}

export function encodeAssignment(a: MemberAssignment): Buffer {
  const w = new Writer().int16(VERSION);
  writePartitions(w, a.partitions);
  return w.bytes(a.userData).done();
}

/** An empty buffer (a member the leader left out) is an empty assignment. */
export function decodeAssignment(buf: Buffer): MemberAssignment {
  if (buf.length === 0) return { partitions: [], userData: null };
  const r = new Reader(buf, 'consumer assignment');
  const version = r.int16();
  if (version < 0) throw new GregorError('INCONSISTENT_GROUP_PROTOCOL', `consumer assignment version ${version}`);
  const partitions = readPartitions(r);
  const userData = r.atEnd ? null : r.bytes();
  return { partitions, userData };
}
