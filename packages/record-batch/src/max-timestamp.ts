import { checkBatchFrame, updateBatchCrc } from './batch-frame';
import { ATTRIBUTES_OFFSET, MAX_TIMESTAMP_OFFSET, TIMESTAMP_TYPE_MASK, TimestampType } from './header';

/**
 * Sets the timestamp type and maxTimestamp of the batch at `pos` in place,
 * as Kafka's MutableRecordBatch.setMaxTimestamp: a leader stamps
 * LogAppendTime this way. Both fields are inside the CRC, so the CRC is
 * recomputed, after first checking the old one: rewriting the CRC of a
 * corrupt batch would make the corruption look valid.
 * Throws CORRUPT_MESSAGE if the batch is not whole and valid.
 */
export function setMaxTimestamp(buf: Buffer, timestampType: TimestampType, maxTimestamp: bigint, pos = 0): void {
  checkBatchFrame(buf, pos);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  const updated =
    timestampType === TimestampType.LogAppendTime ? attributes | TIMESTAMP_TYPE_MASK : attributes & ~TIMESTAMP_TYPE_MASK;
  if (updated === attributes && buf.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET) === maxTimestamp) return;
  buf.writeInt16BE(updated, pos + ATTRIBUTES_OFFSET);
  buf.writeBigInt64BE(maxTimestamp, pos + MAX_TIMESTAMP_OFFSET);
  updateBatchCrc(buf, pos);
}
