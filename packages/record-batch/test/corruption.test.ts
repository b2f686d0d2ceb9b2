import fc from 'fast-check';
import {
  CompressionType,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  setBaseOffset,
  setMaxTimestamp,
  TimestampType,
  setPartitionLeaderEpoch,
  validateRecordBatches,
} from '@gregor/record-batch';
import { ALL_CODECS, arbRecord, expectGregorError, fixCrc } from './helpers';

const arbBatch = fc
  .tuple(fc.array(arbRecord(32), { minLength: 1, maxLength: 6 }), fc.constantFrom(...ALL_CODECS))
  .map(([records, compression]) => encodeRecordBatch(records, { compression }));

describe('single-byte corruption', () => {
  it('any change to batchLength, magic, CRC or the CRC-covered bytes is rejected as CORRUPT_MESSAGE', () => {
    fc.assert(
      fc.property(arbBatch, fc.nat(), fc.integer({ min: 1, max: 255 }), (batch, at, mask) => {
        // Positions 8..11 (batchLength) and 16..end (magic, crc, covered bytes).
        const covered = batch.length - 16 + 4;
        const index = at % covered;
        const pos = index < 4 ? 8 + index : 16 + (index - 4);
        const bad = Buffer.from(batch);
        bad[pos] ^= mask;
        expectGregorError(() => validateRecordBatches(bad), 'CORRUPT_MESSAGE');
        expectGregorError(() => validateRecordBatches(bad, { origin: 'replication' }), 'CORRUPT_MESSAGE');
        expectGregorError(() => decodeRecordBatch(bad), 'CORRUPT_MESSAGE');
      }),
      { numRuns: 1000 },
    );
  });

  it('rewriting baseOffset and partitionLeaderEpoch keeps the batch valid (both are outside the CRC)', () => {
    fc.assert(
      fc.property(
        arbBatch,
        fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
        fc.integer({ min: -0x80000000, max: 0x7fffffff }),
        (batch, baseOffset, epoch) => {
          const crc = batch.readUInt32BE(17);
          const before = decodeRecordBatch(batch);
          setBaseOffset(batch, baseOffset);
          setPartitionLeaderEpoch(batch, epoch);
          expect(batch.readUInt32BE(17)).toBe(crc);
          const [validated] = validateRecordBatches(batch, { origin: 'replication' });
          expect(validated!.header.baseOffset).toBe(baseOffset);
          expect(validated!.header.partitionLeaderEpoch).toBe(epoch);
          const after = decodeRecordBatch(batch);
          expect(after.records.map((r) => r.offset)).toEqual(before.records.map((r) => baseOffset + r.offset));
          expect(after.records.map((r) => r.value)).toEqual(before.records.map((r) => r.value));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('frame edge cases', () => {
  const batch = encodeRecordBatch([{ key: Buffer.from('a'), value: Buffer.from('one') }, { value: Buffer.from('two') }]);

  it('every truncation of a batch: validate and decode reject it, decodeRecordBatches drops it', () => {
    for (let length = 1; length < batch.length; length++) {
      const cut = batch.subarray(0, length);
      expectGregorError(() => validateRecordBatches(cut), 'CORRUPT_MESSAGE', /truncated/);
      expectGregorError(() => decodeRecordBatch(cut), 'CORRUPT_MESSAGE', /truncated/);
      expect(decodeRecordBatches(cut)).toEqual([]);
    }
  });

  it('an empty buffer: no batch from a client, nothing to do for replication', () => {
    expectGregorError(() => validateRecordBatches(Buffer.alloc(0)), 'INVALID_RECORD', /no record batch/);
    expect(validateRecordBatches(Buffer.alloc(0), { origin: 'replication' })).toEqual([]);
    expect(decodeRecordBatches(Buffer.alloc(0))).toEqual([]);
    expectGregorError(() => decodeRecordBatch(Buffer.alloc(0)), 'CORRUPT_MESSAGE', /truncated/);
  });

  it.each([-1, -0x80000000, 0, 48])('batchLength %d is corrupt everywhere, even at the end of a fetch', (length) => {
    const bad = Buffer.concat([batch, batch]);
    bad.writeInt32BE(length, batch.length + 8);
    expectGregorError(() => validateRecordBatches(bad), 'CORRUPT_MESSAGE', /below the minimum 49/);
    expectGregorError(() => decodeRecordBatch(bad, batch.length), 'CORRUPT_MESSAGE', /below the minimum 49/);
    expectGregorError(() => decodeRecordBatches(bad), 'CORRUPT_MESSAGE', /below the minimum 49/);
  });

  it('a huge batchLength is a truncated batch: rejected by validate, dropped as partial by a fetch reader', () => {
    const bad = Buffer.concat([batch, batch]);
    bad.writeInt32BE(0x7fffffff, batch.length + 8);
    expectGregorError(() => validateRecordBatches(bad), 'CORRUPT_MESSAGE', `record batch at byte ${batch.length}: truncated`);
    expectGregorError(() => decodeRecordBatch(bad, batch.length), 'CORRUPT_MESSAGE', /truncated/);
    expect(decodeRecordBatches(bad)).toHaveLength(1);
  });

  it.each([0, 1, 3, -1])('magic %d is rejected', (magic) => {
    const bad = Buffer.from(batch);
    bad.writeInt8(magic, 16);
    expectGregorError(() => validateRecordBatches(bad), 'CORRUPT_MESSAGE', `magic ${magic} is not supported`);
    expectGregorError(() => decodeRecordBatch(bad), 'CORRUPT_MESSAGE', `magic ${magic}`);
  });

  it('names both CRCs when they differ', () => {
    const bad = Buffer.from(batch);
    bad.writeUInt32BE(0xdeadbeef, 17);
    expectGregorError(() => validateRecordBatches(bad), 'CORRUPT_MESSAGE', /CRC mismatch \(stored 0xdeadbeef, computed 0x[0-9a-f]{8}\)/);
  });

  it.each([5, 6, 7])('codec id %d (unassigned by Kafka) is UNSUPPORTED_COMPRESSION_TYPE in validate and decode', (codec) => {
    const bad = Buffer.from(batch);
    bad.writeInt16BE((bad.readInt16BE(21) & ~7) | codec, 21);
    fixCrc(bad);
    expectGregorError(() => validateRecordBatches(bad), 'UNSUPPORTED_COMPRESSION_TYPE');
    expectGregorError(() => decodeRecordBatch(bad), 'UNSUPPORTED_COMPRESSION_TYPE');
  });

  it('encode refuses codec ids Kafka does not define', () => {
    for (const codec of [5, 6, 7]) {
      expectGregorError(() => encodeRecordBatch([{}], { compression: codec as CompressionType }), 'UNSUPPORTED_COMPRESSION_TYPE', `codec id ${codec}`);
    }
  });

  it('a partial trailing batch: validate rejects the request, decodeRecordBatches returns the whole ones', () => {
    const second = encodeRecordBatch([{ value: Buffer.from('three') }], { baseOffset: 2n });
    const buf = Buffer.concat([batch, second.subarray(0, second.length - 1)]);
    expectGregorError(() => validateRecordBatches(buf, { origin: 'replication' }), 'CORRUPT_MESSAGE', `record batch at byte ${batch.length}: truncated`);
    const decoded = decodeRecordBatches(buf);
    expect(decoded.map((d) => d.records.map((r) => r.value?.toString()))).toEqual([['one', 'two']]);
  });
});

/**
 * Batches whose CRC is right but whose records section is not: a producer
 * bug rather than bit rot. Built from a real header with a hand-written
 * records section, then the CRC fixed.
 */
function withRecordsSection(section: string, recordCount = 1): Buffer {
  const base = encodeRecordBatch([{}]);
  const out = Buffer.concat([base.subarray(0, 61), Buffer.from(section.replace(/ /g, ''), 'hex')]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt32BE(recordCount - 1, 23);
  out.writeInt32BE(recordCount, 57);
  return fixCrc(out);
}

describe('malformed records behind a valid CRC', () => {
  // A minimal good record: length 6 | attrs 00 | tsDelta 00 | offsetDelta 00 | key null 01 | value null 01 | headers 00
  it('the minimal record decodes (so the cases below fail for the stated reason)', () => {
    const ok = decodeRecordBatch(withRecordsSection('0c 00 00 00 01 01 00'));
    expect(ok.records).toEqual([{ offset: 0n, timestamp: 0n, key: null, value: null, headers: [], attributes: 0 }]);
    // validate does not look inside: it accepts all the malformed ones below.
    expect(validateRecordBatches(withRecordsSection('0c 00 00 00 03 01 00'))).toHaveLength(1);
  });

  it.each([
    ['negative record length', '03', /record 0: length -2 is negative/],
    ['record length past the section', 'c801 00 00 00 01 01 00', /record 0: length 100 overruns the records section by 94 bytes/],
    ['record length longer than its fields', '0e 00 00 00 01 01 00 00', /record 0: length 7 but its fields end after 6 bytes/],
    ['record length shorter than its fields', '0a 00 00 00 01 01 00', /record 0: header count varint runs past the end of the record/],
    ['key length -2', '0c 00 00 00 03 01 00', /record 0: key length -2 is negative/],
    ['key past the record', '0c 00 00 00 14 01 00', /record 0: key length 10 overruns the record by 8 bytes/],
    ['value past the record', '0e 00 00 00 01 06 61 00', /record 0: value length 3 overruns the record by 1 bytes/],
    ['6-byte varint', '18 00 00 00 ffffffffff01 01 01 00 00 00 00', /record 0: key length varint is longer than 5 bytes/],
    ['11-byte varlong', '1c 00 ffffffffffffffffffff01 00 01 01 00', /record 0: timestampDelta varlong is longer than 10 bytes/],
    ['negative header count', '0c 00 00 00 01 01 01', /record 0: header count -1 is negative/],
    ['header count too large for the bytes', '0c 00 00 00 01 01 7e', /record 0: header count 63 cannot fit in the 0 bytes left/],
    ['null header key', '10 00 00 00 01 01 02 01 01', /record 0: header 0 key length -1 \(null header keys are not allowed\)/],
    ['header value past the record', '12 00 00 00 01 01 02 02 61 06', /record 0: header 0 value length 3 overruns the record by 3 bytes/],
    ['bytes after the last record', '0c 00 00 00 01 01 00 00', /1 bytes follow the last of 1 records/],
  ])('%s', (_name, section, message) => {
    expectGregorError(() => decodeRecordBatch(withRecordsSection(section)), 'CORRUPT_MESSAGE', message);
  });

  it('fewer records than recordCount', () => {
    expectGregorError(
      () => decodeRecordBatch(withRecordsSection('0c 00 00 00 01 01 00', 2)),
      'CORRUPT_MESSAGE',
      /records section ends after 1 of 2 records/,
    );
  });

  it('a negative recordCount: CORRUPT_MESSAGE to a reader, INVALID_RECORD to the broker', () => {
    const bad = withRecordsSection('', 0);
    bad.writeInt32BE(-1, 57);
    fixCrc(bad);
    expectGregorError(() => decodeRecordBatch(bad), 'CORRUPT_MESSAGE', /recordCount -1 is negative/);
    expectGregorError(() => validateRecordBatches(bad, { origin: 'replication' }), 'INVALID_RECORD', /recordCount -1/);
  });

  it('a gzip batch whose records section is not gzip', () => {
    const bad = withRecordsSection('0c 00 00 00 01 01 00');
    bad.writeInt16BE(CompressionType.Gzip, 21);
    fixCrc(bad);
    expect(validateRecordBatches(bad)).toHaveLength(1);
    expectGregorError(() => decodeRecordBatch(bad), 'CORRUPT_MESSAGE', /gzip records section does not decompress/);
  });
});

describe('decompression bound', () => {
  it('honours a configured cap', () => {
    const batch = encodeRecordBatch([{ value: Buffer.alloc(10_000) }], { compression: CompressionType.Gzip });
    expect(decodeRecordBatch(batch, 0, { maxDecompressedBytes: 20_000 }).records[0]!.value).toHaveLength(10_000);
    const err = expectGregorError(
      () => decodeRecordBatch(batch, 0, { maxDecompressedBytes: 1_000 }),
      'MESSAGE_TOO_LARGE',
      /decompress to more than 1000 bytes/,
    );
    expect(err.retriable).toBe(false);
    expectGregorError(() => decodeRecordBatches(batch, { maxDecompressedBytes: 1_000 }), 'MESSAGE_TOO_LARGE');
  });

  it('refuses a zip bomb by default (65 MiB of zeros in a ~65 KiB batch)', () => {
    const bomb = encodeRecordBatch([{ value: Buffer.alloc(65 * 1024 * 1024) }], {
      compression: CompressionType.Gzip,
      compressionLevel: 9,
    });
    expect(bomb.length).toBeLessThan(128 * 1024);
    expect(validateRecordBatches(bomb)).toHaveLength(1); // the broker does not decompress
    expectGregorError(() => decodeRecordBatch(bomb), 'MESSAGE_TOO_LARGE', /more than 67108864 bytes/);
  });
});

describe('setMaxTimestamp', () => {
  it('refuses to re-CRC a corrupt batch (that would make the corruption look valid)', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('x') }]);
    batch[batch.length - 1] ^= 0xff;
    expectGregorError(() => setMaxTimestamp(batch, TimestampType.LogAppendTime, 5n), 'CORRUPT_MESSAGE', /CRC mismatch/);
    expect(batch.readInt16BE(21) & 0x08).toBe(0);
  });
});
