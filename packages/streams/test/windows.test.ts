import fc from 'fast-check';
import { Serdes, StreamsBuilder, Suppressed, TimeWindows, TopologyTestDriver, type Windowed } from '../src';

const S = Serdes.String();
const windowKey = (w: Windowed<string>): string => `${w.key}@${w.window.startMs}`;

describe('TimeWindows', () => {
  it('tumbling windows: each timestamp in exactly one window', () => {
    const w = TimeWindows.ofSizeWithNoGrace(10);
    expect(w.windowsFor(0)).toEqual([{ startMs: 0, endMs: 10 }]);
    expect(w.windowsFor(19)).toEqual([{ startMs: 10, endMs: 20 }]);
  });

  it('hopping windows: every window whose range holds the timestamp, oldest first', () => {
    const w = TimeWindows.ofSizeWithGrace(10, 0).advanceBy(5);
    expect(w.windowsFor(12)).toEqual([
      { startMs: 5, endMs: 15 },
      { startMs: 10, endMs: 20 },
    ]);
    expect(w.windowsFor(3)).toEqual([{ startMs: 0, endMs: 10 }]);
  });

  it('rejects bad sizes with INVALID_CONFIG', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow(/INVALID_CONFIG: window size/);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(/must not exceed the size/);
    expect(() => TimeWindows.ofSizeWithGrace(10, -1)).toThrow(/grace/);
  });
});

function windowedCount(suppress: boolean): StreamsBuilder {
  const b = new StreamsBuilder();
  let table = b
    .stream<string, string>('clicks', { keySerde: S, valueSerde: S })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithGrace(60_000, 10_000))
    .count({ storeName: 'per-minute' });
  if (suppress) table = table.suppress(Suppressed.untilWindowCloses());
  table
    .toStream()
    .map((w, n) => ({ key: windowKey(w), value: n }))
    .to('counts', { keySerde: S, valueSerde: Serdes.Float64() });
  return b;
}

