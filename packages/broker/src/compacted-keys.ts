import { GregorError } from '@gregor/common';
import { decodeRecordBatch, isControlBatch, type ValidatedBatch } from '@gregor/record-batch';

/**
 * A compacted topic keeps the latest record per key, so a record without a
 * key has nothing to be compacted by: Kafka refuses it at produce time
 * (LogValidator: "Compacted topic cannot accept message without key"),
 * INVALID_RECORD, and so do we. This is the one place produce decodes
 * records, and only for compacted topics, as in Kafka.
 */
export function checkCompactedKeys(records: Buffer, batches: readonly ValidatedBatch[]): void {
  for (const b of batches) {
    if (isControlBatch(b.header.attributes)) continue;
    for (const r of decodeRecordBatch(records, b.pos).records) {
      if (r.key === null) {
        throw new GregorError('INVALID_RECORD', `compacted topic cannot accept a record without a key (offset delta ${r.offset - b.header.baseOffset})`);
      }
    }
  }
}
