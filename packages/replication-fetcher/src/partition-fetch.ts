import { tpKey } from '@gregor/common';
import type { FollowedPartition, FollowerLog } from './follower-log';

/**
 * - truncating: just assigned to this leader; ask OffsetsForLeaderEpoch and
 *   truncate before the first fetch (KIP-101/279).
 * - fetching: in the leader's fetch request; a diverging-epoch answer
 *   (KIP-320) still truncates on the way.
 */
export type FetchPhase = 'truncating' | 'fetching';

/** What tests, logs and metrics may see of one followed partition. */
export interface FetchPartitionStatus {
  topic: string;
  partition: number;
  leaderId: number;
  leaderEpoch: number;
  phase: FetchPhase;
  logEndOffset: bigint;
  highWatermark: bigint;
  /** Set while the partition waits out a backoff after an error. */
  lastError: string | undefined;
  consecutiveFailures: number;
}

/**
 * One followed partition inside a fetcher loop. A new object is made each
 * time the partition is (re)assigned, so a response to a request built for
 * an older assignment is recognised by identity and dropped.
 */
export class PartitionFetch {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly log: FollowerLog;
  phase: FetchPhase = 'truncating';
  /** Monotonic ms before which the partition sits out (backoff). */
  delayedUntilMs = 0;
  consecutiveFailures = 0;
  lastError: string | undefined;
  /** The append or truncation in progress; removal waits for it. */
  busy: Promise<void> | undefined;
  removed = false;

  constructor(p: FollowedPartition) {
    this.key = tpKey(p.topic, p.partition);
    this.topic = p.topic;
    this.partition = p.partition;
    this.leaderId = p.leaderId;
    this.leaderEpoch = p.leaderEpoch;
    this.log = p.log;
  }

  sameAssignment(p: FollowedPartition): boolean {
    return p.leaderId === this.leaderId && p.leaderEpoch === this.leaderEpoch && p.log === this.log;
  }

  /** Runs `work` as this partition's only in-flight log operation. */
  run(work: () => Promise<void>): Promise<void> {
    const done = work().finally(() => {
      if (this.busy === done) this.busy = undefined;
    });
    this.busy = done;
    return done;
  }

  status(): FetchPartitionStatus {
    return {
      topic: this.topic,
      partition: this.partition,
      leaderId: this.leaderId,
      leaderEpoch: this.leaderEpoch,
      phase: this.phase,
      logEndOffset: this.log.logEndOffset,
      highWatermark: this.log.highWatermark,
      lastError: this.lastError,
      consecutiveFailures: this.consecutiveFailures,
    };
  }
}
