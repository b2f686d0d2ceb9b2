export type { Term, LogIndex, EntryType, Entry, HardState, Role, SoftState, ConfState, SnapshotMetadata, Snapshot } from './types';
export { term, logIndex, entrySizeBytes, EMPTY_HARD_STATE, isEmptyHardState } from './types';
export type {
  Message,
  MessageType,
  AppendMessage,
  AppendResponseMessage,
  HeartbeatMessage,
  HeartbeatResponseMessage,
  VoteMessage,
  VoteResponseMessage,
  SnapshotMessage,
  TimeoutNowMessage,
} from './message';
export type { Ready } from './ready';
export type { Storage } from './storage';
export { MemoryStorage } from './memory-storage';
export type { RaftConfig } from './config';
export type { Prng } from './prng';
export { createPrng } from './prng';
export type { ProgressState } from './progress';
export type { RaftStatus, ProgressStatus, ProposalPosition } from './raft-node';
export { RaftNode } from './raft-node';
export { formatMessage, formatEntry } from './format';
