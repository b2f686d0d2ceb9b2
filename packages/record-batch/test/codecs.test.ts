import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { GregorError } from '@gregor/common';
import {
  CompressionType,
  decodeRecordBatch,
  encodeRecordBatch,
  validateRecordBatches,
  type RecordInput,
} from '@gregor/record-batch';
import { lz4FrameBound } from '../src/codecs/lz4';
import { XERIAL_BLOCK_SIZE, XERIAL_MAGIC, snappyRawLength } from '../src/codecs/snappy';
import { lazyModule } from '../src/codecs/native';
import { zstdFrameBound } from '../src/codecs/zstd';
import { arbRecord, expectGregorError, referenceXxh32, withSection } from './helpers';

/** Fixtures from test/vectors/make-vectors.py (kafka-python 2.0.2 and Debian's codec tools). */
const vector = (name: string): Buffer => readFileSync(path.join(__dirname, 'vectors', name));
const CODEC_IDS = { gzip: CompressionType.Gzip, snappy: CompressionType.Snappy, lz4: CompressionType.Lz4, zstd: CompressionType.Zstd } as const;
const COMPRESSED = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const;
const section = (batch: Buffer): Buffer => batch.subarray(61);

describe('batches and sections written by Kafka clients and standard tools decode', () => {
  const plainBatch = vector('kafka-python-none.bin');
  const plain = decodeRecordBatch(plainBatch);

  it('the uncompressed kafka-python batch holds what make-vectors.py wrote', () => {
    expect(plain.records).toHaveLength(40);
    expect(plain.records[0]!.key).toEqual(Buffer.from('key-0'));
    expect(plain.records[3]!.key).toBeNull();
    expect(plain.records[5]!.value).toBeNull();
    expect(plain.records[39]!.value!.toString()).toBe(`record-39-${'abcdefghij'.repeat(100)}`);
    expect(plain.records[3]!.headers).toEqual([{ key: 'h3', value: Buffer.from('v3') }]);
    expect(plain.records[39]!.timestamp).toBe(1_700_000_000_039n);
  });

  it.each(Object.entries(CODEC_IDS))('kafka-python %s batch: validates, decodes to the same records', (name, codec) => {
    const batch = vector(`kafka-python-${name}.bin`);
    expect(batch.readInt16BE(21) & 7).toBe(codec);
    expect(batch.length).toBeLessThan(plainBatch.length / 10);
    expect(validateRecordBatches(batch)).toHaveLength(1);
    expect(decodeRecordBatch(batch).records).toEqual(plain.records);
  });

  it.each([
    ['raw snappy, as librdkafka writes it (libsnappy via python-snappy)', 'records.snappy-raw.bin', CompressionType.Snappy],
    ['an lz4 frame from the lz4 tool (content checksum, -9)', 'records.lz4-cli.bin', CompressionType.Lz4],
    ['a zstd frame from the zstd tool (content checksum, no content size, -19)', 'records.zstd-cli.bin', CompressionType.Zstd],
  ])('%s', (_what, file, codec) => {
    expect(section(plainBatch)).toEqual(vector('records.bin'));
    expect(decodeRecordBatch(withSection(plainBatch, vector(file), codec)).records).toEqual(plain.records);
  });
});

describe('what Gregor writes is the form Kafka clients read', () => {
  const records: RecordInput[] = Array.from({ length: 100 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(1000, i) }));
  const raw = section(encodeRecordBatch(records));

  it('snappy: xerial framing as Kafka\'s Java client writes it, byte-identical header to kafka-python\'s', () => {
    const s = section(encodeRecordBatch(records, { compression: CompressionType.Snappy }));
    expect(s.subarray(0, 8)).toEqual(XERIAL_MAGIC);
    expect(s.subarray(0, 16)).toEqual(section(vector('kafka-python-snappy.bin')).subarray(0, 16));
    expect(s.readInt32BE(8)).toBe(1); // version
    expect(s.readInt32BE(12)).toBe(1); // compatible version
    let pos = 16;
    let total = 0;
    let chunks = 0;
    while (pos < s.length) {
      const size = s.readInt32BE(pos);
      const length = snappyRawLength(s, pos + 4, pos + 4 + size);
      expect(length).toBeLessThanOrEqual(XERIAL_BLOCK_SIZE);
      total += length;
      chunks++;
      pos += 4 + size;
    }
    expect(pos).toBe(s.length);
    expect(total).toBe(raw.length);
    expect(chunks).toBe(Math.ceil(raw.length / XERIAL_BLOCK_SIZE));
  });

  it('lz4: one LZ4 frame, version 01, independent blocks, KIP-57 header checksum over the descriptor', () => {
    const frames = [
      { s: section(encodeRecordBatch(records, { compression: CompressionType.Lz4 })), rawLength: raw.length },
      { s: section(vector('kafka-python-lz4.bin')), rawLength: vector('records.bin').length },
    ];
    for (const { s, rawLength } of frames) {
      expect(s.readUInt32LE(0)).toBe(0x184d2204);
      const flg = s[4]!;
      expect(flg & 0xc0).toBe(0x40);
      expect(flg & 0x20).toBe(0x20); // Kafka's reader decompresses each block on its own
      expect(flg & 0x01).toBe(0); // no dictionary
      const descriptorEnd = 6 + (flg & 0x08 ? 8 : 0);
      expect(s[descriptorEnd]).toBe((referenceXxh32(s.subarray(4, descriptorEnd)) >> 8) & 0xff);
      expect(lz4FrameBound(s)).toBeGreaterThanOrEqual(rawLength);
    }
  });

  it('zstd: a standard zstd frame', () => {
    const s = section(encodeRecordBatch(records, { compression: CompressionType.Zstd }));
    expect(s.readUInt32LE(0)).toBe(0xfd2fb528);
    expect(zstdFrameBound(s)).toBeGreaterThanOrEqual(raw.length);
  });

  it('zstd honours compressionLevel (19 is no larger than 1)', () => {
    const one = encodeRecordBatch(records, { compression: CompressionType.Zstd, compressionLevel: 1 });
    const nineteen = encodeRecordBatch(records, { compression: CompressionType.Zstd, compressionLevel: 19 });
    expect(nineteen.length).toBeLessThanOrEqual(one.length);
    expect(decodeRecordBatch(nineteen).records.map((r) => r.value)).toEqual(records.map((r) => r.value));
  });
});

