import { Serdes, StreamsBuilder, TopologyTestDriver, type KStream } from '../src';

const S = Serdes.String();

function wordCount(): StreamsBuilder {
  const b = new StreamsBuilder();
  b.stream('text', { keySerde: S, valueSerde: S })
    .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w.length > 0))
    .groupBy((_k, word) => word, { keySerde: S, valueSerde: S })
    .count({ storeName: 'counts' })
    .toStream()
    .to('word-counts', { keySerde: S, valueSerde: Serdes.Float64() });
  return b;
}

describe('DSL through the TopologyTestDriver', () => {
  it('word count: repartitions by word, counts in a store, emits every update', async () => {
    const driver = new TopologyTestDriver(wordCount().build(), { applicationId: 'wc' });
    const input = driver.createInputTopic('text', S, S);
    const output = driver.createOutputTopic('word-counts', S, Serdes.Float64());
    input.pipeInput(null, 'Hello Kafka hello');
    input.pipeInput(null, 'hello gregor');
    expect(output.readKeyValuesToMap()).toEqual(new Map([['hello', 3], ['kafka', 1], ['gregor', 1]]));
    const store = driver.getKeyValueStore<string, number>('counts');
    expect(store.get('hello')).toBe(3);
    expect(store.all().map((kv) => kv.key)).toEqual(['gregor', 'hello', 'kafka']);
    // Internal topics carry the application id.
    expect(driver.producedTopicNames().sort()).toEqual(['wc-counts-changelog', 'wc-counts-repartition', 'word-counts']);
    await driver.close();
  });

  it('the cache collapses updates of a hot key within one input record', async () => {
    const driver = new TopologyTestDriver(wordCount().build());
    const output = driver.createOutputTopic('word-counts', S, Serdes.Float64());
    driver.createInputTopic('text', S, S).pipeInput(null, 'a a a b');
    // Without a cache: a=1, a=2, a=3, b=1. With it (flushed at the end of the input record): a=3, b=1.
    expect(output.readKeyValuesToList()).toEqual([
      { key: 'a', value: 3 },
      { key: 'b', value: 1 },
    ]);
    const uncached = new TopologyTestDriver(wordCount().build(), { cacheMaxEntries: 0 });
    const out2 = uncached.createOutputTopic('word-counts', S, Serdes.Float64());
    uncached.createInputTopic('text', S, S).pipeInput(null, 'a a a b');
    expect(out2.readValuesToList()).toEqual([1, 2, 3, 1]);
    await driver.close();
    await uncached.close();
  });

  it('stateless operators keep timestamps and headers, and chain with the right types', async () => {
    const b = new StreamsBuilder();
    const seen: string[] = [];
    b.stream<string, string>('in', { keySerde: S, valueSerde: S })
      .filter((_k, v) => v !== 'drop')
      .filterNot((k) => k === 'skip')
      .mapValues((v) => v.length)
      .map((k, n) => ({ key: `${k}!`, value: n * 2 }))
      .peek((k) => seen.push(k))
      .selectKey((k, n) => `${k}${n}`)
      .flatMap((k, n) => [{ key: k, value: n }, { key: k, value: n + 1 }])
      .to('out', { keySerde: S, valueSerde: Serdes.Int32() });
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic('in', S, S);
    const headers = [{ key: 'trace', value: Buffer.from('t-1') }];
    input.pipeInput('a', 'xyz', 1234, headers);
    input.pipeInput('b', 'drop', 1235);
    input.pipeInput('skip', 'zz', 1236);
    const out = driver.createOutputTopic('out', S, Serdes.Int32()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['a!6', 6, 1234],
      ['a!6', 7, 1234],
    ]);
    expect(out[0]!.headers).toEqual(headers);
    expect(seen).toEqual(['a!']);
    await driver.close();
  });

  it('split/branch routes to the first matching branch; merge joins streams back', async () => {
    const b = new StreamsBuilder();
    const branches = b
      .stream<string, string>('in', { keySerde: S, valueSerde: S })
      .split('route-')
      .branch((_k, v) => v.startsWith('a'), 'a')
      .branch((_k, v) => v.startsWith('b'), 'b')
      .defaultBranch('rest');
    branches['a']!.to('out-a', { keySerde: S, valueSerde: S });
    (branches['b'] as KStream<string, string>).merge(branches['rest']!).to('out-other', { keySerde: S, valueSerde: S });
    const driver = new TopologyTestDriver(b.build());
    driver.createInputTopic('in', S, S).pipeValueList(['apple', 'banana', 'cherry', 'avocado', 'blueberry']);
    expect(driver.createOutputTopic('out-a', S, S).readValuesToList()).toEqual(['apple', 'avocado']);
    expect(driver.createOutputTopic('out-other', S, S).readValuesToList()).toEqual(['banana', 'cherry', 'blueberry']);
    await driver.close();
  });

  it('to() with a topic function picks the topic per record', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('in', { keySerde: S, valueSerde: S }).to((k) => `out-${k}`, { keySerde: S, valueSerde: S });
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('x', '1');
    input.pipeInput('y', '2');
    expect(driver.createOutputTopic('out-x', S, S).readValuesToList()).toEqual(['1']);
    expect(driver.createOutputTopic('out-y', S, S).readValuesToList()).toEqual(['2']);
    await driver.close();
  });

  it('reduce and aggregate per key; null keys and values are skipped', async () => {
    const b = new StreamsBuilder();
    const grouped = b.stream<string, number>('nums', { keySerde: S, valueSerde: Serdes.Int32() }).groupByKey();
    grouped.reduce((a, v) => a + v, { storeName: 'sums' }).toStream().to('sums-out', { keySerde: S, valueSerde: Serdes.Int32() });
    grouped
      .aggregate(() => ({ n: 0, max: -Infinity }), (_k, v, agg) => ({ n: agg.n + 1, max: Math.max(agg.max, v) }), { storeName: 'stats' })
      .toStream()
      .to('stats-out', { keySerde: S, valueSerde: Serdes.JSON() });
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic('nums', S, Serdes.Int32());
    input.pipeKeyValueList([
      { key: 'a', value: 1 },
      { key: 'b', value: 10 },
      { key: 'a', value: 5 },
    ]);
    input.pipeInput(null, 7);
    input.pipeInput('a', null);
    expect(driver.createOutputTopic('sums-out', S, Serdes.Int32()).readKeyValuesToMap()).toEqual(new Map([['a', 6], ['b', 10]]));
    expect(driver.getKeyValueStore('stats').get('a')).toEqual({ n: 2, max: 5 });
    await driver.close();
  });

  it('KStream–KTable join: inner drops unmatched records, left keeps them; table updates do not emit', async () => {
    const b = new StreamsBuilder();
    const users = b.table<string, string>('users', { keySerde: S, valueSerde: S, storeName: 'users-store' });
    const clicks = b.stream<string, string>('clicks', { keySerde: S, valueSerde: S });
    clicks.join(users, (page, region) => `${page}@${region}`).to('joined', { keySerde: S, valueSerde: S });
    clicks.leftJoin(users, (page, region) => `${page}@${region ?? 'unknown'}`).to('left-joined', { keySerde: S, valueSerde: S });
    const driver = new TopologyTestDriver(b.build());
    const userIn = driver.createInputTopic('users', S, S);
    const clickIn = driver.createInputTopic('clicks', S, S);
    clickIn.pipeInput('alice', '/home');
    userIn.pipeInput('alice', 'eu');
    clickIn.pipeInput('alice', '/cart');
    userIn.pipeInput('alice', 'us');
    clickIn.pipeInput('alice', '/pay');
    userIn.pipeInput('alice', null); // tombstone: alice leaves the table
    clickIn.pipeInput('alice', '/bye');
    expect(driver.createOutputTopic('joined', S, S).readValuesToList()).toEqual(['/cart@eu', '/pay@us']);
    expect(driver.createOutputTopic('left-joined', S, S).readValuesToList()).toEqual(['/home@unknown', '/cart@eu', '/pay@us', '/bye@unknown']);
    expect(driver.getKeyValueStore('users-store').get('alice')).toBeUndefined();
    await driver.close();
  });

  it('KTable filter and mapValues forward changes; toStream turns removals into tombstones', async () => {
    const b = new StreamsBuilder();
    b.table<string, string>('t', { keySerde: S, valueSerde: S })
      .mapValues((v) => Number(v))
      .filter((_k, n) => n > 10)
      .toStream()
      .to('big', { keySerde: S, valueSerde: Serdes.Int32() });
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic('t', S, S);
    input.pipeInput('k', '5'); // filtered on both sides: nothing
    input.pipeInput('k', '50');
    input.pipeInput('k', '7'); // was big, now small: a tombstone
    expect(driver.createOutputTopic('big', S, Serdes.Int32()).readKeyValuesToList()).toEqual([
      { key: 'k', value: 50 },
      { key: 'k', value: null },
    ]);
    await driver.close();
  });

  it('a join after a key change repartitions first', () => {
    const b = new StreamsBuilder();
    const t = b.table<string, string>('t', { keySerde: S, valueSerde: S });
    b.stream<string, string>('s', { keySerde: S, valueSerde: S })
      .selectKey((_k, v) => v)
      .join(t, (v, tv) => v + tv)
      .to('o', { keySerde: S, valueSerde: S });
    const topo = b.build();
    const subs = topo.subtopologies();
    expect(subs).toHaveLength(2);
    expect(topo.copartitioned().map((g) => g.map((r) => r.name).sort())).toEqual([['KSTREAM-JOIN-0000000005-repartition', 't']]);
    const driver = new TopologyTestDriver(topo);
    driver.createInputTopic('t', S, S).pipeInput('x', '!');
    driver.createInputTopic('s', S, S).pipeInput('ignored', 'x');
    expect(driver.createOutputTopic('o', S, S).readKeyValuesToList()).toEqual([{ key: 'x', value: 'x!' }]);
  });
});
