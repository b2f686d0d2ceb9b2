/**
 * Hand-placed codecs for the hot messages of gregor.v1.Records (records.proto
 * stays the contract; records-codec.test.ts checks every codec here against
 * proto-loader's, both ways): the records a Subscribe stream pushes, the acks
 * that come back, a Publish request and its per-record results.
 *
 * Why: proto-loader turns every message into plain objects through
 * protobufjs's fromObject/toObject, int64s through Long and decimal strings
 * (PROTO_LOADER_OPTIONS); per record that cost more node CPU than the rest of
 * the Subscribe path together, and a Publish of 1,000 records paid it twice.
 * Here protobufjs's Reader and Writer do the wire work and fields map
 * straight to Gregor's types (bigint offsets, Buffers, null for an unset
 * key). Rare messages (a stream's `open`, assignment notices) still go
 * through proto-loader.
 *
 * `recordsServiceDefinition()` is the service with these codecs, for the
 * node's server and the SDK's Subscribe client alike; both write Subscribe
 * messages as Buffers encoded here (or plain objects for the rare ones).
 */
import type * as grpc from '@grpc/grpc-js';
import { Reader, Writer } from 'protobufjs/minimal';
import type { PublishRequest__Output, PublishResponse, SubscribeAssignment__Output, SubscribeOpen__Output } from './generated/gregor/v1';
import { encodePushedRecords } from './pushed-records-encoder';

/** A record as a Subscribe stream carries it (records.proto, ConsumedRecord). */
export interface RecordsWireRecord {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: { readonly key: string; readonly value: Buffer | null }[];
  timestamp: bigint;
}

export interface RecordsWireAck {
  topic: string;
  partition: number;
  offset: bigint;
}

/** Acks of every delivered record of a partition from firstOffset to lastOffset, both included (records.proto, RecordAckRange). */
export interface RecordsWireAckRange {
  topic: string;
  partition: number;
  firstOffset: bigint;
  lastOffset: bigint;
}

/** A Subscribe client message as the node reads it; its acks, one by one or ranges, as ranges (a single ack is a range of one). */
export type SubscribeRequestIn = { kind: 'open'; open: SubscribeOpen__Output } | { kind: 'ack'; acks: RecordsWireAckRange[] } | { kind: undefined };

/** A Subscribe server message as the SDK reads it. */
export type SubscribeResponseIn =
  | { kind: 'records'; records: (RecordsWireRecord & { deliveryAttempt: number })[] }
  | { kind: 'assignment'; assignment: SubscribeAssignment__Output }
  | { kind: undefined };

// protobuf wire types
const VARINT = 0;
const LEN = 2;
const tag = (field: number, wireType: number): number => (field << 3) | wireType;

/**
 * int64 for the Writer: below 2^32 and not negative as a uint32 (the same
 * varint, without protobufjs's 64-bit split), else a number while exact (no
 * Long parsing), else a decimal string.
 */
function int64(w: Writer, field: number, v: bigint): void {
  if (v === 0n) return;
  w.uint32(tag(field, VARINT));
  if (v > 0n && v <= MAX_UINT32) w.uint32(Number(v));
  else w.int64(v <= MAX_EXACT && v >= -MAX_EXACT ? Number(v) : v.toString());
}
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_UINT32 = 0xffffffffn;

/**
 * An int64 as a bigint. Varints of up to 7 bytes (below 2^49: every real
 * offset and timestamp) are summed as a number here; longer ones (negative,
 * huge) and truncated input go to protobufjs (a Long when the `long`
 * package is there, else a number; it throws on a truncated buffer). The
 * fast path saves a Long per field: two per pushed record.
 */
function readInt64(r: Reader): bigint {
  const buf = r.buf;
  let pos = r.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 7 && pos < r.len; i++) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      r.pos = pos;
      return BigInt(value);
    }
    scale *= 0x80;
  }
  const v = r.int64() as unknown as number | { low: number; high: number };
  if (typeof v === 'number') return BigInt(v);
  if (v.high === 0) return BigInt(v.low >>> 0);
  return (BigInt(v.high) << 32n) | BigInt(v.low >>> 0);
}

/** `topic` as UTF-8 (a string field is length-delimited bytes on the wire): encoded once per topic and message, not per record. */
function topicBytes(cache: Map<string, Buffer>, topic: string): Buffer {
  let b = cache.get(topic);
  if (b === undefined) cache.set(topic, (b = Buffer.from(topic, 'utf8')));
  return b;
}

