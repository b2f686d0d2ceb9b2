/**
 * Broker heartbeat sessions on the active controller (KRaft's
 * BrokerHeartbeatManager). Sessions are volatile: they are not in the log.
 * A newly active controller cannot know when brokers last heard from its
 * predecessor, nor how long they need to find it: each broker first spends
 * its current heartbeat on the old controller, then learns the new one from
 * the quorum. So on takeover every registered broker gets a fresh session
 * plus a grace, and no session expires before the grace ends (the family of
 * KAFKA-15019: fencing healthy brokers because the controller moved) —
 * except the predecessor's own broker, see `takeoverSessions`. Pure: time is
 * passed in.
 */
export interface BrokerSession {
  /** Monotonic ms of the last heartbeat (or of the session's start). */
  lastContactMs: number;
  /** Metadata offset the broker reported last; -1 before its first heartbeat. */
  metadataOffset: number;
  /** The session does not expire before this (monotonic ms): the takeover grace. */
  graceUntilMs: number;
}

/** The voter whose Raft leadership this controller took over, as this node last heard it. */
export interface Predecessor {
  /** Its node id, which is also its broker's id in combined mode. */
  readonly nodeId: number;
  /** Monotonic ms when the last Raft message from it reached this node. */
  readonly lastHeardMs: number;
}

export interface SessionTiming {
  /** broker.session.timeout.ms */
  readonly sessionTimeoutMs: number;
  /** broker.heartbeat.interval.ms */
  readonly heartbeatIntervalMs: number;
}

/**
 * The sessions a newly active controller starts with.
 *
 * Every broker gets a fresh session that does not expire before one session
 * plus one heartbeat interval (KAFKA-15019): its heartbeats may still be
 * going to the old controller, and it learns of the new one only from the
 * metadata log.
 *
 * The predecessor's broker (combined mode: the old active controller is also
 * a broker) is the exception. This node was elected because it — and, with
 * PreVote and CheckQuorum, a majority of voters — heard nothing from the
 * predecessor for an election timeout, and node and broker share one process
 * and one listener: the Raft silence is the broker's silence. So its session
 * is taken to have started when its last Raft message arrived, not at the
 * takeover: it expires once that silence reaches a session, as it would have
 * under a controller that never moved. A predecessor that is alive after all
 * (it stalled, or handed leadership over) has at least one heartbeat
 * interval after the takeover to reach this controller; its Raft node
 * learns of the new leader within one Raft heartbeat, and its broker
 * heartbeats at once when the metadata log names a new controller. Without
 * this, kill -9 of a node that is both the active controller and a
 * partition leader left the partition unwritable for the election plus a
 * whole extra session.
 */
export function takeoverSessions(
  brokerIds: readonly number[],
  nowMs: number,
  timing: SessionTiming,
  predecessor?: Predecessor,
): Map<number, BrokerSession> {
  const sessions = new Map<number, BrokerSession>();
  for (const id of brokerIds) {
    if (predecessor !== undefined && id === predecessor.nodeId) {
      sessions.set(id, { lastContactMs: Math.min(predecessor.lastHeardMs, nowMs), metadataOffset: -1, graceUntilMs: nowMs + timing.heartbeatIntervalMs });
    } else {
      sessions.set(id, { lastContactMs: nowMs, metadataOffset: -1, graceUntilMs: nowMs + timing.sessionTimeoutMs + timing.heartbeatIntervalMs });
    }
  }
  return sessions;
}

/**
 * How often the active controller looks for expired sessions, and how late a
 * look may come before the controller takes the delay for its own stall.
 * A tenth of the session (10–100 ms): a silent broker is fenced at most that
 * long after its session ends, and the check is a scan of a few brokers. The
 * stall threshold is a quarter of the session (at least one interval): on a
 * busy machine timers run tens of ms late all the time, and forgiving each
 * of those would put off fencing a dead broker again and again.
 */
export function sessionCheckTiming(sessionTimeoutMs: number): { intervalMs: number; stallMs: number } {
  const intervalMs = Math.max(10, Math.min(100, Math.floor(sessionTimeoutMs / 10)));
  return { intervalMs, stallMs: Math.max(intervalMs, Math.floor(sessionTimeoutMs / 4)) };
}

export class BrokerSessions {
  private readonly sessions = new Map<number, BrokerSession>();

  constructor(readonly sessionTimeoutMs: number) {}

  touch(brokerId: number, nowMs: number, metadataOffset?: number): void {
    const s = this.sessions.get(brokerId);
    this.sessions.set(brokerId, {
      lastContactMs: nowMs,
      metadataOffset: metadataOffset ?? s?.metadataOffset ?? -1,
      graceUntilMs: s?.graceUntilMs ?? -Infinity,
    });
  }

  /** What a new active controller starts with (see takeoverSessions). */
  resetAll(sessions: ReadonlyMap<number, BrokerSession>): void {
    this.sessions.clear();
    for (const [id, s] of sessions) this.sessions.set(id, { ...s });
  }

  clear(): void {
    this.sessions.clear();
  }

  /**
   * The controller itself was stalled for `stallMs` (a long GC pause, a
   * blocked event loop): heartbeats that arrived meanwhile are still queued
   * behind the expiry check, so every session gets the stalled time back
   * instead of being fenced for the controller's own silence.
   */
  forgive(stallMs: number): void {
    if (stallMs <= 0) return;
    for (const s of this.sessions.values()) {
      s.lastContactMs += stallMs;
      s.graceUntilMs += stallMs;
    }
  }

  get(brokerId: number): BrokerSession | undefined {
    return this.sessions.get(brokerId);
  }

  hasLiveSession(brokerId: number, nowMs: number): boolean {
    const s = this.sessions.get(brokerId);
    return s !== undefined && (nowMs < s.graceUntilMs || nowMs - s.lastContactMs < this.sessionTimeoutMs);
  }

  /** When the session of `brokerId` ends if no heartbeat comes (monotonic ms); undefined without a session. */
  expiresAtMs(brokerId: number): number | undefined {
    const s = this.sessions.get(brokerId);
    return s === undefined ? undefined : Math.max(s.graceUntilMs, s.lastContactMs + this.sessionTimeoutMs);
  }

  /** Among `candidates` (the unfenced brokers), those whose session has expired. */
  expired(candidates: readonly number[], nowMs: number): number[] {
    return candidates.filter((id) => !this.hasLiveSession(id, nowMs));
  }
}
