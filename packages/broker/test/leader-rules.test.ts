import fc from 'fast-check';
import {
  ProducePurgatory,
  computeHighWatermark,
  decideIsrChange,
  initialFollowerState,
  isCaughtUp,
  isrShrinkDueAtMs,
  lowWatermark,
  nextIsrCheckDelayMs,
  observeStall,
  silentFollowers,
  recordFetch,
  type FollowerState,
} from '@gregor/broker';

const LAG = 1000;
/** The broker session: how long an ISR follower may send no fetch while a write waits (silentFollowers). */
const SESSION = 300;
const SELF = 1;
const REPLICAS = [1, 2, 3];

describe('follower state (pure)', () => {
  test('caught up when fetching at the log end, or when reaching what the leader had at the previous fetch', () => {
    let s = initialFollowerState(false, 0, 0n);
    expect(isCaughtUp(s, 10n, 0, LAG)).toBe(false);
    s = recordFetch(s, 4n, 10n, 100, -1n);
    expect(s.lastCaughtUpTimeMs).toBe(Number.NEGATIVE_INFINITY);
    // Steady produce: the leader is at 14 now, the follower has the 10 it had at t=100.
    s = recordFetch(s, 10n, 14n, 200, -1n);
    expect(s.lastCaughtUpTimeMs).toBe(100);
    s = recordFetch(s, 14n, 14n, 300, -1n);
    expect(s.lastCaughtUpTimeMs).toBe(300);
    expect(isCaughtUp(s, 20n, 300 + LAG, LAG)).toBe(true);
    expect(isCaughtUp(s, 20n, 301 + LAG, LAG)).toBe(false);
    // At the log end counts as caught up whatever the time (Kafka's rule).
    expect(isCaughtUp(s, 14n, 1e9, LAG)).toBe(true);
  });

  test('ISR members start caught up, others never were', () => {
    expect(isCaughtUp(initialFollowerState(true, 5000, 7n), 9n, 5000 + LAG, LAG)).toBe(true);
    expect(isCaughtUp(initialFollowerState(false, 5000, 7n), 9n, 5000, LAG)).toBe(false);
  });
});

/*
 * A leader with followers 2 and 3, driven by random events. Followers really
 * hold `has[id]` records and report them when they fetch (what the leader
 * knows is never ahead of the truth). ISR changes are decided by the pure
 * rule and committed at once. Safety: the HW never goes down, and every ISR
 * member really holds everything below it.
 */
type Ev =
  | { t: 'append'; n: number }
  | { t: 'fetch'; id: 2 | 3; copy: number }
  | { t: 'time'; ms: number }
  | { t: 'kill'; id: 2 | 3 }
  | { t: 'revive'; id: 2 | 3 }
  | { t: 'decide' };

const idArb = fc.constantFrom(2 as const, 3 as const);
const evArb: fc.Arbitrary<Ev> = fc.oneof(
  fc.record({ t: fc.constant('append' as const), n: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ t: fc.constant('fetch' as const), id: idArb, copy: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ t: fc.constant('time' as const), ms: fc.integer({ min: 1, max: 800 }) }),
  fc.record({ t: fc.constant('kill' as const), id: idArb }),
  fc.record({ t: fc.constant('revive' as const), id: idArb }),
  fc.constant({ t: 'decide' as const }),
);

class Model {
  now = 0;
  leo: bigint;
  hw: bigint;
  isr: number[] = [...REPLICAS];
  has = new Map<number, bigint>();
  alive = new Map<number, boolean>([
    [2, true],
    [3, true],
  ]);
  followers = new Map<number, FollowerState>();
  /** As PartitionLeader keeps it: since when the log end has been above the HW. */
  uncommittedSince: number | undefined;

  constructor(readonly epochStart: bigint) {
    this.leo = epochStart;
    this.hw = 0n;
    for (const id of [2, 3]) {
      this.has.set(id, epochStart);
      this.followers.set(id, initialFollowerState(true, 0, epochStart));
    }
  }

