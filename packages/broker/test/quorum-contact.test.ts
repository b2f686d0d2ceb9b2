import fc from 'fast-check';
import { heardFromReplicaMajority, initialQuorumContact, observeQuorumContact, type QuorumContactEvent, type QuorumContactState } from '@gregor/broker';

const SESSION = 1500;
const STALL = 500;
const TIMING = { sessionTimeoutMs: SESSION, stallMs: STALL };

/** One step of the property test: time passes, then the broker samples what its metadata source says. */
interface Step {
  advanceMs: number;
  /** A heartbeat answer arrived this long before the sample (undefined: no new answer). */
  answerAgoMs: number | undefined;
  fenced: boolean;
  /** The controller the broker knows of at the sample (-1 unknown). */
  controllerId: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  advanceMs: fc.integer({ min: 0, max: 1200 }),
  answerAgoMs: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
  fenced: fc.boolean(),
  controllerId: fc.integer({ min: -1, max: 2 }),
});

describe('quorum contact (pure)', () => {
  test('lost exactly when no evidence for a whole session (stalls of the broker not counted); one event per transition, alternating', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 2 }), fc.array(stepArb, { maxLength: 60 }), (firstController, steps) => {
        let now = 0;
        let state: QuorumContactState = initialQuorumContact(now, firstController);
        // The naive model: every piece of evidence ever seen, and the last known controller.
        let latestEvidence = now;
        let known = firstController;
        let lastAnswerAt: number | undefined;
        let lastFenced = false;
        const events: QuorumContactEvent[] = [];
        let wasLost = false;
        for (const step of steps) {
          now += step.advanceMs;
          // The broker itself was stalled: the silence so far is frozen, not extended.
          if (step.advanceMs > STALL) latestEvidence += step.advanceMs;
          if (step.answerAgoMs !== undefined) {
            // An answer can only be newer than the previous one (the source keeps the last).
            const at = Math.max(now - step.answerAgoMs, lastAnswerAt ?? Number.NEGATIVE_INFINITY);
            lastAnswerAt = at;
            lastFenced = step.fenced;
          }
          const sample = {
            nowMs: now,
            heartbeatAnswerAgeMs: lastAnswerAt === undefined ? undefined : now - lastAnswerAt,
            heartbeatAnswerFenced: lastFenced,
            controllerId: step.controllerId,
          };
          if (lastAnswerAt !== undefined && !lastFenced) latestEvidence = Math.max(latestEvidence, lastAnswerAt);
          if (step.controllerId >= 0 && step.controllerId !== known) latestEvidence = now;
          if (step.controllerId >= 0) known = step.controllerId;
          const out = observeQuorumContact(state, sample, TIMING);
          state = out.state;
          const lost = now - latestEvidence >= SESSION;
          expect(state.lost).toBe(lost);
          expect(state.lastContactMs).toBe(latestEvidence);
          if (lost !== wasLost) {
            expect(out.event?.kind).toBe(lost ? 'lost' : 'regained');
            events.push(out.event!);
          } else {
            expect(out.event).toBeUndefined();
          }
          wasLost = lost;
        }
        events.forEach((e, i) => expect(e.kind).toBe(i % 2 === 0 ? 'lost' : 'regained'));
      }),
    );
  });

  test('a fenced answer is no contact: the controller has already moved this broker\'s leaderships', () => {
    let state = initialQuorumContact(0, 1);
    const fencedAnswer = (now: number) => observeQuorumContact(state, { nowMs: now, heartbeatAnswerAgeMs: 0, heartbeatAnswerFenced: true, controllerId: 1 }, TIMING);
    for (let now = 100; now < SESSION; now += 100) state = fencedAnswer(now).state;
    expect(state.lost).toBe(false);
    const out = fencedAnswer(SESSION);
    expect(out.event).toEqual({ kind: 'lost', silentMs: SESSION });
    state = out.state;
    const back = observeQuorumContact(state, { nowMs: SESSION + 100, heartbeatAnswerAgeMs: 10, heartbeatAnswerFenced: false, controllerId: 1 }, TIMING);
    expect(back.event).toEqual({ kind: 'regained', afterMs: SESSION + 90 });
  });

  test('learning of a new active controller restarts the session; losing the leader (-1) or re-learning the same one does not', () => {
    let state = initialQuorumContact(0, 1);
    const sample = (now: number, controllerId: number) => ({ nowMs: now, heartbeatAnswerAgeMs: now, heartbeatAnswerFenced: false, controllerId });
    for (let now = 100; now <= 1000; now += 100) state = observeQuorumContact(state, sample(now, -1), TIMING).state;
    state = observeQuorumContact(state, sample(1200, 1), TIMING).state;
    expect(state.lastContactMs).toBe(0);
    state = observeQuorumContact(state, sample(1400, 2), TIMING).state;
    expect(state.lastContactMs).toBe(1400);
    for (let now = 1500; now < 1400 + SESSION; now += 100) state = observeQuorumContact(state, sample(now, 2), TIMING).state;
    expect(state.lost).toBe(false);
    expect(observeQuorumContact(state, sample(1400 + SESSION, 2), TIMING).event?.kind).toBe('lost');
  });

  test('time the broker itself was stalled is not silence: after a long pause it waits a whole session of its own', () => {
    let state = initialQuorumContact(0, 1);
    const silent = (now: number) => ({ nowMs: now, heartbeatAnswerAgeMs: now, heartbeatAnswerFenced: false, controllerId: 1 });
    state = observeQuorumContact(state, silent(400), TIMING).state;
    // A 5 s pause (GC, a blocked event loop): no answer could be read meanwhile.
    state = observeQuorumContact(state, silent(5400), TIMING).state;
    expect(state.lost).toBe(false);
    for (let now = 5500; now < 5000 + SESSION; now += 100) state = observeQuorumContact(state, silent(now), TIMING).state;
    expect(state.lost).toBe(false);
    const out = observeQuorumContact(state, silent(5000 + SESSION), TIMING);
    expect(out.event).toEqual({ kind: 'lost', silentMs: SESSION });
  });

  test('while cut off, a leader keeps a partition only if it hears from a majority of its replicas, itself included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 6 }), (replicas, heard) => {
        fc.pre(heard < replicas);
        const voters = [true, ...Array.from({ length: replicas - 1 }, (_, i) => i < heard)];
        expect(heardFromReplicaMajority(replicas, heard)).toBe(voters.filter(Boolean).length > replicas / 2);
      }),
    );
    // Replication factor 1: nobody else can lead it, it keeps it; 3: one follower is enough; 4: two are needed.
    expect([heardFromReplicaMajority(1, 0), heardFromReplicaMajority(3, 0), heardFromReplicaMajority(3, 1), heardFromReplicaMajority(4, 1), heardFromReplicaMajority(4, 2)]).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
  });
});
