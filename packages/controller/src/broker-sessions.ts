/**
 * Broker heartbeat sessions on the active controller (KRaft's
 * BrokerHeartbeatManager). Sessions are volatile: they are not in the log,
 * and a newly active controller starts every registered broker with a fresh
 * session, since it cannot know when they last heard from its predecessor.
 * Pure: time is passed in.
 */
export interface BrokerSession {
  /** Monotonic ms of the last heartbeat (or of the session's start). */
  lastContactMs: number;
  /** Metadata offset the broker reported last; -1 before its first heartbeat. */
  metadataOffset: number;
}

export class BrokerSessions {
  private readonly sessions = new Map<number, BrokerSession>();

  constructor(readonly sessionTimeoutMs: number) {}

  touch(brokerId: number, nowMs: number, metadataOffset?: number): void {
    const s = this.sessions.get(brokerId);
    this.sessions.set(brokerId, { lastContactMs: nowMs, metadataOffset: metadataOffset ?? s?.metadataOffset ?? -1 });
  }

  /** A fresh session for each broker, as a new active controller gives. */
  resetAll(brokerIds: readonly number[], nowMs: number): void {
    this.sessions.clear();
    for (const id of brokerIds) this.sessions.set(id, { lastContactMs: nowMs, metadataOffset: -1 });
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
    for (const s of this.sessions.values()) s.lastContactMs += stallMs;
  }

  get(brokerId: number): BrokerSession | undefined {
    return this.sessions.get(brokerId);
  }

  hasLiveSession(brokerId: number, nowMs: number): boolean {
    const s = this.sessions.get(brokerId);
    return s !== undefined && nowMs - s.lastContactMs < this.sessionTimeoutMs;
  }

  /** Among `candidates` (the unfenced brokers), those whose session has expired. */
  expired(candidates: readonly number[], nowMs: number): number[] {
    return candidates.filter((id) => !this.hasLiveSession(id, nowMs));
  }
}
