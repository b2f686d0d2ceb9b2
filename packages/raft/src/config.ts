import type { NodeId } from '@gregor/common';
import { GregorError } from '@gregor/common';
import type { Prng } from './prng';
import type { Storage } from './storage';
import type { LogIndex } from './types';

export interface RaftConfig {
  readonly id: NodeId;
  /** Static membership; must match what Storage holds once it holds any. */
  readonly voters: readonly NodeId[];
  readonly storage: Storage;
  /** Seeded by the driver; the randomized election timeout comes from it. */
  readonly prng: Prng;
  /**
   * Ticks without hearing from a leader before campaigning; each wait is
   * drawn from [T, 2T) so that candidates rarely collide (§5.2). Default 10.
   */
  readonly electionTimeoutTicks?: number;
  /** Ticks between leader heartbeats; must be below the election timeout. Default 1. */
  readonly heartbeatIntervalTicks?: number;
  /** Index the application's state already reflects (after a restart). Default: the snapshot's index. */
  readonly applied?: LogIndex;
  /** PreVote (thesis §9.6): no term inflation by a node that cannot win. Default true. */
  readonly preVote?: boolean;
  /**
   * CheckQuorum (thesis §6.2): a leader that has not heard from a majority for
   * an election timeout steps down, and followers that heard from a leader
   * within that time ignore vote requests (leader lease, §4.2.3). Default true.
   */
  readonly checkQuorum?: boolean;
  /** Upper bound on entry bytes per MsgApp (one entry always goes). Default 1 MiB. */
  readonly maxMsgBytes?: number;
  /** Unacknowledged MsgApp per follower in replicate state. Default 256. */
  readonly maxInflightMsgs?: number;
  /** Unacknowledged entry bytes per follower. Default 16 MiB. */
  readonly maxInflightBytes?: number;
  /** Proposal payload bytes a leader holds uncommitted before refusing more. Default 64 MiB. */
  readonly maxUncommittedEntriesBytes?: number;
  /** Committed entry bytes handed out per Ready (at least one entry). Default 16 MiB. */
  readonly maxCommittedBytesPerReady?: number;
  /**
   * Outgoing messages kept between two `ready()` calls; past it new messages
   * are dropped (Raft tolerates loss; a driver this far behind is broken).
   * Default 10,000.
   */
  readonly maxPendingMessages?: number;
  /** Leader ticks to wait for a snapshot's ack before retrying. Default: the election timeout x 5. */
  readonly snapshotTimeoutTicks?: number;
}

export type ResolvedRaftConfig = Required<Omit<RaftConfig, 'applied'>> & { readonly applied: LogIndex | undefined };

const MIB = 1024 * 1024;

export function resolveRaftConfig(config: RaftConfig): ResolvedRaftConfig {
  const electionTimeoutTicks = config.electionTimeoutTicks ?? 10;
  const resolved: ResolvedRaftConfig = {
    id: config.id,
    voters: config.voters,
    storage: config.storage,
    prng: config.prng,
    applied: config.applied,
    electionTimeoutTicks,
    heartbeatIntervalTicks: config.heartbeatIntervalTicks ?? 1,
    preVote: config.preVote ?? true,
    checkQuorum: config.checkQuorum ?? true,
    maxMsgBytes: config.maxMsgBytes ?? MIB,
    maxInflightMsgs: config.maxInflightMsgs ?? 256,
    maxInflightBytes: config.maxInflightBytes ?? 16 * MIB,
    maxUncommittedEntriesBytes: config.maxUncommittedEntriesBytes ?? 64 * MIB,
    maxCommittedBytesPerReady: config.maxCommittedBytesPerReady ?? 16 * MIB,
    maxPendingMessages: config.maxPendingMessages ?? 10_000,
    snapshotTimeoutTicks: config.snapshotTimeoutTicks ?? electionTimeoutTicks * 5,
  };
  validate(resolved);
  return resolved;
}

function validate(c: ResolvedRaftConfig): void {
  const positive: (keyof ResolvedRaftConfig)[] = [
    'electionTimeoutTicks',
    'heartbeatIntervalTicks',
    'maxMsgBytes',
    'maxInflightMsgs',
    'maxInflightBytes',
    'maxUncommittedEntriesBytes',
    'maxCommittedBytesPerReady',
    'maxPendingMessages',
    'snapshotTimeoutTicks',
  ];
  for (const key of positive) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) invalid(`${key} must be a positive integer, got ${String(v)}`);
  }
  if (c.heartbeatIntervalTicks >= c.electionTimeoutTicks) {
    invalid(`heartbeatIntervalTicks (${c.heartbeatIntervalTicks}) must be below electionTimeoutTicks (${c.electionTimeoutTicks})`);
  }
  if (c.voters.length === 0) invalid('voters must not be empty');
  if (new Set(c.voters).size !== c.voters.length) invalid(`voters contain a duplicate: [${c.voters.join(',')}]`);
  if (!c.voters.includes(c.id)) invalid(`node ${c.id} is not among the voters [${c.voters.join(',')}]`);
}

function invalid(message: string): never {
  throw new GregorError('INVALID_CONFIG', `raft: ${message}`);
}
