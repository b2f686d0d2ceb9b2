import { BATCH_HEADER_SIZE } from '@gregor/record-batch';
import type { RecordHeader } from '../types';

/**
 * An upper bound of a record's encoded size in a RecordBatch v2: length,
 * attributes, timestamp delta, offset delta, key, value and headers, each
 * length a varint (at most 5 bytes, 10 for the timestamp delta). Used for
 * batch.size and buffer.memory accounting, so overestimating is safe and
 * cheap; the exact size is only known when the batch is encoded.
 */
export function estimateRecordSize(key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): number {
  let size = 5 /* length */ + 1 /* attributes */ + 10 /* timestamp delta */ + 5 /* offset delta */;
  size += 5 + (key?.length ?? 0);
  size += 5 + (value?.length ?? 0);
  size += 5; // header count
  for (const h of headers) size += 5 + Buffer.byteLength(h.key, 'utf8') + 5 + (h.value?.length ?? 0);
  return size;
}

/** The fixed part of every batch. */
export const BATCH_OVERHEAD_BYTES = BATCH_HEADER_SIZE;
