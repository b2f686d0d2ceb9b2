import type { Gregor } from '@gregor/client';
import { GregorError, type Logger } from '@gregor/common';
import { applyChangelogRecord, type BytesStore } from '../state/bytes-store';

export interface RestoreResult {
  restoredRecords: number;
  /** The changelog's end when restoration began: the store is now up to here. */
  endOffset: bigint;
}

/** Records per read while restoring: large reads, few round trips. */
const RESTORE_BATCH_RECORDS = 5000;
const PROGRESS_EVERY_RECORDS = 50_000;

/**
 * Replays a changelog partition into a store's bottom layer (no
 * changelogging, no cache): the latest value per key wins, a tombstone
 * deletes. From `fromOffset` (a checkpoint) when the log still has it,
 * else from the log start. Stops at the end offset seen when it began;
 * later writes are the task's own, made after restoration.
 * `committedOnly` (exactly_once_v2): only committed transactions' writes,
 * up to the last stable offset — an open transaction's writes (a fenced or
 * crashed owner's) may yet be aborted, and an aborted one's never happened.
 */
export async function restoreStore(client: Gregor, topic: string, partition: number, store: BytesStore, fromOffset: bigint | undefined, logger: Logger, committedOnly = false): Promise<RestoreResult> {
  const admin = client.admin();
  const isolationLevel = committedOnly ? ('read_committed' as const) : ('read_uncommitted' as const);
  const [[start], endOffset] = await Promise.all([
    admin.listOffsets([{ topic, partition, spec: 'earliest' }]),
    // A read at 'latest' returns nothing and says where the end is: the high watermark, or the last stable offset.
    client.read({ topic, partition, from: 'latest', maxRecords: 1, isolationLevel }).then((r) => r.nextOffset),
  ]);
  if (fromOffset !== undefined && fromOffset > endOffset) {
    // The store is ahead of its changelog: the topic was deleted and recreated (an application reset). Its data is not the changelog's.
    logger.warn('state store is ahead of its changelog (recreated?): clearing it', { store: store.name, topic, partition, checkpoint: String(fromOffset), end: String(endOffset) });
    for (const [key] of [...store.range()]) store.delete(key);
    fromOffset = undefined;
  }
  let position = fromOffset !== undefined && fromOffset >= start!.offset ? fromOffset : start!.offset;
  const total = endOffset - position;
  if (total <= 0n) {
    await store.flush();
    return { restoredRecords: 0, endOffset };
  }
  logger.info('restoring state store', { store: store.name, topic, partition, from: String(position), to: String(endOffset), records: String(total) });
  let restored = 0;
  let nextLog = PROGRESS_EVERY_RECORDS;
  while (position < endOffset) {
    const res = await client.read({ topic, partition, from: position, maxRecords: RESTORE_BATCH_RECORDS, maxBytes: 4 * 1024 * 1024, isolationLevel });
    for (const r of res.records) {
      if (r.offset >= endOffset) break;
      applyChangelogRecord(store, r.key, r.value);
      restored++;
    }
    // Compaction leaves gaps; nextOffset jumps them. No progress at all would loop forever: fail instead.
    if (res.nextOffset <= position) throw new GregorError('OFFSET_OUT_OF_RANGE', `restoring ${store.name} from ${topic}-${partition}: no progress at offset ${position} (end ${endOffset})`, { topic, partition });
    position = res.nextOffset;
    if (restored >= nextLog) {
      logger.info('restoration progress', { store: store.name, topic, partition, offset: String(position), end: String(endOffset), restored });
      nextLog += PROGRESS_EVERY_RECORDS;
    }
  }
  await store.flush();
  logger.info('restored state store', { store: store.name, topic, partition, restored, endOffset: String(endOffset) });
  return { restoredRecords: restored, endOffset };
}
