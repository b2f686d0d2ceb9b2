import type { NodeId } from '@gregor/common';
import type { MemoryStorage } from '../memory-storage';
import type { RaftNode } from '../raft-node';
import type { Ready } from '../ready';
import type { Entry, EntryType, HardState, LogIndex, Snapshot, Term } from '../types';
import { majority } from '../quorum';
import type { MachineState } from './state-machine';
import { decodeState } from './state-machine';

export type ViolationKind =
  | 'election-safety'
  | 'double-vote'
  | 'log-matching'
  | 'committed-changed'
  | 'committed-lost'
  | 'leader-completeness'
  | 'state-machine-safety';

/** A broken Raft property, found by the checker (not by the core's own asserts). */
export class SafetyViolation extends Error {
  constructor(
    readonly kind: ViolationKind,
    message: string,
  ) {
    super(`${kind}: ${message}`);
    this.name = 'SafetyViolation';
  }
}

/** What the checker reads from a live node (a RaftNode, or a stub in tests). */
export type RaftView = Pick<RaftNode, 'role' | 'term' | 'logTerm' | 'status'>;

/** What the checker sees of a simulated node. */
export interface CheckedNode {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  /** Null while crashed. */
  readonly raft: RaftView | null;
}

interface EntryFacts {
  readonly type: EntryType;
  readonly data: Uint8Array;
  /** Term of the entry before it in the log that held it. */
  readonly prevTerm: Term;
}

interface CommittedFacts {
  readonly term: Term;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/**
 * Raft's safety properties (Figure 3 of the paper), checked against global
 * records that only grow:
 * - Election Safety: at most one leader per term.
 * - Log Matching: every (index, term) ever persisted anywhere has the same
 *   payload and the same predecessor term; by induction two logs that share
 *   an (index, term) are identical up to it.
 * - Committed entries never change (every node's persisted commit index is
 *   checked against one record) and never disappear (a majority of disks
 *   hold the highest committed entry after every step).
 * - Leader Completeness: a new leader of term T holds every entry known to
 *   be committed in a term before T.
 * - State Machine Safety: every node applies the same entry at each index,
 *   without gaps; snapshots carry exactly the state at their index.
 * Also: a node never votes for two candidates in one term (the persisted
 * vote is what makes Election Safety survive crashes).
 */
export class SafetyChecker {
  private readonly leaders = new Map<number, NodeId>();
  private readonly seen = new Map<number, Map<number, EntryFacts>>();
  private readonly committed: (CommittedFacts | undefined)[] = [];
  /** State hash after applying each index, as first observed. */
  private readonly hashes: (number | undefined)[] = [];
  private maxCommitted = 0;
  /** Node term at the time a commit index was persisted → the highest such index. */
  private readonly commitByTerm = new Map<number, number>();
  private readonly lastHardState = new Map<NodeId, HardState>();
  private leaderCount = 0;

  constructor(private readonly clusterSize: number) {}

  get committedIndex(): number {
    return this.maxCommitted;
  }

  get leadersElected(): number {
    return this.leaderCount;
  }

  committedAt(index: number): CommittedFacts | undefined {
    return this.committed[index];
  }

  /** After a Ready's snapshot, entries and hard state are in `node.storage`. */
  onPersisted(node: CheckedNode, rd: Ready): void {
    if (rd.snapshot !== undefined) this.checkSnapshot(node.id, rd.snapshot);
    const st = node.storage;
    for (const e of rd.entries) {
      if (e.index - 1 < st.firstIndex() - 1) continue; // already compacted on this node
      this.checkLogMatching(node.id, e, st.term((e.index - 1) as LogIndex));
    }
    if (rd.hardState !== undefined) this.onHardState(node, rd.hardState);
  }

  private checkLogMatching(id: NodeId, e: Entry, prevTerm: Term): void {
    let byTerm = this.seen.get(e.index);
    if (byTerm === undefined) {
      byTerm = new Map();
      this.seen.set(e.index, byTerm);
    }
    const known = byTerm.get(e.term);
    if (known === undefined) {
      byTerm.set(e.term, { type: e.type, data: e.data, prevTerm });
      return;
    }
    if (known.type !== e.type || !sameBytes(known.data, e.data) || known.prevTerm !== prevTerm) {
      throw new SafetyViolation(
        'log-matching',
        `node ${id} persisted ${e.index}/${e.term} (prev term ${prevTerm}) unlike an earlier copy (prev term ${known.prevTerm})`,
      );
    }
  }

