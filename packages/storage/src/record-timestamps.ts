import { decodeRecordBatch } from '@gregor/record-batch';

/**
 * The first record of one stored batch whose timestamp is >= `timestamp` and
 * whose offset is >= `minOffset`. Decoding also checks the batch's CRC, so a
 * batch damaged on disk surfaces as CORRUPT_MESSAGE instead of a wrong answer.
 * For LogAppendTime batches decodeRecordBatch reports the batch's time for
 * every record, as Kafka does.
 */
export function firstRecordAtOrAfter(
  batch: Buffer,
  timestamp: bigint,
  minOffset: bigint,
): { offset: bigint; timestamp: bigint } | undefined {
  for (const record of decodeRecordBatch(batch).records) {
    if (record.timestamp >= timestamp && record.offset >= minOffset) return { offset: record.offset, timestamp: record.timestamp };
  }
  return undefined;
}

/**
 * The first record of one stored batch with the greatest timestamp among
 * those at offsets in [minOffset, upperOffset); undefined when none is
 * there. Kafka's ListOffsets MAX_TIMESTAMP answers this record (KIP-734):
 * the first one on ties.
 */
export function maxTimestampRecord(batch: Buffer, minOffset: bigint, upperOffset: bigint): { offset: bigint; timestamp: bigint } | undefined {
  let best: { offset: bigint; timestamp: bigint } | undefined;
  for (const record of decodeRecordBatch(batch).records) {
    if (record.offset < minOffset || record.offset >= upperOffset) continue;
    if (best === undefined || record.timestamp > best.timestamp) best = { offset: record.offset, timestamp: record.timestamp };
  }
  return best;
}
