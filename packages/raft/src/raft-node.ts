import type { NodeId } from '@gregor/common';
import { GregorError, assert } from '@gregor/common';
import type { RaftConfig } from './config';
import { appendEntry, bcastAppend } from './leader';
import type { Message } from './message';
import type { ProgressState } from './progress';
import { Raft } from './raft';
import type { Ready } from './ready';
import type { HardState, LogIndex, Role, SoftState, Term } from './types';
import { hardStateEqual, isEmptyHardState } from './types';

export interface ProgressStatus {
  readonly id: NodeId;
  readonly match: LogIndex;
  readonly next: LogIndex;
  readonly state: ProgressState;
  readonly paused: boolean;
  readonly inflightMessages: number;
  readonly inflightBytes: number;
  readonly recentActive: boolean;
}

/** A read-only picture of the node, for the driver's logs, metrics and status pages. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: Term;
  readonly vote: NodeId | null;
  readonly leaderId: NodeId | null;
  readonly commit: LogIndex;
  readonly applied: LogIndex;
  readonly firstIndex: LogIndex;
  readonly lastIndex: LogIndex;
  readonly leadTransferee: NodeId | null;
  readonly uncommittedBytes: number;
  /** Messages dropped because the driver did not drain `ready()` in time. */
  readonly droppedMessages: number;
  /** Per-voter replication state; only on the leader. */
  readonly progress: readonly ProgressStatus[];
}

/** Where a proposal went; it is committed when an entry with this index and term is applied. */
export interface ProposalPosition {
  readonly index: LogIndex;
  readonly term: Term;
}

/**
 * The public face of the Raft core (etcd-io/raft's RawNode). Feed it with
 * `tick()`, `step(message)` and `propose(data)`; collect work with `ready()`,
 * do it in the order documented on `Ready`, then `advance(ready)`.
 * Single-threaded and synchronous: the driver serialises calls.
 */
export class RaftNode {
  private readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private outstanding: Ready | null = null;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  get id(): NodeId {
    return this.raft.id;
  }

  get role(): Role {
    return this.raft.role;
  }

  get term(): Term {
    return this.raft.term;
  }

  get leaderId(): NodeId | null {
    return this.raft.lead;
  }

  /**
   * Term of the entry at `index` in this node's log (durable or not), or
   * undefined when compacted or past the end. For checkers and status tools.
   */
  logTerm(index: LogIndex): Term | undefined {
    return this.raft.log.term(index);
  }

  /** Advances logical time by one tick (elections, heartbeats, CheckQuorum). */
  tick(): void {
    this.raft.tick();
    this.raft.checkInvariants();
  }

  /** Feeds a message received from a peer. */
  step(message: Message): void {
    this.raft.step(message);
    this.raft.checkInvariants();
  }

  /** Starts an election now (through pre-vote when enabled); no-op on a leader. */
  campaign(): void {
    this.raft.hup(false);
    this.raft.checkInvariants();
  }

  /**
   * Appends `data` to the replicated log. Throws NOT_LEADER_OR_FOLLOWER (with a
   * leader hint when known) on a non-leader or during a leadership transfer,
   * and THROTTLING_QUOTA_EXCEEDED when too many proposal bytes are
   * uncommitted; both are retriable.
   */
  propose(data: Uint8Array): ProposalPosition {
    const r = this.raft;
    if (r.role !== 'leader') throw r.notLeader();
    if (r.leadTransferee !== null) {
      throw new GregorError('NOT_LEADER_OR_FOLLOWER', `raft: leadership is moving to ${r.leadTransferee}`, {
        leaderHint: r.leadTransferee,
      });
    }
    // One proposal always fits, so a single large entry can still go.
    if (r.uncommittedBytes > 0 && r.uncommittedBytes + data.byteLength > r.cfg.maxUncommittedEntriesBytes) {
      throw new GregorError('THROTTLING_QUOTA_EXCEEDED', `raft: ${r.uncommittedBytes} bytes of proposals are not committed yet`);
    }
    r.uncommittedBytes += data.byteLength;
    const index = appendEntry(r, [{ type: 'normal', data }]);
    bcastAppend(r);
    r.checkInvariants();
    return { index, term: r.term };
  }

  /** Asks the leader to hand leadership to `to` (thesis §3.10). */
  transferLeadership(to: NodeId): void {
    this.raft.transferLeadership(to);
  }

