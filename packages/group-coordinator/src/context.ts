import type { GroupCoordinatorConfig } from './config';
import type { DeadlineQueue } from './deadline-queue';
import type { ClassicGroup, Member } from './group';
import type { GroupEvent } from './group-events';
import type { CoordinatorRecord } from './records';
import type { Reply } from './types';

/**
 * What the driver must do after a call: deliver `replies` now, and write
 * each of `appends` to the shard's __consumer_offsets partition (in order,
 * acks=all), then report the outcome with `appendCompleted(append, error)`;
 * `events` say what groups went through (one log line each).
 */
export interface Effects {
  replies: Reply[];
  appends: PendingAppend[];
  /** Rebalances and generations, for the driver's log lines. */
  events: GroupEvent[];
}

export interface PendingAppend {
  records: CoordinatorRecord[];
  /** TxnOffsetCommit: written as the producer's transactional batch, alone (a fenced epoch fails only this write). */
  readonly owner?: { producerId: bigint; producerEpoch: number };
  /** Opaque to the driver: hand it back to appendCompleted. */
  readonly completion: Completion;
}

/** Why records were written, and what to do once they are (or fail). */
export type Completion =
  | { kind: 'store-assignment'; group: ClassicGroup; generationId: number; assignment: Map<string, Buffer> }
  | { kind: 'store-empty'; group: ClassicGroup }
  | {
      kind: 'store-static-member';
      group: ClassicGroup;
      requestId: number;
      member: Member;
      groupInstanceId: string;
      oldMemberId: string;
      newMemberId: string;
      previous: Pick<Member, 'protocols' | 'rebalanceTimeoutMs' | 'sessionTimeoutMs'>;
      leaderBefore: string | null;
    }
  | { kind: 'commit'; group: ClassicGroup; requestId: number; committed: CommittedOffsetRecord[]; rejected: { topic: string; partition: number; error: CommitRejection }[] }
  | {
      kind: 'txn-commit';
      group: ClassicGroup;
      requestId: number;
      committed: CommittedOffsetRecord[];
      rejected: { topic: string; partition: number; error: CommitRejection }[];
      producerId: bigint;
    }
  | { kind: 'delete-groups'; requestId: number; results: { groupId: string; error: import('@gregor/common').ErrorName }[]; deleted: Set<string> }
  | { kind: 'expire' };

/** Why one partition of an OffsetCommit was not stored (see offsetCommitRejection). */
export type CommitRejection = 'INVALID_REQUEST' | 'OFFSET_METADATA_TOO_LARGE';

export interface CommittedOffsetRecord {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
}

export interface ShardDeps {
  config: GroupCoordinatorConfig;
  /** A fresh member id: `${prefix}-${uuid}` (prefix is the client id or group instance id). */
  newMemberId(prefix: string): string;
  /** Wall-clock ms for record timestamps (commit time, state change time). */
  wallClockMs(): number;
}

/** One call's inputs and outputs; passed to every decision function. */
export class Ctx {
  readonly effects: Effects = { replies: [], appends: [], events: [] };

  constructor(
    readonly deps: ShardDeps,
    /** Monotonic ms: what deadlines are measured in. */
    readonly nowMs: number,
    readonly deadlines: DeadlineQueue,
  ) {}

  get config(): GroupCoordinatorConfig {
    return this.deps.config;
  }

  wallMs(): number {
    return this.deps.wallClockMs();
  }

  reply(r: Reply): void {
    this.effects.replies.push(r);
  }

  append(records: CoordinatorRecord[], completion: Completion, owner?: { producerId: bigint; producerEpoch: number }): void {
    this.effects.appends.push(owner === undefined ? { records, completion } : { records, completion, owner });
  }

  event(e: GroupEvent): void {
    this.effects.events.push(e);
  }
}