describe('windowed aggregation', () => {
  it('counts per key and window; late records within grace count, later ones are dropped', async () => {
    const b = windowedCount(false);
    const driver = new TopologyTestDriver(b.build(), { cacheMaxEntries: 0 });
    const input = driver.createInputTopic('clicks', S, S);
    input.pipeInput('/home', 'x', 1_000);
    input.pipeInput('/home', 'x', 59_000);
    input.pipeInput('/home', 'x', 61_000); // next window; stream time 61 s
    input.pipeInput('/home', 'x', 30_000); // out of order, window [0, 60 s) open until 70 s
    input.pipeInput('/home', 'x', 75_000); // stream time 75 s: window 0 closed
    input.pipeInput('/home', 'x', 40_000); // too late: dropped
    const out = driver.createOutputTopic('counts', S, Serdes.Float64()).readKeyValuesToList();
    expect(out).toEqual([
      { key: '/home@0', value: 1 },
      { key: '/home@0', value: 2 },
      { key: '/home@60000', value: 1 },
      { key: '/home@0', value: 3 },
      { key: '/home@60000', value: 2 },
    ]);
    expect(b.windowCounters.droppedLateRecords).toBe(1);
    // The closed window was deleted from the store; the open one is there.
    const store = driver.getWindowStore<string, number>('per-minute');
    expect(store.fetch('/home', 0)).toBeUndefined();
    expect(store.fetch('/home', 60_000)).toBe(2);
    await driver.close();
  });

  it('suppress(untilWindowCloses) emits exactly one final result per window, when stream time passes end + grace', async () => {
    const driver = new TopologyTestDriver(windowedCount(true).build());
    const input = driver.createInputTopic('clicks', S, S);
    const output = driver.createOutputTopic('counts', S, Serdes.Float64());
    input.pipeInput('/a', 'x', 1_000);
    input.pipeInput('/b', 'x', 2_000);
    input.pipeInput('/a', 'x', 50_000);
    input.pipeInput('/a', 'x', 65_000);
    expect(output.isEmpty()).toBe(true); // stream time 65 s < 60 s + 10 s grace
    input.pipeInput('/a', 'x', 55_000); // late but within grace: still counted in the final result
    input.pipeInput('/c', 'x', 70_000); // stream time 70 s: window [0, 60 s) closes
    expect(output.readKeyValuesToList()).toEqual([
      { key: '/a@0', value: 3 },
      { key: '/b@0', value: 1 },
    ]);
    input.pipeInput('/c', 'x', 130_000);
    expect(output.readKeyValuesToList()).toEqual([
      { key: '/a@60000', value: 1 },
      { key: '/c@60000', value: 1 },
    ]);
    await driver.close();
  });

  it('with caching and no commit between, a window closed and purged still reaches suppress with its final count', async () => {
    const driver = new TopologyTestDriver(windowedCount(true).build(), { commitEveryRecord: false });
    const input = driver.createInputTopic('clicks', S, S);
    input.pipeInput('/a', 'x', 1_000);
    input.pipeInput('/a', 'x', 2_000);
    input.pipeInput('/a', 'x', 200_000); // closes (and purges) window 0 before any commit
    driver.commit();
    expect(driver.createOutputTopic('counts', S, Serdes.Float64()).readKeyValuesToList()).toEqual([{ key: '/a@0', value: 2 }]);
    await driver.close();
  });

  it('property: wherever commits fall, suppress emits each window once, with its final count', () => {
    // Two pages in one partition, interleaved within each minute (page 0's views span the minute before page 1's start).
    const views: [string, number][] = [];
    for (let m = 0; m < 3; m++) ['/a', '/b'].forEach((page, i) => {
      const n = (m + 1) * (i + 1);
      for (let v = 0; v < n; v++) views.push([page, m * 60_000 + Math.floor((v * 60_000) / n)]);
    });
    views.push(['/a', 300_000], ['/b', 300_000]);
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: views.length, maxLength: views.length }), (commitAfter) => {
        const driver = new TopologyTestDriver(windowedCount(true).build(), { commitEveryRecord: false });
        const input = driver.createInputTopic('clicks', S, S);
        views.forEach(([page, t], i) => {
          input.pipeInput(page, 'x', t);
          if (commitAfter[i]) driver.commit();
        });
        driver.commit();
        const out = driver.createOutputTopic('counts', S, Serdes.Float64()).readKeyValuesToList();
        expect(out.sort((x, y) => (x.key! < y.key! ? -1 : 1))).toEqual([
          { key: '/a@0', value: 1 }, { key: '/a@120000', value: 3 }, { key: '/a@60000', value: 2 },
          { key: '/b@0', value: 2 }, { key: '/b@120000', value: 6 }, { key: '/b@60000', value: 4 },
        ]);
      }),
      // Never committing until the end is the case that once emitted a window twice.
      { numRuns: 100, examples: [[views.map(() => false)]] },
    );
  });

  it('hopping windows count a record in each overlapping window', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: S, valueSerde: S })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
      .count({ storeName: 'hop' })
      .toStream()
      .map((w, n) => ({ key: windowKey(w), value: n }))
      .to('out', { keySerde: S, valueSerde: Serdes.Float64() });
    const driver = new TopologyTestDriver(b.build());
    driver.createInputTopic('in', S, S).pipeInput('k', 'v', 7);
    expect(driver.createOutputTopic('out', S, Serdes.Float64()).readKeyValuesToList()).toEqual([
      { key: 'k@0', value: 1 },
      { key: 'k@5', value: 1 },
    ]);
    await driver.close();
  });

  it('suppress on a table that is not windowed is a clear error', () => {
    const b = new StreamsBuilder();
    const t = b.stream<string, string>('in', { keySerde: S, valueSerde: S }).groupByKey().count();
    expect(() => t.suppress(Suppressed.untilWindowCloses())).toThrow(/INVALID_CONFIG: invalid topology: suppress\(untilWindowCloses\) needs a windowed table/);
  });
});

describe('timestamp extractor', () => {
  it('event time from the value drives windows; a negative time skips the record', async () => {
    const b = new StreamsBuilder();
    b.stream<string, { at: number }>('events', { keySerde: S, valueSerde: Serdes.JSON(), timestampExtractor: (r) => r.value.at })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(100))
      .count()
      .toStream()
      .map((w, n) => ({ key: windowKey(w), value: n }))
      .to('out', { keySerde: S, valueSerde: Serdes.Float64() });
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic('events', S, Serdes.JSON<{ at: number }>());
    input.pipeInput('k', { at: 150 }, 999_999); // the record timestamp is ignored
    input.pipeInput('k', { at: -1 }, 5);
    const out = driver.createOutputTopic('out', S, Serdes.Float64()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['k@100', 1, 150]]);
    expect(driver.skippedRecords()).toBe(1);
    await driver.close();
  });
});
