import { IoLoop } from '../src/io-loop';

describe('IoLoop (when the Sender and Fetcher run)', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('coalesces wakeups in one tick into one run, and runs again for a later wakeup', async () => {
    let runs = 0;
    const loop = new IoLoop(() => runs++);
    loop.wakeup();
    loop.wakeup();
    loop.wakeup();
    expect(runs).toBe(0);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(runs).toBe(1);
    loop.wakeup();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(runs).toBe(2);
  });

  it('keeps the earliest timer asked for and ignores Infinity', () => {
    jest.useFakeTimers();
    const runs: number[] = [];
    let now = 0;
    const loop = new IoLoop(() => runs.push(now));
    loop.runAt(Number.POSITIVE_INFINITY, 0);
    jest.advanceTimersByTime(1000);
    expect(runs).toEqual([]);
    loop.runAt(100, 0);
    loop.runAt(200, 0); // later than the pending one: ignored
    loop.runAt(50, 0); // sooner: replaces it
    now = 49;
    jest.advanceTimersByTime(49);
    expect(runs).toEqual([]);
    now = 50;
    jest.advanceTimersByTime(1);
    expect(runs).toEqual([50]);
    now = 500;
    jest.advanceTimersByTime(450);
    expect(runs).toEqual([50]);
  });

  it('after stop() schedules nothing and clears the pending timer', async () => {
    jest.useFakeTimers();
    let runs = 0;
    const loop = new IoLoop(() => runs++);
    loop.runAt(10, 0);
    loop.stop();
    expect(loop.stopped).toBe(true);
    jest.advanceTimersByTime(100);
    jest.useRealTimers();
    loop.wakeup();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(runs).toBe(0);
  });

  it('runs one refresh at a time and wakes the loop when it ends', async () => {
    let runs = 0;
    let refreshes = 0;
    let finish: () => void = () => undefined;
    const loop = new IoLoop(() => runs++);
    const refresh = (): Promise<void> => {
      refreshes++;
      return new Promise<void>((resolve) => (finish = resolve));
    };
    loop.wakeAfter(refresh);
    loop.wakeAfter(refresh);
    expect(refreshes).toBe(1);
    finish();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(runs).toBe(1);
    loop.wakeAfter(refresh);
    expect(refreshes).toBe(2);
  });
});
