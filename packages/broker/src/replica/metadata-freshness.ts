/**
 * Whether this broker's metadata image is known to be stale (issue 10), so
 * that it names no leader for partitions it does not lead itself
 * (LEADER_NOT_AVAILABLE, COORDINATOR_NOT_AVAILABLE) instead of the leaders
 * of an image the cluster has moved on from: clients then ask another
 * broker. Pure: the ReplicaManager's FreshnessWatch samples and acts.
 *
 * Known stale, either:
 * - behind: the image has not reached an offset that the active
 *   controller reported (in a heartbeat answer) a whole session ago. In
 *   normal running an image is a few ms behind the controller's; one that
 *   stays behind for a session is not receiving the log (the controller's
 *   connections to this node fail while this node's to it work), or is
 *   catching up after a cut;
 * - leaderless: no active controller known for a whole session — the
 *   co-located Raft voter has lost its leader, or a broker-only node's
 *   fetches went unanswered, and no heartbeat answer came meanwhile (an
 *   isolated node; the metadata source decides what "known" means). A
 *   controller election takes well under a session, so a healthy cluster
 *   electing a new controller does not make every broker stale.
 *
 * A broker that stalls (GC, a blocked event loop) may look behind for a
 * moment after the stall; it then names fewer leaders, never wrong ones.
 */
export interface FreshnessSample {
  /** Monotonic ms. */
  nowMs: number;
  /** The offset the local image has applied. */
  appliedOffset: number;
  /** The active controller's offset in its last heartbeat answer, and when (monotonic ms) that arrived; undefined before one. */
  controllerOffset: { offset: number; atMs: number } | undefined;
  /** The active controller the local metadata knows; -1 when none. */
  controllerId: number;
}

export interface FreshnessState {
  /** The first controller offset the image has not reached yet, and when the controller reported it. */
  behind: { offset: number; sinceMs: number } | undefined;
  /** Since when no active controller is known; undefined while one is. */
  leaderlessSinceMs: number | undefined;
  stale: boolean;
}

export const FRESH: FreshnessState = { behind: undefined, leaderlessSinceMs: undefined, stale: false };

export type FreshnessEvent =
  | { kind: 'stale'; why: 'behind'; appliedOffset: number; controllerOffset: number; forMs: number }
  | { kind: 'stale'; why: 'leaderless'; forMs: number }
  | { kind: 'fresh' };

/** One step: folds the sample in and says when the image became known stale, or fresh again (one event per transition). */
export function observeFreshness(state: FreshnessState, sample: FreshnessSample, sessionTimeoutMs: number): { state: FreshnessState; event?: FreshnessEvent } {
  let behind = state.behind !== undefined && sample.appliedOffset < state.behind.offset ? state.behind : undefined;
  const reported = sample.controllerOffset;
  if (behind === undefined && reported !== undefined && reported.offset > sample.appliedOffset) behind = { offset: reported.offset, sinceMs: reported.atMs };
  const leaderlessSinceMs = sample.controllerId >= 0 ? undefined : (state.leaderlessSinceMs ?? sample.nowMs);
  const behindForMs = behind === undefined ? -1 : sample.nowMs - behind.sinceMs;
  const leaderlessForMs = leaderlessSinceMs === undefined ? -1 : sample.nowMs - leaderlessSinceMs;
  const stale = behindForMs >= sessionTimeoutMs || leaderlessForMs >= sessionTimeoutMs;
  const next: FreshnessState = { behind, leaderlessSinceMs, stale };
  if (stale && !state.stale) {
    const event: FreshnessEvent =
      behindForMs >= sessionTimeoutMs
        ? { kind: 'stale', why: 'behind', appliedOffset: sample.appliedOffset, controllerOffset: behind!.offset, forMs: behindForMs }
        : { kind: 'stale', why: 'leaderless', forMs: leaderlessForMs };
    return { state: next, event };
  }
  if (!stale && state.stale) return { state: next, event: { kind: 'fresh' } };
  return { state: next };
}
