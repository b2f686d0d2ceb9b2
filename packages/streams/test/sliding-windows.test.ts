import fc from 'fast-check';
import { Serdes, SlidingWindows, StreamsBuilder, Suppressed, TopologyTestDriver, type Windowed } from '../src';

const S = Serdes.String();
const F = Serdes.Float64();
const label = (w: Windowed<string>): string => `${w.key}[${w.window.startMs},${w.window.endMs}]`;

/** A sliding-window count of `events` into `counts`, keyed "key[start,end]". */
function slidingCount(windows: SlidingWindows, suppress = false): StreamsBuilder {
  const b = new StreamsBuilder();
  let table = b.stream<string, string>('events', { keySerde: S, valueSerde: S }).groupByKey().windowedBy(windows).count({ storeName: 'sliding-counts' });
  if (suppress) table = table.suppress(Suppressed.untilWindowCloses());
  table
    .toStream()
    .map((w, n) => ({ key: label(w), value: n }))
    .to('counts', { keySerde: S, valueSerde: F });
  return b;
}

async function run(windows: SlidingWindows, input: [key: string, timestampMs: number][], suppress = false, cached = true): Promise<{ out: { key: string | null; value: number | null }[]; dropped: number }> {
  const b = slidingCount(windows, suppress);
  const driver = new TopologyTestDriver(b.build(), cached ? {} : { cacheMaxEntries: 0 });
  const events = driver.createInputTopic('events', S, S);
  for (const [key, ts] of input) events.pipeInput(key, 'x', ts);
  const out = driver.createOutputTopic('counts', S, F).readKeyValuesToList();
  await driver.close();
  return { out, dropped: b.windowCounters.droppedLateRecords };
}

