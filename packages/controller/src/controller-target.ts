/**
 * Which voter a ControllerClient asks next: a pure decision over what the
 * client has learnt, so that the rules are tested without sockets or time.
 *
 * What the client knows, freshest news first:
 * - the quorum's word: the active controller named by the latest
 *   leader-change record of the local metadata log (or the co-located Raft
 *   node). A *change* of it is news and replaces the guess — a broker must
 *   not keep heartbeating a controller the quorum has moved away from;
 * - the guess: who answered last, or whom a NOT_CONTROLLER answer named;
 * - voters that just failed at the transport (unreachable, timed out): they
 *   are skipped for a cool-off, so a stale guess or hint — a dead old
 *   controller that the surviving voters still name before they elect
 *   another — is not asked again and again while a live voter could answer.
 *   The cool-off ends early when the quorum's word and another voter's
 *   hint agree on the voter: then it is most likely slow, not gone (an
 *   overloaded controller, the broker's own co-located one included), and
 *   asking anyone else cannot help — it costs one detour per timeout.
 */

export interface TargetState {
  /** Who the client will ask first, if it is not cooling off. */
  guess: number | undefined;
  /** The quorum's word when last looked at (-1 unknown). */
  quorumLeader: number;
  /** Voter id → monotonic ms until which it is skipped. */
  readonly coolingUntilMs: Map<number, number>;
  /** Round-robin position for when nobody is known. */
  cursor: number;
}

export function initialTargetState(): TargetState {
  return { guess: undefined, quorumLeader: -1, coolingUntilMs: new Map(), cursor: 0 };
}

/**
 * Takes in the quorum's word (`quorumLeader`, -1 unknown) and picks the
 * voter to ask now; mutates `state` (guess, cursor, expired cool-offs).
 */
export function chooseTarget(state: TargetState, voterIds: readonly number[], quorumLeader: number, nowMs: number): number {
  if (quorumLeader !== state.quorumLeader) {
    state.quorumLeader = quorumLeader;
    if (quorumLeader >= 0 && voterIds.includes(quorumLeader)) {
      state.guess = quorumLeader;
      state.coolingUntilMs.delete(quorumLeader);
    }
  }
  for (const [id, until] of state.coolingUntilMs) if (until <= nowMs) state.coolingUntilMs.delete(id);
  const usable = (id: number): boolean => !state.coolingUntilMs.has(id);
  if (state.guess !== undefined && usable(state.guess)) return state.guess;
  for (let i = 0; i < voterIds.length; i++) {
    const id = voterIds[state.cursor % voterIds.length]!;
    state.cursor++;
    if (usable(id)) return id;
  }
  // Everyone is cooling off: the one whose cool-off ends first.
  let best = voterIds[0]!;
  for (const id of voterIds) if ((state.coolingUntilMs.get(id) ?? 0) < (state.coolingUntilMs.get(best) ?? 0)) best = id;
  return best;
}

/** `target` answered as the active controller. */
export function answered(state: TargetState, target: number): void {
  state.guess = target;
  state.coolingUntilMs.delete(target);
}

/**
 * A voter answered NOT_CONTROLLER naming `hint` (-1 or undefined: nobody).
 * A voter naming itself is the elected leader that has not yet applied its
 * own leader-change record: it stays the guess (it is active in a moment).
 * A hint that agrees with the quorum's word lifts that voter's cool-off.
 */
export function redirected(state: TargetState, hint: number | undefined): void {
  state.guess = hint !== undefined && hint >= 0 ? hint : undefined;
  if (state.guess !== undefined && state.guess === state.quorumLeader) state.coolingUntilMs.delete(state.guess);
}

/** `target` did not answer (connection refused, reset or timed out): skip it for `coolOffMs`. */
export function unreachable(state: TargetState, target: number, nowMs: number, coolOffMs: number): void {
  if (state.guess === target) state.guess = undefined;
  state.coolingUntilMs.set(target, nowMs + coolOffMs);
}
