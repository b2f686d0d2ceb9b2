import { gunzipSync, gzipSync } from 'node:zlib';
import { AssertionError, GregorError } from '@gregor/common';
import { corrupt } from './batch-frame';
import { CodecFrameError } from './codecs/frame-error';
import { lz4Compress, lz4Decompress } from './codecs/lz4';
import { snappyCompress, snappyDecompress } from './codecs/snappy';
import { ZSTD_MAX_LEVEL, ZSTD_MIN_LEVEL, zstdCompress, zstdDecompress } from './codecs/zstd';
import { CompressionType } from './header';

/**
 * Codecs over the records section only: the 61-byte header stays readable
 * so the broker can validate and assign offsets without decompressing.
 */

/**
 * Default cap on a batch's decompressed records section. A gzip stream
 * expands up to ~1000x (zstd's RLE blocks far more), so without a cap a
 * 1 MiB batch could ask a consumer for gigabytes; 64 MiB is well above any
 * sane batch (Kafka's default max.message.bytes is 1 MiB) and small enough
 * to survive. Every codec enforces it before or while producing output.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

interface Codec {
  name: string;
  /** Inclusive range of compressionLevel, or undefined when the codec has no levels. */
  levels?: readonly [number, number];
  compress(raw: Buffer, level: number | undefined): Buffer;
  /** Must not allocate past maxBytes: throws CodecFrameError 'too-large' instead. */
  decompress(data: Buffer, maxBytes: number): Buffer;
}

const CODECS: Readonly<Partial<Record<CompressionType, Codec>>> = {
  [CompressionType.Gzip]: {
    name: 'gzip',
    levels: [0, 9],
    compress: (raw, level) => (level === undefined ? gzipSync(raw) : gzipSync(raw, { level })),
    decompress: gunzipBounded,
  },
  [CompressionType.Snappy]: { name: 'snappy', compress: snappyCompress, decompress: snappyDecompress },
  [CompressionType.Lz4]: { name: 'lz4', compress: lz4Compress, decompress: lz4Decompress },
  [CompressionType.Zstd]: { name: 'zstd', levels: [ZSTD_MIN_LEVEL, ZSTD_MAX_LEVEL], compress: zstdCompress, decompress: zstdDecompress },
};

/** Throws INVALID_REQUEST unless `level` suits the codec (checked before any work). */
export function checkCompressionLevel(codec: CompressionType, level: number | undefined): void {
  if (level === undefined) return;
  const c = codec === CompressionType.None ? { name: 'none', levels: undefined } : codecOf(codec);
  if (c.levels === undefined) throw new GregorError('INVALID_REQUEST', `compressionLevel does not apply to ${c.name}`);
  const [min, max] = c.levels;
  if (!Number.isInteger(level) || level < min || level > max) {
    throw new GregorError('INVALID_REQUEST', `compressionLevel ${level} is outside [${min}, ${max}] for ${c.name}`);
  }
}

export function compressRecords(codec: CompressionType, records: Buffer, level: number | undefined): Buffer {
  return codecOf(codec).compress(records, level);
}

/**
 * Decompresses a batch's records section. Malformed input of any codec is
 * CORRUPT_MESSAGE; a section that would pass maxBytes is MESSAGE_TOO_LARGE
 * (not corruption: the bytes are what the producer sent, and retrying cannot
 * help). UNSUPPORTED_COMPRESSION_TYPE if a codec's library cannot load.
 */
export function decompressRecords(codec: CompressionType, data: Buffer, maxBytes: number, batchPos: number): Buffer {
  const c = codecOf(codec);
  let out: Buffer;
  try {
    out = c.decompress(data, maxBytes);
  } catch (err) {
    if (err instanceof GregorError) throw err;
    if (err instanceof CodecFrameError && err.kind === 'too-large') throw tooLarge(maxBytes, batchPos, err);
    throw corrupt(`${c.name} records section does not decompress: ${(err as Error).message}`, batchPos, err);
  }
  // Each codec bounds its output up front; this catches a library that broke that contract.
  if (out.length > maxBytes) throw tooLarge(maxBytes, batchPos);
  return out;
}

function gunzipBounded(data: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CodecFrameError('too-large', `gzip records decompress to more than ${maxBytes} bytes`);
    }
    throw err;
  }
}

function codecOf(codec: CompressionType): Codec {
  const c = CODECS[codec];
  if (c === undefined) throw new AssertionError(`no codec for compression id ${codec}`);
  return c;
}

function tooLarge(maxBytes: number, batchPos: number, cause?: unknown): GregorError {
  return new GregorError(
    'MESSAGE_TOO_LARGE',
    `record batch at byte ${batchPos}: records decompress to more than ${maxBytes} bytes`,
    { batchPos },
    cause,
  );
}
