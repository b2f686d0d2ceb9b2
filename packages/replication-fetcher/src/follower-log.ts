import type { EpochEndOffset } from './epochs';

/**
 * What the fetcher needs from a local partition log. @gregor/storage's
 * PartitionLog satisfies it structurally; the fetcher never opens or
 * creates logs, the broker hands them over.
 */
export interface FollowerLog {
  readonly logStartOffset: bigint;
  /** The next offset; what the follower fetches from. */
  readonly logEndOffset: bigint;
  readonly highWatermark: bigint;
  /** Clamped by the log to [logStartOffset, logEndOffset]. */
  setHighWatermark(offset: bigint): unknown;
  /** Epoch of the newest batch, -1 when the log is empty. */
  latestEpoch(): number;
  endOffsetForEpoch(epoch: number): EpochEndOffset;
  /** Batches keep the leader's offsets; the first must start at logEndOffset. */
  appendAsFollower(batches: Buffer): Promise<unknown>;
  /** Removes every record at offset >= `offset` (whole batches). */
  truncateTo(offset: bigint): Promise<void>;
  /** Empties the log and restarts it at `offset`. */
  truncateFullyAndStartAt(offset: bigint): Promise<void>;
  /**
   * Moves the log start up to `offset` (at most the high watermark),
   * dropping whole batches below it: how a follower takes the leader's log
   * start after DeleteRecords or retention.
   */
  deleteRecordsBefore(offset: bigint): Promise<void>;
}

/** One partition to follow: where its leader is, and the local log. */
export interface FollowedPartition {
  topic: string;
  partition: number;
  leaderId: number;
  /** The leader epoch of the metadata that named `leaderId`; sent as current_leader_epoch. */
  leaderEpoch: number;
  log: FollowerLog;
}
