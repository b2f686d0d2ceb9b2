import type { ConfState, Entry, HardState, LogIndex, Snapshot, Term } from './types';

/**
 * What the Raft core reads from durable state (etcd-io/raft's Storage). The core
 * never writes to it: the driver persists each Ready's hard state, entries and
 * snapshot into it, then calls `advance`. Reads are synchronous because the core
 * is; a disk-backed implementation keeps the (snapshot-bounded) log in memory
 * and writes through to disk before the driver calls `advance`.
 *
 * The log in storage is the entries (firstIndex-1, lastIndex]; the entry at
 * firstIndex-1 is known only by its term (it is the last entry covered by the
 * snapshot, or the dummy entry 0 of an empty log).
 *
 * Callers stay in range (the core checks bounds first); out-of-range calls are
 * programming errors and assert.
 */
export interface Storage {
  /** Persisted hard state and membership, read once when a node starts. */
  initialState(): { hardState: HardState; confState: ConfState };
  /** Index of the first entry still held (the snapshot's index + 1). */
  firstIndex(): LogIndex;
  /** Index of the last entry held; firstIndex-1 when the log is empty. */
  lastIndex(): LogIndex;
  /** Term of the entry at `index`, for firstIndex-1 <= index <= lastIndex. */
  term(index: LogIndex): Term;
  /**
   * Entries [lo, hi) for firstIndex <= lo <= hi <= lastIndex+1, at most
   * `maxBytes` of them by `entrySizeBytes` but at least one when lo < hi.
   */
  entries(lo: LogIndex, hi: LogIndex, maxBytes: number): Entry[];
  /** The most recent snapshot (index 0 and empty data before the first one). */
  snapshot(): Snapshot;
}
