import { GregorError } from '@gregor/common';
import { CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK, decodeRecordBatches, encodeRecordBatch, lastOffsetOf } from '@gregor/record-batch';

/** A transactional producer's batch (TxnOffsetCommit): its id and epoch, no sequence (the broker's own write). */
export interface TransactionalBatchOwner {
  producerId: bigint;
  producerEpoch: number;
}

/** Key/value records as one RecordBatch v2 (uncompressed), stamped with `timestampMs`; transactional for `owner`. */
export function encodeKeyedBatch(records: readonly { key: Buffer; value: Buffer | null }[], timestampMs: number, owner?: TransactionalBatchOwner): Buffer {
  return encodeRecordBatch(
    records.map(({ key, value }) => ({ key, value, timestamp: BigInt(timestampMs) })),
    {
      baseTimestamp: BigInt(timestampMs),
      ...(owner !== undefined ? { producerId: owner.producerId, producerEpoch: owner.producerEpoch, baseSequence: -1, isTransactional: true } : {}),
    },
  );
}

/** What a chunk of an internal topic holds, in log order. */
export type KeyedEntry<T> =
  | { kind: 'record'; record: T; /** Set for a transactional batch's records: they count only once its COMMIT marker is read. */ transactionalProducerId?: bigint }
  | { kind: 'marker'; producerId: bigint; commit: boolean };

export interface DecodedChunk<T> {
  entries: KeyedEntry<T>[];
  /** Where the next read starts: after the last whole batch. */
  nextOffset: bigint;
  /** Records `decode` did not recognise (undefined), skipped as Kafka's loaders do. */
  skipped: number;
}

/**
 * The records in `bytes` (whole batches, as a log read returns them) at or
 * after `fromOffset`, through `decode`, with the transaction markers among
 * them. A record `decode` does not recognise (undefined: null key, unknown
 * key version) is counted and skipped; a malformed known record throws from
 * `decode` (CORRUPT_MESSAGE).
 */
export function decodeKeyedBatches<T>(bytes: Buffer, fromOffset: bigint, decode: (key: Buffer | null, value: Buffer | null) => T | undefined): DecodedChunk<T> {
  const entries: KeyedEntry<T>[] = [];
  let next = fromOffset;
  let skipped = 0;
  for (const batch of decodeRecordBatches(bytes)) {
    const h = batch.header;
    const last = lastOffsetOf(h);
    if (last + 1n > next) next = last + 1n;
    if (last < fromOffset) continue;
    if ((h.attributes & CONTROL_FLAG_MASK) !== 0) {
      const r = batch.records[0];
      const commit = r?.key !== null && r?.key !== undefined && r.key.length >= 4 ? r.key.readInt16BE(2) === 1 : false;
      entries.push({ kind: 'marker', producerId: h.producerId, commit });
      continue;
    }
    const txn = (h.attributes & TRANSACTIONAL_FLAG_MASK) !== 0 ? h.producerId : undefined;
    for (const r of batch.records) {
      if (r.offset < fromOffset) continue;
      const decoded = decode(r.key === null ? null : Buffer.from(r.key), r.value === null ? null : Buffer.from(r.value));
      if (decoded === undefined) skipped++;
      else entries.push(txn === undefined ? { kind: 'record', record: decoded } : { kind: 'record', record: decoded, transactionalProducerId: txn });
    }
  }
  if (entries.length === 0 && skipped === 0 && bytes.length > 0 && next === fromOffset) {
    throw new GregorError('CORRUPT_MESSAGE', `no complete batch in ${bytes.length} bytes at offset ${fromOffset}`);
  }
  return { entries, nextOffset: next, skipped };
}

