import { assert } from '@gregor/common';
import { Inflights } from './inflights';
import type { LogIndex } from './types';

/**
 * How the leader replicates to one follower (etcd-io/raft's Progress):
 * - `probe`: the leader does not know where the logs match; it sends one
 *   MsgApp per heartbeat interval and waits for the answer, backing off on
 *   rejections.
 * - `replicate`: the logs match up to `match`; the leader streams entries
 *   optimistically (advancing `next` before acks) within the inflight window.
 * - `snapshot`: the entries the follower needs are compacted; a snapshot is on
 *   its way and nothing else is sent until it is acked or given up on.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  state: ProgressState = 'probe';
  /** Highest index known to be replicated on the follower. */
  match: LogIndex;
  /** Next index to send. Invariant: match < next. */
  next: LogIndex;
  /** In `snapshot` state: the index of the snapshot in flight. */
  pendingSnapshot = 0 as LogIndex;
  /** Leader ticks spent in `snapshot` state, to give up on a lost snapshot. */
  snapshotTicks = 0;
  /** In `probe` state: a MsgApp is outstanding; wait for its answer or a heartbeat. */
  probeSent = false;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(match: LogIndex, next: LogIndex, maxInflightMsgs: number, maxInflightBytes: number) {
    this.match = match;
    this.next = next;
    this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
    this.checkInvariant();
  }

  becomeProbe(): void {
    // After a snapshot the follower has at least the snapshot's entries.
    const floor = this.state === 'snapshot' ? Math.max(this.match, this.pendingSnapshot) : this.match;
    this.reset('probe');
    this.next = (floor + 1) as LogIndex;
    this.checkInvariant();
  }

  becomeReplicate(): void {
    this.reset('replicate');
    this.next = (this.match + 1) as LogIndex;
  }

  becomeSnapshot(snapshotIndex: LogIndex): void {
    this.reset('snapshot');
    this.pendingSnapshot = snapshotIndex;
    this.next = (snapshotIndex + 1) as LogIndex;
    this.checkInvariant();
  }

  /** An ack for `index`; returns whether it taught us anything new. */
  maybeUpdate(index: LogIndex): boolean {
    if (index <= this.match) return false;
    this.match = index;
    if (this.next <= index) this.next = (index + 1) as LogIndex;
    this.probeSent = false;
    return true;
  }

  /**
   * A rejection of the MsgApp whose prevLogIndex was `rejected`; `matchHint` is
   * the highest index where the logs may match. Returns false for a stale
   * rejection (one that does not concern the current `next`).
   */
  maybeDecrTo(rejected: LogIndex, matchHint: LogIndex): boolean {
    if (this.state === 'replicate') {
      // In replicate state `next` ran ahead; a rejection at or below `match`
      // is an old duplicate, anything above means the stream broke.
      if (rejected <= this.match) return false;
      this.next = (this.match + 1) as LogIndex;
      return true;
    }
    // In probe (or snapshot) state only the answer to the probe counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1) as LogIndex;
    this.probeSent = false;
    this.checkInvariant();
    return true;
  }

  /** Records that a MsgApp ending at `lastIndex` (with `entries` entries) went out. */
  sentEntries(entries: number, lastIndex: LogIndex, bytes: number): void {
    if (this.state === 'replicate') {
      if (entries > 0) {
        this.next = (lastIndex + 1) as LogIndex;
        this.inflights.add(lastIndex, bytes);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    } else {
      assert(false, 'no MsgApp may be sent in snapshot state');
    }
  }

  /** Whether the leader must hold back MsgApp to this follower. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  private reset(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0 as LogIndex;
    this.snapshotTicks = 0;
    this.inflights.reset();
  }

  private checkInvariant(): void {
    assert(this.match < this.next, `progress needs match < next, got match=${this.match} next=${this.next}`);
  }
}
