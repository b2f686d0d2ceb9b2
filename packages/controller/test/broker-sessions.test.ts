import { ManualClock } from '@gregor/common';
import { BrokerSessions, takeoverSessions } from '../src/broker-sessions';

const TIMING = { sessionTimeoutMs: 750, heartbeatIntervalMs: 125 } as const;

describe('BrokerSessions', () => {
  it('expires silent brokers and gives everyone a fresh session on reset', () => {
    const s = new BrokerSessions(1000);
    s.touch(1, 0, 5);
    s.touch(2, 500);
    expect(s.expired([1, 2], 1200)).toEqual([1]);
    expect(s.get(1)!.metadataOffset).toBe(5);
    s.resetAll(takeoverSessions([1, 2, 3], 2000, { sessionTimeoutMs: 1000, heartbeatIntervalMs: 100 }));
    expect(s.expired([1, 2, 3], 3099)).toEqual([]);
    expect(s.hasLiveSession(3, 3100)).toBe(false);
    expect(s.expiresAtMs(3)).toBe(3100);
    expect(s.expiresAtMs(9)).toBeUndefined();
  });

  it('gives the time of a controller stall back to every session, grace included', () => {
    const s = new BrokerSessions(1000);
    s.touch(1, 0);
    s.touch(2, 900);
    // The controller stalled from 100 to 2100: nobody is to blame.
    s.forgive(2000);
    expect(s.expired([1, 2], 2100)).toEqual([]);
    expect(s.expired([1, 2], 3000)).toEqual([1]);
    s.forgive(-5);
    expect(s.get(2)!.lastContactMs).toBe(2900);
    s.resetAll(takeoverSessions([3], 5000, { sessionTimeoutMs: 1000, heartbeatIntervalMs: 100 }));
    s.forgive(500);
    expect(s.expiresAtMs(3)).toBe(6600);
  });
});

describe('takeoverSessions (a newly active controller)', () => {
  it('protects every broker but the predecessor for a session plus a heartbeat interval (KAFKA-15019)', () => {
    const clock = new ManualClock();
    const lastHeard = clock.monotonicMs();
    // The old controller (node 2) died; this node's election took 900 ms of silence.
    const takeover = clock.advance(900);
    const s = new BrokerSessions(TIMING.sessionTimeoutMs);
    s.resetAll(takeoverSessions([1, 2, 3], takeover, TIMING, { nodeId: 2, lastHeardMs: lastHeard }));
    // Its Raft silence is already past a session: one heartbeat interval to show it is alive.
    expect(s.expiresAtMs(2)).toBe(takeover + TIMING.heartbeatIntervalMs);
    expect(s.expired([1, 2, 3], clock.advance(TIMING.heartbeatIntervalMs - 1))).toEqual([]);
    expect(s.expired([1, 2, 3], clock.advance(1))).toEqual([2]);
    // Healthy brokers still spending a heartbeat on the dead controller are safe for the whole grace.
    expect(s.expired([1, 3], takeover + TIMING.sessionTimeoutMs + TIMING.heartbeatIntervalMs - 1)).toEqual([]);
    expect(s.expired([1, 3], takeover + TIMING.sessionTimeoutMs + TIMING.heartbeatIntervalMs)).toEqual([1, 3]);
  });

  it("ends the predecessor's session a session after its last Raft message, when that is later than one interval", () => {
    const clock = new ManualClock();
    const lastHeard = clock.monotonicMs();
    // A quick election: 520 ms of silence.
    const takeover = clock.advance(520);
    const sessions = takeoverSessions([1, 2, 3], takeover, TIMING, { nodeId: 1, lastHeardMs: lastHeard });
    const s = new BrokerSessions(TIMING.sessionTimeoutMs);
    s.resetAll(sessions);
    expect(s.expiresAtMs(1)).toBe(lastHeard + TIMING.sessionTimeoutMs);
    expect(s.hasLiveSession(1, lastHeard + TIMING.sessionTimeoutMs - 1)).toBe(true);
    expect(s.hasLiveSession(1, lastHeard + TIMING.sessionTimeoutMs)).toBe(false);
    // A heartbeat from it (it was alive after all) is a session like any other.
    s.touch(1, clock.advance(200), 42);
    expect(s.expiresAtMs(1)).toBe(clock.monotonicMs() + TIMING.sessionTimeoutMs);
    expect(s.get(1)!.metadataOffset).toBe(42);
  });

  it('never gives the predecessor longer than the others, even when it spoke just now (a leadership hand-over)', () => {
    const now = new ManualClock().monotonicMs();
    const sessions = takeoverSessions([1, 2], now, TIMING, { nodeId: 1, lastHeardMs: now + 5 });
    expect(sessions.get(1)!.lastContactMs).toBe(now);
    const s = new BrokerSessions(TIMING.sessionTimeoutMs);
    s.resetAll(sessions);
    expect(s.expiresAtMs(1)).toBe(now + TIMING.sessionTimeoutMs);
    expect(s.expiresAtMs(1)!).toBeLessThanOrEqual(s.expiresAtMs(2)!);
  });

  it('gives everyone the full grace without a predecessor, or when the predecessor has no broker', () => {
    const now = 5000;
    for (const predecessor of [undefined, { nodeId: 7, lastHeardMs: 0 }]) {
      const sessions = takeoverSessions([1, 2, 3], now, TIMING, predecessor);
      expect([...sessions.keys()]).toEqual([1, 2, 3]);
      for (const sess of sessions.values()) {
        expect(sess).toEqual({ lastContactMs: now, metadataOffset: -1, graceUntilMs: now + TIMING.sessionTimeoutMs + TIMING.heartbeatIntervalMs });
      }
    }
  });
});
