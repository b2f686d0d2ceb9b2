import { checkBatchFrame, checkCompression, corrupt, probeFrame } from './batch-frame';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, decompressRecords } from './compression';
import { BATCH_HEADER_SIZE, CompressionType, compressionOf, readBatchHeader } from './header';
import { decodeRecords } from './record-reader';
import type { DecodedBatch } from './types';

export interface DecodeOptions {
  /** Cap on a compressed batch's decompressed records section; default 64 MiB. */
  maxDecompressedBytes?: number;
}

/**
 * Decodes the batch at `pos`: verifies magic, length and CRC, decompresses,
 * and decodes every record. Bytes after the batch are ignored.
 * Throws GregorError CORRUPT_MESSAGE (malformed), UNSUPPORTED_COMPRESSION_TYPE,
 * or MESSAGE_TOO_LARGE (decompresses past the cap).
 */
export function decodeRecordBatch(buf: Buffer, pos = 0, opts: DecodeOptions = {}): DecodedBatch {
  const size = checkBatchFrame(buf, pos);
  const header = readBatchHeader(buf, pos);
  const codec = compressionOf(header.attributes);
  checkCompression(codec, pos);
  if (header.recordCount < 0) throw corrupt(`recordCount ${header.recordCount} is negative`, pos);
  if (codec === CompressionType.None) {
    return { header, records: decodeRecords(buf, pos + BATCH_HEADER_SIZE, pos + size, header, pos) };
  }
  const maxBytes = opts.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const records = decompressRecords(codec, buf.subarray(pos + BATCH_HEADER_SIZE, pos + size), maxBytes, pos);
  return { header, records: decodeRecords(records, 0, records.length, header, pos) };
}

/**
 * Decodes concatenated batches as a Fetch returns them. A trailing partial
 * batch is dropped, as Kafka clients do (a fetch may stop inside a batch);
 * anything wrong with a whole batch throws.
 */
export function decodeRecordBatches(buf: Buffer, opts: DecodeOptions = {}): DecodedBatch[] {
  const batches: DecodedBatch[] = [];
  let pos = 0;
  // Terminates: every whole batch advances pos by at least 61 bytes.
  while (pos < buf.length) {
    const probe = probeFrame(buf, pos);
    if (probe.kind === 'partial') break;
    batches.push(decodeRecordBatch(buf, pos, opts));
    pos += probe.size;
  }
  return batches;
}