  recompute(): void {
    const next = computeHighWatermark({
      selfId: SELF,
      replicas: REPLICAS,
      maximalIsr: this.isr,
      followers: this.followers,
      isEligible: (id) => this.alive.get(id) === true,
      leaderLogEndOffset: this.leo,
      currentHighWatermark: this.hw,
      leaderEpochStartOffset: this.epochStart,
      nowMs: this.now,
      replicaLagTimeMaxMs: LAG,
      followerSilenceMaxMs: SESSION,
    });
    expect(next).toBeGreaterThanOrEqual(this.hw);
    expect(next).toBeLessThanOrEqual(this.leo);
    this.hw = next;
    for (const id of this.isr) if (id !== SELF) expect(this.has.get(id)!).toBeGreaterThanOrEqual(this.hw);
    this.uncommittedSince = this.leo > this.hw ? (this.uncommittedSince ?? this.now) : undefined;
  }

  apply(ev: Ev): void {
    switch (ev.t) {
      case 'append':
        this.leo += BigInt(ev.n);
        break;
      case 'fetch': {
        if (!this.alive.get(ev.id)) break;
        const has = this.has.get(ev.id)!;
        this.followers.set(ev.id, recordFetch(this.followers.get(ev.id)!, has, this.leo, this.now, -1n));
        const copied = has + BigInt(ev.copy);
        this.has.set(ev.id, copied < this.leo ? copied : this.leo);
        break;
      }
      case 'time':
        this.now += ev.ms;
        break;
      case 'kill':
        this.alive.set(ev.id, false);
        break;
      case 'revive':
        this.alive.set(ev.id, true);
        break;
      case 'decide': {
        const change = decideIsrChange({
          selfId: SELF,
          replicas: REPLICAS,
          isr: this.isr,
          followers: this.followers,
          isEligible: (id) => this.alive.get(id) === true,
          leaderLogEndOffset: this.leo,
          highWatermark: this.hw,
          leaderEpochStartOffset: this.epochStart,
          uncommittedSinceMs: this.uncommittedSince,
          nowMs: this.now,
          replicaLagTimeMaxMs: LAG,
          followerSilenceMaxMs: SESSION,
        });
        if (change?.kind === 'shrink') {
          // Nobody is dropped unless some record has waited above the HW for
          // longer than the lag bound, or for a session on a follower that
          // has sent nothing for a session and lacks it.
          expect(this.uncommittedSince).toBeDefined();
          expect(this.now - this.uncommittedSince!).toBeGreaterThan(Math.min(LAG, SESSION));
          for (const id of change.silent) {
            expect(change.removed).toContain(id);
            expect(this.now - this.followers.get(id)!.lastFetchTimeMs).toBeGreaterThan(SESSION);
            expect(this.followers.get(id)!.logEndOffset).toBeLessThan(this.leo);
          }
          if (this.now - this.uncommittedSince! <= LAG) expect(change.silent).toEqual(change.removed);
        }
        if (change !== undefined) {
          expect(change.isr).toContain(SELF);
          expect(change.isr).toEqual(REPLICAS.filter((id) => change.isr.includes(id)));
          if (change.kind === 'shrink') for (const id of change.removed) expect(this.isr).toContain(id);
          else for (const id of change.added) expect(this.has.get(id)!).toBeGreaterThanOrEqual(this.hw);
          this.isr = change.isr;
        }
        break;
      }
    }
    this.recompute();
  }
}

describe('DeleteRecords low watermark (pure)', () => {
  const fetched = (logStart: bigint): FollowerState => recordFetch(initialFollowerState(true, 0, 10n), 10n, 10n, 1, -1n, logStart);

  test('the smallest log start of the leader and its followers on live brokers; a fetch reports the log start, later fetches keep it', () => {
    const followers = new Map([
      [2, fetched(7n)],
      [3, fetched(12n)],
    ]);
    expect(lowWatermark(10n, followers, () => true)).toBe(7n);
    expect(lowWatermark(10n, followers, (id) => id !== 2)).toBe(10n);
    expect(lowWatermark(5n, followers, () => true)).toBe(5n);
    // A follower that has not fetched in this leader epoch is unknown (-1) and holds it.
    expect(lowWatermark(10n, new Map([[2, initialFollowerState(true, 0, 10n)]]), () => true)).toBe(-1n);
    expect(recordFetch(fetched(7n), 11n, 11n, 2, -1n).logStartOffset).toBe(7n);
  });
});

