/**
 * The hand-placed Records codecs against proto-loader's (records.proto is the
 * contract): whatever one side writes, the other reads the same, for random
 * messages including empty and null keys/values, headers, negative and
 * beyond-2^53 int64s, and unknown acks values.
 */
import fc from 'fast-check';
import {
  coalesceAcks,
  decodePublishRequest,
  decodeSubscribeRequest,
  decodeSubscribeResponse,
  encodePublishResponse,
  encodeSubscribeAcks,
  encodeSubscribeRecords,
  loadRecordsProto,
  recordsServiceDefinition,
  type RecordsWireRecord,
} from '@gregor/proto';

const slow = loadRecordsProto().gregor.v1.Records.service;
const sub = slow['Subscribe']!;
const pub = slow['Publish']!;

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const smallOffset = fc.bigInt({ min: 0n, max: 2n ** 40n });
const bytes = fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a));
// Any code point (string fields' byte lengths are computed by hand), and often one of a few names of one length:
// the decoders reuse the last topic string when the next one's bytes are the same.
const topic = fc.oneof(fc.constantFrom('orders', 'ordert', 'xrders', 'üü-ab', ''), fc.string({ maxLength: 12 }), fc.string({ maxLength: 6, unit: 'binary' }));
const record = fc.record({
  topic,
  partition: fc.integer({ min: -1, max: 1000 }),
  offset: fc.oneof(smallOffset, int64),
  key: fc.option(bytes, { nil: null }),
  value: fc.option(bytes, { nil: null }),
  headers: fc.array(fc.record({ key: fc.oneof(fc.string({ maxLength: 6 }), fc.string({ maxLength: 4, unit: 'binary' })), value: bytes }), { maxLength: 3 }),
  timestamp: fc.oneof(smallOffset, int64),
});
const attempt = fc.integer({ min: 0, max: 100 });

const str = (v: bigint): string => v.toString();

describe('Subscribe records: hand-written encoder → proto-loader decoder', () => {
  it('round-trips every field', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(record, attempt), { maxLength: 5 }), (pairs) => {
        const records: RecordsWireRecord[] = pairs.map(([r]) => r);
        const decoded = sub.responseDeserialize(encodeSubscribeRecords(records, pairs.map(([, a]) => a))) as {
          kind: string;
          records: { records: { topic: string; partition: number; offset: string; key?: Buffer; value?: Buffer; headers: { key: string; value: Buffer }[]; timestampMs: string; deliveryAttempt: number }[] };
        };
        expect(decoded.kind).toBe('records');
        expect(decoded.records.records).toHaveLength(records.length);
        decoded.records.records.forEach((d, i) => {
          const r = records[i]!;
          expect(d.topic).toBe(r.topic);
          expect(d.partition).toBe(r.partition);
          expect(d.offset).toBe(str(r.offset));
          expect(d.key ?? null).toEqual(r.key);
          expect(d.value ?? null).toEqual(r.value);
          expect(d.headers).toEqual(r.headers);
          expect(d.timestampMs).toBe(str(r.timestamp));
          expect(d.deliveryAttempt).toBe(pairs[i]![1]);
        });
      }),
    );
  });
});

describe('Subscribe responses: proto-loader encoder → hand-written decoder', () => {
  it('reads records, and hands assignment notices to proto-loader', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(record, attempt), { maxLength: 5 }), (pairs) => {
        const buf = sub.responseSerialize({
          records: {
            records: pairs.map(([r, a]) => ({
              topic: r.topic,
              partition: r.partition,
              offset: str(r.offset),
              ...(r.key !== null ? { key: r.key } : {}),
              ...(r.value !== null ? { value: r.value } : {}),
              headers: r.headers,
              timestampMs: str(r.timestamp),
              deliveryAttempt: a,
            })),
          },
        });
        const got = decodeSubscribeResponse(buf, sub.responseDeserialize);
        expect(got).toEqual({ kind: 'records', records: pairs.map(([r, a]) => ({ ...r, deliveryAttempt: a })) });
      }),
    );
    const assignment = { partitions: [{ topic: 't', partitions: [0, 2] }], generationId: 3, memberId: 'm' };
    expect(decodeSubscribeResponse(sub.responseSerialize({ assignment }), sub.responseDeserialize)).toEqual({ kind: 'assignment', assignment });
    expect(decodeSubscribeResponse(Buffer.alloc(0), sub.responseDeserialize)).toEqual({ kind: undefined });
  });
});