/** The last string a message's decoder read for a field that repeats (a topic: once per record or ack). */
interface StringCache {
  bytes: Uint8Array | undefined;
  text: string;
}
const newStringCache = (): StringCache => ({ bytes: undefined, text: '' });

/**
 * A string field; when its bytes equal the last ones read into `cache`, the
 * same string again without decoding. Falls back to protobufjs for a
 * truncated buffer (it throws) or a reader that is not over a Buffer.
 */
function readRepeatedString(r: Reader, cache: StringCache): string {
  const start = r.pos;
  const len = r.uint32();
  const from = r.pos;
  const to = from + len;
  const buf = r.buf;
  if (to > r.len || !Buffer.isBuffer(buf)) {
    r.pos = start;
    return r.string();
  }
  r.pos = to;
  const last = cache.bytes;
  if (last !== undefined && last.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (last[i] !== buf[from + i]) {
        same = false;
        break;
      }
    }
    if (same) return cache.text;
  }
  cache.bytes = buf.subarray(from, to);
  cache.text = buf.toString('utf8', from, to);
  return cache.text;
}

function readRecord(r: Reader, end: number, topics: StringCache): RecordsWireRecord & { deliveryAttempt: number } {
  const out: RecordsWireRecord & { deliveryAttempt: number } = { topic: '', partition: 0, offset: 0n, key: null, value: null, headers: [], timestamp: 0n, deliveryAttempt: 0 };
  while (r.pos < end) {
    const t = r.uint32();
    switch (t >>> 3) {
      case 1:
        out.topic = readRepeatedString(r, topics);
        break;
      case 2:
        out.partition = r.int32();
        break;
      case 3:
        out.offset = readInt64(r);
        break;
      case 4:
        out.key = r.bytes() as Buffer;
        break;
      case 5:
        out.value = r.bytes() as Buffer;
        break;
      case 6: {
        const hEnd = r.uint32() + r.pos;
        const h = { key: '', value: EMPTY as Buffer | null };
        while (r.pos < hEnd) {
          const ht = r.uint32();
          if (ht >>> 3 === 1) h.key = r.string();
          else if (ht >>> 3 === 2) h.value = r.bytes() as Buffer;
          else r.skipType(ht & 7);
        }
        out.headers.push(h);
        break;
      }
      case 7:
        out.timestamp = readInt64(r);
        break;
      case 8:
        out.deliveryAttempt = r.int32();
        break;
      default:
        r.skipType(t & 7);
    }
  }
  return out;
}
const EMPTY = Buffer.alloc(0);

/**
 * SubscribeResponse{records: SubscribeRecords{records}}; `attempts[i]` is
 * record i's delivery_attempt. Written without protobufjs's Writer
 * (pushed-records-encoder.ts): the node's per-record hot path.
 */
export function encodeSubscribeRecords(records: readonly RecordsWireRecord[], attempts: readonly number[]): Buffer {
  return encodePushedRecords(records, attempts);
}

/**
 * Per-record acks as ranges, in the order given: an ack of the offset right
 * after the previous one's, same partition, extends its range. A subscriber
 * that acks in order turns 500 acks into a range or a few per partition
 * (encoding and decoding each ack, and the node's window lookup per ack,
 * were a tenth of both sides' CPU while pushing); acks out of order just
 * make more ranges. Exactly the same set of acks.
 */
export function coalesceAcks(acks: readonly RecordsWireAck[]): RecordsWireAckRange[] {
  const out: RecordsWireAckRange[] = [];
  let run: RecordsWireAckRange | undefined;
  for (const a of acks) {
    if (run !== undefined && run.partition === a.partition && run.lastOffset + 1n === a.offset && run.topic === a.topic) {
      run.lastOffset = a.offset;
      continue;
    }
    run = { topic: a.topic, partition: a.partition, firstOffset: a.offset, lastOffset: a.offset };
    out.push(run);
  }
  return out;
}

/** SubscribeRequest{ack: SubscribeAcks{ranges}}: the acks as coalesceAcks' ranges. */
export function encodeSubscribeAcks(acks: readonly RecordsWireAck[]): Buffer {
  const w = Writer.create();
  w.uint32(tag(2, LEN)).fork();
  const topics = new Map<string, Buffer>();
  for (const a of coalesceAcks(acks)) {
    w.uint32(tag(2, LEN)).fork();
    w.uint32(tag(1, LEN)).bytes(topicBytes(topics, a.topic));
    if (a.partition !== 0) w.uint32(tag(2, VARINT)).int32(a.partition);
    int64(w, 3, a.firstOffset);
    int64(w, 4, a.lastOffset);
    w.ldelim();
  }
  w.ldelim();
  return w.finish() as Buffer;
}

