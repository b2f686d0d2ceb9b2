import { gunzipSync, gzipSync } from 'node:zlib';
import { AssertionError, GregorError } from '@gregor/common';
import { corrupt } from './batch-frame';
import { CompressionType } from './header';

/**
 * Codecs over the records section only: the 61-byte header stays readable
 * so the broker can validate and assign offsets without decompressing.
 */

/**
 * Default cap on a batch's decompressed records section. A gzip stream
 * expands up to ~1000x, so without a cap a 1 MiB batch could ask a consumer
 * for a gigabyte; 64 MiB is well above any sane batch (Kafka's default
 * max.message.bytes is 1 MiB) and small enough to survive.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export function compressRecords(codec: CompressionType, records: Buffer, level: number | undefined): Buffer {
  if (codec === CompressionType.Gzip) return level === undefined ? gzipSync(records) : gzipSync(records, { level });
  throw new AssertionError(`compressRecords called with codec ${codec}`);
}

export function decompressRecords(codec: CompressionType, data: Buffer, maxBytes: number, batchPos: number): Buffer {
  if (codec !== CompressionType.Gzip) throw new AssertionError(`decompressRecords called with codec ${codec}`);
  try {
    return gunzipSync(data, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      // Not corruption: the bytes are what the producer sent, and retrying
      // cannot help, hence MESSAGE_TOO_LARGE (non-retriable).
      throw new GregorError(
        'MESSAGE_TOO_LARGE',
        `record batch at byte ${batchPos}: records decompress to more than ${maxBytes} bytes`,
        { batchPos },
        err,
      );
    }
    throw corrupt(`gzip records section does not decompress: ${(err as Error).message}`, batchPos, err);
  }
}