  private onHardState(node: CheckedNode, hs: HardState): void {
    const prev = this.lastHardState.get(node.id);
    if (prev !== undefined && prev.term === hs.term && prev.vote !== null && prev.vote !== hs.vote) {
      throw new SafetyViolation('double-vote', `node ${node.id} voted for ${prev.vote} then ${hs.vote} in term ${hs.term}`);
    }
    const from = prev?.commit ?? 0;
    this.lastHardState.set(node.id, hs);
    if (hs.commit <= from) return;
    const st = node.storage;
    const first = Math.max(from + 1, st.firstIndex());
    if (first <= hs.commit) {
      const ents = st.entries(first as LogIndex, (hs.commit + 1) as LogIndex, Infinity);
      for (const e of ents) this.recordCommitted(node.id, e);
    }
    this.commitByTerm.set(hs.term, Math.max(this.commitByTerm.get(hs.term) ?? 0, hs.commit));
    if (hs.commit > this.maxCommitted) this.maxCommitted = hs.commit;
  }

  private recordCommitted(id: NodeId, e: Entry): void {
    const known = this.committed[e.index];
    if (known === undefined) {
      this.committed[e.index] = { term: e.term, type: e.type, data: e.data };
      return;
    }
    if (known.term !== e.term || known.type !== e.type || !sameBytes(known.data, e.data)) {
      throw new SafetyViolation(
        'committed-changed',
        `node ${id} committed ${e.index}/${e.term} but ${e.index}/${known.term} was committed before`,
      );
    }
  }

  private checkSnapshot(id: NodeId, snapshot: Snapshot): void {
    const { index, term } = snapshot.metadata;
    const known = this.committed[index];
    if (known === undefined || known.term !== term) {
      throw new SafetyViolation('committed-changed', `node ${id} got a snapshot at ${index}/${term} that is not a committed entry`);
    }
    this.checkState(id, decodeState(snapshot.data), 'snapshot');
  }

  /** A node applied an entry (state `after`). */
  onApplied(id: NodeId, e: Entry, after: MachineState): void {
    const known = this.committed[e.index];
    if (known === undefined || known.term !== e.term || known.type !== e.type || !sameBytes(known.data, e.data)) {
      throw new SafetyViolation(
        'state-machine-safety',
        `node ${id} applied ${e.index}/${e.term}, committed is ${known === undefined ? 'nothing' : `${e.index}/${known.term}`}`,
      );
    }
    this.checkState(id, after, 'apply');
  }

  /** A node's application state came from a snapshot (installed or on restart). */
  onStateRestored(id: NodeId, state: MachineState): void {
    this.checkState(id, state, 'restore');
  }

  private checkState(id: NodeId, state: MachineState, how: string): void {
    if (state.index === 0) return;
    const known = this.hashes[state.index];
    if (known === undefined) this.hashes[state.index] = state.hash;
    else if (known !== state.hash) {
      throw new SafetyViolation('state-machine-safety', `node ${id} state at ${state.index} differs from another node's (${how})`);
    }
  }

  /** After every simulated step. */
  afterStep(nodes: readonly CheckedNode[]): void {
    for (const n of nodes) {
      const raft = n.raft;
      if (raft === null || raft.role !== 'leader') continue;
      const known = this.leaders.get(raft.term);
      if (known === undefined) {
        this.leaders.set(raft.term, n.id);
        this.leaderCount++;
        this.checkLeaderCompleteness(n.id, raft);
      } else if (known !== n.id) {
        throw new SafetyViolation('election-safety', `nodes ${known} and ${n.id} are both leaders of term ${raft.term}`);
      }
    }
    this.checkCommittedDurable(nodes);
  }

  /**
   * Entries seen committed by a node whose term was below T were committed in
   * a term below T, so the leader of T must have them (§5.4). The highest such
   * index is enough: Log Matching covers the rest.
   */
  private checkLeaderCompleteness(id: NodeId, raft: RaftView): void {
    let index = 0;
    for (const [t, i] of this.commitByTerm) if (t < raft.term && i > index) index = i;
    if (index === 0) return;
    const want = this.committed[index];
    const have = raft.logTerm(index as LogIndex);
    const compacted = have === undefined && index < raft.status().firstIndex;
    if (!compacted && (want === undefined || have !== want.term)) {
      throw new SafetyViolation(
        'leader-completeness',
        `leader ${id} of term ${raft.term} has ${have === undefined ? 'nothing' : `term ${have}`} at committed index ${index} (term ${want?.term})`,
      );
    }
  }

  /** A majority of disks (crashed nodes included) hold the highest committed entry. */
  private checkCommittedDurable(nodes: readonly CheckedNode[]): void {
    const c = this.maxCommitted;
    if (c === 0) return;
    const want = this.committed[c];
    let holders = 0;
    for (const n of nodes) {
      const st = n.storage;
      if (st.snapshot().metadata.index >= c) holders++;
      else if (c >= st.firstIndex() - 1 && c <= st.lastIndex() && st.term(c as LogIndex) === want?.term) holders++;
    }
    if (holders < majority(this.clusterSize)) {
      throw new SafetyViolation('committed-lost', `committed entry ${c} is on ${holders} of ${this.clusterSize} disks`);
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