/** SubscribeAcks: `acks` (field 1, one offset) and `ranges` (field 2, first and last offset), in wire order, as ranges. */
function readAcks(r: Reader, end: number): RecordsWireAckRange[] {
  const acks: RecordsWireAckRange[] = [];
  const topics = newStringCache();
  while (r.pos < end) {
    const t = r.uint32();
    const field = t >>> 3;
    if ((field !== 1 && field !== 2) || (t & 7) !== LEN) {
      r.skipType(t & 7);
      continue;
    }
    const aEnd = r.uint32() + r.pos;
    const a: RecordsWireAckRange = { topic: '', partition: 0, firstOffset: 0n, lastOffset: 0n };
    let last: bigint | undefined;
    while (r.pos < aEnd) {
      const at = r.uint32();
      switch (at >>> 3) {
        case 1:
          a.topic = readRepeatedString(r, topics);
          break;
        case 2:
          a.partition = r.int32();
          break;
        case 3:
          a.firstOffset = readInt64(r);
          break;
        case 4:
          // Only a range has a last offset; in a single ack (field 1) field 4 is unknown.
          if (field === 2) last = readInt64(r);
          else r.skipType(at & 7);
          break;
        default:
          r.skipType(at & 7);
      }
    }
    a.lastOffset = field === 1 ? a.firstOffset : (last ?? 0n);
    acks.push(a);
  }
  return acks;
}

/** The field numbers of a oneof message's variants that this file decodes by hand, and where the rest go. */
function decodeOneof<T>(buf: Buffer, handwritten: Record<number, (r: Reader, end: number) => T>, fallback: (buf: Buffer) => T, none: T): T {
  const r = Reader.create(buf);
  let out = none;
  while (r.pos < r.len) {
    const t = r.uint32();
    const field = t >>> 3;
    const hand = handwritten[field];
    if (hand !== undefined && (t & 7) === LEN) {
      const end = r.uint32() + r.pos;
      out = hand(r, end);
      r.pos = end;
    } else if (field in handwritten || (t & 7) !== LEN) {
      r.skipType(t & 7);
    } else {
      // A variant for proto-loader (rare messages): it decodes the whole buffer.
      return fallback(buf);
    }
  }
  return out;
}

/** Reads a SubscribeRequest: acks by hand, `open` through proto-loader's deserializer. */
export function decodeSubscribeRequest(buf: Buffer, slow: (buf: Buffer) => { kind?: string; open?: SubscribeOpen__Output | null }): SubscribeRequestIn {
  return decodeOneof<SubscribeRequestIn>(
    buf,
    { 2: (r, end) => ({ kind: 'ack', acks: readAcks(r, end) }) },
    (b) => {
      const m = slow(b);
      return m.kind === 'open' && m.open != null ? { kind: 'open', open: m.open } : { kind: undefined };
    },
    { kind: undefined },
  );
}

/** Reads a SubscribeResponse: records by hand, assignment notices through proto-loader's deserializer. */
export function decodeSubscribeResponse(buf: Buffer, slow: (buf: Buffer) => { kind?: string; assignment?: SubscribeAssignment__Output | null }): SubscribeResponseIn {
  return decodeOneof<SubscribeResponseIn>(
    buf,
    {
      1: (r, end) => {
        const records: (RecordsWireRecord & { deliveryAttempt: number })[] = [];
        const topics = newStringCache();
        while (r.pos < end) {
          const t = r.uint32();
          if (t >>> 3 !== 1 || (t & 7) !== LEN) {
            r.skipType(t & 7);
            continue;
          }
          const rEnd = r.uint32() + r.pos;
          records.push(readRecord(r, rEnd, topics));
        }
        return { kind: 'records', records };
      },
    },
    (b) => {
      const m = slow(b);
      return m.kind === 'assignment' && m.assignment != null ? { kind: 'assignment', assignment: m.assignment } : { kind: undefined };
    },
    { kind: undefined },
  );
}

const PUBLISH_ACKS = ['PUBLISH_ACKS_ALL', 'PUBLISH_ACKS_LEADER'] as const;

/**
 * Reads a PublishRequest into proto-loader's output shape (what the node's
 * checks take): unset oneof fields absent, int64 as decimal strings, an
 * unknown acks value as its number.
 */