describe('repeated topics (the decoders reuse the last topic string when its bytes repeat)', () => {
  const topics = ['orders', 'orders', 'xrders', 'orders', 'ordert', 'ordert', 'üü-ab', '', 'orders'];
  it('records and acks keep each record\'s own topic', () => {
    const records = topics.map((t, i) => ({ topic: t, partition: i, offset: BigInt(i), key: null, value: null, headers: [], timestamp: 1n }));
    const got = decodeSubscribeResponse(encodeSubscribeRecords(records, []), sub.responseDeserialize);
    expect(got.kind === 'records' && got.records.map((r) => r.topic)).toEqual(topics);
    const acks = topics.map((t, i) => ({ topic: t, partition: i, offset: BigInt(i) }));
    const gotAcks = decodeSubscribeRequest(encodeSubscribeAcks(acks), sub.requestDeserialize);
    expect(gotAcks.kind === 'ack' && gotAcks.acks.map((a) => a.topic)).toEqual(topics);
  });
});

describe('Subscribe acks both ways, open through proto-loader', () => {
  const ack = fc.record({ topic, partition: fc.integer({ min: -1, max: 1000 }), offset: fc.oneof(smallOffset, int64) });
  // Acks that often follow each other (same partition, next offset): what coalesceAcks merges.
  const acksInRuns = fc.array(fc.tuple(ack, fc.nat(4)), { maxLength: 6 }).map((runs) =>
    runs.flatMap(([a, n]) => Array.from({ length: n + 1 }, (_, i) => ({ ...a, offset: BigInt.asIntN(64, a.offset + BigInt(i)) }))),
  );
  const expand = (ranges: { topic: string; partition: number; firstOffset: bigint; lastOffset: bigint }[]) =>
    ranges.flatMap((r) => {
      const out: { topic: string; partition: number; offset: bigint }[] = [];
      for (let o = r.firstOffset; o <= r.lastOffset; o++) out.push({ topic: r.topic, partition: r.partition, offset: o });
      return out;
    });
  it('coalesceAcks: the same acks in the same order, consecutive offsets of a partition in one range', () => {
    fc.assert(
      fc.property(acksInRuns, (acks) => {
        const ranges = coalesceAcks(acks);
        expect(expand(ranges)).toEqual(acks);
        for (let i = 1; i < ranges.length; i++) {
          const [p, r] = [ranges[i - 1]!, ranges[i]!];
          expect(p.topic === r.topic && p.partition === r.partition && p.lastOffset + 1n === r.firstOffset).toBe(false);
        }
      }),
    );
  });

  it('hand-written acks (as ranges) read by proto-loader, and proto-loader acks and ranges read by hand', () => {
    fc.assert(
      fc.property(acksInRuns, fc.array(ack, { maxLength: 4 }), (acks, singles) => {
        const viaSlow = sub.requestDeserialize(encodeSubscribeAcks(acks)) as {
          kind: string;
          ack: { acks: unknown[]; ranges: { topic: string; partition: number; firstOffset: string; lastOffset: string }[] };
        };
        expect(viaSlow.kind).toBe('ack');
        expect(viaSlow.ack.acks).toEqual([]);
        expect(viaSlow.ack.ranges).toEqual(coalesceAcks(acks).map((r) => ({ ...r, firstOffset: str(r.firstOffset), lastOffset: str(r.lastOffset) })));
        const ranges = coalesceAcks(acks);
        const buf = sub.requestSerialize({
          ack: {
            acks: singles.map((a) => ({ ...a, offset: str(a.offset) })),
            ranges: ranges.map((r) => ({ ...r, firstOffset: str(r.firstOffset), lastOffset: str(r.lastOffset) })),
          },
        });
        // Single acks come as ranges of one; proto-loader writes the repeated fields one after the other.
        const asRanges = singles.map((a) => ({ topic: a.topic, partition: a.partition, firstOffset: a.offset, lastOffset: a.offset }));
        expect(decodeSubscribeRequest(buf, sub.requestDeserialize)).toEqual({ kind: 'ack', acks: [...asRanges, ...ranges] });
      }),
    );
  });

  it('an open goes to proto-loader; an empty message has no kind', () => {
    const open = { group: 'g', topics: ['a', 'b'], start: 'SUBSCRIBE_START_EARLIEST' as const, maxOutstandingRecords: 5, clientId: 'c' };
    const got = decodeSubscribeRequest(sub.requestSerialize({ open }), sub.requestDeserialize);
    expect(got).toMatchObject({ kind: 'open', open: { ...open, maxOutstandingBytes: '0', ackDeadlineMs: 0, startTimestampMs: '0' } });
    expect(decodeSubscribeRequest(Buffer.alloc(0), sub.requestDeserialize)).toEqual({ kind: undefined });
  });
});

