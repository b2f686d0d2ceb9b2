import { summarizeStoredBatch } from './batch-frames';
import { dataKey, dataRange, timeKey, timeRange } from './keys';
import type { Kv, KvEntry } from './kv';
import { firstRecordAtOrAfter } from './record-timestamps';
import { decodeInt64 } from './values';

/** Read-ahead per native round trip: enough for a typical fetch, never unbounded. */
const MIN_READ_AHEAD_BYTES = 16 * 1024;
const MAX_READ_AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * Whole batches from the one containing `fetchOffset`, none starting at or
 * past `upperOffset`, up to `maxBytes` but at least one (KIP-74: a batch
 * bigger than the fetch size must still make progress). When no batch holds
 * `fetchOffset` (a gap left by compaction) the answer starts at the next
 * batch. Returns undefined when there is nothing at or after `fetchOffset`
 * below `upperOffset`, which only happens when truncation removed it after
 * the caller checked the offsets.
 *
 * Fetches at a batch boundary (the usual case: consumers and followers ask
 * for the offset after the last batch they got) use one forward iterator.
 * A fetch inside a batch needs one reverse seek as well; a snapshot makes the
 * two agree.
 */
export async function readBatches(
  kv: Kv,
  id: number,
  fetchOffset: bigint,
  upperOffset: bigint,
  maxBytes: number,
): Promise<Buffer[] | undefined> {
  const snapshot = kv.snapshot();
  const it = kv.iterate({
    gte: dataKey(id, fetchOffset),
    lt: dataKey(id, upperOffset),
    snapshot,
    readAheadBytes: Math.min(MAX_READ_AHEAD_BYTES, Math.max(MIN_READ_AHEAD_BYTES, maxBytes)),
    valuesOnly: true, // a stored batch starts with its own baseOffset: the keys would be a second copy of it
  });
  try {
    const out: Buffer[] = [];
    let total = 0;
    let entry: KvEntry | undefined = await it.next();
    if (entry === undefined || entry[1].readBigInt64BE(0) !== fetchOffset) {
      const containing = await kv.first({ gte: dataRange(id).gte, lte: dataKey(id, fetchOffset), reverse: true, snapshot });
      if (containing !== undefined && summarizeStoredBatch(containing[1]).lastOffset >= fetchOffset) {
        out.push(containing[1]);
        total += containing[1].length;
      } else if (entry === undefined) {
        return undefined;
      }
      // Otherwise the offset is in a gap compaction left (or retention just
      // removed it): the answer starts at the next batch, as in Kafka.
    }
    while (entry !== undefined && total + entry[1].length <= maxBytes) {
      out.push(entry[1]);
      total += entry[1].length;
      entry = await it.next();
    }
    if (out.length === 0 && entry !== undefined) out.push(entry[1]);
    return out;
  } finally {
    await it.close();
    await snapshot.close();
  }
}

/**
 * The first offset at or after `minOffset` whose record timestamp is >= `timestamp`.
 *
 * The time index holds (running max timestamp → batch base offset) at each
 * batch that raised the max, so the first entry with key >= `timestamp` names
 * the first batch that can hold such a record: every batch before it has a max
 * timestamp below the previous entry's key. Normally that batch qualifies and
 * is the only one decoded; after retention the first entry may be an upper
 * bound (see log-prefix.ts), so the loop reads headers forward until a batch's
 * max timestamp reaches `timestamp`.
 */
export async function findOffsetForTimestamp(
  kv: Kv,
  id: number,
  timestamp: bigint,
  minOffset: bigint,
  logEndOffset: bigint,
): Promise<{ offset: bigint; timestamp: bigint } | undefined> {
  const indexEntry = await kv.first({ gte: timeKey(id, timestamp), lt: timeRange(id).lt });
  if (indexEntry === undefined) return undefined;
  const startBase = decodeInt64(indexEntry[1]);
  const it = kv.iterate({ gte: dataKey(id, startBase), lt: dataKey(id, logEndOffset) });
  try {
    for (let entry = await it.next(); entry !== undefined; entry = await it.next()) {
      const batch = summarizeStoredBatch(entry[1]);
      if (batch.maxTimestamp < timestamp || batch.lastOffset < minOffset) continue;
      const found = firstRecordAtOrAfter(entry[1], timestamp, minOffset);
      if (found !== undefined) return found;
    }
    return undefined;
  } finally {
    await it.close();
  }
}
