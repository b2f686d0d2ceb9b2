import { checkBound, malformed, need } from './frame-error';
import { lazyModule } from './native';

/**
 * LZ4 as Kafka uses it: the LZ4 frame format (not raw blocks), with the
 * header checksum computed over the frame descriptor only, as KIP-57 fixed
 * it for magic v1+ batches. Kafka's Java reader decompresses each block on
 * its own, so writers must set block independence; lz4-napi (lz4_flex) does.
 *
 * The frame's block headers bound the output before anything is
 * decompressed: a compressed block regenerates at most the frame's block
 * maximum size (64 KiB to 4 MiB), an uncompressed block exactly its size.
 * lz4FrameBound walks them (skipping the block bodies) and refuses anything
 * it does not understand, so the library only ever sees frames whose
 * output fits the cap.
 */
type Lz4Module = {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
};
const lz4 = lazyModule('lz4', () => require('lz4-napi') as Lz4Module);

const FRAME_MAGIC = 0x184d2204;
/** Skippable frames: magic 0x184D2A50..0x184D2A5F, then a uint32 LE size. */
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const BD_RESERVED = 0x8f;
const BLOCK_UNCOMPRESSED_BIT = 0x80000000;
/** BD bits 6-4: 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB. */
const BLOCK_MAX_BYTES: Readonly<Record<number, number>> = { 4: 1 << 16, 5: 1 << 18, 6: 1 << 20, 7: 1 << 22 };

export function lz4Compress(raw: Buffer): Buffer {
  return lz4().compressFrameSync(raw);
}

export function lz4Decompress(data: Buffer, maxBytes: number): Buffer {
  checkBound('lz4', lz4FrameBound(data), maxBytes);
  return lz4().decompressFrameSync(data);
}

/**
 * Upper bound on what the frames in `data` decompress to, read from their
 * headers in one linear pass. Throws malformed on anything outside the format.
 */
export function lz4FrameBound(data: Buffer): number {
  if (data.length === 0) throw malformed('empty lz4 stream');
  let bound = 0;
  let pos = 0;
  while (pos < data.length) {
    need(data, pos, 4, 'lz4 magic');
    const magic = data.readUInt32LE(pos);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(data, pos, 8, 'lz4 skippable frame header');
      pos += 8 + data.readUInt32LE(pos + 4);
      if (pos > data.length) throw malformed('truncated lz4 skippable frame');
      continue;
    }
    if (magic !== FRAME_MAGIC) throw malformed(`lz4 frame magic 0x${magic.toString(16)} at byte ${pos}`);
    const frame = frameBound(data, pos + 4);
    bound += frame.bound;
    pos = frame.end;
  }
  return bound;
}

function frameBound(data: Buffer, start: number): { bound: number; end: number } {
  need(data, start, 2, 'lz4 frame descriptor');
  const flg = data[start]!;
  const bd = data[start + 1]!;
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw malformed(`lz4 frame version bits 0x${flg.toString(16)}`);
  if ((flg & FLG_RESERVED) !== 0 || (bd & BD_RESERVED) !== 0) throw malformed('lz4 frame descriptor has reserved bits set');
  const blockMax = BLOCK_MAX_BYTES[(bd >> 4) & 0x07];
  if (blockMax === undefined) throw malformed(`lz4 block maximum size id ${(bd >> 4) & 0x07}`);
  // Descriptor: FLG, BD, [content size 8], [dictionary id 4], header checksum 1 (the library verifies it).
  let pos = start + 2 + ((flg & FLG_CONTENT_SIZE) !== 0 ? 8 : 0) + ((flg & FLG_DICT_ID) !== 0 ? 4 : 0) + 1;
  const blockChecksumBytes = (flg & FLG_BLOCK_CHECKSUM) !== 0 ? 4 : 0;
  let bound = 0;
  for (;;) {
    need(data, pos, 4, 'lz4 block size');
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break; // EndMark
    const size = (word & ~BLOCK_UNCOMPRESSED_BIT) >>> 0;
    const uncompressed = (word & BLOCK_UNCOMPRESSED_BIT) !== 0;
    if (size === 0 || size > blockMax) throw malformed(`lz4 block of ${size} bytes (frame maximum ${blockMax}) at byte ${pos - 4}`);
    need(data, pos, size + blockChecksumBytes, 'lz4 block');
    pos += size + blockChecksumBytes;
    bound += uncompressed ? size : blockMax;
  }
  if ((flg & FLG_CONTENT_CHECKSUM) !== 0) {
    need(data, pos, 4, 'lz4 content checksum');
    pos += 4;
  }
  return { bound, end: pos };
}