describe('Publish', () => {
  const pubRecord = fc.record(
    {
      key: bytes,
      value: bytes,
      headers: fc.array(fc.record({ key: fc.string({ maxLength: 6 }), value: bytes }), { maxLength: 3 }),
      partition: fc.integer({ min: -5, max: 1000 }),
      timestampMs: int64.map(str),
    },
    { requiredKeys: ['headers'] },
  );
  it('requests written by proto-loader read by hand into proto-loader\'s own output shape', () => {
    fc.assert(
      fc.property(topic, fc.array(pubRecord, { maxLength: 5 }), fc.constantFrom('PUBLISH_ACKS_ALL', 'PUBLISH_ACKS_LEADER'), (t, records, acks) => {
        const buf = pub.requestSerialize({ topic: t, records, acks });
        const mine = decodePublishRequest(buf);
        const theirs = pub.requestDeserialize(buf) as ReturnType<typeof decodePublishRequest>;
        // proto-loader adds the oneof discriminators (`_key: 'key'`); the node reads only the fields.
        const strip = (r: object): Record<string, unknown> => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_')));
        expect({ ...mine, records: mine.records.map(strip) }).toEqual({ ...theirs, records: theirs.records.map(strip) });
      }),
    );
    // An acks value this node does not know stays visible (as its number) for the node to refuse.
    const w = Buffer.from([0x0a, 0x01, 0x74, 0x18, 0x07]); // topic "t", acks 7
    expect(decodePublishRequest(w).acks).toBe(7);
  });

  it('responses written by hand read by proto-loader', () => {
    const result = fc.record({
      error: fc.option(fc.record({ code: fc.integer({ min: -1, max: 120 }), name: fc.string({ maxLength: 8 }), message: fc.string({ maxLength: 8 }), retriable: fc.boolean() }), { nil: undefined }),
      partition: fc.integer({ min: -1, max: 1000 }),
      offset: fc.oneof(fc.integer({ min: -1, max: 2 ** 40 }), int64.map(str)),
      timestampMs: fc.oneof(fc.integer({ min: -1, max: 2 ** 42 }), int64.map(str)),
    });
    fc.assert(
      fc.property(fc.array(result, { maxLength: 5 }), (results) => {
        const decoded = pub.responseDeserialize(encodePublishResponse({ results })) as { results: { error: unknown; partition: number; offset: string; timestampMs: string }[] };
        expect(decoded.results).toEqual(results.map((r) => ({ error: r.error ?? null, partition: r.partition, offset: String(r.offset), timestampMs: String(r.timestampMs) })));
      }),
    );
  });
});

describe('recordsServiceDefinition', () => {
  it('passes pre-encoded Buffers through and uses proto-loader for the rest', () => {
    const def = recordsServiceDefinition();
    const buf = encodeSubscribeAcks([{ topic: 't', partition: 1, offset: 5n }]);
    expect(def['Subscribe']!.requestSerialize(buf)).toBe(buf);
    expect(def['Subscribe']!.requestDeserialize(buf)).toEqual({ kind: 'ack', acks: [{ topic: 't', partition: 1, firstOffset: 5n, lastOffset: 5n }] });
    expect(def['Read']).toBe(slow['Read']);
  });
});
