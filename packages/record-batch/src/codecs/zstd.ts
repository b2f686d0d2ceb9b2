import { checkBound, malformed, need } from './frame-error';
import { lazyModule } from './native';

/**
 * Zstandard frames (RFC 8878), as Kafka's clients write them (KIP-110; a
 * producer needs Produce v7+). The library is @toondepauw/node-zstd, a thin
 * napi-rs binding of the reference libzstd with synchronous calls.
 *
 * libzstd's streaming decoder reads to the end, so the cap is enforced
 * before calling it: zstdFrameBound walks the frame and block headers
 * (3 bytes per block, bodies skipped). A raw or RLE block regenerates
 * exactly its Block_Size, a compressed one at most 128 KiB (the format's
 * Block_Maximum_Size ceiling); an RLE block can claim 128 KiB from 4 bytes,
 * which is why the bound counts headers rather than trusting ratios.
 */
type ZstdModule = {
  Encoder: new (level: number) => { encodeSync(data: Buffer): Buffer };
  Decoder: new () => { decodeSync(data: Buffer): Buffer };
};
const zstd = lazyModule('zstd', () => require('@toondepauw/node-zstd') as ZstdModule);

/** Kafka's default (compression.zstd.level = 3, zstd's own default). */
export const ZSTD_DEFAULT_LEVEL = 3;
/** Kafka's range for compression.zstd.level (KIP-390): zstd's fast levels up to 22. */
export const ZSTD_MIN_LEVEL = -131072;
export const ZSTD_MAX_LEVEL = 22;

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const FHD_RESERVED = 0x08;
const FHD_SINGLE_SEGMENT = 0x20;
const FHD_CONTENT_CHECKSUM = 0x04;
const BLOCK_HEADER_BYTES = 3;
const BLOCK_TYPE_RAW = 0;
const BLOCK_TYPE_RLE = 1;
const BLOCK_TYPE_COMPRESSED = 2;
/** Block_Maximum_Size is min(Window_Size, 128 KiB). */
const BLOCK_MAX_BYTES = 128 * 1024;
const DICT_ID_BYTES = [0, 1, 2, 4] as const;
const FCS_BYTES = [0, 2, 4, 8] as const;

export function zstdCompress(raw: Buffer, level = ZSTD_DEFAULT_LEVEL): Buffer {
  const { Encoder } = zstd();
  return new Encoder(level).encodeSync(raw);
}

export function zstdDecompress(data: Buffer, maxBytes: number): Buffer {
  checkBound('zstd', zstdFrameBound(data), maxBytes);
  const { Decoder } = zstd();
  return new Decoder().decodeSync(data);
}

/**
 * Upper bound on what the frames in `data` decompress to, read from their
 * headers in one linear pass (every block header is at least 3 bytes).
 * Throws malformed on anything outside the format.
 */
export function zstdFrameBound(data: Buffer): number {
  if (data.length === 0) throw malformed('empty zstd stream');
  let bound = 0;
  let pos = 0;
  while (pos < data.length) {
    need(data, pos, 4, 'zstd magic');
    const magic = data.readUInt32LE(pos);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(data, pos, 8, 'zstd skippable frame header');
      pos += 8 + data.readUInt32LE(pos + 4);
      if (pos > data.length) throw malformed('truncated zstd skippable frame');
      continue;
    }
    if (magic !== FRAME_MAGIC) throw malformed(`zstd frame magic 0x${magic.toString(16)} at byte ${pos}`);
    const frame = frameBound(data, pos + 4);
    bound += frame.bound;
    pos = frame.end;
  }
  return bound;
}

function frameBound(data: Buffer, start: number): { bound: number; end: number } {
  need(data, start, 1, 'zstd frame header');
  const fhd = data[start]!;
  if ((fhd & FHD_RESERVED) !== 0) throw malformed('zstd frame header has its reserved bit set');
  const singleSegment = (fhd & FHD_SINGLE_SEGMENT) !== 0;
  const fcsFlag = fhd >> 6;
  const fcsBytes = fcsFlag === 0 && singleSegment ? 1 : FCS_BYTES[fcsFlag]!;
  // Header: FHD, [window descriptor 1], [dictionary id], [frame content size].
  let pos = start + 1 + (singleSegment ? 0 : 1) + DICT_ID_BYTES[fhd & 0x03]! + fcsBytes;
  let bound = 0;
  for (let last = false; !last; ) {
    need(data, pos, BLOCK_HEADER_BYTES, 'zstd block header');
    const header = data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16);
    pos += BLOCK_HEADER_BYTES;
    last = (header & 1) === 1;
    const type = (header >> 1) & 0x03;
    const size = header >>> 3;
    if (type === BLOCK_TYPE_RAW) {
      bound += size;
      pos += size;
    } else if (type === BLOCK_TYPE_RLE) {
      bound += size;
      pos += 1;
    } else if (type === BLOCK_TYPE_COMPRESSED) {
      bound += BLOCK_MAX_BYTES;
      pos += size;
    } else {
      throw malformed(`zstd reserved block type at byte ${pos - BLOCK_HEADER_BYTES}`);
    }
    if (pos > data.length) throw malformed('truncated zstd block');
  }
  if ((fhd & FHD_CONTENT_CHECKSUM) !== 0) {
    need(data, pos, 4, 'zstd content checksum');
    pos += 4;
  }
  return { bound, end: pos };
}
