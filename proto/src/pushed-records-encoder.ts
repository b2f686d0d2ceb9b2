/**
 * SubscribeResponse{records: SubscribeRecords{records}} written straight into
 * one Buffer: sizes first, then the bytes. This is the node's per-record hot
 * path while it pushes (one ConsumedRecord per delivered record);
 * protobufjs's Writer, which the other hand-placed codecs use, queues one
 * operation object per field and turns each int64 past 2^32 into a
 * LongBits, so a pushed record cost ~8 allocations. records-codec.test.ts
 * checks the output against proto-loader's decoder (records.proto is the
 * contract), negative and beyond-2^53 int64s included.
 */
import type { RecordsWireRecord } from './records-codec';

// Tags (field << 3 | wire type) of the fields written here: all below 16, so one byte each.
const LEN = 2;
const tagByte = (field: number, wireType: number): number => (field << 3) | wireType;
const RESPONSE_RECORDS = tagByte(1, LEN);
const RECORDS_RECORD = tagByte(1, LEN);
const TOPIC = tagByte(1, LEN);
const PARTITION = tagByte(2, 0);
const OFFSET = tagByte(3, 0);
const KEY = tagByte(4, LEN);
const VALUE = tagByte(5, LEN);
const HEADER = tagByte(6, LEN);
const HEADER_KEY = tagByte(1, LEN);
const HEADER_VALUE = tagByte(2, LEN);
const TIMESTAMP = tagByte(7, 0);
const ATTEMPT = tagByte(8, 0);

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** Bytes of the varint of a non-negative integer below 2^53. */
function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 5;
  for (n = Math.floor(n / 0x800000000); n > 0; n = Math.floor(n / 0x80)) size++;
  return size;
}

/** Bytes of an int64 field's varint: two's complement on 64 bits, so a negative value takes 10. */
function int64Size(v: bigint): number {
  if (v >= 0n && v <= MAX_EXACT) return varintSize(Number(v));
  let u = BigInt.asUintN(64, v);
  let size = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    size++;
  }
  return size;
}

/** An int32 field's varint: a negative value is sign-extended to 64 bits (10 bytes), as protobuf does. */
function int32Size(n: number): number {
  return n >= 0 ? varintSize(n) : 10;
}

/**
 * The varint of a non-negative integer below 2^53, with 32-bit operations
 * only: every pushed record has a millisecond timestamp (~2^41), which
 * division and Math.floor per 7 bits made one of the encoder's larger costs.
 */
function putVarint(buf: Buffer, pos: number, n: number): number {
  if (n > 0xffffffff) {
    // Low 28 bits first (4 groups, all continued: n ≥ 2^32), then the low word's last 4 bits with the high word.
    let lo = n >>> 0;
    const hi = (n - lo) / 0x100000000;
    for (let i = 0; i < 4; i++) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    n = lo | (hi << 4);
  }
  while (n > 0x7f) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

function putInt64(buf: Buffer, pos: number, v: bigint): number {
  if (v >= 0n && v <= MAX_EXACT) return putVarint(buf, pos, Number(v));
  let u = BigInt.asUintN(64, v);
  while (u >= 0x80n) {
    buf[pos++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
  return pos;
}

function putInt32(buf: Buffer, pos: number, n: number): number {
  return n >= 0 ? putVarint(buf, pos, n) : putInt64(buf, pos, BigInt(n));
}

function putBytes(buf: Buffer, pos: number, tag: number, bytes: Uint8Array): number {
  buf[pos++] = tag;
  pos = putVarint(buf, pos, bytes.length);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/** SubscribeResponse{records: SubscribeRecords{records}}; `attempts[i]` is record i's delivery_attempt (0 = unset). */
export function encodePushedRecords(records: readonly RecordsWireRecord[], attempts: readonly number[]): Buffer {
  // Pass 1: each record's body size, and each header's (headers in order, flat).
  const topics = new Map<string, Buffer>();
  // Records come in runs of one partition: most lookups are the last topic again.
  let lastTopic: string | undefined;
  let lastTopicBytes: Buffer | undefined;
  const topicOf: Buffer[] = new Array<Buffer>(records.length);
  const bodySizes = new Array<number>(records.length);
  const headerSizes: number[] = [];
  const headerKeySizes: number[] = [];
  let inner = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    let topic: Buffer;
    if (r.topic === lastTopic) {
      topic = lastTopicBytes!;
    } else {
      let cached = topics.get(r.topic);
      if (cached === undefined) topics.set(r.topic, (cached = Buffer.from(r.topic, 'utf8')));
      topic = cached;
      lastTopic = r.topic;
      lastTopicBytes = cached;
    }
    topicOf[i] = topic;
    let n = 1 + varintSize(topic.length) + topic.length;
    if (r.partition !== 0) n += 1 + int32Size(r.partition);
    if (r.offset !== 0n) n += 1 + int64Size(r.offset);
    // One-field oneofs: present (even when empty) unless null.
    if (r.key !== null) n += 1 + varintSize(r.key.length) + r.key.length;
    if (r.value !== null) n += 1 + varintSize(r.value.length) + r.value.length;
    for (const h of r.headers) {
      const k = Buffer.byteLength(h.key, 'utf8');
      let hn = 1 + varintSize(k) + k;
      if (h.value !== null && h.value.length > 0) hn += 1 + varintSize(h.value.length) + h.value.length;
      headerKeySizes.push(k);
      headerSizes.push(hn);
      n += 1 + varintSize(hn) + hn;
    }
    if (r.timestamp !== 0n) n += 1 + int64Size(r.timestamp);
    const attempt = attempts[i] ?? 0;
    if (attempt !== 0) n += 1 + int32Size(attempt);
    bodySizes[i] = n;
    inner += 1 + varintSize(n) + n;
  }
  // Pass 2: the bytes.
  const buf = Buffer.allocUnsafe(1 + varintSize(inner) + inner);
  let pos = 0;
  buf[pos++] = RESPONSE_RECORDS;
  pos = putVarint(buf, pos, inner);
  let h = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    buf[pos++] = RECORDS_RECORD;
    pos = putVarint(buf, pos, bodySizes[i]!);
    pos = putBytes(buf, pos, TOPIC, topicOf[i]!);
    if (r.partition !== 0) {
      buf[pos++] = PARTITION;
      pos = putInt32(buf, pos, r.partition);
    }
    if (r.offset !== 0n) {
      buf[pos++] = OFFSET;
      pos = putInt64(buf, pos, r.offset);
    }
    if (r.key !== null) pos = putBytes(buf, pos, KEY, r.key);
    if (r.value !== null) pos = putBytes(buf, pos, VALUE, r.value);
    for (const header of r.headers) {
      buf[pos++] = HEADER;
      pos = putVarint(buf, pos, headerSizes[h]!);
      buf[pos++] = HEADER_KEY;
      pos = putVarint(buf, pos, headerKeySizes[h]!);
      pos += buf.write(header.key, pos, 'utf8');
      if (header.value !== null && header.value.length > 0) pos = putBytes(buf, pos, HEADER_VALUE, header.value);
      h++;
    }
    if (r.timestamp !== 0n) {
      buf[pos++] = TIMESTAMP;
      pos = putInt64(buf, pos, r.timestamp);
    }
    const attempt = attempts[i] ?? 0;
    if (attempt !== 0) {
      buf[pos++] = ATTEMPT;
      pos = putInt32(buf, pos, attempt);
    }
  }
  if (pos !== buf.length) throw new Error(`encodePushedRecords: wrote ${pos} of ${buf.length} bytes`);
  return buf;
}
