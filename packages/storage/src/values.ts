import { assert } from '@gregor/common';
import type { EpochEntry } from './epoch-cache';

/** Encodings of the small side-key values. */

export function encodeInt64(value: bigint): Buffer {
  const buf = Buffer.allocUnsafe(8);
  buf.writeBigInt64BE(value);
  return buf;
}

export function decodeInt64(buf: Buffer): bigint {
  assert(buf.length === 8, `int64 side value has ${buf.length} bytes`);
  return buf.readBigInt64BE();
}

export function encodeUint32(value: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf.writeUInt32BE(value);
  return buf;
}

export function decodeUint32(buf: Buffer): number {
  assert(buf.length === 4, `uint32 side value has ${buf.length} bytes`);
  return buf.readUInt32BE();
}

/** Sizes are bytes on disk; a double holds them exactly up to 2^53. */
export const encodeSize = (bytes: number): Buffer => encodeInt64(BigInt(bytes));
export const decodeSize = (buf: Buffer): number => Number(decodeInt64(buf));

const EPOCH_ENTRY_BYTES = 12;

/** The whole epoch cache in one value: n × (epoch int32, startOffset int64). */
export function encodeEpochs(entries: readonly EpochEntry[]): Buffer {
  const buf = Buffer.allocUnsafe(entries.length * EPOCH_ENTRY_BYTES);
  entries.forEach((e, i) => {
    buf.writeInt32BE(e.epoch, i * EPOCH_ENTRY_BYTES);
    buf.writeBigInt64BE(e.startOffset, i * EPOCH_ENTRY_BYTES + 4);
  });
  return buf;
}

export function decodeEpochs(buf: Buffer): EpochEntry[] {
  assert(buf.length % EPOCH_ENTRY_BYTES === 0, `epoch cache value has ${buf.length} bytes`);
  const out: EpochEntry[] = [];
  for (let pos = 0; pos < buf.length; pos += EPOCH_ENTRY_BYTES) {
    out.push({ epoch: buf.readInt32BE(pos), startOffset: buf.readBigInt64BE(pos + 4) });
  }
  return out;
}
