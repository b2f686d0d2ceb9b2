import { GregorError } from '@gregor/common';
import { CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK, decodeRecordBatches, lastOffsetOf } from '@gregor/record-batch';
import type { ConsumerRecord } from '../types';

export interface FetchedRecords {
  /** Records at or after the fetch offset, in offset order. */
  records: ConsumerRecord[];
  /** Where the next fetch starts: after the last complete batch. */
  nextFetchOffset: bigint;
}

/** An aborted transaction a read_committed fetch listed: its producer and first offset. */
export interface AbortedTxn {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

/**
 * Turns the bytes of one partition's fetch into records. The first batch may
 * start before the fetch offset (brokers return whole batches), so records
 * below it are skipped; control batches (transaction markers) carry no user
 * records but still move the fetch offset.
 *
 * read_committed (`aborted` given, KIP-98): a transactional batch of a
 * producer whose aborted transaction began at or before it is skipped,
 * until that producer's next marker ends the transaction — Kafka's
 * consumer rule, so records of aborted transactions are never returned.
 */
export function recordsFromFetch(topic: string, partition: number, bytes: Buffer, fetchOffset: bigint, aborted?: readonly AbortedTxn[]): FetchedRecords {
  const batches = decodeRecordBatches(bytes);
  if (batches.length === 0) {
    // Brokers send at least one whole batch (KIP-74); less means the batch
    // is bigger than anything we may receive.
    throw new GregorError('RECORD_LIST_TOO_LARGE', `fetch for ${topic}-${partition} at offset ${fetchOffset} returned ${bytes.length} bytes but no complete batch`, { topic, partition });
  }
  const records: ConsumerRecord[] = [];
  let next = fetchOffset;
  // Aborted transactions by first offset; producers in `abortedNow` have one open at this point of the log.
  const pending = aborted === undefined ? [] : [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedNow = new Set<bigint>();
  for (const batch of batches) {
    const h = batch.header;
    const last = lastOffsetOf(h);
    if (last + 1n > next) next = last + 1n;
    while (pending.length > 0 && pending[0]!.firstOffset <= last) abortedNow.add(pending.shift()!.producerId);
    if ((h.attributes & CONTROL_FLAG_MASK) !== 0) {
      abortedNow.delete(h.producerId);
      continue;
    }
    if ((h.attributes & TRANSACTIONAL_FLAG_MASK) !== 0 && abortedNow.has(h.producerId)) continue;
    for (const r of batch.records) {
      if (r.offset < fetchOffset) continue;
      records.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
    }
  }
  return { records, nextFetchOffset: next };
}
