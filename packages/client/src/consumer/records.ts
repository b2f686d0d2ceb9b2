import { GregorError } from '@gregor/common';
import { CONTROL_FLAG_MASK, decodeRecordBatches, lastOffsetOf } from '@gregor/record-batch';
import type { ConsumerRecord } from '../types';

export interface FetchedRecords {
  /** Records at or after the fetch offset, in offset order. */
  records: ConsumerRecord[];
  /** Where the next fetch starts: after the last complete batch. */
  nextFetchOffset: bigint;
}

/**
 * Turns the bytes of one partition's fetch into records. The first batch may
 * start before the fetch offset (brokers return whole batches), so records
 * below it are skipped; control batches (transaction markers) carry no user
 * records but still move the fetch offset.
 */
export function recordsFromFetch(topic: string, partition: number, bytes: Buffer, fetchOffset: bigint): FetchedRecords {
  const batches = decodeRecordBatches(bytes);
  if (batches.length === 0) {
    // Brokers send at least one whole batch (KIP-74); less means the batch
    // is bigger than anything we may receive.
    throw new GregorError('RECORD_LIST_TOO_LARGE', `fetch for ${topic}-${partition} at offset ${fetchOffset} returned ${bytes.length} bytes but no complete batch`, { topic, partition });
  }
  const records: ConsumerRecord[] = [];
  let next = fetchOffset;
  for (const batch of batches) {
    const last = lastOffsetOf(batch.header);
    if (last + 1n > next) next = last + 1n;
    if ((batch.header.attributes & CONTROL_FLAG_MASK) !== 0) continue;
    for (const r of batch.records) {
      if (r.offset < fetchOffset) continue;
      records.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
    }
  }
  return { records, nextFetchOffset: next };
}
