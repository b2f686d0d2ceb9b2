import { Serdes, SessionWindows, StreamsBuilder, Suppressed, TopologyTestDriver, type Windowed } from '../src';

const S = Serdes.String();
const show = (w: Windowed<string>): string => `${w.key}[${w.window.startMs},${w.window.endMs}]`;

function sessions(suppress: boolean, graceMs = 20): { driver: TopologyTestDriver; builder: StreamsBuilder } {
  const b = new StreamsBuilder();
  let t = b
    .stream<string, string>('clicks', { keySerde: S, valueSerde: S })
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(100, graceMs))
    .count({ storeName: 'sessions' });
  if (suppress) t = t.suppress(Suppressed.untilWindowCloses());
  t.toStream()
    .map((w, n) => ({ key: show(w), value: n === null ? 'removed' : String(n) }))
    .to('out', { keySerde: S, valueSerde: S });
  return { driver: new TopologyTestDriver(b.build()), builder: b };
}

describe('session windows', () => {
  it('records within the gap extend a session; one between two sessions merges them', () => {
    const { driver } = sessions(false, 200); // enough grace for the out-of-order records below
    const input = driver.createInputTopic('clicks', S, S);
    input.pipeInput('u', 'x', 0);
    input.pipeInput('u', 'x', 50); // within 100 of 0: same session
    input.pipeInput('u', 'x', 220); // more than 100 after 50: a new session
    input.pipeInput('v', 'x', 60); // another key: its own session
    input.pipeInput('u', 'x', 140); // within the gap of both: merges [0,50] and [220,220]
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
      { key: 'u[0,0]', value: '1' },
      { key: 'u[0,0]', value: 'removed' },
      { key: 'u[0,50]', value: '2' },
      { key: 'u[220,220]', value: '1' },
      { key: 'v[60,60]', value: '1' },
      { key: 'u[0,50]', value: 'removed' },
      { key: 'u[220,220]', value: 'removed' },
      { key: 'u[0,220]', value: '4' },
    ]);
  });

  it('suppress emits each session once, after end + gap + grace; a record for a closed session is dropped and counted', () => {
    const { driver, builder } = sessions(true);
    const input = driver.createInputTopic('clicks', S, S);
    const out = driver.createOutputTopic('out', S, S);
    input.pipeInput('u', 'x', 0);
    input.pipeInput('u', 'x', 50);
    input.pipeInput('w', 'x', 169); // stream time 169 < 50 + 100 + 20: u's session may still grow
    expect(out.isEmpty()).toBe(true);
    input.pipeInput('w', 'x', 170); // closes u[0,50]
    expect(out.readKeyValuesToList()).toEqual([{ key: 'u[0,50]', value: '2' }]);
    input.pipeInput('u', 'x', 40); // its session would be [0,50]+: closed, dropped
    expect(builder.windowCounters.droppedLateRecords).toBe(1);
    input.pipeInput('z', 'x', 1000);
    expect(out.readKeyValuesToList()).toEqual([{ key: 'w[169,170]', value: '2' }]);
  });

  it('reduce and aggregate merge the sessions they join', () => {
    const b = new StreamsBuilder();
    const windowed = b.stream<string, string>('in', { keySerde: S, valueSerde: S }).groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 50));
    windowed.reduce((a, v) => `${a}+${v}`, { valueSerde: S }).toStream().map((w, v) => ({ key: show(w), value: v })).to('reduced', { keySerde: S, valueSerde: S });
    windowed
      .aggregate(() => [] as string[], (_k, v, agg) => [...agg, v], (_k, a, c) => [...a, ...c], { storeName: 'agg' })
      .toStream()
      .map((w, v) => ({ key: show(w), value: v === null ? 'removed' : v.join(',') }))
      .to('aggregated', { keySerde: S, valueSerde: S });
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('k', 'a', 0);
    input.pipeInput('k', 'c', 20);
    input.pipeInput('k', 'b', 10); // bridges both
    expect(driver.createOutputTopic('reduced', S, S).readKeyValuesToMap().get('k[0,20]')).toBe('a+c+b');
    expect(driver.createOutputTopic('aggregated', S, S).readKeyValuesToMap().get('k[0,20]')).toBe('a,c,b');
  });
});
