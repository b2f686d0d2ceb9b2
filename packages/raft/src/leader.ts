import type { NodeId } from '@gregor/common';
import { assert } from '@gregor/common';
import type { AppendResponseMessage, HeartbeatResponseMessage, Message } from './message';
import type { Progress } from './progress';
import { quorumMatchIndex } from './quorum';
import type { Raft } from './raft';
import type { Entry, EntryType, LogIndex } from './types';
import { entriesSizeBytes } from './types';

/** Leader-side handling: replication, flow control, commit (§5.3, §5.4.2). */
export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case 'MsgAppResp':
      handleAppendResponse(r, m);
      break;
    case 'MsgHeartbeatResp':
      handleHeartbeatResponse(r, m);
      break;
    case 'MsgApp':
    case 'MsgHeartbeat':
    case 'MsgSnap':
      // Election Safety (§5.2): one leader per term. Another one means the
      // votes were not counted right or a vote was forgotten across a crash.
      assert(false, `leader ${r.id} got ${m.type} from ${m.from} in its own term ${m.term}`);
      break;
    default:
      // Late vote responses and the like: nothing to do.
      break;
  }
}

function handleAppendResponse(r: Raft, m: AppendResponseMessage): void {
  const pr = r.progress.get(m.from);
  if (pr === undefined) return;
  pr.recentActive = true;

  if (m.reject) {
    // The follower's hint lets us skip every entry of a term it does not
    // have, instead of stepping back one index per round trip.
    const nextProbe = m.hintTerm > 0 ? r.log.findConflictByTerm(m.rejectHint, m.hintTerm) : m.rejectHint;
    if (pr.maybeDecrTo(m.index, nextProbe)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      sendAppend(r, m.from);
    }
    return;
  }

  const wasPaused = pr.isPaused();
  if (!pr.maybeUpdate(m.index)) return;
  switch (pr.state) {
    case 'probe':
      pr.becomeReplicate();
      break;
    case 'snapshot':
      // Once the follower has everything below our first entry we can stream again.
      if (pr.match + 1 >= r.log.firstIndex()) pr.becomeReplicate();
      break;
    case 'replicate':
      pr.inflights.freeLE(m.index);
      break;
  }
  if (maybeCommit(r)) {
    // Tell everyone the new commit index.
    bcastAppend(r);
  } else if (wasPaused) {
    sendAppend(r, m.from);
  }
  // The ack may have opened the window: send what fits (bounded by the window).
  while (maybeSendAppend(r, m.from, false)) {
    /* keep filling the window */
  }
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) sendTimeoutNow(r, m.from);
}

function handleHeartbeatResponse(r: Raft, m: HeartbeatResponseMessage): void {
  const pr = r.progress.get(m.from);
  if (pr === undefined) return;
  pr.recentActive = true;
  pr.probeSent = false;
  // The follower is alive, so a full window most likely holds a lost MsgApp:
  // free one slot so the stream can resume (the follower rejects the gap and
  // we fall back to probing).
  if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
  if (pr.match < r.log.lastIndex() || pr.state === 'probe') sendAppend(r, m.from);
}

/** Sends a MsgApp (possibly empty, as a probe or commit carrier) unless paused. */
export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

/**
 * Sends the entries after the follower's `next`, or a snapshot when they are
 * compacted away. Returns whether a message went out.
 */
function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = progressOf(r, to);
  if (pr.isPaused()) return false;
  assert(pr.next <= r.log.lastIndex() + 1, `next ${pr.next} for ${to} is past our last index ${r.log.lastIndex()}`);
  const prevLogIndex = (pr.next - 1) as LogIndex;
  const prevLogTerm = r.log.term(prevLogIndex);
  const entries = prevLogTerm === undefined ? undefined : r.log.entriesFrom(pr.next, r.cfg.maxMsgBytes);
  if (prevLogTerm === undefined || entries === undefined) return maybeSendSnapshot(r, to, pr);
  if (entries.length === 0 && !sendIfEmpty) return false;
  r.send({ type: 'MsgApp', from: r.id, to, term: r.term, prevLogIndex, prevLogTerm, entries, commit: r.log.committed });
  const last = entries.length > 0 ? entries[entries.length - 1].index : prevLogIndex;
  pr.sentEntries(entries.length, last, entriesSizeBytes(entries));
  return true;
}

function maybeSendSnapshot(r: Raft, to: NodeId, pr: Progress): boolean {
  // A follower we have not heard from lately is likely down; a snapshot to it
  // would only waste bandwidth. Its next heartbeat response brings us back.
  if (!pr.recentActive) return false;
  const snapshot = r.log.snapshot();
  assert(snapshot.metadata.index > 0, `entries for ${to} are compacted but there is no snapshot`);
  pr.becomeSnapshot(snapshot.metadata.index);
  r.send({ type: 'MsgSnap', from: r.id, to, term: r.term, snapshot });
  return true;
}

export function bcastAppend(r: Raft): void {
  for (const to of r.voters) if (to !== r.id) sendAppend(r, to);
}

export function bcastHeartbeat(r: Raft): void {
  for (const to of r.voters) {
    if (to === r.id) continue;
    // Never more than the follower is known to have: it may lag, and
    // committing past its log would be committing someone else's entries.
    const commit = Math.min(progressOf(r, to).match, r.log.committed) as LogIndex;
    r.send({ type: 'MsgHeartbeat', from: r.id, to, term: r.term, commit });
  }
}

export function sendTimeoutNow(r: Raft, to: NodeId): void {
  r.send({ type: 'MsgTimeoutNow', from: r.id, to, term: r.term });
}

/**
 * Advances the commit index to what a majority holds, if that entry is from
 * this term (§5.4.2: counting replicas is not safe for older terms, Figure 8).
 */
export function maybeCommit(r: Raft): boolean {
  const matches: LogIndex[] = [];
  for (const v of r.voters) matches.push(progressOf(r, v).match);
  return r.log.maybeCommit(quorumMatchIndex(matches), r.term);
}

/** Appends new entries at the end of the leader's log, in its term. */
export function appendEntry(r: Raft, items: readonly { type: EntryType; data: Uint8Array }[]): LogIndex {
  assert(r.role === 'leader', 'only a leader appends new entries');
  const first = r.log.lastIndex() + 1;
  const entries: Entry[] = items.map((item, i) => ({
    index: (first + i) as LogIndex,
    term: r.term,
    type: item.type,
    data: item.data,
  }));
  const last = r.log.append(entries);
  r.selfProgress().maybeUpdate(last);
  // Counts our own copy; commits at once in a single-voter cluster.
  maybeCommit(r);
  return last;
}

function progressOf(r: Raft, id: NodeId): Progress {
  const pr = r.progress.get(id);
  assert(pr !== undefined, `no progress for ${id}`);
  return pr;
}
