import { GregorError, nodeId } from '@gregor/common';
import type { RaftEntry, RaftEntry__Output, RaftMessage, RaftMessage__Output, RaftSnapshot__Output } from '@gregor/proto';
import type { Entry, LogIndex, Message, Snapshot, Term } from '@gregor/raft';

/**
 * Raft messages <-> the protobuf RaftMessage. Generated types stop here: the
 * driver and the core only see @gregor/raft's Message. int64 fields arrive as
 * decimal strings (PROTO_LOADER_OPTIONS); terms and indexes are safe integers.
 */

function num(s: string, what: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 0) throw new GregorError('INVALID_REQUEST', `raft message ${what} "${s}" is not a valid integer`);
  return n;
}

const idx = (s: string, what: string): LogIndex => num(s, what) as LogIndex;
const trm = (s: string, what: string): Term => num(s, what) as Term;

function entryToWire(e: Entry): RaftEntry {
  return { index: e.index, term: e.term, noop: e.type === 'noop', data: Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength) };
}

function entryFromWire(e: RaftEntry__Output): Entry {
  return { index: idx(e.index, 'entry index'), term: trm(e.term, 'entry term'), type: e.noop ? 'noop' : 'normal', data: e.data };
}

function snapshotFromWire(s: RaftSnapshot__Output | null): Snapshot {
  if (s === null) throw new GregorError('INVALID_REQUEST', 'MsgSnap without a snapshot');
  return {
    metadata: { index: idx(s.index, 'snapshot index'), term: trm(s.term, 'snapshot term'), confState: { voters: s.voters.map(nodeId) } },
    data: s.data,
  };
}

export function messageToWire(m: Message): RaftMessage {
  const base: RaftMessage = { type: m.type, from: m.from, to: m.to, term: m.term };
  switch (m.type) {
    case 'MsgApp':
      return { ...base, prevLogIndex: m.prevLogIndex, prevLogTerm: m.prevLogTerm, entries: m.entries.map(entryToWire), commit: m.commit };
    case 'MsgAppResp':
      return { ...base, index: m.index, reject: m.reject, rejectHint: m.rejectHint, hintTerm: m.hintTerm };
    case 'MsgHeartbeat':
      return { ...base, commit: m.commit };
    case 'MsgVote':
    case 'MsgPreVote':
      return { ...base, lastLogIndex: m.lastLogIndex, lastLogTerm: m.lastLogTerm, transfer: m.transfer };
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return { ...base, reject: m.reject };
    case 'MsgSnap': {
      const { metadata, data } = m.snapshot;
      return {
        ...base,
        snapshot: { index: metadata.index, term: metadata.term, voters: [...metadata.confState.voters], data: Buffer.from(data) },
      };
    }
    case 'MsgHeartbeatResp':
    case 'MsgTimeoutNow':
      return base;
  }
}

export function messageFromWire(w: RaftMessage__Output): Message {
  const from = nodeId(w.from);
  const to = nodeId(w.to);
  const term = trm(w.term, 'term');
  switch (w.type) {
    case 'MsgApp':
      return {
        type: 'MsgApp',
        from,
        to,
        term,
        prevLogIndex: idx(w.prevLogIndex, 'prevLogIndex'),
        prevLogTerm: trm(w.prevLogTerm, 'prevLogTerm'),
        entries: w.entries.map(entryFromWire),
        commit: idx(w.commit, 'commit'),
      };
    case 'MsgAppResp':
      return {
        type: 'MsgAppResp',
        from,
        to,
        term,
        index: idx(w.index, 'index'),
        reject: w.reject,
        rejectHint: idx(w.rejectHint, 'rejectHint'),
        hintTerm: trm(w.hintTerm, 'hintTerm'),
      };
    case 'MsgHeartbeat':
      return { type: 'MsgHeartbeat', from, to, term, commit: idx(w.commit, 'commit') };
    case 'MsgHeartbeatResp':
      return { type: 'MsgHeartbeatResp', from, to, term };
    case 'MsgVote':
    case 'MsgPreVote':
      return {
        type: w.type,
        from,
        to,
        term,
        lastLogIndex: idx(w.lastLogIndex, 'lastLogIndex'),
        lastLogTerm: trm(w.lastLogTerm, 'lastLogTerm'),
        transfer: w.transfer,
      };
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return { type: w.type, from, to, term, reject: w.reject };
    case 'MsgSnap':
      return { type: 'MsgSnap', from, to, term, snapshot: snapshotFromWire(w.snapshot) };
    case 'MsgTimeoutNow':
      return { type: 'MsgTimeoutNow', from, to, term };
    default:
      throw new GregorError('INVALID_REQUEST', `unknown raft message type "${w.type}"`);
  }
}

/** Rough wire size, for the per-peer queue's byte bound. */
export function messageSizeBytes(m: Message): number {
  if (m.type === 'MsgApp') return 64 + m.entries.reduce((n, e) => n + 32 + e.data.byteLength, 0);
  if (m.type === 'MsgSnap') return 64 + m.snapshot.data.byteLength;
  return 64;
}
