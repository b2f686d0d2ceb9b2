/**
 * When a broker fetches the metadata log from the active controller itself
 * (issue 10), rather than waiting for its usual path: the co-located Raft
 * voter (combined mode) or the voter its MetadataFollower polls.
 *
 * Raft reaches a voter only over the leader's connections (messages are
 * pushed, etcd-style). When those fail while the broker's own connection to
 * the controller works — a one-way cut — the broker's heartbeats are
 * answered, so it is never fenced, but its image stops: an ISR shrink it
 * asked for (AlterPartition) is committed and never seen, and its partitions
 * stay unwritable for the whole cut. KRaft avoids this because observers and
 * voters fetch the log over connections they open. Here the broker does so
 * only when the usual path is late: the heartbeat answer says how far the
 * active controller has applied, and an image that has not reached such an
 * offset `lagMs` after it was reported is not being fed. From then on it
 * pulls whenever an answer shows more, until a fetch finds nothing the usual
 * path had not already brought (it works again). Pure: the
 * ControllerMetadataSource samples on each heartbeat answer and fetches.
 *
 * `lagMs` is a third of the broker session: in a healthy cluster an image is
 * a few ms behind the controller (the leader sends a new commit index at
 * once, and Raft heartbeats come every tick), so a fetch at that lag is
 * rare and cheap (one FetchMetadata of what is missing); and it comes well
 * within the session, so a broker that can reach the controller catches up
 * before it would be taken for stale (metadata-freshness in the broker).
 */

export interface CatchUpState {
  /** The first offset the controller reported that the image has not reached, and when (monotonic ms) it was reported. */
  behind: { offset: number; sinceMs: number } | undefined;
  /** The usual path is known not to deliver: fetch on every answer that shows more. */
  pulling: boolean;
  /** The image's offset after the last fetch that applied something (-1 none). */
  fetchedTo: number;
}

export const CAUGHT_UP: CatchUpState = { behind: undefined, pulling: false, fetchedTo: -1 };

export interface CatchUpSample {
  /** Monotonic ms. */
  nowMs: number;
  /** The offset the local image has applied. */
  appliedOffset: number;
  /** The active controller's applied offset in its latest heartbeat answer, and when (monotonic ms) it arrived. */
  reported: { offset: number; atMs: number } | undefined;
}

/** Transitions worth a log line: the broker started fetching the log itself, or its usual path delivers again. */
export type CatchUpEvent = 'pulling' | 'fed-again';

/** Catch-up lag for a broker session: a third of it (see above), at least 1 ms. */
export function catchUpLagMs(sessionTimeoutMs: number): number {
  return Math.max(1, Math.floor(sessionTimeoutMs / 3));
}

/**
 * Folds one sample in. `fetch`: fetch the missing entries from the active
 * controller now. The image moves only by the usual path or by this
 * broker's fetches, so an image past what the last fetch brought was fed by
 * the usual path: pulling ends ('fed-again').
 */
export function observeCatchUp(state: CatchUpState, sample: CatchUpSample, lagMs: number): { state: CatchUpState; fetch: boolean; event?: CatchUpEvent } {
  let behind = state.behind !== undefined && sample.appliedOffset < state.behind.offset ? state.behind : undefined;
  const r = sample.reported;
  const ahead = r !== undefined && r.offset > sample.appliedOffset;
  if (behind === undefined && ahead) behind = { offset: r.offset, sinceMs: r.atMs };
  const fedAgain = state.pulling && sample.appliedOffset > state.fetchedTo;
  const pulling = state.pulling && !fedAgain;
  const next: CatchUpState = { behind, pulling, fetchedTo: state.fetchedTo };
  const fetch = behind !== undefined && ((pulling && ahead) || sample.nowMs - behind.sinceMs >= lagMs);
  return fedAgain ? { state: next, fetch, event: 'fed-again' } : { state: next, fetch };
}

/**
 * After a fetch that applied `applied` steps (a snapshot counts as one),
 * leaving the image at `appliedOffset`. A fetch that brought something the
 * usual path had not starts (or continues) pulling; one that brought
 * nothing means the usual path had delivered it first.
 */
export function afterCatchUpFetch(state: CatchUpState, applied: number, appliedOffset: number): { state: CatchUpState; event?: CatchUpEvent } {
  if (applied > 0) {
    const next: CatchUpState = { ...state, pulling: true, fetchedTo: appliedOffset };
    return state.pulling ? { state: next } : { state: next, event: 'pulling' };
  }
  const next: CatchUpState = { ...state, pulling: false };
  return state.pulling ? { state: next, event: 'fed-again' } : { state: next };
}
