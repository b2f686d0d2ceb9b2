import type { Brand, NodeId } from '@gregor/common';
import { assert } from '@gregor/common';

/**
 * A Raft term. Plain numbers are enough (2^53 elections will not happen), but
 * the brand stops a term from being passed where a log index is expected.
 */
export type Term = Brand<number, 'Term'>;
/** A position in the Raft log; index 0 is the empty log's dummy entry. */
export type LogIndex = Brand<number, 'LogIndex'>;

export function term(n: number): Term {
  assert(Number.isSafeInteger(n) && n >= 0, `term must be a non-negative integer, got ${n}`);
  return n as Term;
}

export function logIndex(n: number): LogIndex {
  assert(Number.isSafeInteger(n) && n >= 0, `log index must be a non-negative integer, got ${n}`);
  return n as LogIndex;
}

/**
 * `noop` is the empty entry a new leader appends (§5.4.2, thesis §6.4): it lets
 * the leader commit entries of earlier terms by committing one of its own.
 * The application skips it when applying.
 */
export type EntryType = 'normal' | 'noop';

export interface Entry {
  readonly index: LogIndex;
  readonly term: Term;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** What must be durable before any message that depends on it is sent. */
export interface HardState {
  readonly term: Term;
  /** Who this node voted for in `term`; null when it has not voted. */
  readonly vote: NodeId | null;
  readonly commit: LogIndex;
}

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** Volatile state, for the driver's logs and leader hints; never persisted. */
export interface SoftState {
  readonly leaderId: NodeId | null;
  readonly role: Role;
}

/** Static membership: the voters given at start (no joint consensus). */
export interface ConfState {
  readonly voters: readonly NodeId[];
}

export interface SnapshotMetadata {
  /** Last log index the snapshot covers. */
  readonly index: LogIndex;
  /** Term of the entry at `index`. */
  readonly term: Term;
  readonly confState: ConfState;
}

/** The application's state at `metadata.index`, opaque to Raft. */
export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  readonly data: Uint8Array;
}

export const EMPTY_HARD_STATE: HardState = { term: 0 as Term, vote: null, commit: 0 as LogIndex };

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === null && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/**
 * Bytes an entry costs in a message or an in-flight window: its payload plus a
 * fixed allowance for index, term and type, so empty entries are not free.
 */
export const ENTRY_OVERHEAD_BYTES = 24;

export function entrySizeBytes(entry: Entry): number {
  return entry.data.byteLength + ENTRY_OVERHEAD_BYTES;
}

export function entriesSizeBytes(entries: readonly Entry[]): number {
  let total = 0;
  for (const e of entries) total += entrySizeBytes(e);
  return total;
}

/**
 * The longest prefix of `entries` within `maxBytes`, but always at least one
 * entry, so that an entry larger than the limit still makes progress.
 */
export function limitSize(entries: Entry[], maxBytes: number): Entry[] {
  if (entries.length === 0) return entries;
  let size = entrySizeBytes(entries[0]);
  let n = 1;
  while (n < entries.length) {
    size += entrySizeBytes(entries[n]);
    if (size > maxBytes) break;
    n++;
  }
  return n === entries.length ? entries : entries.slice(0, n);
}
