/**
 * Log compaction's decisions (cleanup.policy=compact), pure so that they can
 * be checked against a naive model. The I/O layer (log-compact.ts) streams
 * the cleanable part of the log twice: once to learn each key's latest
 * offset (keyIndex), once to rewrite batches keeping only what survives.
 *
 * Rules (Kafka's LogCleaner):
 * - within the cleanable range, a keyed record survives only if it is the
 *   latest record of its key in that range;
 * - a surviving tombstone (null value) is dropped once its timestamp is older
 *   than the delete horizon (now - delete.retention.ms), so consumers that
 *   were reading had that long to see the delete;
 * - null-key records are kept: the broker refuses them on compact topics
 *   (INVALID_RECORD), so they can only predate the topic becoming compact,
 *   and there is no "later version" that could replace them;
 * - offsets never change: survivors are rewritten with the offsets they had.
 *
 * Transactions (Kafka's cleaner since KIP-98, markers as KIP-534): only the
 * stable part is cleaned (below the last stable offset, so every
 * transaction in range is decided); records of aborted transactions are
 * removed and index no key; those of committed ones are compacted like any
 * other; a COMMIT/ABORT marker stays while any record of its transaction
 * does, and once none does it goes like a tombstone, after delete.retention.ms
 * (so a reader that saw the data also sees the marker). TxnCleaning walks
 * a pass's batches in offset order to decide that.
 */

export interface CompactionRecord {
  offset: bigint;
  /** The key as a map key (latin1 of the bytes: exact, no hashing); null for no key. */
  key: string | null;
  /** The record's value was null. */
  tombstone: boolean;
  timestamp: bigint;
}

/** Latest offset per key, fed records in offset order. */
export type KeyIndex = Map<string, bigint>;

export function noteRecord(index: KeyIndex, record: Pick<CompactionRecord, 'key' | 'offset'>): void {
  if (record.key !== null) index.set(record.key, record.offset);
}

/**
 * Whether `record` (inside the range `index` was built over) stays.
 * `tombstoneHorizonMs`: tombstones with a timestamp below it are dropped.
 */
export function recordSurvives(record: CompactionRecord, index: KeyIndex, tombstoneHorizonMs: bigint): boolean {
  if (record.key === null) return true;
  if (index.get(record.key) !== record.offset) return false;
  return !(record.tombstone && record.timestamp < tombstoneHorizonMs);
}

/** The whole plan for records in offset order: the offsets that survive, in order. */
export function planCompaction(records: readonly CompactionRecord[], tombstoneHorizonMs: bigint): bigint[] {
  const index: KeyIndex = new Map();
  for (const r of records) noteRecord(index, r);
  return records.filter((r) => recordSurvives(r, index, tombstoneHorizonMs)).map((r) => r.offset);
}

/**
 * Groups sorted offsets into runs of consecutive offsets. A rewritten batch
 * can only hold consecutive offsets (a v2 record's offset is baseOffset +
 * its index in the batch as the encoder writes it), so each run becomes one
 * batch and the gaps between runs are gaps in the log, as in Kafka.
 */
export function consecutiveRuns<T extends { offset: bigint }>(items: readonly T[]): T[][] {
  const runs: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    const prev = current[current.length - 1];
    if (prev !== undefined && item.offset !== prev.offset + 1n) {
      runs.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** One decided transaction as the partition's aborted-transaction index lists it. */
export interface AbortedRange {
  producerId: bigint;
  firstOffset: bigint;
  /** The offset of its ABORT marker. */
  lastOffset: bigint;
}

/**
 * The transactional half of one compaction pass, fed batches in offset
 * order: whether a transactional data batch belongs to an aborted
 * transaction, and whether a marker may go. Pure.
 */
export class TxnCleaning {
  /** Per producer: aborted transactions, oldest first. */
  private readonly aborted = new Map<bigint, AbortedRange[]>();
  /** Per producer: its current transaction has kept at least one record (in this pass). */
  private readonly dataKept = new Map<bigint, boolean>();

  constructor(aborted: readonly AbortedRange[]) {
    for (const t of aborted) {
      let list = this.aborted.get(t.producerId);
      if (list === undefined) this.aborted.set(t.producerId, (list = []));
      list.push(t);
    }
    for (const list of this.aborted.values()) list.sort((a, b) => (a.lastOffset < b.lastOffset ? -1 : a.lastOffset > b.lastOffset ? 1 : 0));
  }

  /** A transactional data batch at `offset`: is it in an aborted transaction (below the LSO, anything else was committed)? */
  isAborted(producerId: bigint, offset: bigint): boolean {
    const list = this.aborted.get(producerId);
    return list !== undefined && list.some((t) => t.firstOffset <= offset && offset <= t.lastOffset);
  }

  /** Records of the producer's current transaction stay (a batch kept whole, or survivors of one). */
  keptData(producerId: bigint): void {
    this.dataKept.set(producerId, true);
  }

  /**
   * The producer's marker, timestamped `timestampMs`: whether it may be
   * removed now — no record of its transaction stayed and it is older than
   * `horizonMs` — or must stay; `waiting` says it stays only for the
   * horizon (the next pass must look again). Ends the transaction.
   */
  marker(producerId: bigint, timestampMs: bigint, horizonMs: bigint): { remove: boolean; waiting: boolean } {
    const hasData = this.dataKept.get(producerId) === true;
    this.dataKept.delete(producerId);
    if (hasData) return { remove: false, waiting: false };
    return timestampMs < horizonMs ? { remove: true, waiting: false } : { remove: false, waiting: true };
  }
}
