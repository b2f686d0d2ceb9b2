import { GregorError } from '@gregor/common';
import { CONTROL_FLAG_MASK, decodeRecordBatches, encodeRecordBatch, lastOffsetOf } from '@gregor/record-batch';

/** Key/value records as one RecordBatch v2 (uncompressed), stamped with `timestampMs`. */
export function encodeKeyedBatch(records: readonly { key: Buffer; value: Buffer | null }[], timestampMs: number): Buffer {
  return encodeRecordBatch(
    records.map(({ key, value }) => ({ key, value, timestamp: BigInt(timestampMs) })),
    { baseTimestamp: BigInt(timestampMs) },
  );
}

export interface DecodedChunk<T> {
  records: T[];
  /** Where the next read starts: after the last whole batch. */
  nextOffset: bigint;
  /** Records `decode` did not recognise (undefined), skipped as Kafka's loaders do. */
  skipped: number;
}

/**
 * The records in `bytes` (whole batches, as a log read returns them) at or
 * after `fromOffset`, through `decode`. Control batches are skipped; a
 * record `decode` does not recognise (undefined: null key, unknown key
 * version) is counted and skipped; a malformed known record throws from
 * `decode` (CORRUPT_MESSAGE).
 */
export function decodeKeyedBatches<T>(bytes: Buffer, fromOffset: bigint, decode: (key: Buffer | null, value: Buffer | null) => T | undefined): DecodedChunk<T> {
  const records: T[] = [];
  let next = fromOffset;
  let skipped = 0;
  for (const batch of decodeRecordBatches(bytes)) {
    const h = batch.header;
    const last = lastOffsetOf(h);
    if (last + 1n > next) next = last + 1n;
    if ((h.attributes & CONTROL_FLAG_MASK) !== 0) continue;
    for (const r of batch.records) {
      if (r.offset < fromOffset) continue;
      const decoded = decode(r.key === null ? null : Buffer.from(r.key), r.value === null ? null : Buffer.from(r.value));
      if (decoded === undefined) skipped++;
      else records.push(decoded);
    }
  }
  if (records.length === 0 && skipped === 0 && bytes.length > 0 && next === fromOffset) {
    throw new GregorError('CORRUPT_MESSAGE', `no complete batch in ${bytes.length} bytes at offset ${fromOffset}`);
  }
  return { records, nextOffset: next, skipped };
}
