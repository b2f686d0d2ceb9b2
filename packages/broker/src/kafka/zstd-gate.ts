import {
  ATTRIBUTES_OFFSET,
  CURRENT_MAGIC,
  CompressionType,
  MAGIC_OFFSET,
  RECORDS_OFFSET,
  batchSizeAt,
  compressionOf,
} from '@gregor/record-batch';

/**
 * KIP-110: zstd batches exist on the wire only from Produce v7 and Fetch
 * v10 on. A client that sends an older version did not negotiate zstd, so
 * it may neither write zstd batches nor be handed them (it could not read
 * them): Kafka answers UNSUPPORTED_COMPRESSION_TYPE for that partition.
 */
export const PRODUCE_ZSTD_MIN_VERSION = 7;
export const FETCH_ZSTD_MIN_VERSION = 10;

/**
 * Byte position of the first zstd-compressed batch in `records`, or -1.
 * Reads batch headers only (the codec is in the attributes), never the
 * records: the produce and fetch paths stay decode-free. Stops at a
 * v0/v1 message or a length that does not advance (what follows is not
 * well-formed batches; the validator or the client deals with that), and
 * at a trailing partial header (a fetch may end mid-batch).
 */
export function firstZstdBatchAt(records: Buffer | null): number {
  if (records === null) return -1;
  let pos = 0;
  while (records.length - pos >= RECORDS_OFFSET) {
    if (records[pos + MAGIC_OFFSET] !== CURRENT_MAGIC) return -1;
    if (compressionOf(records.readInt16BE(pos + ATTRIBUTES_OFFSET)) === CompressionType.Zstd) return pos;
    const size = batchSizeAt(records, pos);
    if (!(size >= RECORDS_OFFSET)) return -1;
    pos += size;
  }
  return -1;
}
