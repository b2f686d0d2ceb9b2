/**
 * Whether this broker is still in touch with the controller quorum, decided
 * from samples of what its metadata source knows (issue 10). A broker cut
 * off from the quorum for `broker.session.timeout.ms` has been fenced by the
 * active controller, which has moved its leaderships elsewhere; it must stop
 * claiming them, or clients that can still reach it wait on it for the whole
 * cut. Pure: the ReplicaManager's QuorumWatch samples and acts.
 *
 * Evidence of contact:
 * - an answer of the active controller to this broker's heartbeat that does
 *   not say it is fenced (a "fenced" answer means the controller has already
 *   taken its leaderships away);
 * - learning of a newly elected active controller. A new controller gives
 *   every broker a fresh session when it takes over, so the broker counts
 *   its session from then too; without this, a controller election slower
 *   than the session would make every healthy leader step back at once.
 *   Only a change to a known controller counts: an isolated voter loses its
 *   leader (-1) but never learns a new one while it is cut off.
 */
export interface QuorumContactSample {
  /** Monotonic ms. */
  nowMs: number;
  /** Ms since the active controller last answered this broker's heartbeat; undefined before its first answer. */
  heartbeatAnswerAgeMs: number | undefined;
  /** That answer said this broker is fenced. */
  heartbeatAnswerFenced: boolean;
  /** The active controller this broker knows of; -1 when it knows none. */
  controllerId: number;
}

export interface QuorumContactState {
  /** Monotonic ms of the latest evidence of contact (or of the start of watching). */
  lastContactMs: number;
  /** The last known (>= 0) active controller; -1 before one is known. */
  knownControllerId: number;
  /** Contact is lost: no evidence for a whole session. */
  lost: boolean;
}

export type QuorumContactEvent =
  /** `silentMs`: time since the last evidence of contact. */
  | { kind: 'lost'; silentMs: number }
  /** `afterMs`: how long there was no contact. */
  | { kind: 'regained'; afterMs: number };

export function initialQuorumContact(nowMs: number, controllerId: number): QuorumContactState {
  return { lastContactMs: nowMs, knownControllerId: controllerId, lost: false };
}

/** The latest evidence of contact in one sample, as monotonic ms; undefined when it carries none. */
export function contactEvidenceMs(state: QuorumContactState, sample: QuorumContactSample): number | undefined {
  let evidence: number | undefined;
  if (sample.heartbeatAnswerAgeMs !== undefined && !sample.heartbeatAnswerFenced) evidence = sample.nowMs - Math.max(0, sample.heartbeatAnswerAgeMs);
  if (sample.controllerId >= 0 && sample.controllerId !== state.knownControllerId) evidence = sample.nowMs;
  return evidence;
}

/**
 * One step: folds the sample's evidence into the state and says whether
 * contact was lost (no evidence for `sessionTimeoutMs`) or regained (fresh
 * evidence after a loss). Each transition yields exactly one event.
 */
export function observeQuorumContact(
  state: QuorumContactState,
  sample: QuorumContactSample,
  sessionTimeoutMs: number,
): { state: QuorumContactState; event?: QuorumContactEvent } {
  const evidence = contactEvidenceMs(state, sample);
  const lastContactMs = evidence === undefined ? state.lastContactMs : Math.max(state.lastContactMs, evidence);
  const knownControllerId = sample.controllerId >= 0 ? sample.controllerId : state.knownControllerId;
  const silentMs = sample.nowMs - lastContactMs;
  const lost = silentMs >= sessionTimeoutMs;
  const next: QuorumContactState = { lastContactMs, knownControllerId, lost };
  if (lost && !state.lost) return { state: next, event: { kind: 'lost', silentMs } };
  if (!lost && state.lost) return { state: next, event: { kind: 'regained', afterMs: lastContactMs - state.lastContactMs } };
  return { state: next };
}
