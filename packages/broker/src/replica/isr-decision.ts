import { isCaughtUp, type FollowerState } from './follower-state';

export interface IsrInput {
  selfId: number;
  replicas: readonly number[];
  /** The committed ISR. */
  isr: readonly number[];
  followers: ReadonlyMap<number, FollowerState>;
  /** Unfenced and, when both sides know it, with the broker epoch metadata holds (KIP-903). */
  isEligible: (replicaId: number, brokerEpoch: bigint) => boolean;
  leaderLogEndOffset: bigint;
  highWatermark: bigint;
  leaderEpochStartOffset: bigint;
  /**
   * Since when (monotonic ms) the leader has had records above its high
   * watermark, i.e. records some ISR member has not confirmed; undefined
   * while it has none.
   */
  uncommittedSinceMs: number | undefined;
  nowMs: number;
  replicaLagTimeMaxMs: number;
}

export type IsrChange =
  | { kind: 'shrink'; isr: number[]; removed: number[] }
  | { kind: 'expand'; isr: number[]; added: number[] };

/**
 * What the leader should ask the controller for, if anything. Shrinking
 * comes first: an ISR member that has not been caught up for
 * `replicaLagTimeMaxMs` holds every acks=all write hostage (Kafka's
 * maybeShrinkIsr) — but only once there is something to hold: a follower
 * is removed only when the leader has had records above the high watermark
 * for longer than `replicaLagTimeMaxMs`. No ISR member can lag longer than
 * the oldest record it may lack, so the lag clock starts with that record,
 * not with the leadership. This is what keeps a new partition's ISR whole
 * while its followers are still creating their replicas (a broker applying
 * thousands of new partitions takes seconds to reach the last one, and
 * they used to be dropped and re-added in the meantime); a dead follower
 * leaves every ISR when it is fenced, idle partitions included. Otherwise, replicas outside the ISR whose log reaches
 * both the high watermark and the start of the current leader epoch — so
 * they hold every committed record and have truncated any stale tail — and
 * that are eligible join it (Kafka's isFollowerInSync). The new ISR keeps
 * assignment order. The leader never removes itself.
 */
export function decideIsrChange(input: IsrInput): IsrChange | undefined {
  const follower = (id: number): FollowerState | undefined => input.followers.get(id);
  const somethingWaitedTooLong = input.uncommittedSinceMs !== undefined && input.nowMs - input.uncommittedSinceMs > input.replicaLagTimeMaxMs;
  const removed = input.isr.filter((id) => {
    if (id === input.selfId) return false;
    const f = follower(id);
    return f === undefined || (somethingWaitedTooLong && !isCaughtUp(f, input.leaderLogEndOffset, input.nowMs, input.replicaLagTimeMaxMs));
  });
  if (removed.length > 0) {
    return { kind: 'shrink', isr: input.isr.filter((id) => !removed.includes(id)), removed };
  }
  const added = input.replicas.filter((id) => {
    if (id === input.selfId || input.isr.includes(id)) return false;
    const f = follower(id);
    return (
      f !== undefined &&
      f.logEndOffset >= 0n &&
      f.logEndOffset >= input.highWatermark &&
      f.logEndOffset >= input.leaderEpochStartOffset &&
      input.isEligible(id, f.brokerEpoch)
    );
  });
  if (added.length === 0) return undefined;
  return { kind: 'expand', isr: input.replicas.filter((id) => input.isr.includes(id) || added.includes(id)), added };
}

/**
 * When the leader should look at its ISRs next: Kafka's cadence, every
 * `replicaLagTimeMaxMs / 2` (at least 50 ms) — but no later than the moment
 * a write that is waiting now has waited `replicaLagTimeMaxMs` (the shrink
 * rule above is strict, hence + 1; never sooner than 50 ms). At Kafka's cadence alone a follower
 * that stopped fetching held acks=all writes for up to half as long again
 * (a one-way cut from it to the leader: 5–7.5 s instead of 5). Deadlines
 * already passed do not count (the check that just ran has seen them), so
 * a shrink that is slow to commit does not make the checks spin.
 * `uncommittedSinceMs`: each led partition's lag clock (undefined: nothing
 * waits).
 */
export function nextIsrCheckDelayMs(nowMs: number, uncommittedSinceMs: Iterable<number | undefined>, replicaLagTimeMaxMs: number): number {
  const cadenceMs = Math.max(MIN_ISR_CHECK_DELAY_MS, Math.floor(replicaLagTimeMaxMs / 2));
  let delay = cadenceMs;
  for (const since of uncommittedSinceMs) {
    if (since === undefined) continue;
    const dueInMs = since + replicaLagTimeMaxMs + 1 - nowMs;
    if (dueInMs > 0) delay = Math.min(delay, Math.max(MIN_ISR_CHECK_DELAY_MS, Math.ceil(dueInMs)));
  }
  return delay;
}

/** No two ISR checks closer than this (each scans every led partition). */
const MIN_ISR_CHECK_DELAY_MS = 50;
