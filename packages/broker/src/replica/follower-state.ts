/**
 * What a leader knows about one follower, from that follower's fetches
 * alone (Kafka's ReplicaState). Immutable; replaced on every fetch.
 */
export interface FollowerState {
  /** The follower's log end offset (its last fetch offset); -1n until it fetches in this leader epoch. */
  readonly logEndOffset: bigint;
  /** The follower's log start offset as its last fetch reported it; -1n until it fetches (DeleteRecords waits on it). */
  readonly logStartOffset: bigint;
  /** Last time (monotonic ms) the follower was known to have everything the leader had. */
  readonly lastCaughtUpTimeMs: number;
  readonly lastFetchTimeMs: number;
  /** The leader's log end offset when that last fetch arrived. */
  readonly lastFetchLeaderLogEndOffset: bigint;
  /** The broker epoch the follower sent (KIP-903); -1n when none. */
  readonly brokerEpoch: bigint;
}

const NEVER = Number.NEGATIVE_INFINITY;

/**
 * The state a new leader starts from. ISR members count as caught up "now"
 * so that becoming leader does not shrink the ISR at once; the others as
 * never caught up. Positions are unknown (-1n) in both cases: a follower's
 * position only counts once it has fetched from this leader, after the
 * divergence check (otherwise a follower with a stale tail could advance
 * the high watermark over records the leader does not have).
 */
export function initialFollowerState(inIsr: boolean, nowMs: number, leaderLogEndOffset: bigint): FollowerState {
  return {
    logEndOffset: -1n,
    logStartOffset: -1n,
    lastCaughtUpTimeMs: inIsr ? nowMs : NEVER,
    lastFetchTimeMs: inIsr ? nowMs : NEVER,
    lastFetchLeaderLogEndOffset: inIsr ? leaderLogEndOffset : -1n,
    brokerEpoch: -1n,
  };
}

/**
 * A fetch at `fetchOffset` arrived (Kafka's ReplicaState.updateFetchState):
 * the follower has everything below it. It was caught up now if it asked
 * for the leader's log end; it was caught up at its previous fetch if it
 * now has what the leader had back then (with steady produce a follower
 * never reaches the moving log end, but it does reach the previous one).
 */
export function recordFetch(
  state: FollowerState,
  fetchOffset: bigint,
  leaderLogEndOffset: bigint,
  nowMs: number,
  brokerEpoch: bigint,
  logStartOffset: bigint = state.logStartOffset,
): FollowerState {
  let caughtUp = state.lastCaughtUpTimeMs;
  if (fetchOffset >= leaderLogEndOffset) caughtUp = Math.max(caughtUp, nowMs);
  else if (fetchOffset >= state.lastFetchLeaderLogEndOffset) caughtUp = Math.max(caughtUp, state.lastFetchTimeMs);
  return {
    logEndOffset: fetchOffset,
    logStartOffset,
    lastCaughtUpTimeMs: caughtUp,
    lastFetchTimeMs: nowMs,
    lastFetchLeaderLogEndOffset: leaderLogEndOffset,
    brokerEpoch,
  };
}

/** Kafka's isCaughtUp: at the leader's end, or caught up within the allowed lag. */
export function isCaughtUp(state: FollowerState, leaderLogEndOffset: bigint, nowMs: number, replicaLagTimeMaxMs: number): boolean {
  return state.logEndOffset >= leaderLogEndOffset || nowMs - state.lastCaughtUpTimeMs <= replicaLagTimeMaxMs;
}

/**
 * Whether the follower has sent a fetch within the last `silenceMaxMs`
 * (issue 10): one that has not is dead or cut off from this leader, so it
 * neither holds the high watermark as a rejoining replica nor rejoins the
 * ISR, and it leaves the ISR when a write waits for it (isr-decision.ts).
 */
export function fetchedWithin(state: FollowerState, nowMs: number, silenceMaxMs: number): boolean {
  return nowMs - state.lastFetchTimeMs <= silenceMaxMs;
}

/**
 * Kafka's Partition.lowWatermarkIfLeader: the smallest log start offset of
 * the leader and every follower on a live broker — what a DeleteRecords
 * answer reports, and waits on. A live follower that has not fetched in
 * this leader epoch counts as -1 (unknown), so the answer waits for it.
 */
export function lowWatermark(leaderLogStartOffset: bigint, followers: ReadonlyMap<number, FollowerState>, isLive: (id: number) => boolean): bigint {
  let low = leaderLogStartOffset;
  for (const [id, state] of followers) {
    if (isLive(id) && state.logStartOffset < low) low = state.logStartOffset;
  }
  return low;
}
