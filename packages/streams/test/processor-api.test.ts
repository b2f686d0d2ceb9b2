import { Serdes, Stores, StreamsBuilder, Topology, TopologyTestDriver, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord } from '../src';

const S = Serdes.String();

/** Sums values per key in a store; on stream time and wall-clock punctuation emits the totals. */
class SumAndReport implements Processor<string, number, string, string> {
  private ctx!: ProcessorContext<string, string>;
  private store!: KeyValueStore<string, number>;

  init(ctx: ProcessorContext<string, string>): void {
    this.ctx = ctx;
    this.store = ctx.getStateStore<KeyValueStore<string, number>>('sums');
    ctx.schedule(100, 'STREAM_TIME', (t) => this.report(`stream@${t}`, t));
    ctx.schedule(1000, 'WALL_CLOCK_TIME', (t) => this.report(`wall@${t}`, t));
  }

  process(r: StreamRecord<string, number>): void {
    this.store.put(r.key, (this.store.get(r.key) ?? 0) + r.value);
    this.ctx.forward({ ...r, value: `seen ${r.key}` }, 'echo');
  }

  private report(label: string, timestamp: number): void {
    const totals = this.store.all().map((kv) => `${kv.key}=${kv.value}`).join(',');
    this.ctx.forward({ key: label, value: totals, timestamp, headers: [] }, 'report');
  }
}

function processorTopology(): Topology {
  return new Topology()
    .addSource('src', 'in', { keySerde: S, valueSerde: Serdes.Int32() })
    .addProcessor('sum', () => new SumAndReport(), 'src')
    .addStateStore(Stores.keyValue('sums', S, Serdes.Int32(), { caching: false }), 'sum')
    .addSink('echo', 'echo-out', { keySerde: S, valueSerde: S }, 'sum')
    .addSink('report', 'report-out', { keySerde: S, valueSerde: S }, 'sum');
}

