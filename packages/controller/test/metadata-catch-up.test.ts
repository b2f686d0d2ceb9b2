import fc from 'fast-check';
import type { CatchUpState } from '../src/metadata-catch-up';
import { afterCatchUpFetch, CAUGHT_UP, catchUpLagMs, observeCatchUp } from '../src/metadata-catch-up';

/*
 * When a broker fetches the metadata log itself (issue 10): only when its
 * usual path (Raft, or its MetadataFollower's voter) leaves the image behind
 * an offset the active controller reported `lagMs` earlier; then on every
 * answer that shows more, until the usual path delivers again.
 */
const LAG = catchUpLagMs(750);

describe('observeCatchUp / afterCatchUpFetch', () => {
  it('the lag is a third of the session', () => {
    expect(LAG).toBe(250);
    expect(catchUpLagMs(1)).toBe(1);
  });

  it('an image a few ms behind the controller is not fetched for; one still behind after the lag is', () => {
    let s = CAUGHT_UP;
    let out = observeCatchUp(s, { nowMs: 1000, appliedOffset: 10, reported: { offset: 12, atMs: 1000 } }, LAG);
    expect(out.fetch).toBe(false);
    s = out.state;
    // Reached by the usual path: nothing owed.
    out = observeCatchUp(s, { nowMs: 1125, appliedOffset: 12, reported: { offset: 12, atMs: 1125 } }, LAG);
    expect(out).toEqual({ state: CAUGHT_UP, fetch: false });
    // Behind again: counted from when offset 15 was reported, not from later answers.
    s = observeCatchUp(out.state, { nowMs: 2000, appliedOffset: 12, reported: { offset: 15, atMs: 2000 } }, LAG).state;
    s = observeCatchUp(s, { nowMs: 2125, appliedOffset: 12, reported: { offset: 16, atMs: 2125 } }, LAG).state;
    expect(observeCatchUp(s, { nowMs: 2249, appliedOffset: 12, reported: { offset: 16, atMs: 2249 } }, LAG).fetch).toBe(false);
    expect(observeCatchUp(s, { nowMs: 2250, appliedOffset: 12, reported: { offset: 16, atMs: 2250 } }, LAG).fetch).toBe(true);
  });

  it('a fetch that brings entries starts pulling: every answer that shows more is fetched at once; the usual path delivering ends it', () => {
    let s: CatchUpState = observeCatchUp(CAUGHT_UP, { nowMs: 0, appliedOffset: 5, reported: { offset: 8, atMs: 0 } }, LAG).state;
    const fetched = afterCatchUpFetch(s, 3, 8);
    expect(fetched.event).toBe('pulling');
    s = fetched.state;
    // The next write: no lag to wait out.
    let out = observeCatchUp(s, { nowMs: 10, appliedOffset: 8, reported: { offset: 9, atMs: 10 } }, LAG);
    expect(out.fetch).toBe(true);
    expect(out.event).toBeUndefined();
    s = afterCatchUpFetch(out.state, 1, 9).state;
    // Caught up, and nothing new: no fetch, still pulling.
    out = observeCatchUp(s, { nowMs: 20, appliedOffset: 9, reported: { offset: 9, atMs: 20 } }, LAG);
    expect(out.fetch).toBe(false);
    expect(out.state.pulling).toBe(true);
    // The image moved past what the last fetch brought: the usual path delivers again.
    out = observeCatchUp(out.state, { nowMs: 30, appliedOffset: 11, reported: { offset: 12, atMs: 30 } }, LAG);
    expect(out.event).toBe('fed-again');
    expect(out.fetch).toBe(false);
    expect(out.state.pulling).toBe(false);
  });

  it('a fetch that finds nothing new (the usual path was first) ends pulling, or never starts it', () => {
    const behind = observeCatchUp(CAUGHT_UP, { nowMs: 0, appliedOffset: 5, reported: { offset: 8, atMs: 0 } }, LAG).state;
    expect(afterCatchUpFetch(behind, 0, 8)).toEqual({ state: { ...behind, pulling: false } });
    const pulling = afterCatchUpFetch(behind, 3, 8).state;
    expect(afterCatchUpFetch(pulling, 0, 9).event).toBe('fed-again');
  });

  it('without a report there is nothing to fetch', () => {
    expect(observeCatchUp(CAUGHT_UP, { nowMs: 1e6, appliedOffset: 5, reported: undefined }, LAG)).toEqual({ state: CAUGHT_UP, fetch: false });
  });

  it('property: never fetches when the image has reached what the controller reported; always once it stays behind for the lag', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dtMs: fc.integer({ min: 0, max: 400 }), applied: fc.integer({ min: 0, max: 3 }), reported: fc.integer({ min: 0, max: 3 }) }), { maxLength: 30 }),
        (steps) => {
          let s = CAUGHT_UP;
          let now = 0;
          let applied = 0;
          let reported = 0;
          let firstUnreached: { offset: number; atMs: number } | undefined;
          for (const st of steps) {
            now += st.dtMs;
            applied += st.applied;
            reported = Math.max(reported + st.reported, applied);
            if (firstUnreached !== undefined && applied >= firstUnreached.offset) firstUnreached = undefined;
            if (firstUnreached === undefined && reported > applied) firstUnreached = { offset: reported, atMs: now };
            const out = observeCatchUp(s, { nowMs: now, appliedOffset: applied, reported: { offset: reported, atMs: now } }, LAG);
            if (reported <= applied) expect(out.fetch).toBe(false);
            if (firstUnreached !== undefined && now - firstUnreached.atMs >= LAG) expect(out.fetch).toBe(true);
            s = out.state;
          }
        },
      ),
    );
  });
});
