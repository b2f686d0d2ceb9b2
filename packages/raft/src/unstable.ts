import { assert } from '@gregor/common';
import type { Entry, LogIndex, Snapshot, Term } from './types';

/**
 * The tail of the log that is not yet durable: entries (and possibly a
 * snapshot) the driver has been or will be asked to persist. `offset` is the
 * index of entries[0]; everything below it is in Storage (or in the snapshot).
 */
export class Unstable {
  snapshot: Snapshot | undefined;
  entries: Entry[] = [];

  constructor(public offset: LogIndex) {}

  maybeFirstIndex(): LogIndex | undefined {
    return this.snapshot === undefined ? undefined : ((this.snapshot.metadata.index + 1) as LogIndex);
  }

  maybeLastIndex(): LogIndex | undefined {
    if (this.entries.length > 0) return (this.offset + this.entries.length - 1) as LogIndex;
    return this.snapshot?.metadata.index;
  }

  maybeTerm(index: LogIndex): Term | undefined {
    if (index < this.offset) {
      const meta = this.snapshot?.metadata;
      return meta !== undefined && meta.index === index ? meta.term : undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || index > last) return undefined;
    return this.entries[index - this.offset].term;
  }

  /**
   * Entries up to (index, term) are durable. The term check matters: if a new
   * leader overwrote the entry after the Ready was taken, the persisted one is
   * stale and the new one must stay unstable.
   */
  stableTo(index: LogIndex, term: Term): void {
    if (index < this.offset || this.maybeTerm(index) !== term) return;
    this.entries = this.entries.slice(index + 1 - this.offset);
    this.offset = (index + 1) as LogIndex;
  }

  stableSnapTo(index: LogIndex): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === index) this.snapshot = undefined;
  }

  restore(snapshot: Snapshot): void {
    this.offset = (snapshot.metadata.index + 1) as LogIndex;
    this.entries = [];
    this.snapshot = snapshot;
  }

  /** Appends, replacing any entries at or after the first new index. */
  truncateAndAppend(entries: readonly Entry[]): void {
    const after = entries[0].index;
    if (after === this.offset + this.entries.length) {
      for (const e of entries) this.entries.push(e);
    } else if (after <= this.offset) {
      // The new entries replace everything unstable and part of what is in
      // Storage; the driver's append truncates Storage the same way.
      this.offset = after;
      this.entries = [...entries];
    } else {
      this.entries = this.entries.slice(0, after - this.offset);
      for (const e of entries) this.entries.push(e);
    }
  }

  /** Entries [lo, hi), which must lie within the unstable entries. */
  slice(lo: LogIndex, hi: LogIndex): Entry[] {
    const upper = this.offset + this.entries.length;
    assert(this.offset <= lo && lo <= hi && hi <= upper, `unstable slice [${lo}, ${hi}) outside [${this.offset}, ${upper})`);
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
