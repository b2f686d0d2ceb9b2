import type { NodeId } from '@gregor/common';
import { assert } from '@gregor/common';
import type { Ready } from './ready';
import type { Storage } from './storage';
import type { ConfState, Entry, HardState, LogIndex, Snapshot, Term } from './types';
import { EMPTY_HARD_STATE, limitSize } from './types';

/**
 * Storage held in memory: what the simulator and tests use as a node's "disk",
 * and the read cache a durable implementation can build on. The driver writes
 * Ready contents in with `applySnapshot`, `append` and `setHardState`; the
 * application compacts with `createSnapshot` then `compact`.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot;
  /**
   * ents[0] is a dummy standing for the entry at firstIndex-1 (only its index
   * and term are meaningful); real entries follow it contiguously.
   */
  private ents: Entry[];

  constructor(voters: readonly NodeId[]) {
    assert(voters.length > 0, 'a cluster needs at least one voter');
    assert(new Set(voters).size === voters.length, `duplicate voter in [${voters.join(',')}]`);
    const confState: ConfState = { voters: [...voters].sort((a, b) => a - b) };
    this.snap = { metadata: { index: 0 as LogIndex, term: 0 as Term, confState }, data: new Uint8Array(0) };
    this.ents = [dummy(0 as LogIndex, 0 as Term)];
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  firstIndex(): LogIndex {
    return (this.offset() + 1) as LogIndex;
  }

  lastIndex(): LogIndex {
    return (this.offset() + this.ents.length - 1) as LogIndex;
  }

  term(index: LogIndex): Term {
    const offset = this.offset();
    assert(index >= offset && index <= this.lastIndex(), `term(${index}) outside [${offset}, ${this.lastIndex()}]`);
    return this.ents[index - offset].term;
  }

  entries(lo: LogIndex, hi: LogIndex, maxBytes: number): Entry[] {
    const offset = this.offset();
    assert(lo > offset && lo <= hi && hi <= this.lastIndex() + 1, `entries(${lo}, ${hi}) outside (${offset}, ${this.lastIndex() + 1}]`);
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  currentHardState(): HardState {
    return this.hardState;
  }

  setHardState(hs: HardState): void {
    assert(hs.term >= this.hardState.term, `hard state term went back: ${this.hardState.term} -> ${hs.term}`);
    this.hardState = hs;
  }

  /**
   * Step 1 of the Ready contract for this storage: snapshot, then entries,
   * then hard state. (In memory "durable" is immediate.)
   */
  persistReady(ready: Pick<Ready, 'snapshot' | 'entries' | 'hardState'>): void {
    if (ready.snapshot !== undefined) this.applySnapshot(ready.snapshot);
    this.append(ready.entries);
    if (ready.hardState !== undefined) this.setHardState(ready.hardState);
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  applySnapshot(snapshot: Snapshot): void {
    const { index, term } = snapshot.metadata;
    assert(index > this.snap.metadata.index, `snapshot ${index} is not newer than ${this.snap.metadata.index}`);
    this.snap = snapshot;
    this.ents = [dummy(index, term)];
  }

  /**
   * Appends entries, first dropping any held entries at or after the first new
   * index (a conflicting suffix the leader overwrote). Entries already
   * compacted away are skipped.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const lastNew = entries[entries.length - 1].index;
    if (lastNew < first) return;
    const from = entries[0].index < first ? entries.slice(first - entries[0].index) : entries;
    const at = from[0].index - this.offset();
    assert(at <= this.ents.length, `append at ${from[0].index} leaves a gap after ${this.lastIndex()}`);
    for (let i = 1; i < from.length; i++) {
      assert(from[i].index === from[i - 1].index + 1, 'appended entries must be contiguous');
    }
    this.ents.length = at;
    for (const e of from) this.ents.push(e);
  }

  /**
   * Records the application's state at `index` (which it has applied) as the
   * snapshot leaders send to followers that are too far behind.
   */
  createSnapshot(index: LogIndex, data: Uint8Array): Snapshot {
    assert(index > this.snap.metadata.index, `snapshot at ${index} is not newer than ${this.snap.metadata.index}`);
    assert(index <= this.lastIndex(), `snapshot at ${index} is past the last index ${this.lastIndex()}`);
    const metadata = { index, term: this.term(index), confState: this.snap.metadata.confState };
    this.snap = { metadata, data };
    return this.snap;
  }

  /**
   * Discards entries up to and including `index`. Only entries covered by the
   * snapshot may go: otherwise a lagging follower would need entries that exist
   * neither in the log nor in the snapshot.
   */
  compact(index: LogIndex): void {
    if (index <= this.offset()) return;
    assert(index <= this.snap.metadata.index, `compact(${index}) past the snapshot at ${this.snap.metadata.index}`);
    const offset = this.offset();
    const kept = this.ents.slice(index - offset);
    kept[0] = dummy(index, this.ents[index - offset].term);
    this.ents = kept;
  }

  private offset(): number {
    return this.ents[0].index;
  }
}

function dummy(index: LogIndex, term: Term): Entry {
  return { index, term, type: 'noop', data: new Uint8Array(0) };
}
