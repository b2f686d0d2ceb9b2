/**
 * What /readyz, the gRPC health service and gregor_node_ready decide from.
 * Gathered from the node's parts at the moment of the check; the decision
 * itself is the pure function below.
 */
export interface ReadinessInput {
  /**
   * The start-up step under way, until startNode has brought every role up;
   * undefined once it has. The HTTP listener opens before the quorum, storage
   * and broker, so /readyz answers (503) during a start-up that waits on a
   * quorum or recovers a large log.
   */
  starting: string | undefined;
  stopping: boolean;
  /** undefined: this node runs no broker (controller-only). */
  broker: { serving: boolean } | undefined;
  /** undefined: single-node mode (local metadata file), nothing more to check. */
  quorum:
    | {
        /** Broker epoch of this broker's registration; -1 before it registered. */
        brokerEpoch: number;
        /** The local metadata image shows this registration unfenced. */
        unfencedLocally: boolean;
        /** The active controller's last heartbeat answer. */
        heartbeat: { ageMs: number; isFenced: boolean; isCaughtUp: boolean } | undefined;
        /** broker.session.timeout.ms: older answers say nothing about now. */
        sessionTimeoutMs: number;
      }
    | undefined;
  /** On a controller-only node: whether a Raft leader is known. */
  controllerLeaderKnown: boolean | undefined;
}

export interface Readiness {
  ready: boolean;
  /** Why not, one short reason each (shown by /readyz). */
  reasons: string[];
}

/**
 * Ready = started, serving, and with a quorum: registered, unfenced both in the local
 * image and in the controller's latest heartbeat answer, caught up with the
 * metadata log (the controller's judgement in that answer), and that answer
 * recent (within the session timeout: a broker cut off from the controller
 * is about to be fenced, so it stops claiming readiness first).
 */
export function decideReadiness(i: ReadinessInput): Readiness {
  const reasons: string[] = [];
  if (i.starting !== undefined) reasons.push(`starting: ${i.starting}`);
  if (i.stopping) reasons.push('stopping');
  if (i.broker !== undefined && !i.broker.serving) reasons.push('broker not serving yet');
  const q = i.quorum;
  if (q !== undefined) {
    if (q.brokerEpoch < 0) reasons.push('not registered with the controller');
    else {
      if (!q.unfencedLocally) reasons.push('fenced in the local metadata image');
      const hb = q.heartbeat;
      // Before the first answer arrives, an unfenced registration in the
      // image is the controller's word: it unfences only caught-up brokers.
      if (hb === undefined) {
        if (!q.unfencedLocally) reasons.push('no heartbeat answer from the active controller yet');
      } else {
        if (hb.ageMs > q.sessionTimeoutMs) reasons.push(`last heartbeat answer is ${Math.round(hb.ageMs)} ms old`);
        if (hb.isFenced) reasons.push('the active controller reports this broker fenced');
        if (!hb.isCaughtUp) reasons.push('not caught up with the metadata log');
      }
    }
  }
  if (i.controllerLeaderKnown === false) reasons.push('no controller quorum leader known');
  return { ready: reasons.length === 0, reasons };
}
