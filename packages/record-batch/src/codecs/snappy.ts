import { checkBound, malformed, need } from './frame-error';
import { lazyModule } from './native';

/**
 * Snappy as Kafka clients write it. Kafka's Java producer uses xerial's
 * SnappyOutputStream: an 16-byte header (magic "\x82SNAPPY\0", version 1,
 * compatible version 1, big-endian int32s), then chunks of [int32 BE length]
 * [raw snappy block], each block at most 32 KiB before compression.
 * librdkafka writes one raw snappy block on produce and reads both, and so do
 * we; we write the xerial form so Java consumers read what we produce.
 *
 * A raw snappy block starts with its uncompressed length (a varint), which the
 * library allocates and checks. Reading those lengths first gives the exact
 * output size before anything is allocated, so the cap holds up front.
 */
type SnappyModule = {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, opts?: { asBuffer?: boolean }): Buffer | string;
};
const snappy = lazyModule('snappy', () => require('snappy') as SnappyModule);

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
export const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** xerial's default block size, which Kafka's Java producer keeps. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;
/** A uint32 varint takes at most 5 bytes. */
const MAX_LENGTH_VARINT_BYTES = 5;

export function snappyCompress(raw: Buffer): Buffer {
  const lib = snappy();
  const parts: Buffer[] = [];
  const header = Buffer.allocUnsafe(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  parts.push(header);
  for (let pos = 0; pos < raw.length; pos += XERIAL_BLOCK_SIZE) {
    const block = lib.compressSync(raw.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, raw.length)));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

export function snappyDecompress(data: Buffer, maxBytes: number): Buffer {
  if (!isXerialFramed(data)) {
    const length = snappyRawLength(data, 0, data.length);
    checkBound('snappy', length, maxBytes);
    return uncompressBlock(data, length);
  }
  // Pass 1: every chunk's declared length, so the cap is checked before any output exists.
  const chunks: { start: number; end: number; length: number }[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    need(data, pos, 4, 'xerial chunk length');
    const size = data.readInt32BE(pos);
    pos += 4;
    if (size <= 0) throw malformed(`xerial chunk length ${size} at byte ${pos - 4}`);
    need(data, pos, size, 'xerial chunk');
    const length = snappyRawLength(data, pos, pos + size);
    total += length;
    checkBound('snappy', total, maxBytes);
    chunks.push({ start: pos, end: pos + size, length });
    pos += size;
  }
  // Pass 2: decompress into one buffer of the final size.
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const c of chunks) at += uncompressBlock(data.subarray(c.start, c.end), c.length).copy(out, at);
  return out;
}

/** The uncompressed length a raw snappy block in data[start, end) declares. */
export function snappyRawLength(data: Uint8Array, start: number, end: number): number {
  let length = 0;
  for (let i = 0; i < MAX_LENGTH_VARINT_BYTES; i++) {
    if (start + i >= end) throw malformed(`truncated snappy length at byte ${start}`);
    const byte = data[start + i]!;
    length += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (length > 0xffffffff) throw malformed(`snappy length ${length} is above 2^32 - 1`);
      return length;
    }
  }
  throw malformed(`snappy length at byte ${start} runs past ${MAX_LENGTH_VARINT_BYTES} bytes`);
}

function uncompressBlock(block: Buffer, declared: number): Buffer {
  const out = snappy().uncompressSync(block, { asBuffer: true }) as Buffer;
  // The library checks this itself; a mismatch here would mean the cap was checked on a lie.
  if (out.length !== declared) throw malformed(`snappy block declared ${declared} bytes, produced ${out.length}`);
  return out;
}
