import { GregorError } from '@gregor/common';
import { CONTROL_FLAG_MASK, decodeRecordBatches, encodeRecordBatch, lastOffsetOf } from '@gregor/record-batch';
import { decodeRecord, encodeRecord, type CoordinatorRecord } from './records';

/** Coordinator records as one RecordBatch v2 (uncompressed), stamped with `timestampMs`. */
export function encodeCoordinatorBatch(records: readonly CoordinatorRecord[], timestampMs: number): Buffer {
  return encodeRecordBatch(
    records.map((r) => {
      const { key, value } = encodeRecord(r);
      return { key, value, timestamp: BigInt(timestampMs) };
    }),
    { baseTimestamp: BigInt(timestampMs) },
  );
}

export interface DecodedChunk {
  records: CoordinatorRecord[];
  /** Where the next read starts: after the last whole batch. */
  nextOffset: bigint;
  /** Records skipped because they are not coordinator records (null key, unknown key version). */
  skipped: number;
}

/**
 * The coordinator records in `bytes` (whole batches, as a log read returns
 * them) at or after `fromOffset`. Control batches are skipped. A record
 * whose key is not an offsets-topic key is counted and skipped, like
 * Kafka's loader does with unknown record types; a malformed known record
 * throws CORRUPT_MESSAGE.
 */
export function decodeCoordinatorBatches(bytes: Buffer, fromOffset: bigint): DecodedChunk {
  const records: CoordinatorRecord[] = [];
  let next = fromOffset;
  let skipped = 0;
  for (const batch of decodeRecordBatches(bytes)) {
    const h = batch.header;
    const last = lastOffsetOf(h);
    if (last + 1n > next) next = last + 1n;
    if ((h.attributes & CONTROL_FLAG_MASK) !== 0) continue;
    for (const r of batch.records) {
      if (r.offset < fromOffset) continue;
      if (r.key === null || r.key.length < 2 || r.key.readInt16BE(0) > 2) {
        skipped++;
        continue;
      }
      records.push(decodeRecord(Buffer.from(r.key), r.value === null ? null : Buffer.from(r.value)));
    }
  }
  if (records.length === 0 && skipped === 0 && bytes.length > 0 && next === fromOffset) {
    throw new GregorError('CORRUPT_MESSAGE', `no complete batch in ${bytes.length} bytes at offset ${fromOffset}`);
  }
  return { records, nextOffset: next, skipped };
}