describe('corrupt compressed sections behind a valid CRC are CORRUPT_MESSAGE, never a crash', () => {
  const base = encodeRecordBatch([{ value: Buffer.from('x') }]);
  const good = (codec: CompressionType): Buffer =>
    encodeRecordBatch(
      Array.from({ length: 50 }, (_, i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.from(`value ${i} `.repeat(20)) })),
      { compression: codec },
    );

  it.each(COMPRESSED.map((c) => [CompressionType[c], c]))('%s: garbage', (name, codec) => {
    const bad = withSection(base, Buffer.from('this is not compressed data at all'), codec);
    expect(validateRecordBatches(bad)).toHaveLength(1); // the broker does not look inside
    expectGregorError(() => decodeRecordBatch(bad), 'CORRUPT_MESSAGE', new RegExp(`${name.toLowerCase()} records section does not decompress`));
  });

  it.each(COMPRESSED.map((c) => [CompressionType[c], c]))('%s: truncated', (_name, codec) => {
    const whole = good(codec);
    for (const keep of [1, 5, 17, section(whole).length - 5]) {
      expectGregorError(() => decodeRecordBatch(withSection(whole, section(whole).subarray(0, keep), codec)), 'CORRUPT_MESSAGE');
    }
  });

  it.each(COMPRESSED.map((c) => [CompressionType[c], c]))('%s: empty section', (_name, codec) => {
    expectGregorError(() => decodeRecordBatch(withSection(base, Buffer.alloc(0), codec)), 'CORRUPT_MESSAGE');
  });

  it('lz4: a wrong header checksum', () => {
    const whole = good(CompressionType.Lz4);
    const s = Buffer.from(section(whole));
    s[6] ^= 0xff; // FLG, BD, then HC (no content size)
    expectGregorError(() => decodeRecordBatch(withSection(whole, s, CompressionType.Lz4)), 'CORRUPT_MESSAGE', /lz4/);
  });

  it.each(COMPRESSED.map((c) => [CompressionType[c], c]))('%s: any flipped byte gives records or a GregorError', (_name, codec) => {
    const whole = good(codec);
    const s = section(whole);
    fc.assert(
      fc.property(fc.nat(s.length - 1), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const flipped = Buffer.from(s);
        flipped[at] ^= mask;
        try {
          decodeRecordBatch(withSection(whole, flipped, codec));
        } catch (err) {
          expect(err).toBeInstanceOf(GregorError);
          expect(['CORRUPT_MESSAGE', 'MESSAGE_TOO_LARGE']).toContain((err as GregorError).errorName);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('snappy: an xerial chunk with a negative length', () => {
    const s = Buffer.concat([section(good(CompressionType.Snappy)).subarray(0, 16), Buffer.from('ffffffff00', 'hex')]);
    expectGregorError(() => decodeRecordBatch(withSection(base, s, CompressionType.Snappy)), 'CORRUPT_MESSAGE', /xerial chunk length -1/);
  });
});

describe('the decompressed-size cap holds for every codec (no decompression bomb)', () => {
  const MIB = 1024 * 1024;
  const base = encodeRecordBatch([{ value: Buffer.from('x') }]);

  it.each(COMPRESSED.map((c) => [CompressionType[c], c]))('%s: 65 MiB of zeros is refused by default, decodes under a cap one block larger', (_name, codec) => {
    const bomb = encodeRecordBatch([{ value: Buffer.alloc(65 * MIB) }], { compression: codec });
    expect(bomb.length).toBeLessThan(4 * MIB);
    expect(validateRecordBatches(bomb)).toHaveLength(1); // the broker does not decompress
    expectGregorError(() => decodeRecordBatch(bomb), 'MESSAGE_TOO_LARGE', /more than 67108864 bytes/);
    // lz4-napi writes 4 MiB blocks for large input; the bound counts the last one whole.
    expect(decodeRecordBatch(bomb, 0, { maxDecompressedBytes: 70 * MIB }).records[0]!.value).toHaveLength(65 * MIB);
  });

  it.each(COMPRESSED.map((c) => [CompressionType[c], c]))('%s: a configured cap below the records is MESSAGE_TOO_LARGE, non-retriable', (_name, codec) => {
    const batch = encodeRecordBatch([{ value: Buffer.alloc(300_000, 7) }], { compression: codec });
    const err = expectGregorError(() => decodeRecordBatch(batch, 0, { maxDecompressedBytes: 200_000 }), 'MESSAGE_TOO_LARGE');
    expect(err.retriable).toBe(false);
    // lz4 and zstd bound from their block headers: at most one block (4 MiB / 128 KiB) above the real size.
    expect(decodeRecordBatch(batch, 0, { maxDecompressedBytes: 300_100 + 4 * MIB }).records[0]!.value).toHaveLength(300_000);
  });

  it('snappy: a raw block declaring 4 GiB is refused before the library allocates', () => {
    const claim = withSection(base, Buffer.from('ffffffff0f00', 'hex'), CompressionType.Snappy);
    expectGregorError(() => decodeRecordBatch(claim), 'MESSAGE_TOO_LARGE');
  });

  it('zstd: RLE blocks claiming 128 KiB per 4 bytes are refused from the headers alone', () => {
    // 600 RLE blocks of 128 KiB (75 MiB) then a compressed block of garbage: had the
    // library run, the garbage would make this CORRUPT_MESSAGE; the header walk stops it first.
    const rle = (size: number, last: boolean): Buffer => {
      const h = (size << 3) | (1 << 1) | (last ? 1 : 0);
      return Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0x61]);
    };
    const garbageHeader = (16 << 3) | (2 << 1) | 1;
    const frame = Buffer.concat([
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58]), // magic, FHD (no FCS, no checksum), window descriptor
      ...Array.from({ length: 600 }, () => rle(128 * 1024, false)),
      Buffer.from([garbageHeader & 0xff, (garbageHeader >> 8) & 0xff, garbageHeader >> 16]),
      Buffer.alloc(16, 0xee),
    ]);
    expect(zstdFrameBound(frame)).toBe(600 * 128 * 1024 + 128 * 1024);
    expectGregorError(() => decodeRecordBatch(withSection(base, frame, CompressionType.Zstd)), 'MESSAGE_TOO_LARGE');
  });

  it('lz4: blocks are counted at the frame\'s block maximum before decompressing', () => {
    // 1100 compressed 64 KiB-max blocks (1-byte bodies) claim ~69 MiB.
    const descriptor = Buffer.from([0x60, 0x40]);
    const block = Buffer.from([0x01, 0x00, 0x00, 0x00, 0x10]);
    const frame = Buffer.concat([
      Buffer.from([0x04, 0x22, 0x4d, 0x18]),
      descriptor,
      Buffer.from([(referenceXxh32(descriptor) >> 8) & 0xff]),
      ...Array.from({ length: 1100 }, () => block),
      Buffer.alloc(4),
    ]);
    expect(lz4FrameBound(frame)).toBe(1100 * 65536);
    expectGregorError(() => decodeRecordBatch(withSection(base, frame, CompressionType.Lz4)), 'MESSAGE_TOO_LARGE');
  });
});