describe('high watermark and ISR rules (pure, simulated)', () => {
  test('the HW never decreases and every ISR member holds everything below it (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 20n }), fc.array(evArb, { maxLength: 80 }), (epochStart, events) => {
        const m = new Model(epochStart);
        for (const ev of events) m.apply(ev);
      }),
      { numRuns: 600 },
    );
  });

  test('with everyone alive and fetching, the ISR grows back and the HW reaches the log end (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 20n }), fc.array(evArb, { maxLength: 60 }), (epochStart, events) => {
        const m = new Model(epochStart);
        for (const ev of events) m.apply(ev);
        m.apply({ t: 'revive', id: 2 });
        m.apply({ t: 'revive', id: 3 });
        for (let round = 0; round < 4; round++) {
          for (const id of [2, 3] as const) m.apply({ t: 'fetch', id, copy: 1_000_000 });
          m.apply({ t: 'decide' });
        }
        expect(m.isr).toEqual(REPLICAS);
        expect(m.hw).toBe(m.leo);
      }),
      { numRuns: 300 },
    );
  });

  test('a new leader does not commit old-epoch records until the ISR reaches its epoch start', () => {
    const followers = new Map([
      [2, recordFetch(initialFollowerState(true, 0, 10n), 8n, 10n, 1, -1n)],
      [3, recordFetch(initialFollowerState(true, 0, 10n), 10n, 10n, 1, -1n)],
    ]);
    const input = {
      selfId: 1,
      replicas: REPLICAS,
      maximalIsr: REPLICAS,
      followers,
      isEligible: () => true,
      leaderLogEndOffset: 10n,
      currentHighWatermark: 5n,
      leaderEpochStartOffset: 10n,
      nowMs: 2,
      replicaLagTimeMaxMs: LAG,
      followerSilenceMaxMs: SESSION,
    };
    expect(computeHighWatermark(input)).toBe(5n);
    followers.set(2, recordFetch(followers.get(2)!, 10n, 10n, 3, -1n));
    expect(computeHighWatermark({ ...input, nowMs: 3 })).toBe(10n);
  });

  test('an ISR member that never fetched in this epoch holds the HW back; an expansion in flight counts', () => {
    const fresh = new Map([
      [2, initialFollowerState(true, 0, 4n)],
      [3, recordFetch(initialFollowerState(false, 0, 4n), 6n, 6n, 1, -1n)],
    ]);
    const base = {
      selfId: 1,
      replicas: REPLICAS,
      followers: fresh,
      isEligible: () => false,
      leaderLogEndOffset: 6n,
      currentHighWatermark: 4n,
      leaderEpochStartOffset: 0n,
      nowMs: 1,
      replicaLagTimeMaxMs: LAG,
      followerSilenceMaxMs: SESSION,
    };
    expect(computeHighWatermark({ ...base, maximalIsr: [1, 2] })).toBe(4n);
    expect(computeHighWatermark({ ...base, maximalIsr: [1, 3] })).toBe(6n);
  });

  test('a replica of a stale incarnation (other broker epoch) is not added', () => {
    const followers = new Map([
      [2, recordFetch(initialFollowerState(false, 0, 0n), 5n, 5n, 1, 7n)],
      [3, recordFetch(initialFollowerState(true, 0, 0n), 5n, 5n, 1, 9n)],
    ]);
    const input = {
      selfId: 1,
      replicas: REPLICAS,
      isr: [1, 3],
      followers,
      leaderLogEndOffset: 5n,
      highWatermark: 5n,
      leaderEpochStartOffset: 0n,
      uncommittedSinceMs: undefined,
      nowMs: 2,
      replicaLagTimeMaxMs: LAG,
      followerSilenceMaxMs: SESSION,
    };
    expect(decideIsrChange({ ...input, isEligible: (_id, epoch) => epoch === 8n })).toBeUndefined();
    expect(decideIsrChange({ ...input, isEligible: (_id, epoch) => epoch === 7n })).toEqual({ kind: 'expand', isr: [1, 2, 3], added: [2] });
  });
});

