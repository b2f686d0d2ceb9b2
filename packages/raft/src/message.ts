import type { NodeId } from '@gregor/common';
import type { Entry, LogIndex, Snapshot, Term } from './types';

/**
 * Messages between Raft nodes. The names follow etcd-io/raft so that logs and
 * transcripts read the same way. Every message carries the sender's term
 * (for a pre-vote, the term the sender would campaign in).
 */
interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: Term;
}

/** AppendEntries (§5.3); also carries the leader's commit index. */
export interface AppendMessage extends MessageBase {
  readonly type: 'MsgApp';
  readonly prevLogIndex: LogIndex;
  readonly prevLogTerm: Term;
  readonly entries: readonly Entry[];
  readonly commit: LogIndex;
}

/**
 * Answer to MsgApp or MsgSnap. On success `index` is the follower's last index
 * that now matches the leader. On reject `index` is the rejected prevLogIndex and
 * (`rejectHint`, `hintTerm`) is the follower's guess of where the logs may
 * match, so the leader can skip a whole term per round trip (§5.3, last para).
 * A node at a higher term also sends this, with no other meaning, to tell a
 * stale leader to step down.
 */
export interface AppendResponseMessage extends MessageBase {
  readonly type: 'MsgAppResp';
  readonly index: LogIndex;
  readonly reject: boolean;
  readonly rejectHint: LogIndex;
  readonly hintTerm: Term;
}

/**
 * Leader heartbeat. `commit` is min(follower's match, leader commit) so a
 * follower never commits past what it is known to share with the leader.
 */
export interface HeartbeatMessage extends MessageBase {
  readonly type: 'MsgHeartbeat';
  readonly commit: LogIndex;
}

export interface HeartbeatResponseMessage extends MessageBase {
  readonly type: 'MsgHeartbeatResp';
}

/** RequestVote (§5.2) or the PreVote probe (thesis §9.6). */
export interface VoteMessage extends MessageBase {
  readonly type: 'MsgVote' | 'MsgPreVote';
  readonly lastLogIndex: LogIndex;
  readonly lastLogTerm: Term;
  /**
   * Set when the leader asked for this election (leadership transfer): voters
   * then ignore their leader lease, since the leader itself is stepping aside.
   */
  readonly transfer: boolean;
}

export interface VoteResponseMessage extends MessageBase {
  readonly type: 'MsgVoteResp' | 'MsgPreVoteResp';
  readonly reject: boolean;
}

/** InstallSnapshot (§7), sent whole: metadata snapshots are small. */
export interface SnapshotMessage extends MessageBase {
  readonly type: 'MsgSnap';
  readonly snapshot: Snapshot;
}

/** Leadership transfer (thesis §3.10): "start an election now". */
export interface TimeoutNowMessage extends MessageBase {
  readonly type: 'MsgTimeoutNow';
}

export type Message =
  | AppendMessage
  | AppendResponseMessage
  | HeartbeatMessage
  | HeartbeatResponseMessage
  | VoteMessage
  | VoteResponseMessage
  | SnapshotMessage
  | TimeoutNowMessage;

export type MessageType = Message['type'];

export function isVoteRequest(m: Message): m is VoteMessage {
  return m.type === 'MsgVote' || m.type === 'MsgPreVote';
}

/** Messages that only a leader of `m.term` sends. */
export function isLeaderMessage(m: Message): m is AppendMessage | HeartbeatMessage | SnapshotMessage {
  return m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap';
}
