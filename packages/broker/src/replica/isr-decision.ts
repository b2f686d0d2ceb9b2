import { fetchedWithin, isCaughtUp, type FollowerState } from './follower-state';

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
  /**
   * `broker.session.timeout.ms`: how long an ISR follower may send no fetch
   * at all while a write waits for it (silentFollowers).
   */
  followerSilenceMaxMs: number;
}

export type IsrChange =
  /** `silent`: the removed followers that sent no fetch for a session (silentFollowers), the rest lagged. */
  | { kind: 'shrink'; isr: number[]; removed: number[]; silent: number[] }
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
 * that are eligible and fetched within a session join it (Kafka's
 * isFollowerInSync; a silent follower must not rejoin on its old position). The new ISR keeps
 * assignment order. The leader never removes itself.
 *
 * A follower that has gone silent (silentFollowers) leaves sooner: after a
 * broker session, not `replicaLagTimeMaxMs`.
 */
export function decideIsrChange(input: IsrInput): IsrChange | undefined {
  const follower = (id: number): FollowerState | undefined => input.followers.get(id);
  const somethingWaitedTooLong = input.uncommittedSinceMs !== undefined && input.nowMs - input.uncommittedSinceMs > input.replicaLagTimeMaxMs;
  const silent = silentFollowers(input);
  const removed = input.isr.filter((id) => {
    if (id === input.selfId) return false;
    const f = follower(id);
    return (
      f === undefined || silent.includes(id) || (somethingWaitedTooLong && !isCaughtUp(f, input.leaderLogEndOffset, input.nowMs, input.replicaLagTimeMaxMs))
    );
  });
  if (removed.length > 0) {
    return { kind: 'shrink', isr: input.isr.filter((id) => !removed.includes(id)), removed, silent: removed.filter((id) => silent.includes(id)) };
  }
  const added = input.replicas.filter((id) => {
    if (id === input.selfId || input.isr.includes(id)) return false;
    const f = follower(id);
    return (
      f !== undefined &&
      f.logEndOffset >= 0n &&
      f.logEndOffset >= input.highWatermark &&
      f.logEndOffset >= input.leaderEpochStartOffset &&
      fetchedWithin(f, input.nowMs, input.followerSilenceMaxMs) &&
      input.isEligible(id, f.brokerEpoch)
    );
  });
  if (added.length === 0) return undefined;
  return { kind: 'expand', isr: input.replicas.filter((id) => input.isr.includes(id) || added.includes(id)), added };
}

/**
 * ISR followers that hold a waiting write and have sent no fetch at all for
 * a broker session (`followerSilenceMaxMs`) while it waited (issue 10). A
 * follower that fetches, however slowly, gets Kafka's `replicaLagTimeMaxMs`
 * to catch up; one that has gone silent is not going to: it is dead or cut
 * off from this leader. The controller takes a dead broker out of every ISR
 * when it fences it, after a session without heartbeats; a follower that
 * still heartbeats but cannot reach this leader (a one-way cut from its
 * node to this one) is never fenced, and held every acks=all write here for
 * `replicaLagTimeMaxMs`. This makes the two cases cost the same.
 *
 * Both clocks must have run a session: the write's (a healthy follower
 * parked in a long poll sends its next fetch as soon as the write wakes
 * it, however long ago its last one arrived) and the follower's silence
 * (under steady writes something always waits). `nowMs` is the leader's
 * stall-free time (stall-free-clock.ts): silence the leader was not awake
 * to hear is not the follower's. The removal is an ordinary ISR shrink
 * through the controller, so it is as safe as Kafka's: the controller
 * commits it only for the current leader and partition epoch, and the high
 * watermark waits for the old ISR until then.
 */
export function silentFollowers(input: IsrInput): number[] {
  const since = input.uncommittedSinceMs;
  if (since === undefined || input.nowMs - since <= input.followerSilenceMaxMs) return [];
  return input.isr.filter((id) => {
    const f = input.followers.get(id);
    return id !== input.selfId && f !== undefined && f.logEndOffset < input.leaderLogEndOffset && !fetchedWithin(f, input.nowMs, input.followerSilenceMaxMs);
  });
}

/**
 * The earliest moment (monotonic ms) a shrink rule above can first hold if
 * no follower fetches again: the waiting write passing `replicaLagTimeMaxMs`,
 * or an ISR follower that lacks it reaching a session of silence while it
 * waits (the rules are strict, hence + 1). Undefined while nothing waits.
 * The result may be in the past (the rule held at the last check and the
 * shrink is in flight or backing off).
 */
export function isrShrinkDueAtMs(input: IsrInput): number | undefined {
  const since = input.uncommittedSinceMs;
  if (since === undefined) return undefined;
  let due = since + input.replicaLagTimeMaxMs + 1;
  for (const id of input.isr) {
    const f = input.followers.get(id);
    if (id === input.selfId || f === undefined || f.logEndOffset >= input.leaderLogEndOffset) continue;
    due = Math.min(due, Math.max(since, f.lastFetchTimeMs) + input.followerSilenceMaxMs + 1);
  }
  return due;
}

/**
 * When the leader should look at its ISRs next: Kafka's cadence, every
 * `replicaLagTimeMaxMs / 2` (at least 50 ms) — but no later than the first
 * moment a shrink rule can hold for a partition (`dueAtMs`, from
 * isrShrinkDueAtMs; never sooner than 50 ms). At Kafka's cadence alone a
 * follower that stopped fetching held acks=all writes for up to half as
 * long again (a one-way cut from it to the leader: 5–7.5 s instead of 5),
 * and a silent one for seconds instead of a session. Moments already passed
 * do not count (the check that just ran has seen them), so a shrink that is
 * slow to commit does not make the checks spin.
 */
export function nextIsrCheckDelayMs(nowMs: number, dueAtMs: Iterable<number | undefined>, replicaLagTimeMaxMs: number): number {
  const cadenceMs = Math.max(MIN_ISR_CHECK_DELAY_MS, Math.floor(replicaLagTimeMaxMs / 2));
  let delay = cadenceMs;
  for (const due of dueAtMs) {
    if (due === undefined) continue;
    const dueInMs = due - nowMs;
    if (dueInMs > 0) delay = Math.min(delay, Math.max(MIN_ISR_CHECK_DELAY_MS, Math.ceil(dueInMs)));
  }
  return delay;
}

/** No two ISR checks closer than this (each scans every led partition). */
const MIN_ISR_CHECK_DELAY_MS = 50;