  /** The transport could not reach `id`: stop streaming to it and probe instead. */
  reportUnreachable(id: NodeId): void {
    const pr = this.raft.role === 'leader' ? this.raft.progress.get(id) : undefined;
    if (pr !== undefined && pr.state === 'replicate') pr.becomeProbe();
  }

  /**
   * The transport finished sending a snapshot to `id`. On failure the leader
   * probes again on the next heartbeat response instead of waiting for the
   * snapshot timeout.
   */
  reportSnapshot(id: NodeId, ok: boolean): void {
    const pr = this.raft.role === 'leader' ? this.raft.progress.get(id) : undefined;
    if (pr === undefined || pr.state !== 'snapshot') return;
    if (ok) {
      // Wait for the follower's ack before streaming (the snapshot may still
      // be in its apply queue); probing from the snapshot's index is safe.
      pr.becomeProbe();
      pr.probeSent = true;
    } else {
      pr.pendingSnapshot = 0 as LogIndex;
      pr.becomeProbe();
      pr.probeSent = true;
    }
  }

  hasReady(): boolean {
    const r = this.raft;
    if (r.msgs.length > 0) return true;
    if (r.log.unstable.snapshot !== undefined || r.log.unstable.entries.length > 0) return true;
    if (r.log.hasNextCommittedEntries()) return true;
    const ss = r.softState();
    if (ss.leaderId !== this.prevSoftState.leaderId || ss.role !== this.prevSoftState.role) return true;
    const hs = r.hardState();
    return !isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardState);
  }

  /** Takes the pending work; handle it as `Ready` documents, then call `advance`. */
  ready(): Ready {
    assert(this.outstanding === null, 'ready() called again before advance()');
    const r = this.raft;
    const ss = r.softState();
    const hs = r.hardState();
    const softChanged = ss.leaderId !== this.prevSoftState.leaderId || ss.role !== this.prevSoftState.role;
    const hardChanged = !isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardState);
    const rd: Ready = {
      ...(softChanged ? { softState: ss } : {}),
      ...(hardChanged ? { hardState: hs } : {}),
      ...(r.log.unstable.snapshot !== undefined ? { snapshot: r.log.unstable.snapshot } : {}),
      entries: r.log.unstableEntries(),
      messages: r.msgs,
      committedEntries: r.log.nextCommittedEntries(),
    };
    // Messages leave with this Ready; later ones wait for the next.
    r.msgs = [];
    if (softChanged) this.prevSoftState = ss;
    this.outstanding = rd;
    return rd;
  }

  /** The driver persisted, sent and applied `ready`. */
  advance(ready: Ready): void {
    assert(this.outstanding === ready, 'advance() must get the Ready from the last ready() call');
    this.outstanding = null;
    const log = this.raft.log;
    if (ready.hardState !== undefined) this.prevHardState = ready.hardState;
    if (ready.snapshot !== undefined) {
      const index = ready.snapshot.metadata.index;
      log.stableSnapTo(index);
      if (index > log.applied) log.appliedTo(index);
    }
    if (ready.entries.length > 0) {
      const last = ready.entries[ready.entries.length - 1];
      log.stableTo(last.index, last.term);
    }
    if (ready.committedEntries.length > 0) {
      const last = ready.committedEntries[ready.committedEntries.length - 1];
      log.appliedTo(last.index);
      this.reduceUncommitted(ready.committedEntries);
    }
  }

  private reduceUncommitted(entries: Ready['committedEntries']): void {
    const r = this.raft;
    if (r.role !== 'leader' || r.uncommittedBytes === 0) return;
    let bytes = 0;
    for (const e of entries) bytes += e.data.byteLength;
    r.uncommittedBytes = Math.max(0, r.uncommittedBytes - bytes);
  }

  status(): RaftStatus {
    const r = this.raft;
    const progress: ProgressStatus[] = [];
    for (const [id, pr] of r.progress) {
      progress.push({
        id,
        match: pr.match,
        next: pr.next,
        state: pr.state,
        paused: pr.isPaused(),
        inflightMessages: pr.inflights.size(),
        inflightBytes: pr.inflights.sizeBytes(),
        recentActive: id === r.id || pr.recentActive,
      });
    }
    return {
      id: r.id,
      role: r.role,
      term: r.term,
      vote: r.vote,
      leaderId: r.lead,
      commit: r.log.committed,
      applied: r.log.applied,
      firstIndex: r.log.firstIndex(),
      lastIndex: r.log.lastIndex(),
      leadTransferee: r.leadTransferee,
      uncommittedBytes: r.uncommittedBytes,
      droppedMessages: r.droppedMessages,
      progress,
    };
  }

}