describe('ISR lag clock (pure)', () => {
  const input = (over: Partial<Parameters<typeof decideIsrChange>[0]>) => ({
    selfId: SELF,
    replicas: REPLICAS,
    isr: REPLICAS,
    // Follower 2 fetched once at t=0; follower 3 has not created its replica yet: it never fetched.
    followers: new Map([
      [2, recordFetch(initialFollowerState(true, 0, 0n), 0n, 0n, 0, -1n)],
      [3, initialFollowerState(true, 0, 0n)],
    ]),
    isEligible: () => true,
    leaderLogEndOffset: 0n,
    highWatermark: 0n,
    leaderEpochStartOffset: 0n,
    uncommittedSinceMs: undefined,
    nowMs: 0,
    replicaLagTimeMaxMs: LAG,
    // Longer than the lag here: these cases are about the lag rule alone.
    followerSilenceMaxMs: 100 * LAG,
    ...over,
  });

  test('a new, empty partition keeps a follower that has not fetched yet however long it takes', () => {
    expect(decideIsrChange(input({ nowMs: 100 * LAG }))).toBeUndefined();
  });

  test('the clock starts with the first record above the HW: the follower goes once that record has waited longer than the bound', () => {
    const appendedAt = 50 * LAG;
    const pending = { leaderLogEndOffset: 10n, uncommittedSinceMs: appendedAt };
    expect(decideIsrChange(input({ ...pending, nowMs: appendedAt + LAG }))).toBeUndefined();
    // Follower 2 last caught up at t=0, long ago: lagging by the old rule too, so both go.
    expect(decideIsrChange(input({ ...pending, nowMs: appendedAt + LAG + 1 }))).toEqual({ kind: 'shrink', isr: [1], removed: [2, 3], silent: [] });
  });
});

/*
 * Issue 10: a follower that still heartbeats (so it is never fenced) but
 * cannot reach the leader — a one-way cut from its node to the leader's —
 * held every acks=all write for replica.lag.time.max.ms (5 s). Now a
 * follower that sends no fetch at all for a session while a write waits
 * leaves the ISR then; one that fetches keeps Kafka's lag bound.
 */
