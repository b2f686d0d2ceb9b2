import { GregorError, type ErrorName } from '@gregor/common';
import fc from 'fast-check';
import type { RecordHeader, RecordInput } from '@gregor/record-batch';

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
