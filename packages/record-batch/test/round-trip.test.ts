import fc from 'fast-check';
import {
  CompressionType,
  TimestampType,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  setMaxTimestamp,
  validateRecordBatches,
  type DecodedBatch,
  type EncodeBatchOptions,
  type RecordInput,
} from '@gregor/record-batch';
import { ALL_CODECS, arbRecord, arbTimestamp } from './helpers';

const arbOptions: fc.Arbitrary<EncodeBatchOptions> = fc.record(
  {
    baseOffset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
    partitionLeaderEpoch: fc.integer({ min: -1, max: 0x7fffffff }),
    compression: fc.constantFrom(...ALL_CODECS),
    baseTimestamp: arbTimestamp,
    producerId: fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }),
    producerEpoch: fc.integer({ min: -1, max: 0x7fff }),
    baseSequence: fc.integer({ min: -1, max: 0x7fffffff }),
    isTransactional: fc.boolean(),
    isControl: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** What decode must give back for `records` encoded with `opts`, per Kafka's rules. */
function expectRoundTrip(decoded: DecodedBatch, records: readonly RecordInput[], opts: EncodeBatchOptions, size: number): void {
  const defaultTs = opts.baseTimestamp ?? 0n;
  const timestamps = records.map((r) => r.timestamp ?? defaultTs);
  const baseOffset = opts.baseOffset ?? 0n;
  const h = decoded.header;
  expect(h.baseOffset).toBe(baseOffset);
  expect(h.batchLength).toBe(size - 12);
  expect(h.partitionLeaderEpoch).toBe(opts.partitionLeaderEpoch ?? -1);
  expect(h.magic).toBe(2);
  expect(h.attributes & 0x07).toBe(opts.compression ?? 0);
  expect((h.attributes & 0x10) !== 0).toBe(opts.isTransactional ?? false);
  expect((h.attributes & 0x20) !== 0).toBe(opts.isControl ?? false);
  expect(h.lastOffsetDelta).toBe(records.length - 1);
  expect(h.recordCount).toBe(records.length);
  // Kafka: baseTimestamp is the first record's, not the minimum.
  expect(h.baseTimestamp).toBe(timestamps[0]);
  expect(h.maxTimestamp).toBe(timestamps.reduce((a, b) => (b > a ? b : a)));
  expect(h.producerId).toBe(opts.producerId ?? -1n);
  expect(h.producerEpoch).toBe(opts.producerEpoch ?? -1);
  expect(h.baseSequence).toBe(opts.baseSequence ?? -1);
  expect(decoded.records).toHaveLength(records.length);
  decoded.records.forEach((got, i) => {
    const want = records[i]!;
    expect(got.offset).toBe(baseOffset + BigInt(i));
    expect(got.timestamp).toBe(timestamps[i]);
    expect(got.key).toEqual(want.key ?? null);
    expect(got.value).toEqual(want.value ?? null);
    expect(got.headers).toEqual(want.headers ?? []);
    expect(got.attributes).toBe(0);
  });
}

describe('decode(encode(x)) == x', () => {
  it('holds for arbitrary records and options', () => {
    fc.assert(
      fc.property(fc.array(arbRecord(), { minLength: 1, maxLength: 30 }), arbOptions, (records, opts) => {
        const buf = encodeRecordBatch(records, opts);
        const decoded = decodeRecordBatch(buf);
        expectRoundTrip(decoded, records, opts, buf.length);
        const [validated] = validateRecordBatches(buf, { origin: 'replication' });
        expect(validated).toEqual({ header: decoded.header, pos: 0, size: buf.length });
      }),
      { numRuns: 300 },
    );
  });

  it('holds for big batches, every codec', () => {
    fc.assert(
      fc.property(
        fc.array(arbRecord(200), { minLength: 500, maxLength: 3000 }),
        fc.constantFrom(...ALL_CODECS),
        (records, compression) => {
          const buf = encodeRecordBatch(records, { compression });
          expectRoundTrip(decodeRecordBatch(buf), records, { compression }, buf.length);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('holds for concatenated batches at any position, and a partial trailing batch is dropped', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(arbRecord(), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        (batches, cutSeed) => {
          let next = 0n;
          const encoded = batches.map((records, b) => {
            const buf = encodeRecordBatch(records, { baseOffset: next, compression: b % 2 });
            next += BigInt(records.length);
            return buf;
          });
          const all = Buffer.concat(encoded);
          const decoded = decodeRecordBatches(all);
          expect(decoded).toHaveLength(batches.length);
          decoded.forEach((d, b) => {
            expect(d.records.map((r) => r.value ?? null)).toEqual(batches[b]!.map((r) => r.value ?? null));
          });
          expect(decoded.flatMap((d) => d.records.map((r) => r.offset))).toEqual(
            Array.from({ length: Number(next) }, (_, i) => BigInt(i)),
          );
          // decodeRecordBatch at each batch's position.
          let pos = 0;
          encoded.forEach((buf, b) => {
            expect(decodeRecordBatch(all, pos).records).toEqual(decoded[b]!.records);
            pos += buf.length;
          });
          // Cut inside the last batch: only the whole ones come back.
          const lastLength = encoded[encoded.length - 1]!.length;
          const cut = all.length - 1 - (cutSeed % lastLength);
          expect(decodeRecordBatches(all.subarray(0, cut))).toEqual(decoded.slice(0, -1));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('gzip shrinks a compressible batch and records the real recordCount', () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ value: Buffer.alloc(100, i % 3) }));
    const plain = encodeRecordBatch(records);
    const gzip = encodeRecordBatch(records, { compression: CompressionType.Gzip });
    expect(gzip.length).toBeLessThan(plain.length / 10);
    expect(gzip.readInt32BE(57)).toBe(200);
    // The records section starts with gzip's magic number 1f 8b.
    expect(gzip.subarray(61, 63)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(decodeRecordBatch(gzip).records.map((r) => r.value)).toEqual(records.map((r) => r.value));
  });

  it('records without a timestamp take the baseTimestamp option, else 0', () => {
    const none = decodeRecordBatch(encodeRecordBatch([{}, {}]));
    expect(none.records.map((r) => r.timestamp)).toEqual([0n, 0n]);
    const mixed = decodeRecordBatch(encodeRecordBatch([{}, { timestamp: 5n }, {}], { baseTimestamp: 100n }));
    expect(mixed.records.map((r) => r.timestamp)).toEqual([100n, 5n, 100n]);
    expect(mixed.header.baseTimestamp).toBe(100n);
    expect(mixed.header.maxTimestamp).toBe(100n);
  });

  it('a LogAppendTime batch reports maxTimestamp for every record, as Kafka does', () => {
    const buf = encodeRecordBatch([{ timestamp: 10n }, { timestamp: 30n }, { timestamp: 20n }]);
    setMaxTimestamp(buf, TimestampType.LogAppendTime, 1_700_000_000_000n);
    expect(validateRecordBatches(buf)).toHaveLength(1);
    const decoded = decodeRecordBatch(buf);
    expect(decoded.header.attributes & 0x08).toBe(0x08);
    expect(decoded.header.maxTimestamp).toBe(1_700_000_000_000n);
    expect(decoded.records.map((r) => r.timestamp)).toEqual([1_700_000_000_000n, 1_700_000_000_000n, 1_700_000_000_000n]);
    // Back to CreateTime: the producer's timestamps reappear.
    setMaxTimestamp(buf, TimestampType.CreateTime, 30n);
    expect(decodeRecordBatch(buf).records.map((r) => r.timestamp)).toEqual([10n, 30n, 20n]);
  });
});
