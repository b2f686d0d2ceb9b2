import {
  CompressionType,
  encodeRecordBatch,
  validateRecordBatches,
  type EncodeBatchOptions,
} from '@gregor/record-batch';
import { ALL_CODECS, expectGregorError, fixCrc } from './helpers';

const records = [{ value: Buffer.from('a') }, { value: Buffer.from('b') }, { value: Buffer.from('c') }];
const encode = (opts: EncodeBatchOptions = {}) => encodeRecordBatch(records, opts);

describe('validateRecordBatches', () => {
  it('returns each batch header, position and size without decoding', () => {
    const a = encode();
    const b = encode({ compression: CompressionType.Gzip, producerId: 9n, producerEpoch: 1, baseSequence: 3 });
    const result = validateRecordBatches(Buffer.concat([a, b]));
    expect(result.map(({ pos, size }) => ({ pos, size }))).toEqual([
      { pos: 0, size: a.length },
      { pos: a.length, size: b.length },
    ]);
    expect(result[1]!.header).toMatchObject({ recordCount: 3, lastOffsetDelta: 2, producerId: 9n, baseSequence: 3 });
  });

  it('maxBatchBytes: a batch above it is MESSAGE_TOO_LARGE, one at it passes', () => {
    const batch = encode();
    expect(validateRecordBatches(batch, { maxBatchBytes: batch.length })).toHaveLength(1);
    expectGregorError(
      () => validateRecordBatches(batch, { maxBatchBytes: batch.length - 1 }),
      'MESSAGE_TOO_LARGE',
      `is ${batch.length} bytes, above the ${batch.length - 1}-byte limit`,
    );
  });

  describe("Kafka's rules for batches from clients (LogValidator.validateBatch)", () => {
    it('baseOffset must be 0; a follower accepts assigned offsets', () => {
      const batch = encode({ baseOffset: 42n });
      expectGregorError(() => validateRecordBatches(batch), 'INVALID_RECORD', /baseOffset must be 0 in a produce request, got 42/);
      expect(validateRecordBatches(batch, { origin: 'replication' })[0]!.header.baseOffset).toBe(42n);
    });

    it('lastOffsetDelta must be recordCount - 1, compressed or not', () => {
      for (const compression of ALL_CODECS) {
        const batch = encode({ compression });
        batch.writeInt32BE(5, 23);
        fixCrc(batch);
        expectGregorError(
          () => validateRecordBatches(batch),
          'INVALID_RECORD',
          /lastOffsetDelta 5 does not match recordCount 3/,
        );
        // Compaction leaves such batches (records removed, lastOffsetDelta kept): a follower takes them.
        expect(validateRecordBatches(batch, { origin: 'replication' })).toHaveLength(1);
      }
    });

    it('recordCount must be positive; a compacted empty batch replicates', () => {
      const batch = encodeRecordBatch([{}]);
      const empty = Buffer.from(batch.subarray(0, 61));
      empty.writeInt32BE(49, 8);
      empty.writeInt32BE(0, 57);
      empty.writeInt32BE(7, 23); // lastOffsetDelta kept from the original batch
      fixCrc(empty);
      expectGregorError(() => validateRecordBatches(empty), 'INVALID_RECORD', /recordCount is 0/);
      expect(validateRecordBatches(empty, { origin: 'replication' })[0]!.size).toBe(61);
    });

    it('clients may not write control batches', () => {
      const batch = encode({ isControl: true, isTransactional: true, producerId: 1n, producerEpoch: 0, baseSequence: 0 });
      expectGregorError(() => validateRecordBatches(batch), 'INVALID_RECORD', /control batches/);
      expect(validateRecordBatches(batch, { origin: 'replication' })).toHaveLength(1);
    });

    it('a producer id needs a sequence number', () => {
      expectGregorError(
        () => validateRecordBatches(encode({ producerId: 7n, producerEpoch: 0 })),
        'INVALID_RECORD',
        /baseSequence -1 is invalid with producerId 7/,
      );
      expect(validateRecordBatches(encode({ producerId: 7n, producerEpoch: 0, baseSequence: 0 }))).toHaveLength(1);
      // No producer id (-1): no sequence needed.
      expect(validateRecordBatches(encode())).toHaveLength(1);
    });

    it('errors name the batch position, and CRC is checked before the rules', () => {
      const good = encode();
      const bad = encode({ baseOffset: 3n });
      const err = expectGregorError(() => validateRecordBatches(Buffer.concat([good, bad])), 'INVALID_RECORD');
      expect(err.message).toContain(`record batch at byte ${good.length}`);
      expect(err.context.batchPos).toBe(good.length);
      bad[70] ^= 1;
      expectGregorError(() => validateRecordBatches(bad), 'CORRUPT_MESSAGE', /CRC mismatch/);
    });
  });
});

describe('encodeRecordBatch input errors', () => {
  it('an empty batch', () => {
    expectGregorError(() => encodeRecordBatch([]), 'INVALID_RECORD', /at least one record/);
  });

  it('a null header key', () => {
    expectGregorError(
      () => encodeRecordBatch([{ headers: [{ key: null as unknown as string, value: null }] }]),
      'INVALID_RECORD',
      /record 0: header 0 has no key/,
    );
  });

  it('timestamps outside int64, or too far apart for a 64-bit delta', () => {
    expectGregorError(() => encodeRecordBatch([{ timestamp: 2n ** 63n }]), 'INVALID_TIMESTAMP', /record 0 timestamp/);
    expectGregorError(() => encodeRecordBatch([{}, { timestamp: -(2n ** 63n) - 1n }]), 'INVALID_TIMESTAMP', /record 1 timestamp/);
    expectGregorError(
      () => encodeRecordBatch([{ timestamp: -(2n ** 62n) * 2n }, { timestamp: 2n ** 62n }]),
      'INVALID_TIMESTAMP',
      /too far from the first record's/,
    );
    // Extremes that do fit: the delta is exactly int64 max.
    const ok = encodeRecordBatch([{ timestamp: -1n }, { timestamp: 2n ** 63n - 2n }]);
    expect(validateRecordBatches(ok)[0]!.header.maxTimestamp).toBe(2n ** 63n - 2n);
  });

  it.each<[string, EncodeBatchOptions]>([
    ['producerEpoch', { producerEpoch: 0x8000 }],
    ['baseSequence', { baseSequence: 2 ** 31 }],
    ['partitionLeaderEpoch', { partitionLeaderEpoch: 1.5 }],
    ['baseOffset', { baseOffset: 2n ** 63n }],
    ['producerId', { producerId: -(2n ** 63n) - 1n }],
    ['compressionLevel', { compression: CompressionType.Gzip, compressionLevel: 10 }],
    ['compressionLevel', { compression: CompressionType.Zstd, compressionLevel: 23 }],
    ['compressionLevel', { compression: CompressionType.Snappy, compressionLevel: 1 }],
    ['compressionLevel', { compression: CompressionType.Lz4, compressionLevel: 1 }],
    ['compressionLevel', { compressionLevel: 1 }],
  ])('%s out of range', (name, opts) => {
    expectGregorError(() => encodeRecordBatch([{}], opts), 'INVALID_REQUEST', name);
  });
});
