import { FRESH, observeFreshness, type FreshnessEvent, type FreshnessSample, type FreshnessState } from '@gregor/broker';

const SESSION = 750;

/** Runs samples in order; returns the last state and every event. */
function run(samples: readonly FreshnessSample[]): { state: FreshnessState; events: FreshnessEvent[] } {
  let state = FRESH;
  const events: FreshnessEvent[] = [];
  for (const s of samples) {
    const out = observeFreshness(state, s, SESSION);
    state = out.state;
    if (out.event !== undefined) events.push(out.event);
  }
  return { state, events };
}

const sample = (nowMs: number, appliedOffset: number, reported: number | undefined, reportedAtMs = nowMs, controllerId = 1): FreshnessSample => ({
  nowMs,
  appliedOffset,
  controllerOffset: reported === undefined ? undefined : { offset: reported, atMs: reportedAtMs },
  controllerId,
});

describe('metadata freshness (pure)', () => {
  test('an image a little behind each answer, catching up within the session, is never stale', () => {
    const samples: FreshnessSample[] = [];
    for (let t = 0; t < 10_000; t += 100) samples.push(sample(t, t / 100, t / 100 + 3));
    const { state, events } = run(samples);
    expect(events).toEqual([]);
    expect(state.stale).toBe(false);
  });

  test('stale once the image has not reached an offset reported a session ago; fresh once it has', () => {
    const { events, state } = run([
      sample(0, 10, 12),
      sample(SESSION - 1, 11, 30), // 12 still unreached, reported at 0
      sample(SESSION, 11, 31),
    ]);
    expect(state.stale).toBe(true);
    expect(events).toEqual([{ kind: 'stale', why: 'behind', appliedOffset: 11, controllerOffset: 12, forMs: SESSION }]);
    // Reaching 12 is not enough: 31 was reported at SESSION and is still unreached a session later.
    const later = observeFreshness(state, sample(2 * SESSION, 12, 31, SESSION), SESSION);
    expect(later.state.stale).toBe(true);
    const caughtUp = observeFreshness(later.state, sample(2 * SESSION + 1, 31, 31, 2 * SESSION), SESSION);
    expect(caughtUp.event).toEqual({ kind: 'fresh' });
    expect(caughtUp.state).toEqual({ behind: undefined, leaderlessSinceMs: undefined, stale: false });
  });

  test('an answer that is itself old counts from when it arrived', () => {
    // The last answer (offset 50) came 2 sessions ago; the image never reached it.
    expect(observeFreshness(FRESH, sample(2 * SESSION, 40, 50, 0), SESSION).event).toMatchObject({ kind: 'stale', why: 'behind' });
  });

  test('stale after a session without a known active controller, not during a shorter election', () => {
    const election = run([sample(0, 5, 5, 0, -1), sample(SESSION - 1, 5, 5, 0, -1), sample(SESSION, 5, 5, 0, 2)]);
    expect(election.events).toEqual([]);
    const isolated = run([sample(0, 5, 5, 0, -1), sample(SESSION, 5, 5, 0, -1), sample(SESSION + 10, 5, 5, 0, 2)]);
    expect(isolated.events).toEqual([{ kind: 'stale', why: 'leaderless', forMs: SESSION }, { kind: 'fresh' }]);
  });

  test('no answer yet and a known controller: fresh', () => {
    expect(run([sample(0, 0, undefined), sample(10 * SESSION, 0, undefined)]).state.stale).toBe(false);
  });
});
