import fc from 'fast-check';
import {
  DEFAULT_FETCH_MAX_BYTES,
  DEFAULT_PARTITION_FETCH_MAX_BYTES,
  FetchPurgatory,
  MAX_FETCH_WAIT_MS,
  normalizeFetchShape,
  partitionReadBudget,
  shouldAnswerFetchNow,
} from '@gregor/broker';

describe('fetch budgeting', () => {
  test('non-positive values take the defaults; the wait is capped', () => {
    expect(normalizeFetchShape({ maxWaitMs: -1, minBytes: -3, maxBytes: 0 })).toEqual({ maxWaitMs: 0, minBytes: 0, maxBytes: DEFAULT_FETCH_MAX_BYTES });
    expect(normalizeFetchShape({ maxWaitMs: 1e9, minBytes: 5, maxBytes: 10 }).maxWaitMs).toBe(MAX_FETCH_WAIT_MS);
  });

  test('partition budget is the smaller of partition max and what is left', () => {
    expect(partitionReadBudget(100, 10, false)).toBe(10);
    expect(partitionReadBudget(5, 10, false)).toBe(5);
    expect(partitionReadBudget(0, 10, true)).toBe(0);
    expect(partitionReadBudget(500, 0, true)).toBe(500);
    expect(partitionReadBudget(1e9, 0, true)).toBe(DEFAULT_PARTITION_FETCH_MAX_BYTES);
  });

  test('property: the sum of budgets never passes the response budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 1.0 }))), (max, parts) => {
        let used = 0;
        for (const [partitionMax, fill] of parts) {
          const budget = partitionReadBudget(max - used, partitionMax, used === 0);
          expect(budget).toBeGreaterThanOrEqual(0);
          expect(budget).toBeLessThanOrEqual(Math.max(0, max - used));
          used += fill === 1 ? budget : Math.floor(budget / 2);
        }
        expect(used).toBeLessThanOrEqual(max);
      }),
    );
  });

  test('answer-now rules', () => {
    const shape = { maxWaitMs: 100, minBytes: 10, maxBytes: 1000 };
    expect(shouldAnswerFetchNow(shape, 5, false, false)).toBe(false);
    expect(shouldAnswerFetchNow(shape, 10, false, false)).toBe(true);
    expect(shouldAnswerFetchNow(shape, 0, true, false)).toBe(true);
    expect(shouldAnswerFetchNow(shape, 0, false, true)).toBe(true);
    expect(shouldAnswerFetchNow({ ...shape, maxWaitMs: 0 }, 0, false, false)).toBe(true);
  });
});

describe('FetchPurgatory', () => {
  test('is bounded, wakes only waiters of the partition, and forgets removed ones', () => {
    const p = new FetchPurgatory(2);
    const woken: string[] = [];
    const a = { wake: () => woken.push('a') };
    const b = { wake: () => woken.push('b') };
    const c = { wake: () => woken.push('c') };
    expect(p.tryAdd(a, ['t-0', 't-1'])).toBe(true);
    expect(p.tryAdd(b, ['t-1'])).toBe(true);
    expect(p.tryAdd(c, ['t-0'])).toBe(false);
    expect(p.size).toBe(2);
    p.notify('t-0');
    expect(woken).toEqual(['a']);
    p.notify('t-1');
    expect(woken).toEqual(['a', 'a', 'b']);
    p.remove(a);
    p.notify('t-0');
    expect(woken).toEqual(['a', 'a', 'b']);
    expect(p.tryAdd(c, ['t-0'])).toBe(true);
    p.wakeAll();
    expect(woken.slice(3).sort()).toEqual(['b', 'c']);
  });
});