describe('SlidingWindows', () => {
  it('rejects a bad time difference or grace with INVALID_CONFIG', () => {
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(0)).toThrow(/INVALID_CONFIG: sliding window time difference/);
    expect(() => SlidingWindows.ofTimeDifferenceAndGrace(10, -1)).toThrow(/INVALID_CONFIG: sliding window grace/);
  });

  // Hand-computed: difference 10 ms, windows [start, end] inclusive.
  it('in order: each record gets its left window, and the previous record its right window when the record falls in it', async () => {
    const { out } = await run(SlidingWindows.ofTimeDifferenceAndGrace(10, 1_000), [
      ['a', 20], // [10,20] = {20}
      ['a', 25], // right window of 20: [21,31] = {25}; left [15,25] = {20,25}
      ['a', 40], // 25's right window [26,36] would not hold 40; left [30,40] = {40}
      ['b', 25], // keys are independent
    ]);
    expect(out).toEqual([
      { key: 'a[10,20]', value: 1 },
      { key: 'a[21,31]', value: 1 },
      { key: 'a[15,25]', value: 2 },
      { key: 'a[30,40]', value: 1 },
      { key: 'b[15,25]', value: 1 },
    ]);
  });

  it('out of order within grace: updates every window holding the record and creates its left and right windows', async () => {
    const { out } = await run(SlidingWindows.ofTimeDifferenceAndGrace(10, 100), [
      ['a', 20], // [10,20] = {20}
      ['a', 30], // [21,31] = {30}, [20,30] = {20,30}
      ['a', 25], // [20,30] += 25, [21,31] += 25, new left [15,25] = {20,25}, new right [26,36] = {30}
    ], false, false);
    expect(out).toEqual([
      { key: 'a[10,20]', value: 1 },
      { key: 'a[21,31]', value: 1 },
      { key: 'a[20,30]', value: 2 },
      { key: 'a[20,30]', value: 3 },
      { key: 'a[21,31]', value: 2 },
      { key: 'a[15,25]', value: 2 },
      { key: 'a[26,36]', value: 1 },
    ]);
  });

  it('records earlier than the difference share the window [0, difference]', async () => {
    const { out } = await run(SlidingWindows.ofTimeDifferenceAndGrace(10, 100), [
      ['a', 3], // [0,10] = {3}
      ['a', 8], // 3's right window [4,14] = {8}; [0,10] = {3,8}
      ['a', 5], // [4,14] += 5; 5's right window [6,16] = {8}; [0,10] = {3,5,8}
    ]);
    expect(out).toEqual([
      { key: 'a[0,10]', value: 1 },
      { key: 'a[4,14]', value: 1 },
      { key: 'a[0,10]', value: 2 },
      { key: 'a[4,14]', value: 2 },
      { key: 'a[6,16]', value: 1 },
      { key: 'a[0,10]', value: 3 },
    ]);
  });

  it('drops a record whose windows all closed and counts it; leaves closed windows alone', async () => {
    const { out, dropped } = await run(SlidingWindows.ofTimeDifferenceAndGrace(10, 5), [
      ['a', 100], // [90,100]
      ['a', 200], // [190,200]; stream time 200, windows ending at or before 195 are closed
      ['a', 80], // its right window [81,91] ends before 195: dropped
      ['a', 190], // [190,200] += 190; left [180,190] is closed (not written); right [191,201] = {200}
    ]);
    expect(dropped).toBe(1);
    expect(out).toEqual([
      { key: 'a[90,100]', value: 1 },
      { key: 'a[190,200]', value: 1 },
      { key: 'a[190,200]', value: 2 },
      { key: 'a[191,201]', value: 1 },
    ]);
  });

  it('reduce goes through the same windows (max per window)', async () => {
    const b = new StreamsBuilder();
    b.stream<string, number>('temps', { keySerde: S, valueSerde: F })
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10))
      .reduce((a, v) => Math.max(a, v), { valueSerde: F })
      .toStream()
      .map((w, n) => ({ key: label(w), value: n }))
      .to('max', { keySerde: S, valueSerde: F });
    const driver = new TopologyTestDriver(b.build());
    const temps = driver.createInputTopic('temps', S, F);
    temps.pipeInput('s', 5, 20);
    temps.pipeInput('s', 3, 25);
    temps.pipeInput('s', 1, 40);
    expect(driver.createOutputTopic('max', S, F).readKeyValuesToMap()).toEqual(
      new Map([
        ['s[10,20]', 5],
        ['s[21,31]', 3],
        ['s[15,25]', 5],
        ['s[30,40]', 1],
      ]),
    );
    await driver.close();
  });

  it('suppress(untilWindowCloses) emits each sliding window once, after end + grace', async () => {
    const { out } = await run(
      SlidingWindows.ofTimeDifferenceAndGrace(10, 5),
      [
        ['a', 20],
        ['a', 25],
        ['a', 60], // closes everything ending at or before 55
      ],
      true,
    );
    expect(out).toEqual([
      { key: 'a[10,20]', value: 1 },
      { key: 'a[15,25]', value: 2 },
      { key: 'a[21,31]', value: 1 },
    ]);
  });

  /**
   * The naive definition: for each record t its left window [t − d, t]
   * ([0, d] when t < d) and, when not empty, its right window
   * [t + 1, t + 1 + d]; each window counts the records within its bounds.
   */
  function naiveWindows(timestamps: number[], d: number): Map<string, number> {
    const out = new Map<string, number>();
    const count = (s: number): number => timestamps.filter((t) => t >= s && t <= s + d).length;
    for (const t of timestamps) {
      const left = Math.max(0, t - d);
      out.set(`k[${left},${left + d}]`, count(left));
      if (count(t + 1) > 0) out.set(`k[${t + 1},${t + 1 + d}]`, count(t + 1));
    }
    return out;
  }

  it('cached: between commits each window goes downstream once, with its latest count', async () => {
    const driver = new TopologyTestDriver(slidingCount(SlidingWindows.ofTimeDifferenceAndGrace(10, 100)).build(), { commitEveryRecord: false });
    const events = driver.createInputTopic('events', S, S);
    for (const ts of [20, 30, 25]) events.pipeInput('a', 'x', ts);
    const output = driver.createOutputTopic('counts', S, F);
    expect(output.isEmpty()).toBe(true);
    driver.commit();
    const flushed = output.readKeyValuesToList();
    expect(flushed).toHaveLength(5); // [20,30] was written three times, [21,31] twice: once each downstream
    expect(new Map(flushed.map(({ key, value }) => [key, value]))).toEqual(
      new Map([
        ['a[10,20]', 1],
        ['a[20,30]', 3],
        ['a[21,31]', 2],
        ['a[15,25]', 2],
        ['a[26,36]', 1],
      ]),
    );
    await driver.close();
  });

  it('property: with no record late, the final window counts equal the naive definition, in any arrival order, cached or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 25 }), fc.boolean(), async (d, timestamps, cached) => {
        const { out, dropped } = await run(
          SlidingWindows.ofTimeDifferenceAndGrace(d, 10_000),
          timestamps.map((t) => ['k', t]),
          false,
          cached,
        );
        expect(dropped).toBe(0);
        const last = new Map(out.map(({ key, value }) => [key, value]));
        expect(last).toEqual(naiveWindows(timestamps, d));
      }),
      { numRuns: 200 },
    );
  });

  it('property: in order with no grace, the expiry of unreachable windows changes no result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 40 }), fc.boolean(), async (d, raw, cached) => {
        const timestamps = [...raw].sort((a, b) => a - b);
        const { out, dropped } = await run(
          SlidingWindows.ofTimeDifferenceWithNoGrace(d),
          timestamps.map((t) => ['k', t]),
          false,
          cached,
        );
        expect(dropped).toBe(0);
        expect(new Map(out.map(({ key, value }) => [key, value]))).toEqual(naiveWindows(timestamps, d));
      }),
      { numRuns: 150 },
    );
  });
});
