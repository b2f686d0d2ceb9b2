import { GregorError, type ErrorName } from '@gregor/common';
import fc from 'fast-check';
import { CompressionType, type RecordHeader, type RecordInput } from '@gregor/record-batch';

/**
 * Bit-at-a-time CRC32C straight from the definition (reflected polynomial
 * 0x82F63B78, init and final XOR 0xFFFFFFFF). Shares nothing with the
 * package's table or native code, so it is an independent reference.
 */
export function referenceCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Runs `fn` and returns the GregorError it throws, failing if it throws anything else or nothing. */
export function gregorErrorOf(fn: () => unknown): GregorError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GregorError) return err;
    throw new Error(`expected a GregorError, got ${String(err)}`);
  }
  throw new Error('expected a GregorError, nothing was thrown');
}

export function expectGregorError(fn: () => unknown, name: ErrorName, messagePart?: string | RegExp): GregorError {
  const err = gregorErrorOf(fn);
  expect(err.errorName).toBe(name);
  if (messagePart !== undefined) expect(err.message).toMatch(messagePart);
  return err;
}

/** Rewrites the CRC of the batch at `pos` after a deliberate edit, using the reference CRC. */
export function fixCrc(buf: Buffer, pos = 0): Buffer {
  const size = 12 + buf.readInt32BE(pos + 8);
  buf.writeUInt32BE(referenceCrc32c(buf.subarray(pos + 21, pos + size)), pos + 17);
  return buf;
}

/** Every codec id Kafka defines. */
export const ALL_CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const;

/**
 * `batch` with its records section replaced by `section` and its codec bits
 * set to `codec`; batchLength and CRC are rewritten so only the section's
 * content can be at fault.
 */
export function withSection(batch: Buffer, section: Buffer, codec: CompressionType): Buffer {
  const out = Buffer.concat([batch.subarray(0, 61), section]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE((out.readInt16BE(21) & ~7) | codec, 21);
  return fixCrc(out);
}

/**
 * XXH32 from its specification, for checking an LZ4 frame's header checksum
 * (KIP-57: (XXH32(descriptor) >> 8) & 0xff) independently of any library.
 */
export function referenceXxh32(buf: Buffer, seed = 0): number {
  const P1 = 2654435761, P2 = 2246822519, P3 = 3266489917, P4 = 668265263, P5 = 374761393;
  const mul = (a: number, b: number): number => Math.imul(a, b) >>> 0;
  const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
  const round = (v: number, lane: number): number => mul(rotl((v + mul(lane, P2)) >>> 0, 13), P1);
  let i = 0;
  let h: number;
  if (buf.length >= 16) {
    const v = [(seed + P1 + P2) >>> 0, (seed + P2) >>> 0, seed >>> 0, (seed - P1) >>> 0];
    for (; i + 16 <= buf.length; i += 16) for (let l = 0; l < 4; l++) v[l] = round(v[l]!, buf.readUInt32LE(i + 4 * l));
    h = (rotl(v[0]!, 1) + rotl(v[1]!, 7) + rotl(v[2]!, 12) + rotl(v[3]!, 18)) >>> 0;
  } else {
    h = (seed + P5) >>> 0;
  }
  h = (h + buf.length) >>> 0;
  for (; i + 4 <= buf.length; i += 4) h = mul(rotl((h + mul(buf.readUInt32LE(i), P3)) >>> 0, 17), P4);
  for (; i < buf.length; i++) h = mul(rotl((h + mul(buf[i]!, P5)) >>> 0, 11), P1);
  h = mul(h ^ (h >>> 15), P2);
  h = mul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));

/** key/value: absent, null, empty or some bytes. */
export const arbBytesField = (maxLength = 64) =>
  fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant(Buffer.alloc(0)), bytes(maxLength));

export const arbHeader: fc.Arbitrary<RecordHeader> = fc.record({
  key: fc.string({ unit: 'grapheme', maxLength: 12 }),
  value: fc.oneof(fc.constant(null), bytes(32)),
});

/**
 * Timestamps: realistic ones near now, small ones, and any value within
 * ±2^62 (so every delta between two of them fits the int64 varlong).
 */
export const arbTimestamp = fc.oneof(
  fc.bigInt({ min: 1_600_000_000_000n, max: 1_900_000_000_000n }),
  fc.bigInt({ min: -1n, max: 1000n }),
  fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
);

export const arbRecord = (maxBytes = 64): fc.Arbitrary<RecordInput> =>
  fc.record(
    {
      key: arbBytesField(maxBytes),
      value: arbBytesField(maxBytes),
      headers: fc.array(arbHeader, { maxLength: 4 }),
      timestamp: arbTimestamp,
    },
    { requiredKeys: [] },
  );
