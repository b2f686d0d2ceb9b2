/**
 * The leader-epoch cache of KIP-101: for each leader epoch, the first offset
 * written in it. Pure functions over an immutable, sorted array (epochs and
 * start offsets both strictly increasing); the caller persists the result in
 * the same LevelDB write as the batches that changed it.
 */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: bigint;
}

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1n;

export function latestEpochOf(entries: readonly EpochEntry[]): number {
  return entries.length === 0 ? UNDEFINED_EPOCH : entries[entries.length - 1]!.epoch;
}

/**
 * Records that `epoch` starts at `startOffset`. As in Kafka's
 * LeaderEpochFileCache.assign: a no-op when `epoch` is already the latest (and
 * starts no later); otherwise entries that would break monotonicity (epoch >=
 * `epoch` or start >= `startOffset`) are dropped first. Returns the same array
 * when nothing changed, so callers can tell whether to persist.
 */
export function assignEpoch(entries: readonly EpochEntry[], epoch: number, startOffset: bigint): readonly EpochEntry[] {
  if (epoch < 0) return entries; // batches written without a leader epoch (NO_PARTITION_LEADER_EPOCH)
  const latest = entries[entries.length - 1];
  if (latest !== undefined && latest.epoch === epoch && latest.startOffset <= startOffset) return entries;
  const kept = entries.filter((e) => e.epoch < epoch && e.startOffset < startOffset);
  kept.push({ epoch, startOffset });
  return kept;
}

/** After truncating the log to `endOffset`: epochs that start at or past it are gone (Kafka truncateFromEnd). */
export function truncateEpochsFromEnd(entries: readonly EpochEntry[], endOffset: bigint): readonly EpochEntry[] {
  const kept = entries.filter((e) => e.startOffset < endOffset);
  return kept.length === entries.length ? entries : kept;
}

/**
 * After the log start moved to `startOffset`: entries wholly before it go, and
 * the last of those is kept with its start clamped, since its epoch still
 * covers the first retained offsets (Kafka truncateFromStart).
 */
export function truncateEpochsFromStart(entries: readonly EpochEntry[], startOffset: bigint): readonly EpochEntry[] {
  let lastBefore = -1;
  for (let i = 0; i < entries.length && entries[i]!.startOffset <= startOffset; i++) lastBefore = i;
  if (lastBefore < 0 || (lastBefore === 0 && entries[0]!.startOffset === startOffset)) return entries;
  return [{ epoch: entries[lastBefore]!.epoch, startOffset }, ...entries.slice(lastBefore + 1)];
}

/**
 * Kafka's OffsetsForLeaderEpoch answer: the largest epoch <= `epoch` that the
 * log knows and the offset where the next epoch starts (or the log end offset
 * for the latest epoch). A follower truncates to that offset (KIP-101/KIP-279).
 * Unknown (`epoch` above the latest, or -1) → (-1, -1).
 */
export function endOffsetForEpoch(
  entries: readonly EpochEntry[],
  epoch: number,
  logEndOffset: bigint,
): { epoch: number; endOffset: bigint } {
  const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
  if (epoch === UNDEFINED_EPOCH) return undefinedAnswer;
  if (entries.length > 0 && latestEpochOf(entries) === epoch) return { epoch, endOffset: logEndOffset };
  const higher = entries.findIndex((e) => e.epoch > epoch);
  if (higher < 0) return undefinedAnswer;
  const floor = entries[higher - 1];
  // An epoch older than everything we know: the answer is where our history starts.
  if (floor === undefined) return { epoch, endOffset: entries[higher]!.startOffset };
  return { epoch: floor.epoch, endOffset: entries[higher]!.startOffset };
}
