import { gzipSync } from 'node:zlib';
import {
  CompressionType,
  computeBatchCrc,
  crc32c,
  decodeRecordBatch,
  encodeRecordBatch,
  validateRecordBatches,
} from '@gregor/record-batch';
import { referenceCrc32c } from './helpers';

/**
 * A batch written byte by byte from Kafka's documented layout
 * (https://kafka.apache.org/documentation/#recordbatch and #record), with the
 * CRC from the bit-by-bit reference in helpers.ts. If encode matches these
 * bytes, the format is Kafka's and not only self-consistent.
 *
 * Two records:
 *   0: key "k", value "hello", timestamp 1700000000000, no headers
 *   1: null key, value "hi", timestamp 1700000000300,
 *      headers [h1 = "v", n = null]
 */
const hex = (s: string) => Buffer.from(s, 'hex');

// Records section, field by field. Varints are zigzag: n >= 0 -> 2n, -1 -> 1.
const RECORD_0 = hex(
  '18' + //             length: 12 body bytes (zigzag 24)
    '00' + //           attributes (unused)
    '00' + //           timestampDelta 0 (varlong)
    '00' + //           offsetDelta 0
    '02' + '6b' + //    keyLength 1, "k"
    '0a' + '68656c6c6f' + // valueLength 5, "hello"
    '00', //            header count 0
);
const RECORD_1 = hex(
  '22' + //             length: 17 body bytes (zigzag 34)
    '00' + //           attributes
    'd804' + //         timestampDelta 300: zigzag 600 = 0x258 -> 0x58|0x80, 0x04
    '02' + //           offsetDelta 1
    '01' + //           keyLength -1: null key
    '04' + '6869' + //  valueLength 2, "hi"
    '04' + //           header count 2
    '04' + '6831' + //  header key length 2, "h1"
    '02' + '76' + //    header value length 1, "v"
    '02' + '6e' + //    header key length 1, "n"
    '01', //            header value length -1: null
);

function batchHeaderBytes(attributes: string, recordsLength: number): Buffer {
  const batchLength = 49 + recordsLength; // counts the bytes after the batchLength field
  return hex(
    '0000000000000000' + //                           baseOffset 0
      batchLength.toString(16).padStart(8, '0') + //  batchLength
      'ffffffff' + //                                 partitionLeaderEpoch -1
      '02' + //                                       magic 2
      '00000000' + //                                 crc: filled in by withReferenceCrc
      attributes + //                                 attributes (int16)
      '00000001' + //                                 lastOffsetDelta 1
      '0000018bcfe56800' + //                         baseTimestamp 1700000000000 (first record's)
      '0000018bcfe5692c' + //                         maxTimestamp 1700000000300
      'ffffffffffffffff' + //                         producerId -1
      'ffff' + //                                     producerEpoch -1
      'ffffffff' + //                                 baseSequence -1
      '00000002', //                                  recordCount 2
  );
}

function withReferenceCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(referenceCrc32c(batch.subarray(21)), 17);
  return batch;
}

const RECORDS = [
  { key: Buffer.from('k'), value: Buffer.from('hello'), timestamp: 1_700_000_000_000n },
  {
    key: null,
    value: Buffer.from('hi'),
    timestamp: 1_700_000_000_300n,
    headers: [
      { key: 'h1', value: Buffer.from('v') },
      { key: 'n', value: null },
    ],
  },
];

describe("Kafka's documented layout, written by hand", () => {
  it('the hand-written pieces have the sizes the layout says', () => {
    expect(RECORD_0).toHaveLength(1 + 12);
    expect(RECORD_1).toHaveLength(1 + 17);
    expect(batchHeaderBytes('0000', 0)).toHaveLength(61);
  });

  it('the reference CRC32C gives the catalogue check value', () => {
    expect(referenceCrc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('encode produces exactly the hand-written bytes', () => {
    const records = Buffer.concat([RECORD_0, RECORD_1]);
    const expected = withReferenceCrc(Buffer.concat([batchHeaderBytes('0000', records.length), records]));
    // Pinned so a change to the reference CRC itself cannot go unnoticed.
    expect(expected.readUInt32BE(17)).toBe(0xa3fb7c31);
    const encoded = encodeRecordBatch(RECORDS);
    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
    expect(computeBatchCrc(encoded)).toBe(encoded.readUInt32BE(17));
    expect(crc32c(encoded, 21)).toBe(referenceCrc32c(encoded.subarray(21)));
  });

  it('decode reads the hand-written bytes', () => {
    const records = Buffer.concat([RECORD_0, RECORD_1]);
    const batch = withReferenceCrc(Buffer.concat([batchHeaderBytes('0000', records.length), records]));
    const decoded = decodeRecordBatch(batch);
    expect(decoded.records).toEqual([
      { offset: 0n, timestamp: 1_700_000_000_000n, key: Buffer.from('k'), value: Buffer.from('hello'), headers: [], attributes: 0 },
      {
        offset: 1n,
        timestamp: 1_700_000_000_300n,
        key: null,
        value: Buffer.from('hi'),
        headers: [
          { key: 'h1', value: Buffer.from('v') },
          { key: 'n', value: null },
        ],
        attributes: 0,
      },
    ]);
  });

  it('gzip: the header stays plain, the records section is gzip, recordCount is the real count', () => {
    const compressed = gzipSync(Buffer.concat([RECORD_0, RECORD_1]));
    const batch = withReferenceCrc(Buffer.concat([batchHeaderBytes('0001', compressed.length), compressed]));
    expect(validateRecordBatches(batch)).toHaveLength(1);
    const decoded = decodeRecordBatch(batch);
    expect(decoded.records.map((r) => r.value?.toString())).toEqual(['hello', 'hi']);
    expect(decoded.records[1]!.headers).toEqual(RECORDS[1]!.headers);
    // And ours has the same shape: same header apart from length and CRC.
    const ours = encodeRecordBatch(RECORDS, { compression: CompressionType.Gzip });
    expect(ours.subarray(21, 61)).toEqual(batch.subarray(21, 61));
  });
});
