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
 *
 * Time this broker itself was stalled (no sample for longer than `stallMs`:
 * a GC pause, a blocked event loop) does not count as silence: answers that
 * came meanwhile could not be read yet. The controller forgives its own
 * stalls the same way, so neither side blames the other for its own pause.
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
  /** Monotonic ms of the latest evidence of contact (or of the start of watching), shifted past this broker's own stalls. */
  lastContactMs: number;
  /** Monotonic ms of the previous sample. */
  lastSampleMs: number;
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

export interface QuorumContactTiming {
  /** `broker.session.timeout.ms`. */
  sessionTimeoutMs: number;
  /** A gap between two samples longer than this was a stall of this broker. */
  stallMs: number;
}

export function initialQuorumContact(nowMs: number, controllerId: number): QuorumContactState {
  return { lastContactMs: nowMs, lastSampleMs: nowMs, knownControllerId: controllerId, lost: false };
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
 * contact was lost (no evidence for `sessionTimeoutMs`, not counting this
 * broker's own stalls) or regained (fresh evidence after a loss). Each
 * transition yields exactly one event.
 */
export function observeQuorumContact(
  state: QuorumContactState,
  sample: QuorumContactSample,
  timing: QuorumContactTiming,
): { state: QuorumContactState; event?: QuorumContactEvent } {
  const gapMs = sample.nowMs - state.lastSampleMs;
  // A stall freezes the silence counted so far, rather than adding to it.
  const sinceMs = gapMs > timing.stallMs ? state.lastContactMs + gapMs : state.lastContactMs;
  const evidence = contactEvidenceMs(state, sample);
  const lastContactMs = evidence === undefined ? sinceMs : Math.max(sinceMs, evidence);
  const knownControllerId = sample.controllerId >= 0 ? sample.controllerId : state.knownControllerId;
  const silentMs = sample.nowMs - lastContactMs;
  const lost = silentMs >= timing.sessionTimeoutMs;
  const next: QuorumContactState = { lastContactMs, lastSampleMs: Math.max(state.lastSampleMs, sample.nowMs), knownControllerId, lost };
  if (lost && !state.lost) return { state: next, event: { kind: 'lost', silentMs } };
  if (!lost && state.lost) return { state: next, event: { kind: 'regained', afterMs: lastContactMs - state.lastContactMs } };
  return { state: next };
}

/**
 * While cut off from the quorum, whether this broker may go on leading one
 * partition: only while it has heard a fetch within the session from
 * enough followers to make a majority of the partition's replicas with
 * itself (Raft's check-quorum, per partition). Followers that keep
 * fetching still take it for the leader — the controller has not moved the
 * partition, or they would follow the new leader — so a controller
 * election slower than the session does not make healthy leaders give up.
 * Once the controller moves the partition its followers turn to the new
 * leader, and this broker gives up a session later. With replication
 * factor 1 nobody else can lead the partition, and it keeps it.
 */
export function heardFromReplicaMajority(replicaCount: number, followersHeard: number): boolean {
  return 2 * (followersHeard + 1) > replicaCount;
}
