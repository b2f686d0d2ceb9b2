import { fetchWaitMs } from '@gregor/replication-fetcher';

describe('fetchWaitMs (how long the leader may hold a follower fetch)', () => {
  it('is replica.fetch.wait.max.ms while no partition of the loop backs off', () => {
    expect(fetchWaitMs(500, [], 1000)).toBe(500);
  });

  it('ends when the first backing-off partition may fetch again', () => {
    expect(fetchWaitMs(500, [1040, 1020.2, 1300], 1000)).toBe(21);
    expect(fetchWaitMs(500, [1900], 1000)).toBe(500);
  });

  it('is never negative', () => {
    expect(fetchWaitMs(500, [990], 1000)).toBe(0);
    expect(fetchWaitMs(0, [1100], 1000)).toBe(0);
  });
});
