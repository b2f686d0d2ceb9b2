import { Serdes, StreamsBuilder, TopologyTestDriver, type KTable } from '../src';

const S = Serdes.String();

function tableJoin(kind: 'join' | 'leftJoin' | 'outerJoin'): TopologyTestDriver {
  const b = new StreamsBuilder();
  const users = b.table<string, string>('users', { keySerde: S, valueSerde: S });
  const plans = b.table<string, string>('plans', { keySerde: S, valueSerde: S });
  const joined: KTable<string, string> =
    kind === 'join'
      ? users.join(plans, (u, p) => `${u}/${p}`)
      : kind === 'leftJoin'
        ? users.leftJoin(plans, (u, p) => `${u}/${p ?? '-'}`)
        : users.outerJoin(plans, (u, p) => `${u ?? '-'}/${p ?? '-'}`);
  joined.toStream().to('out', { keySerde: S, valueSerde: S });
  return new TopologyTestDriver(b.build());
}

/** The same updates for every join kind: user, plan, plan change, user removed, plan removed. */
function play(driver: TopologyTestDriver): (string | null)[] {
  const users = driver.createInputTopic('users', S, S);
  const plans = driver.createInputTopic('plans', S, S);
  plans.pipeInput('k', 'free'); // only the right side
  users.pipeInput('k', 'ann'); // both
  plans.pipeInput('k', 'pro'); // right side changes
  plans.pipeInput('k', null); // right side removed
  users.pipeInput('k', null); // left side removed
  return driver.createOutputTopic('out', S, S).readValuesToList();
}

describe('KTable–KTable joins', () => {
  it('inner: a row while both sides have a value; a tombstone when one side goes', () => {
    expect(play(tableJoin('join'))).toEqual(['ann/free', 'ann/pro', null]);
  });

  it('left: a row while the left side has a value', () => {
    expect(play(tableJoin('leftJoin'))).toEqual(['ann/free', 'ann/pro', 'ann/-', null]);
  });

  it('outer: a row while either side has a value', () => {
    expect(play(tableJoin('outerJoin'))).toEqual(['-/free', 'ann/free', 'ann/pro', 'ann/-', null]);
  });

  it('the joined table can be joined again (its value getter reads both stores)', () => {
    const b = new StreamsBuilder();
    const a = b.table<string, string>('a', { keySerde: S, valueSerde: S });
    const c = b.table<string, string>('c', { keySerde: S, valueSerde: S });
    const joined = a.join(c, (x, y) => x + y);
    b.stream<string, string>('events', { keySerde: S, valueSerde: S })
      .join(joined, (e, j) => `${e}:${j}`)
      .to('out', { keySerde: S, valueSerde: S });
    const driver = new TopologyTestDriver(b.build());
    driver.createInputTopic('a', S, S).pipeInput('k', 'A');
    driver.createInputTopic('events', S, S).pipeInput('k', 'e1'); // c has no value yet: no row
    driver.createInputTopic('c', S, S).pipeInput('k', 'C');
    driver.createInputTopic('events', S, S).pipeInput('k', 'e2');
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['e2:AC']);
  });
});

describe('KTable.groupBy', () => {
  it('count and aggregate follow rows that change group or go away', () => {
    const b = new StreamsBuilder();
    const users = b.table<string, string>('user-regions', { keySerde: S, valueSerde: S });
    const grouped = users.groupBy((_user, region) => ({ key: region, value: 1 }), { keySerde: S, valueSerde: Serdes.Int32() });
    grouped.count({ storeName: 'per-region' }).toStream().to('region-counts', { keySerde: S, valueSerde: Serdes.Float64() });
    grouped.reduce((a, v) => a + v, (a, v) => a - v, { storeName: 'per-region-sum' });
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic('user-regions', S, S);
    input.pipeInput('ann', 'eu');
    input.pipeInput('bob', 'eu');
    input.pipeInput('cid', 'us');
    input.pipeInput('ann', 'us'); // moves: eu −1, us +1
    input.pipeInput('bob', null); // leaves: eu −1
    expect(driver.createOutputTopic('region-counts', S, Serdes.Float64()).readKeyValuesToMap()).toEqual(new Map([['eu', 0], ['us', 2]]));
    expect(driver.getKeyValueStore<string, number>('per-region-sum').get('us')).toBe(2);
    expect(driver.getKeyValueStore<string, number>('per-region-sum').get('eu')).toBe(0);
  });
});