describe('every codec round-trips arbitrary records', () => {
  it.each(COMPRESSED.map((c) => [CompressionType[c], c]))('%s', (_name, codec) => {
    fc.assert(
      fc.property(fc.array(arbRecord(2000), { minLength: 1, maxLength: 40 }), (records) => {
        const batch = encodeRecordBatch(records, { compression: codec });
        expect(batch.readInt16BE(21) & 7).toBe(codec);
        const decoded = decodeRecordBatch(batch).records;
        expect(decoded.map((r) => r.value ?? null)).toEqual(records.map((r) => r.value ?? null));
        expect(decoded.map((r) => r.key ?? null)).toEqual(records.map((r) => r.key ?? null));
      }),
      { numRuns: 50 },
    );
  });
});

describe('a codec whose native library does not load', () => {
  it('is UNSUPPORTED_COMPRESSION_TYPE naming the codec and the cause, on every use', () => {
    let loads = 0;
    const load = lazyModule('snappy', () => {
      loads++;
      throw new Error('Cannot find module @napi-rs/snappy-linux-x64-gnu');
    });
    for (let i = 0; i < 2; i++) expectGregorError(load, 'UNSUPPORTED_COMPRESSION_TYPE', /snappy is unavailable .*Cannot find module/);
    expect(loads).toBe(1);
  });
});
