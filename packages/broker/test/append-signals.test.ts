import { AppendSignals } from '../src/append-signals';

describe('AppendSignals', () => {
  test('a wait ends at once when an append was signalled since the version it saw', async () => {
    const s = new AppendSignals(10);
    const seen = new Map([['t\u00000', s.version('t\u00000')]]);
    s.notify('t\u00000');
    await expect(s.wait(seen, 10_000)).resolves.toBe(true);
    expect(s.size).toBe(0);
  });

  test('a wait ends on the next append to any of its partitions, and only its own', async () => {
    const s = new AppendSignals(10);
    const a = s.wait(new Map([['a', 0], ['b', 0]]), 10_000);
    const c = s.wait(new Map([['c', 0]]), 10_000);
    expect(s.size).toBe(2);
    s.notify('b');
    await expect(a).resolves.toBe(true);
    expect(s.size).toBe(1);
    s.notify('c');
    await expect(c).resolves.toBe(true);
    expect(s.size).toBe(0);
  });

  test('a wait times out with false; beyond the bound a wait does not start', async () => {
    const s = new AppendSignals(1);
    const first = s.wait(new Map([['x', 0]]), 20);
    await expect(s.wait(new Map([['y', 0]]), 10_000)).resolves.toBe(false);
    await expect(first).resolves.toBe(false);
    expect(s.size).toBe(0);
  });
});
