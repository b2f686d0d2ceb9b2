/**
 * The failure-detection defaults, defined once: the node's config keys
 * (`broker.session.timeout.ms`, `broker.heartbeat.interval.ms`,
 * `controller.quorum.election.timeout.ms`, `controller.quorum.tick.interval.ms`)
 * and the controller and broker packages' constructor defaults all read
 * them here, so a library user gets what a `gregor-node` gets. Why these
 * values and what each costs: docs/DESIGN.md, "Failure detection defaults".
 */
export const FAILURE_DETECTION_DEFAULTS = {
  /** broker.session.timeout.ms (KRaft: 9000): a broker silent this long is fenced. */
  brokerSessionTimeoutMs: 750,
  /** broker.heartbeat.interval.ms (KRaft: 2000): six heartbeats per session. */
  brokerHeartbeatIntervalMs: 125,
  /** controller.quorum.election.timeout.ms (KRaft: 1000): each wait drawn from [T, 2T). */
  controllerElectionTimeoutMs: 500,
  /** controller.quorum.tick.interval.ms: the Raft tick and heartbeat; ten per election timeout. */
  controllerTickIntervalMs: 50,
} as const;
