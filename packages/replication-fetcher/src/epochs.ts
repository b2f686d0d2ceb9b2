/**
 * The leader-epoch rules of replication as pure functions: what a leader
 * answers about an epoch, whether a follower's fetch position diverged from
 * the leader's log (KIP-320), and where a follower truncates (KIP-101 /
 * KIP-279). Both sides live here so that one property test can run the
 * protocol end to end against a model of replica histories.
 */

/** Kafka's EpochEndOffset: the largest epoch <= the one asked for, and where it ends. */
export interface EpochEndOffset {
  readonly epoch: number;
  readonly endOffset: bigint;
}

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1n;
export const UNDEFINED_EPOCH_END_OFFSET: EpochEndOffset = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };

export function isUndefinedEpochEndOffset(e: EpochEndOffset): boolean {
  return e.epoch === UNDEFINED_EPOCH || e.endOffset === UNDEFINED_EPOCH_OFFSET;
}

/** What a leader knows about its own epochs: its log's epoch cache plus the epoch it leads in. */
export interface LeaderEpochView {
  /** The log's answer (storage's endOffsetForEpoch) for an epoch. */
  logEndOffsetForEpoch(epoch: number): EpochEndOffset;
  /** The newest epoch with a batch in the log, -1 when none. */
  logLatestEpoch: number;
  /** The epoch this broker leads the partition in. */
  currentLeaderEpoch: number;
  /** The log end offset when this broker became leader in `currentLeaderEpoch`. */
  leaderEpochStartOffset: bigint;
}

/**
 * The leader's OffsetsForLeaderEpoch answer. Kafka records
 * (currentLeaderEpoch → leaderEpochStartOffset) in the epoch cache the
 * moment a broker becomes leader; Gregor's storage records an epoch only
 * with its first batch. Until that batch exists the log's answers are
 * completed here as if the entry were there: for an epoch between the log's
 * latest and the current one, the answer is (log's latest epoch, epoch start
 * offset) instead of "unknown". Without this a returning old leader whose
 * last epoch the new leader never wrote in would get no truncation point.
 * Once the log has a batch in the current epoch its own answers are exact.
 */
export function leaderEndOffsetForEpoch(requested: number, view: LeaderEpochView): EpochEndOffset {
  if (requested === UNDEFINED_EPOCH || requested > view.currentLeaderEpoch) return UNDEFINED_EPOCH_END_OFFSET;
  if (view.logLatestEpoch >= view.currentLeaderEpoch) return view.logEndOffsetForEpoch(requested);
  // The current epoch has no batch yet, so the log ends at its start offset.
  if (requested === view.currentLeaderEpoch) return { epoch: requested, endOffset: view.leaderEpochStartOffset };
  if (requested < view.logLatestEpoch) return view.logEndOffsetForEpoch(requested);
  // From the log's latest epoch up to the current one: the virtual entry is the next one.
  return { epoch: view.logLatestEpoch === UNDEFINED_EPOCH ? requested : view.logLatestEpoch, endOffset: view.leaderEpochStartOffset };
}

export type FetchPositionCheck =
  /** The follower's log is a prefix of the leader's as far as epochs tell. */
  | { kind: 'ok' }
  /** The follower must truncate (to at most divergingEpoch.endOffset) and fetch again. */
  | { kind: 'diverging'; divergingEpoch: EpochEndOffset }
  /** The leader cannot place the follower's last epoch: answer OFFSET_OUT_OF_RANGE (Kafka does). */
  | { kind: 'unknown-epoch' };

/**
 * The leader's check of a follower fetch (KIP-320, Kafka's
 * Partition.readRecords): the follower's last epoch must end, on the leader,
 * at or after the follower's fetch offset; otherwise the follower holds
 * records the leader does not and is told where the common history ends.
 * A follower with an empty log (lastFetchedEpoch -1) is not checked.
 */
export function checkFetchPosition(
  fetchOffset: bigint,
  lastFetchedEpoch: number,
  leaderEndOffsetFor: (epoch: number) => EpochEndOffset,
): FetchPositionCheck {
  if (lastFetchedEpoch < 0) return { kind: 'ok' };
  const end = leaderEndOffsetFor(lastFetchedEpoch);
  if (isUndefinedEpochEndOffset(end)) return { kind: 'unknown-epoch' };
  if (end.epoch < lastFetchedEpoch || end.endOffset < fetchOffset) return { kind: 'diverging', divergingEpoch: end };
  return { kind: 'ok' };
}

export interface TruncationDecision {
  truncateTo: bigint;
  /**
   * False when the follower had to stop at the end of an older epoch of its
   * own and must ask the leader again with its new latest epoch (KIP-279).
   */
  complete: boolean;
}

const min = (...xs: bigint[]): bigint => xs.reduce((a, b) => (b < a ? b : a));

/**
 * Where a follower truncates given the leader's end offset for an epoch
 * (from a diverging-epoch fetch answer or OffsetsForLeaderEpoch), after
 * Kafka's AbstractFetcherThread.getOffsetTruncationState:
 * - the leader knows nothing: keep what is committed (the high watermark);
 * - the follower knows no epoch that old: the leader's end offset;
 * - the follower's floor epoch differs from the leader's: the end of the
 *   follower's own floor epoch, then ask again (complete = false);
 * - both know the epoch: the smaller of the two end offsets.
 * Never above the follower's log end offset.
 */
export function truncationPoint(
  leader: EpochEndOffset,
  localForLeaderEpoch: EpochEndOffset,
  logEndOffset: bigint,
  highWatermark: bigint,
): TruncationDecision {
  if (leader.endOffset === UNDEFINED_EPOCH_OFFSET) return { truncateTo: min(highWatermark, logEndOffset), complete: true };
  if (leader.epoch === UNDEFINED_EPOCH || localForLeaderEpoch.endOffset === UNDEFINED_EPOCH_OFFSET) {
    return { truncateTo: min(leader.endOffset, logEndOffset), complete: true };
  }
  if (localForLeaderEpoch.epoch !== leader.epoch) return { truncateTo: min(localForLeaderEpoch.endOffset, logEndOffset), complete: false };
  return { truncateTo: min(leader.endOffset, localForLeaderEpoch.endOffset, logEndOffset), complete: true };
}

export type OutOfRangeAction =
  /** The leader's log ends before ours (an unclean leader): drop our extra tail. */
  | { kind: 'truncate'; offset: bigint }
  /** The leader no longer has what we need (retention moved its start past our end): start over there. */
  | { kind: 'restart-at'; offset: bigint }
  /** Our position is in range now (the leader moved on meanwhile): just fetch again. */
  | { kind: 'refetch' };

/** A follower answered OFFSET_OUT_OF_RANGE (Kafka's fetchOffsetAndTruncate). */
export function outOfRangeAction(localLogEndOffset: bigint, leaderLogStartOffset: bigint, leaderLogEndOffset: bigint): OutOfRangeAction {
  if (leaderLogEndOffset < localLogEndOffset) return { kind: 'truncate', offset: leaderLogEndOffset };
  if (leaderLogStartOffset > localLogEndOffset) return { kind: 'restart-at', offset: leaderLogStartOffset };
  return { kind: 'refetch' };
}
