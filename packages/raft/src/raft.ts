import type { NodeId } from '@gregor/common';
import { GregorError, assert } from '@gregor/common';
import type { RaftConfig, ResolvedRaftConfig } from './config';
import { resolveRaftConfig } from './config';
import { stepCandidate, stepFollower } from './follower';
import { appendEntry, bcastHeartbeat, sendAppend, sendTimeoutNow, stepLeader } from './leader';
import type { Message, VoteMessage } from './message';
import { isLeaderMessage, isVoteRequest } from './message';
import { Progress } from './progress';
import { majority, voteResult, type VoteResult } from './quorum';
import { RaftLog } from './raft-log';
import type { HardState, LogIndex, Role, SoftState, Term } from './types';
import { isEmptyHardState } from './types';

/**
 * The Raft state machine (etcd-io/raft's `raft` struct): no I/O, no clock, no
 * randomness of its own. Role-specific handling lives in leader.ts and
 * follower.ts; this file holds the state, role changes, elections and the
 * term rules every message goes through first. RaftNode wraps it with the
 * Ready/advance protocol; nothing outside the package sees this class.
 */
export class Raft {
  readonly id: NodeId;
  readonly voters: readonly NodeId[];
  readonly cfg: ResolvedRaftConfig;
  readonly log: RaftLog;

  term = 0 as Term;
  vote: NodeId | null = null;
  lead: NodeId | null = null;
  role: Role = 'follower';

  /** Per-voter replication state; filled only while leader. */
  readonly progress = new Map<NodeId, Progress>();
  /** Votes received in the current (pre-)campaign. */
  votes = new Map<NodeId, boolean>();
  /** Outgoing messages until the next Ready takes them. */
  msgs: Message[] = [];
  droppedMessages = 0;

  /** Ticks since the last election timeout reset (leader: since the last CheckQuorum). */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** The voter a leadership transfer is handing over to. */
  leadTransferee: NodeId | null = null;
  /** Payload bytes of proposals appended by this leader and not yet applied. */
  uncommittedBytes = 0;

  constructor(config: RaftConfig) {
    this.cfg = resolveRaftConfig(config);
    this.id = this.cfg.id;
    this.voters = [...this.cfg.voters].sort((a, b) => a - b);
    const { hardState, confState } = this.cfg.storage.initialState();
    const stored = [...confState.voters].sort((a, b) => a - b);
    if (stored.join(',') !== this.voters.join(',')) {
      throw new GregorError('INVALID_CONFIG', `raft: voters [${this.voters.join(',')}] differ from stored [${stored.join(',')}]`);
    }
    this.log = new RaftLog(this.cfg.storage, this.cfg.maxCommittedBytesPerReady);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    const applied = this.cfg.applied;
    if (applied !== undefined && applied > this.log.applied) this.log.appliedTo(applied);
    assert(applied === undefined || applied >= this.log.applied, `applied ${applied} is behind the snapshot at ${this.log.applied}`);
    this.becomeFollower(this.term, null);
  }