describe('processor API', () => {
  it('stores, forward to a named child, stream-time and wall-clock punctuators', async () => {
    const driver = new TopologyTestDriver(processorTopology(), { initialWallClockMs: 10_000 });
    const input = driver.createInputTopic('in', S, Serdes.Int32());
    const report = driver.createOutputTopic('report-out', S, S);
    input.pipeInput('a', 1, 0); // first record: stream-time punctuator fires at once (Kafka's rule)
    input.pipeInput('b', 2, 50);
    input.pipeInput('a', 3, 250); // passes 100 and 200: fires once, at 250, next due 300
    input.pipeInput('a', 1, 260);
    expect(report.readKeyValuesToList()).toEqual([
      { key: 'stream@0', value: 'a=1' },
      { key: 'stream@250', value: 'a=4,b=2' },
    ]);
    driver.advanceWallClockTime(999);
    expect(report.isEmpty()).toBe(true);
    driver.advanceWallClockTime(1);
    expect(report.readKeyValuesToList()).toEqual([{ key: 'wall@11000', value: 'a=5,b=2' }]);
    expect(driver.createOutputTopic('echo-out', S, S).readValuesToList()).toEqual(['seen a', 'seen b', 'seen a', 'seen a']);
    expect(driver.getKeyValueStore<string, number>('sums').get('a')).toBe(5);
    // The store's changelog has every write, partition-keyed by the task.
    expect(driver.createOutputTopic('test-driver-sums-changelog', S, Serdes.Int32()).readKeyValuesToList().map((kv) => kv.value)).toEqual([1, 2, 4, 5]);
    await driver.close();
  });

  it('a processor reaching for a store it is not connected to gets a clear error', () => {
    const topo = new Topology()
      .addSource('src', 'in', { keySerde: S, valueSerde: S })
      .addProcessor('p', () => ({ init: (ctx: ProcessorContext) => void ctx.getStateStore('nope'), process: () => undefined }), 'src');
    expect(() => new TopologyTestDriver(topo)).toThrow(/processor "p" has no access to state store "nope"/);
  });

  it('bad topologies fail when built, with the reason', () => {
    const t = new Topology().addSource('src', 'in', { keySerde: S, valueSerde: S });
    expect(() => t.addProcessor('p', () => ({ process: () => undefined }), 'missing')).toThrow(/parent "missing" of "p" does not exist/);
    expect(() => t.addSource('src', 'other', { keySerde: S, valueSerde: S })).toThrow(/a node named "src" already exists/);
    expect(() => t.addSource('src2', 'in', { keySerde: S, valueSerde: S })).toThrow(/topic "in" is already read/);
    expect(() => t.addSource('bad', 'no spaces', { keySerde: S, valueSerde: S })).toThrow(/INVALID_TOPIC_EXCEPTION/);
    expect(() => Stores.keyValue('bad name', S, S)).toThrow(/invalid state store name/);
  });

  it('a record that does not deserialize fails the task, or is skipped and counted with logAndContinue', async () => {
    const b = new StreamsBuilder();
    b.stream('in', { keySerde: S, valueSerde: Serdes.Int32() }).to('out', { keySerde: S, valueSerde: Serdes.Int32() });
    const strict = new TopologyTestDriver(b.build());
    expect(() => strict.createInputTopic('in', S, S).pipeInput('k', 'not four bytes')).toThrow(/CORRUPT_MESSAGE: task 0_0: cannot deserialize in-0@0: INVALID_RECORD: Int32 serde expects 4 bytes, got 14/);
    const lenient = new TopologyTestDriver(b.build(), { onDeserializationError: 'logAndContinue' });
    lenient.createInputTopic('in', S, S).pipeInput('k', 'bad');
    lenient.createInputTopic('in', S, Serdes.Int32()).pipeInput('k', 7);
    expect(lenient.createOutputTopic('out', S, Serdes.Int32()).readValuesToList()).toEqual([7]);
    expect(lenient.skippedRecords()).toBe(1);
    // Or to a dead-letter topic, bytes as they were, with headers saying where from and why.
    const dlq = new TopologyTestDriver(b.build(), { onDeserializationError: { deadLetterTopic: 'in-dlq' } });
    dlq.createInputTopic('in', S, S).pipeInput('k', 'bad', 5, [{ key: 'trace', value: Buffer.from('t') }]);
    const dead = dlq.createOutputTopic('in-dlq', S, S).readRecordsToList();
    expect(dead.map((r) => [r.key, r.value, r.timestamp])).toEqual([['k', 'bad', 5]]);
    expect(Object.fromEntries(dead[0]!.headers.map((h) => [h.key, h.value?.toString()]))).toEqual({
      trace: 't',
      'gregor.dlq.topic': 'in',
      'gregor.dlq.partition': '0',
      'gregor.dlq.offset': '0',
      'gregor.dlq.error': 'INVALID_RECORD: Int32 serde expects 4 bytes, got 3',
    });
  });
});

describe('Topology.describe()', () => {
  it('prints sub-topologies like Kafka', () => {
    const b = new StreamsBuilder();
    b.stream('streams-plaintext-input', { keySerde: S, valueSerde: S })
      .flatMapValues((v) => v.split(' '))
      .groupBy((_k, v) => v)
      .count({ storeName: 'counts-store' })
      .toStream()
      .to('streams-wordcount-output');
    expect(b.build().describe()).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [streams-plaintext-input])',
        '      --> KSTREAM-FLATMAPVALUES-0000000001',
        '    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])',
        '      --> KSTREAM-KEY-SELECT-0000000002',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])',
        '      --> KSTREAM-SINK-0000000003',
        '      <-- KSTREAM-FLATMAPVALUES-0000000001',
        '    Sink: KSTREAM-SINK-0000000003 (topic: counts-store-repartition)',
        '      <-- KSTREAM-KEY-SELECT-0000000002',
        '',
        '   Sub-topology: 1',
        '    Source: KSTREAM-SOURCE-0000000004 (topics: [counts-store-repartition])',
        '      --> KSTREAM-AGGREGATE-0000000005',
        '    Processor: KSTREAM-AGGREGATE-0000000005 (stores: [counts-store])',
        '      --> KTABLE-TOSTREAM-0000000006',
        '      <-- KSTREAM-SOURCE-0000000004',
        '    Processor: KTABLE-TOSTREAM-0000000006 (stores: [])',
        '      --> KSTREAM-SINK-0000000007',
        '      <-- KSTREAM-AGGREGATE-0000000005',
        '    Sink: KSTREAM-SINK-0000000007 (topic: streams-wordcount-output)',
        '      <-- KTABLE-TOSTREAM-0000000006',
        '',
      ].join('\n'),
    );
  });
});
