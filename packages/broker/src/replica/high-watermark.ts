import { fetchedWithin, isCaughtUp, type FollowerState } from './follower-state';

export interface HighWatermarkInput {
  selfId: number;
  replicas: readonly number[];
  /** The committed ISR plus members of an AlterPartition still in flight (KIP-497's "maximal ISR"). */
  maximalIsr: readonly number[];
  followers: ReadonlyMap<number, FollowerState>;
  /** Unfenced, current incarnation: could join the ISR. */
  isEligible: (replicaId: number) => boolean;
  leaderLogEndOffset: bigint;
  currentHighWatermark: bigint;
  /** Log end offset when this broker became leader in its current epoch. */
  leaderEpochStartOffset: bigint;
  nowMs: number;
  replicaLagTimeMaxMs: number;
  /** `broker.session.timeout.ms`: a replica outside the ISR that has not fetched for this long does not hold the HW. */
  followerSilenceMaxMs: number;
}

/**
 * The leader's high watermark (Kafka's Partition.maybeIncrementLeaderHW):
 * the smallest log end offset among the leader and every replica in the
 * maximal ISR (an ISR expansion not yet committed already counts: waiting
 * for more replicas is always safe) or caught up and eligible to join it (so
 * that a rejoining follower can catch up instead of chasing a HW that runs
 * ahead of it) — but not one that has sent no fetch for a session: that
 * one is not rejoining, it is dead or cut off, and it would hold every
 * write for replicaLagTimeMaxMs after the ISR dropped it (issue 10). A
 * replica whose position is unknown blocks advancement.
 *
 * Two rules keep it safe across leader changes:
 * - it never goes down on a leader (consumers may have read up to it);
 * - it only moves to offsets >= the start of the current leader epoch, so a
 *   new leader does not declare committed a stretch of old-epoch records on
 *   the say-so of followers that have not all reached its own start (the
 *   Raft rule of committing only through an entry of the current term).
 *   Until then it stays where it was; it never lags for long, since every
 *   in-sync follower fetches up to the epoch start at once.
 */
export function computeHighWatermark(input: HighWatermarkInput): bigint {
  let candidate = input.leaderLogEndOffset;
  for (const id of input.replicas) {
    if (id === input.selfId) continue;
    const f = input.followers.get(id);
    if (f === undefined) continue;
    const counts =
      input.maximalIsr.includes(id) ||
      (f.logEndOffset >= 0n &&
        input.isEligible(id) &&
        fetchedWithin(f, input.nowMs, input.followerSilenceMaxMs) &&
        isCaughtUp(f, input.leaderLogEndOffset, input.nowMs, input.replicaLagTimeMaxMs));
    if (counts && f.logEndOffset < candidate) candidate = f.logEndOffset;
  }
  if (candidate <= input.currentHighWatermark || candidate < input.leaderEpochStartOffset) return input.currentHighWatermark;
  return candidate;
}
