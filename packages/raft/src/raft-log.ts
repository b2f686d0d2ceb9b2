import { assert } from '@gregor/common';
import type { Storage } from './storage';
import type { Entry, LogIndex, Snapshot, Term } from './types';
import { limitSize } from './types';
import { Unstable } from './unstable';

/**
 * The log as the core sees it: the durable part in Storage followed by the
 * Unstable tail, plus the commit and apply positions.
 * Invariants: applied <= committed <= lastIndex, and no entry at or below
 * `committed` is ever replaced (Log Matching + Leader Completeness). applied
 * >= firstIndex-1 too, except while a received snapshot waits to be applied.
 */
export class RaftLog {
  readonly unstable: Unstable;
  committed: LogIndex;
  applied: LogIndex;

  constructor(
    readonly storage: Storage,
    private readonly maxCommittedBytesPerReady: number,
  ) {
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    assert(first >= 1 && last >= first - 1, `storage range [${first}, ${last}] is malformed`);
    this.unstable = new Unstable((last + 1) as LogIndex);
    this.committed = (first - 1) as LogIndex;
    this.applied = (first - 1) as LogIndex;
  }

  firstIndex(): LogIndex {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): LogIndex {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** Term at `index`, or undefined when it is compacted away or past the end. */
  term(index: LogIndex): Term | undefined {
    if (index < this.firstIndex() - 1 || index > this.lastIndex()) return undefined;
    return this.unstable.maybeTerm(index) ?? this.storage.term(index);
  }

  lastTerm(): Term {
    const t = this.term(this.lastIndex());
    assert(t !== undefined, `no term for the last index ${this.lastIndex()}`);
    return t;
  }

  matchTerm(index: LogIndex, term: Term): boolean {
    return this.term(index) === term;
  }

  /** §5.4.1: a candidate's log is at least as up to date as ours. */
  isUpToDate(lastIndex: LogIndex, lastTerm: Term): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Follower side of AppendEntries (§5.3): if our log has (prevIndex,
   * prevTerm), append the entries (dropping a conflicting suffix), advance the
   * commit index as far as the leader's but no further than what we now know
   * matches, and return the index of the last new entry. Undefined on mismatch.
   */
  maybeAppend(prevIndex: LogIndex, prevTerm: Term, commit: LogIndex, entries: readonly Entry[]): LogIndex | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = (prevIndex + entries.length) as LogIndex;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      assert(conflict > this.committed, `entry ${conflict} conflicts with the committed log (committed ${this.committed})`);
      this.append(entries.slice(conflict - (prevIndex + 1)));
    }
    this.commitTo(Math.min(commit, lastNew) as LogIndex);
    return lastNew;
  }

  append(entries: readonly Entry[]): LogIndex {
    if (entries.length === 0) return this.lastIndex();
    const after = entries[0].index;
    assert(after - 1 >= this.committed, `append at ${after} would overwrite committed ${this.committed}`);
    assert(after <= this.lastIndex() + 1, `append at ${after} leaves a gap after ${this.lastIndex()}`);
    this.unstable.truncateAndAppend(entries);
    return this.lastIndex();
  }

  /**
   * The index of the first entry that is new or whose term differs from ours,
   * 0 when every entry is already in the log. Duplicated or reordered MsgApps
   * therefore never truncate anything.
   */
  findConflict(entries: readonly Entry[]): LogIndex | 0 {
    for (const e of entries) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (or where our log is
   * compacted). Used to skip a whole term of mismatching entries per round
   * trip when repairing a follower's log.
   */
  findConflictByTerm(index: LogIndex, term: Term): LogIndex {
    let i = index;
    for (;;) {
      const t = this.term(i);
      if (t === undefined || t <= term) return i;
      i = (i - 1) as LogIndex;
    }
  }

  /** Entries [lo, lastIndex] within `maxBytes` (at least one); undefined if lo is compacted. */
  entriesFrom(lo: LogIndex, maxBytes: number): Entry[] | undefined {
    if (lo < this.firstIndex()) return undefined;
    if (lo > this.lastIndex()) return [];
    return this.slice(lo, (this.lastIndex() + 1) as LogIndex, maxBytes);
  }

  /** Entries [lo, hi) from Storage and the unstable tail, within `maxBytes` (at least one). */
  slice(lo: LogIndex, hi: LogIndex, maxBytes: number): Entry[] {
    assert(this.firstIndex() <= lo && lo <= hi && hi <= this.lastIndex() + 1, `slice [${lo}, ${hi}) out of range`);
    if (lo === hi) return [];
    const offset = this.unstable.offset;
    let result: Entry[] = [];
    if (lo < offset) {
      const storedHi = Math.min(hi, offset) as LogIndex;
      result = this.storage.entries(lo, storedHi, maxBytes);
      // Storage hit the byte limit: nothing from the unstable tail fits.
      if (result.length < storedHi - lo) return result;
    }
    if (hi > offset) {
      const tail = this.unstable.slice(Math.max(lo, offset) as LogIndex, hi);
      result = result.length === 0 ? tail : result.concat(tail);
    }
    return limitSize(result, maxBytes);
  }

  commitTo(commit: LogIndex): void {
    if (commit <= this.committed) return; // the commit index never goes back
    assert(commit <= this.lastIndex(), `commit ${commit} is past the last index ${this.lastIndex()}: log lost or corrupted`);
    this.committed = commit;
  }

  /** §5.4.2: a leader commits by counting replicas only entries of its own term. */
  maybeCommit(index: LogIndex, term: Term): boolean {
    if (index > this.committed && this.term(index) === term) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  appliedTo(index: LogIndex): void {
    assert(index >= this.applied && index <= this.committed, `applied ${index} outside [${this.applied}, ${this.committed}]`);
    this.applied = index;
  }

  /** A snapshot pending persistence blocks applying: it must be applied first. */
  hasNextCommittedEntries(): boolean {
    return this.unstable.snapshot === undefined && this.applied < this.committed;
  }

  nextCommittedEntries(): Entry[] {
    if (!this.hasNextCommittedEntries()) return [];
    return this.slice((this.applied + 1) as LogIndex, (this.committed + 1) as LogIndex, this.maxCommittedBytesPerReady);
  }

  /** A copy: the Ready that carries it must not change under the driver. */
  unstableEntries(): Entry[] {
    return this.unstable.entries.slice();
  }

  stableTo(index: LogIndex, term: Term): void {
    this.unstable.stableTo(index, term);
  }

  stableSnapTo(index: LogIndex): void {
    this.unstable.stableSnapTo(index);
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** Replaces the log with a snapshot from the leader (InstallSnapshot, §7). */
  restore(snapshot: Snapshot): void {
    assert(snapshot.metadata.index > this.committed, `snapshot ${snapshot.metadata.index} is not past commit ${this.committed}`);
    this.committed = snapshot.metadata.index;
    this.unstable.restore(snapshot);
  }
}