describe('silent ISR followers (pure)', () => {
  const LAG_MS = 5000;
  const SESSION_MS = 750;
  const WRITE_AT = 10_000;
  // Follower 2 fetches steadily (its last fetch at `fetchedAt`, at offset 8 of 10); follower 3's last fetch was at t=9000.
  const input = (nowMs: number, fetchedAt = nowMs - 1): Parameters<typeof decideIsrChange>[0] => ({
    selfId: SELF,
    replicas: REPLICAS,
    isr: REPLICAS,
    followers: new Map([
      [2, recordFetch(initialFollowerState(true, 0, 0n), 8n, 10n, fetchedAt, -1n)],
      [3, recordFetch(initialFollowerState(true, 0, 0n), 8n, 8n, 9_000, -1n)],
    ]),
    isEligible: () => true,
    leaderLogEndOffset: 10n,
    highWatermark: 8n,
    leaderEpochStartOffset: 0n,
    uncommittedSinceMs: WRITE_AT,
    nowMs,
    replicaLagTimeMaxMs: LAG_MS,
    followerSilenceMaxMs: SESSION_MS,
  });

  test('a follower silent for a session while a write has waited a session leaves; the one still fetching stays', () => {
    expect(decideIsrChange(input(WRITE_AT + SESSION_MS))).toBeUndefined();
    expect(decideIsrChange(input(WRITE_AT + SESSION_MS + 1))).toEqual({ kind: 'shrink', isr: [1, 2], removed: [3], silent: [3] });
    expect(silentFollowers(input(WRITE_AT + SESSION_MS + 1))).toEqual([3]);
  });

  test('a follower parked in a long poll longer than a session is not blamed for it: the write must have waited a session too', () => {
    const now = WRITE_AT + SESSION_MS;
    // Follower 3 last fetched at 9000 (1750 ms ago) but the write came only a session ago.
    expect(silentFollowers(input(now))).toEqual([]);
    expect(silentFollowers({ ...input(now + 1), uncommittedSinceMs: now - SESSION_MS + 10 })).toEqual([]);
  });

  test('a silent follower that has everything holds nothing and stays; nothing waiting, nobody goes', () => {
    const all = input(WRITE_AT + 2 * SESSION_MS);
    expect(silentFollowers({ ...all, leaderLogEndOffset: 8n })).toEqual([]);
    expect(silentFollowers({ ...all, uncommittedSinceMs: undefined })).toEqual([]);
  });

  test('the check is due when the first rule can hold: a session after the later of the write and the silent follower\'s last fetch', () => {
    expect(isrShrinkDueAtMs(input(WRITE_AT))).toBe(WRITE_AT + SESSION_MS + 1);
    // Follower 2 fetched after the write started waiting: its silence would be due later; follower 3's comes first.
    expect(isrShrinkDueAtMs(input(WRITE_AT + 100, WRITE_AT + 100))).toBe(WRITE_AT + SESSION_MS + 1);
    expect(isrShrinkDueAtMs({ ...input(WRITE_AT + 100, WRITE_AT + 100), isr: [1, 2] })).toBe(WRITE_AT + 100 + SESSION_MS + 1);
    expect(isrShrinkDueAtMs({ ...input(WRITE_AT), uncommittedSinceMs: undefined })).toBeUndefined();
    // Followers that hold everything: only the lag rule remains.
    expect(isrShrinkDueAtMs({ ...input(WRITE_AT), leaderLogEndOffset: 8n })).toBe(WRITE_AT + LAG_MS + 1);
  });

  test('once dropped, a silent follower neither holds the HW (as a caught-up replica outside the ISR would for the lag) nor rejoins on its old position', () => {
    const now = WRITE_AT + SESSION_MS + 1;
    const dropped = { ...input(now), isr: [1, 2] };
    // Follower 3 caught up at t=9000, within the lag: it would count for the HW had it fetched within the session.
    const hw = computeHighWatermark({ ...dropped, isEligible: () => true, maximalIsr: dropped.isr, currentHighWatermark: 8n });
    expect(hw).toBe(8n); // follower 2 is at 8 too
    const followers = new Map(dropped.followers);
    followers.set(2, recordFetch(followers.get(2)!, 10n, 10n, now, -1n));
    const after = { ...dropped, followers, maximalIsr: dropped.isr, currentHighWatermark: 8n };
    expect(computeHighWatermark({ ...after, isEligible: () => true })).toBe(10n);
    expect(computeHighWatermark({ ...after, isEligible: () => true, followerSilenceMaxMs: LAG_MS })).toBe(8n);
    expect(decideIsrChange({ ...dropped, followers, highWatermark: 8n, uncommittedSinceMs: undefined })).toBeUndefined();
    expect(decideIsrChange({ ...dropped, followers, highWatermark: 8n, uncommittedSinceMs: undefined, followerSilenceMaxMs: LAG_MS })).toMatchObject({ kind: 'expand', added: [3] });
  });

  test('property: whenever a follower is silent, the due time has passed, and before it no follower is silent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 3_000 }),
        (writeAt, fetch2, fetch3, session) => {
          const base = input(0);
          const followers = new Map([
            [2, recordFetch(initialFollowerState(true, 0, 0n), 8n, 10n, fetch2, -1n)],
            [3, recordFetch(initialFollowerState(true, 0, 0n), 8n, 10n, fetch3, -1n)],
          ]);
          const at = (nowMs: number) => ({ ...base, followers, uncommittedSinceMs: writeAt, followerSilenceMaxMs: session, nowMs });
          const due = isrShrinkDueAtMs(at(0))!;
          expect(due).toBeLessThanOrEqual(writeAt + LAG_MS + 1);
          expect(silentFollowers(at(due - 1))).toEqual([]);
          if (due < writeAt + LAG_MS + 1) expect(silentFollowers(at(due)).length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('acks=all purgatory', () => {
  test('bounded: reservations beyond the limit are refused, and every wait returns its slot', async () => {
    const p = new ProducePurgatory(2);
    expect(p.tryReserve(2)).toBe(true);
    expect(p.tryReserve(1)).toBe(false);
    let done = false;
    const waiting = p.wait('t-0', 60_000, () => (done ? 'NONE' : undefined));
    const immediate = await p.wait('t-1', 60_000, () => 'NOT_LEADER_OR_FOLLOWER');
    expect(immediate).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(p.size).toBe(1);
    p.notify('t-0');
    expect(p.size).toBe(1);
    done = true;
    p.notify('t-1');
    p.notify('t-0');
    expect(await waiting).toBe('NONE');
    expect(p.size).toBe(0);
  });

  test('a wait nobody completes ends REQUEST_TIMED_OUT', async () => {
    const p = new ProducePurgatory(1);
    expect(p.tryReserve(1)).toBe(true);
    expect(await p.wait('t-0', 5, () => undefined)).toBe('REQUEST_TIMED_OUT');
    expect(p.size).toBe(0);
  });
});

describe('nextIsrCheckDelayMs (when the leader looks at its ISRs next)', () => {
  const LAG = 5000;

  it("Kafka's cadence (half the lag) while nothing is due, or what is due is far off", () => {
    expect(nextIsrCheckDelayMs(10_000, [], LAG)).toBe(2500);
    expect(nextIsrCheckDelayMs(10_000, [undefined, 15_001, 14_001], LAG)).toBe(2500);
    expect(nextIsrCheckDelayMs(10_000, [], 60)).toBe(50);
  });

  it('exactly when the first shrink rule can hold, if that comes sooner (a follower that stopped fetching is dropped after the lag, not up to half as long again)', () => {
    expect(nextIsrCheckDelayMs(10_000, [14_501, 11_001, undefined], LAG)).toBe(1001);
    expect(nextIsrCheckDelayMs(10_000, [12_401.5], LAG)).toBe(2402);
  });

  it('never sooner than 50 ms, and moments already passed do not count (a shrink slow to commit does not make the checks spin)', () => {
    expect(nextIsrCheckDelayMs(10_000, [10_001], LAG)).toBe(50);
    expect(nextIsrCheckDelayMs(10_000, [9_001], LAG)).toBe(2500);
    expect(nextIsrCheckDelayMs(10_000, [9_001, 12_001], LAG)).toBe(2001);
  });

  it('property: never later than the cadence nor than the first future due moment, never sooner than 50 ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }), { maxLength: 20 }), fc.integer({ min: 1, max: 30_000 }), (now, dueAt, lag) => {
        const d = nextIsrCheckDelayMs(now, dueAt, lag);
        const cadence = Math.max(50, Math.floor(lag / 2));
        expect(d).toBeGreaterThanOrEqual(50);
        expect(d).toBeLessThanOrEqual(cadence);
        for (const due of dueAt) {
          if (due !== undefined && due > now) expect(d).toBeLessThanOrEqual(Math.max(50, Math.ceil(due - now)));
        }
      }),
    );
  });
});

describe('stall-free time (pure)', () => {
  const STALL = 300;

  test('gaps between samples up to the stall bound count; a longer gap is a stall of this process and is left out', () => {
    let s = { lastSampleMs: 0, stalledMs: 0 };
    for (let t = 75; t <= 750; t += 75) s = observeStall(s, t, STALL);
    expect(s.lastSampleMs - s.stalledMs).toBe(750);
    s = observeStall(s, 750 + 1000, STALL);
    expect(s.lastSampleMs - s.stalledMs).toBe(750);
    s = observeStall(s, 1750 + STALL, STALL);
    expect(s.lastSampleMs - s.stalledMs).toBe(750 + STALL);
    // Time that does not move changes nothing.
    expect(observeStall(s, 1000, STALL)).toBe(s);
  });
});
