/**
 * Broker heartbeat sessions on the active controller (KRaft's
 * BrokerHeartbeatManager). Sessions are volatile: they are not in the log.
 * A newly active controller cannot know when brokers last heard from its
 * predecessor, nor how long they need to find it: each broker first spends
 * its current heartbeat on the old controller, then learns the new one from
 * the quorum. So on takeover every registered broker gets a fresh session
 * plus a grace (`resetAll`), and no session expires before the grace ends
 * (the family of KAFKA-15019: fencing healthy brokers because the
 * controller moved). Pure: time is passed in.
 */
export interface BrokerSession {
  /** Monotonic ms of the last heartbeat (or of the session's start). */
  lastContactMs: number;
  /** Metadata offset the broker reported last; -1 before its first heartbeat. */
  metadataOffset: number;
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
  /** No session expires before this (monotonic ms): the takeover grace. */
  private graceUntilMs = -Infinity;

  constructor(readonly sessionTimeoutMs: number) {}

  touch(brokerId: number, nowMs: number, metadataOffset?: number): void {
    const s = this.sessions.get(brokerId);
    this.sessions.set(brokerId, { lastContactMs: nowMs, metadataOffset: metadataOffset ?? s?.metadataOffset ?? -1 });
  }

  /**
   * What a new active controller gives: a fresh session for each broker,
   * none of which expires before `nowMs + graceMs` (at least one session).
   */
  resetAll(brokerIds: readonly number[], nowMs: number, graceMs = this.sessionTimeoutMs): void {
    this.sessions.clear();
    for (const id of brokerIds) this.sessions.set(id, { lastContactMs: nowMs, metadataOffset: -1 });
    this.graceUntilMs = nowMs + Math.max(graceMs, this.sessionTimeoutMs);
  }

  clear(): void {
    this.sessions.clear();
    this.graceUntilMs = -Infinity;
  }

  /**
   * The controller itself was stalled for `stallMs` (a long GC pause, a
   * blocked event loop): heartbeats that arrived meanwhile are still queued
   * behind the expiry check, so every session gets the stalled time back
   * instead of being fenced for the controller's own silence.
   */
  forgive(stallMs: number): void {
    if (stallMs <= 0) return;
    for (const s of this.sessions.values()) s.lastContactMs += stallMs;
    this.graceUntilMs += stallMs;
  }

  get(brokerId: number): BrokerSession | undefined {
    return this.sessions.get(brokerId);
  }

  hasLiveSession(brokerId: number, nowMs: number): boolean {
    const s = this.sessions.get(brokerId);
    return s !== undefined && (nowMs < this.graceUntilMs || nowMs - s.lastContactMs < this.sessionTimeoutMs);
  }

  /** Among `candidates` (the unfenced brokers), those whose session has expired. */
  expired(candidates: readonly number[], nowMs: number): number[] {
    return candidates.filter((id) => !this.hasLiveSession(id, nowMs));
  }
}
