import { summarizeStoredBatch } from './batch-frames';
import { dataKey, timeRange, timestampOfTimeKey } from './keys';
import type { Kv } from './kv';
import { maxTimestampRecord } from './record-timestamps';
import { decodeInt64 } from './values';

/** A batch that may hold the answer: its bytes and the greatest timestamp it holds in range. */
interface Candidate {
  batch: Buffer;
  timestamp: bigint;
}

/**
 * The record with the greatest timestamp at offsets in [minOffset,
 * upperOffset) — ListOffsets MAX_TIMESTAMP (KIP-734) — first on ties.
 *
 * The time index names, for each running maximum, the batch that raised it
 * (key = that maximum, value = its base offset), and every batch from there
 * to the next entry holds nothing newer. So the newest entry whose batch
 * starts below `upperOffset` normally names the answer's batch outright:
 * one index seek, one batch read, one decode. The index is only an upper
 * bound where retention re-pointed an entry or compaction rewrote the
 * batch (log-prefix.ts, log-compact.ts), or a batch straddles the bounds;
 * then the entry's range of batch headers is read, and older ranges too
 * while their key could still beat or tie what was found (stopping as soon
 * as a found timestamp exceeds the next older key).
 */
export async function findMaxTimestamp(
  kv: Kv,
  id: number,
  minOffset: bigint,
  upperOffset: bigint,
): Promise<{ offset: bigint; timestamp: bigint } | undefined> {
  if (upperOffset <= minOffset) return undefined;
  let best: Candidate | undefined;
  let rangeEnd = upperOffset;
  const index = kv.iterate({ ...timeRange(id), reverse: true });
  try {
    for (let e = await index.next(); e !== undefined; e = await index.next()) {
      const base = decodeInt64(e[1]);
      if (base >= rangeEnd) continue;
      // Every batch before this entry's range holds nothing newer than its key.
      const key = timestampOfTimeKey(e[0]);
      if (best !== undefined && best.timestamp > key) break;
      const found = await bestInRange(kv, id, base, rangeEnd, key, minOffset, upperOffset);
      // An older range wins ties: Kafka answers the first record with the greatest timestamp.
      if (found !== undefined && (best === undefined || found.timestamp >= best.timestamp)) best = found;
      rangeEnd = base;
      if (base <= minOffset) break;
    }
  } finally {
    await index.close();
  }
  return best === undefined ? undefined : maxTimestampRecord(best.batch, minOffset, upperOffset);
}

/**
 * The batch in [rangeStart, rangeEnd) holding the greatest timestamp in
 * bounds (first on ties). A batch at rangeStart whose header still carries
 * the index key, wholly in bounds, is the answer without reading further.
 */
async function bestInRange(
  kv: Kv,
  id: number,
  rangeStart: bigint,
  rangeEnd: bigint,
  key: bigint,
  minOffset: bigint,
  upperOffset: bigint,
): Promise<Candidate | undefined> {
  let best: Candidate | undefined;
  const it = kv.iterate({ gte: dataKey(id, rangeStart), lt: dataKey(id, rangeEnd) });
  try {
    for (let e = await it.next(); e !== undefined; e = await it.next()) {
      const batch = e[1];
      const baseOffset = batch.readBigInt64BE(0);
      const { lastOffset, maxTimestamp } = summarizeStoredBatch(batch);
      if (lastOffset < minOffset) continue;
      const straddles = baseOffset < minOffset || lastOffset >= upperOffset;
      // Only a batch crossing the bounds is decoded to see what it holds within them.
      const timestamp = straddles ? maxTimestampRecord(batch, minOffset, upperOffset)?.timestamp : maxTimestamp;
      if (timestamp === undefined) continue;
      if (best === undefined || timestamp > best.timestamp) best = { batch, timestamp };
      if (baseOffset === rangeStart && !straddles && maxTimestamp === key) break;
    }
  } finally {
    await it.close();
  }
  return best;
}
