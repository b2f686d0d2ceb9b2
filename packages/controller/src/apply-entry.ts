import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MetadataChange, MetadataImage } from './image';
import { decodeRecordBatch } from './records';

/**
 * An entry at least this large (a topic of thousands of partitions: ~100
 * bytes per partition record) is decoded in one event-loop task and applied
 * in the next: together they were one task of 0.2–0.6 s on a loaded node,
 * long enough to miss broker heartbeats and fetch answers.
 */
export const LARGE_ENTRY_BYTES = 64 * 1024;

/**
 * Applies one committed metadata entry's records to the image at `offset`
 * and returns what changed. The image changes in one synchronous step (a
 * batch is atomic to every reader); only the decoding before it may run in
 * an earlier turn. The caller applies its entries one at a time, in order;
 * the image is read again after that turn, since a voter's co-located
 * broker may have applied the same committed entry meanwhile
 * (QuorumController.applyFetched, a one-way cut) — then the entry is
 * skipped and the answer is undefined.
 */
export async function applyEntry(image: () => MetadataImage, data: Uint8Array, offset: number): Promise<MetadataChange[] | undefined> {
  const batch = decodeRecordBatch(data);
  if (data.byteLength >= LARGE_ENTRY_BYTES) await nextTurn();
  const current = image();
  if (offset <= current.offset) return undefined;
  return current.apply(batch, offset);
}

/** After a large entry's changes went to listeners (which may have started much work), let the loop breathe. */
export async function afterEntry(data: Uint8Array): Promise<void> {
  if (data.byteLength >= LARGE_ENTRY_BYTES) await nextTurn();
}