export function decodePublishRequest(buf: Buffer): PublishRequest__Output {
  const r = Reader.create(buf);
  const out: PublishRequest__Output = { topic: '', records: [], acks: 'PUBLISH_ACKS_ALL' };
  while (r.pos < r.len) {
    const t = r.uint32();
    switch (t >>> 3) {
      case 1:
        out.topic = r.string();
        break;
      case 2: {
        const end = r.uint32() + r.pos;
        const rec: PublishRequest__Output['records'][number] = { headers: [] };
        while (r.pos < end) {
          const ft = r.uint32();
          switch (ft >>> 3) {
            case 1:
              rec.key = r.bytes() as Buffer;
              break;
            case 2:
              rec.value = r.bytes() as Buffer;
              break;
            case 3: {
              const hEnd = r.uint32() + r.pos;
              const h: { key: string; value: Buffer } = { key: '', value: EMPTY };
              while (r.pos < hEnd) {
                const ht = r.uint32();
                if (ht >>> 3 === 1) h.key = r.string();
                else if (ht >>> 3 === 2) h.value = r.bytes() as Buffer;
                else r.skipType(ht & 7);
              }
              rec.headers.push(h);
              break;
            }
            case 4:
              rec.partition = r.int32();
              break;
            case 5:
              rec.timestampMs = readInt64(r).toString();
              break;
            default:
              r.skipType(ft & 7);
          }
        }
        out.records.push(rec);
        break;
      }
      case 3: {
        const acks = r.int32();
        out.acks = (PUBLISH_ACKS[acks] ?? acks) as PublishRequest__Output['acks'];
        break;
      }
      default:
        r.skipType(t & 7);
    }
  }
  return out;
}

/** Writes a PublishResponse given in proto-loader's input shape (int64 as number or decimal string). */
export function encodePublishResponse(res: PublishResponse): Buffer {
  const w = Writer.create();
  for (const p of res.results ?? []) {
    w.uint32(tag(1, LEN)).fork();
    const e = p.error;
    if (e !== undefined && e !== null) {
      w.uint32(tag(1, LEN)).fork();
      if (e.code) w.uint32(tag(1, VARINT)).int32(e.code);
      if (e.name) w.uint32(tag(2, LEN)).string(e.name);
      if (e.message) w.uint32(tag(3, LEN)).string(e.message);
      if (e.retriable === true) w.uint32(tag(4, VARINT)).bool(true);
      w.ldelim();
    }
    if (p.partition) w.uint32(tag(2, VARINT)).int32(p.partition);
    writeLooseInt64(w, 3, p.offset);
    writeLooseInt64(w, 4, p.timestampMs);
    w.ldelim();
  }
  return w.finish() as Buffer;
}

function writeLooseInt64(w: Writer, field: number, v: number | string | { low: number; high: number } | undefined): void {
  if (v === undefined || v === 0 || v === '0') return;
  w.uint32(tag(field, VARINT)).int64(v as number);
}

/** Buffers encoded above go out as they are; anything else is a rare message for proto-loader's serializer. */
function passBuffers<T>(slow: grpc.serialize<T>): grpc.serialize<Buffer | T> {
  return (m) => (Buffer.isBuffer(m) ? m : slow(m as T));
}

/**
 * gregor.v1.Records with the codecs above on its hot messages: Publish
 * requests are read and responses written by hand (handlers see and answer
 * proto-loader's shapes); Subscribe messages are Buffers encoded here
 * (`encodeSubscribeRecords`, `encodeSubscribeAcks`) or, for `open` and
 * assignment notices, plain objects; they are read as SubscribeRequestIn /
 * SubscribeResponseIn. Read is proto-loader's.
 */
export function withRecordsCodecs(base: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const publish = base['Publish']!;
  const subscribe = base['Subscribe']!;
  return {
    ...base,
    Publish: {
      ...publish,
      requestDeserialize: decodePublishRequest,
      responseSerialize: passBuffers((res: PublishResponse) => encodePublishResponse(res)),
    },
    Subscribe: {
      ...subscribe,
      requestSerialize: passBuffers(subscribe.requestSerialize),
      requestDeserialize: (buf: Buffer) => decodeSubscribeRequest(buf, subscribe.requestDeserialize as (b: Buffer) => { kind?: string; open?: SubscribeOpen__Output | null }),
      responseSerialize: passBuffers(subscribe.responseSerialize),
      responseDeserialize: (buf: Buffer) => decodeSubscribeResponse(buf, subscribe.responseDeserialize as (b: Buffer) => { kind?: string; assignment?: SubscribeAssignment__Output | null }),
    },
  };
}