  private loadState(hs: HardState): void {
    assert(
      hs.commit >= this.log.committed && hs.commit <= this.log.lastIndex(),
      `stored commit ${hs.commit} outside [${this.log.committed}, ${this.log.lastIndex()}]`,
    );
    this.log.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  /**
   * Cheap structural invariants, checked after every input. A violation means
   * a bug in the core or a corrupted log: crash rather than continue.
   */
  checkInvariants(): void {
    const log = this.log;
    assert(log.applied <= log.committed, `applied ${log.applied} > committed ${log.committed}`);
    assert(log.committed <= log.lastIndex(), `committed ${log.committed} > last index ${log.lastIndex()}`);
    if (this.role === 'leader') {
      assert(this.lead === this.id, `leader ${this.id} names ${this.lead} as leader`);
      assert(this.progress.size === this.voters.length, 'leader must track every voter');
      assert(this.selfProgress().match === log.lastIndex(), "leader's own match must be its last index");
    } else {
      assert(this.progress.size === 0, `a ${this.role} keeps no replication progress`);
    }
    if (this.role === 'candidate') assert(this.vote === this.id, 'a candidate votes for itself');
    if (this.role === 'pre-candidate' || this.role === 'candidate') assert(this.lead === null, 'a candidate knows no leader');
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { leaderId: this.lead, role: this.role };
  }

  /** Queues a message for the next Ready. */
  send(m: Message): void {
    assert(m.from === this.id && m.to !== this.id, `bad route ${m.from}->${m.to} at node ${this.id}`);
    // Vote traffic may carry a future term (pre-vote) or the candidate's term;
    // everything else speaks for our current term.
    const ownTerm = m.type === 'MsgPreVote' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVoteResp';
    assert(ownTerm || m.term === this.term, `${m.type} with term ${m.term} sent at term ${this.term}`);
    if (this.msgs.length >= this.cfg.maxPendingMessages) {
      this.droppedMessages++;
      return;
    }
    this.msgs.push(m);
  }

  // ---- role changes -------------------------------------------------------

  private reset(term: Term): void {
    if (this.term !== term) {
      assert(term > this.term, `term went back from ${this.term} to ${term}`);
      this.term = term;
      this.vote = null;
    }
    this.lead = null;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout =
      this.cfg.electionTimeoutTicks + this.cfg.prng.nextInt(this.cfg.electionTimeoutTicks);
    this.leadTransferee = null;
    this.votes = new Map();
    this.progress.clear();
    this.uncommittedBytes = 0;
  }

  becomeFollower(term: Term, lead: NodeId | null): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  /**
   * Thesis §9.6: ask for votes for term+1 without taking it. Term and vote stay
   * as they are, so a node that cannot win (e.g. cut off) leaves no trace.
   */
  private becomePreCandidate(): void {
    assert(this.role !== 'leader', 'a leader cannot become a pre-candidate');
    this.votes = new Map();
    this.lead = null;
    this.role = 'pre-candidate';
  }

  private becomeCandidate(): void {
    assert(this.role !== 'leader', 'a leader cannot become a candidate');
    this.reset((this.term + 1) as Term);
    this.vote = this.id;
    this.role = 'candidate';
  }

  becomeLeader(): void {
    assert(this.role === 'candidate', `only a candidate can become leader, not a ${this.role}`);
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    const last = this.log.lastIndex();
    for (const v of this.voters) {
      const pr = new Progress(
        v === this.id ? last : (0 as LogIndex),
        (last + 1) as LogIndex,
        this.cfg.maxInflightMsgs,
        this.cfg.maxInflightBytes,
      );
      this.progress.set(v, pr);
    }
    const self = this.selfProgress();
    self.becomeReplicate();
    self.recentActive = true;
    // §5.4.2 / thesis §6.4: entries of earlier terms commit only once an entry
    // of this term does; the empty entry makes that happen without a client.
    appendEntry(this, [{ type: 'noop', data: new Uint8Array(0) }]);
  }

  selfProgress(): Progress {
    const pr = this.progress.get(this.id);
    assert(pr !== undefined, 'leader without its own progress');
    return pr;
  }

  // ---- ticks --------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTimeoutTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum && !this.checkQuorumActive()) {
        this.becomeFollower(this.term, null);
        return;
      }
      // A transfer that did not finish within an election timeout failed.
      this.leadTransferee = null;
    }
    for (const [id, pr] of this.progress) {
      if (pr.state === 'snapshot' && ++pr.snapshotTicks >= this.cfg.snapshotTimeoutTicks) {
        // The snapshot or its ack was lost; fall back to probing, which
        // resends the snapshot if it is still needed.
        pr.becomeProbe();
        sendAppend(this, id);
      }
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatIntervalTicks) {
      this.heartbeatElapsed = 0;
      bcastHeartbeat(this);
    }
  }

  /**
   * CheckQuorum (thesis §6.2): whether a majority was heard from since the last
   * check. Clears the marks for the next round.
   */
  private checkQuorumActive(): boolean {
    let active = 0;
    for (const [id, pr] of this.progress) {
      if (id === this.id || pr.recentActive) active++;
      if (id !== this.id) pr.recentActive = false;
    }
    return active >= majority(this.voters.length);
  }

  // ---- elections ----------------------------------------------------------

  /** An election timeout (or an explicit campaign) fired. */
  hup(transfer: boolean): void {
    if (this.role === 'leader') return;
    // A transfer never uses pre-vote: the leader asked for this election.
    this.campaign(this.cfg.preVote && !transfer ? 'pre-vote' : 'election', transfer);
  }

  campaign(kind: 'pre-vote' | 'election', transfer: boolean): void {
    let voteTerm: Term;
    if (kind === 'pre-vote') {
      this.becomePreCandidate();
      voteTerm = (this.term + 1) as Term;
    } else {
      this.becomeCandidate();
      voteTerm = this.term;
    }
    if (this.poll(this.id, true) === 'won') {
      // Single-voter cluster: our own vote is a majority.
      if (kind === 'pre-vote') this.campaign('election', transfer);
      else this.becomeLeader();
      return;
    }
    const lastLogIndex = this.log.lastIndex();
    const lastLogTerm = this.log.lastTerm();
    const type = kind === 'pre-vote' ? 'MsgPreVote' : 'MsgVote';
    for (const to of this.voters) {
      if (to === this.id) continue;
      this.send({ type, from: this.id, to, term: voteTerm, lastLogIndex, lastLogTerm, transfer });
    }
  }

  /** Records a vote (the first one from each voter counts) and tallies. */
  poll(from: NodeId, granted: boolean): VoteResult {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    return voteResult(this.voters, this.votes);
  }

  // ---- messages -----------------------------------------------------------

  step(m: Message): void {
    assert(m.to === this.id, `message for ${m.to} delivered to ${this.id}`);
    // Peers outside the static membership are misrouted or misconfigured.
    if (!this.voters.includes(m.from) || m.from === this.id) return;

    if (m.term > this.term) {
      if (isVoteRequest(m) && !m.transfer && this.inLease()) {
        // Leader lease (thesis §4.2.3): we heard from a leader less than an
        // election timeout ago, so this candidate is probably cut off or
        // stale; neither grant nor let it raise our term.
        return;
      }
      if (m.type === 'MsgPreVote') {
        // A pre-vote never changes the receiver's term (§9.6).
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // A grant carries the term we would campaign in, not a newer leader's.
      } else {
        this.becomeFollower(m.term, isLeaderMessage(m) ? m.from : null);
      }
    } else if (m.term < this.term) {
      this.stepStale(m);
      return;
    }

    if (isVoteRequest(m)) {
      this.handleVoteRequest(m);
      return;
    }
    switch (this.role) {
      case 'leader':
        stepLeader(this, m);
        break;
      case 'candidate':
      case 'pre-candidate':
        stepCandidate(this, m);
        break;
      case 'follower':
        stepFollower(this, m);
        break;
    }
  }

  private inLease(): boolean {
    return this.cfg.checkQuorum && this.lead !== null && this.electionElapsed < this.cfg.electionTimeoutTicks;
  }

  /** A message from an older term: mostly ignored, a few answered so the sender catches up. */
  private stepStale(m: Message): void {
    if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
      // A stale leader (e.g. back from a partition): with CheckQuorum or PreVote
      // our higher term may never reach it through votes, so tell it directly,
      // or it would keep a quorum of followers that ignore our elections.
      this.send({
        type: 'MsgAppResp',
        from: this.id,
        to: m.from,
        term: this.term,
        index: 0 as LogIndex,
        reject: false,
        rejectHint: 0 as LogIndex,
        hintTerm: 0 as Term,
      });
    } else if (m.type === 'MsgPreVote') {
      // Answer so the pre-candidate learns our term and stops trying.
      this.send({ type: 'MsgPreVoteResp', from: this.id, to: m.from, term: this.term, reject: true });
    }
  }

  private handleVoteRequest(m: VoteMessage): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.lead === null) ||
      (m.type === 'MsgPreVote' && m.term > this.term);
    const respType = m.type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
    if (canVote && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {
      // The grant carries the candidate's term so it counts in its campaign.
      this.send({ type: respType, from: this.id, to: m.from, term: m.term, reject: false });
      if (m.type === 'MsgVote') {
        assert(m.term === this.term, 'a real vote is granted only at our own term');
        // §5.2: at most one vote per term; it may only be repeated, never changed.
        assert(this.vote === null || this.vote === m.from, `node ${this.id} already voted for ${this.vote} in term ${this.term}`);
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, from: this.id, to: m.from, term: this.term, reject: true });
    }
  }

  // ---- leadership transfer --------------------------------------------------

  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader') throw this.notLeader();
    if (!this.voters.includes(to)) {
      throw new GregorError('INVALID_REQUEST', `raft: cannot transfer leadership to ${to}, not a voter`);
    }
    if (to === this.id || this.leadTransferee === to) return;
    // The transfer must finish within one election timeout (thesis §3.10).
    this.electionElapsed = 0;
    this.leadTransferee = to;
    const pr = this.progress.get(to);
    assert(pr !== undefined, `no progress for voter ${to}`);
    if (pr.match === this.log.lastIndex()) sendTimeoutNow(this, to);
    else sendAppend(this, to);
  }

  notLeader(): GregorError {
    return new GregorError(
      'NOT_LEADER_OR_FOLLOWER',
      `raft: node ${this.id} is not the leader`,
      this.lead === null ? {} : { leaderHint: this.lead },
    );
  }

}
