import { assert } from '@gregor/common';
import { bcastAppend } from './leader';
import type { AppendMessage, HeartbeatMessage, Message, SnapshotMessage } from './message';
import type { Raft } from './raft';
import type { LogIndex, Snapshot, Term } from './types';

/** Handling for followers (§5.3): accept the leader's log, heartbeats and snapshots. */
export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case 'MsgApp':
    case 'MsgHeartbeat':
    case 'MsgSnap':
      r.electionElapsed = 0;
      // Election Safety: a term has at most one leader.
      assert(r.lead === null || r.lead === m.from, `term ${r.term} has two leaders: ${r.lead} and ${m.from}`);
      r.lead = m.from;
      handleLeaderMessage(r, m);
      break;
    case 'MsgTimeoutNow':
      // The leader hands over (thesis §3.10): campaign now, skipping pre-vote.
      r.hup(true);
      break;
    default:
      break;
  }
}

/** Handling for candidates and pre-candidates: count votes, yield to a leader. */
export function stepCandidate(r: Raft, m: Message): void {
  switch (m.type) {
    case 'MsgApp':
    case 'MsgHeartbeat':
    case 'MsgSnap':
      // A leader of our term (or, for a pre-candidate, of the term we are in)
      // exists: follow it.
      r.becomeFollower(m.term, m.from);
      handleLeaderMessage(r, m);
      break;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp': {
      const expected = r.role === 'pre-candidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
      if (m.type !== expected) break; // left over from an earlier campaign
      const result = r.poll(m.from, !m.reject);
      if (result === 'won') {
        if (r.role === 'pre-candidate') {
          // A majority would vote for us: now take the term and ask for real.
          r.campaign('election', false);
        } else {
          r.becomeLeader();
          bcastAppend(r);
        }
      } else if (result === 'lost') {
        // Back to follower at the same term; a later timeout retries.
        r.becomeFollower(r.term, null);
      }
      break;
    }
    default:
      break;
  }
}

function handleLeaderMessage(r: Raft, m: AppendMessage | HeartbeatMessage | SnapshotMessage): void {
  switch (m.type) {
    case 'MsgApp':
      handleAppend(r, m);
      break;
    case 'MsgHeartbeat':
      r.log.commitTo(m.commit);
      r.send({ type: 'MsgHeartbeatResp', from: r.id, to: m.from, term: r.term });
      break;
    case 'MsgSnap':
      handleSnapshot(r, m);
      break;
  }
}

function handleAppend(r: Raft, m: AppendMessage): void {
  if (m.prevLogIndex < r.log.committed) {
    // Everything up to our commit index is already settled (and matches the
    // leader's log by Leader Completeness): tell the leader where we are.
    ackAppend(r, m.from, r.log.committed);
    return;
  }
  const lastNew = r.log.maybeAppend(m.prevLogIndex, m.prevLogTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    ackAppend(r, m.from, lastNew);
    return;
  }
  // Mismatch at prevLogIndex. Hint the leader at the last index that can
  // still match: our last index, or earlier if our terms there are newer than
  // the leader's prevLogTerm (they cannot be in its log at those indexes).
  const hint = r.log.findConflictByTerm(Math.min(m.prevLogIndex, r.log.lastIndex()) as LogIndex, m.prevLogTerm);
  r.send({
    type: 'MsgAppResp',
    from: r.id,
    to: m.from,
    term: r.term,
    index: m.prevLogIndex,
    reject: true,
    rejectHint: hint,
    hintTerm: r.log.term(hint) ?? (0 as Term),
  });
}

function handleSnapshot(r: Raft, m: SnapshotMessage): void {
  if (restore(r, m.snapshot)) ackAppend(r, m.from, r.log.lastIndex());
  else ackAppend(r, m.from, r.log.committed);
}

/**
 * Installs a leader's snapshot (§7) unless our log already covers it. Returns
 * whether the log was replaced.
 */
function restore(r: Raft, snapshot: Snapshot): boolean {
  const { index, term, confState } = snapshot.metadata;
  if (index <= r.log.committed) return false;
  const voters = [...confState.voters].sort((a, b) => a - b).join(',');
  assert(voters === r.voters.join(','), `snapshot voters [${voters}] differ from ours [${r.voters.join(',')}]`);
  if (r.log.matchTerm(index, term)) {
    // We have the snapshot's last entry, so everything before it matches too
    // (Log Matching): just commit up to it and keep the log.
    r.log.commitTo(index);
    return false;
  }
  r.log.restore(snapshot);
  return true;
}

function ackAppend(r: Raft, to: Message['from'], index: LogIndex): void {
  r.send({
    type: 'MsgAppResp',
    from: r.id,
    to,
    term: r.term,
    index,
    reject: false,
    rejectHint: 0 as LogIndex,
    hintTerm: 0 as Term,
  });
}
