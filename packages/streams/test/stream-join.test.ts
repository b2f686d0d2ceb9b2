import { JoinWindows, Serdes, StreamsBuilder, TopologyTestDriver } from '../src';

const S = Serdes.String();

function orderPayments(windowMs: number, graceMs = 0): { driver: TopologyTestDriver; builder: StreamsBuilder } {
  const b = new StreamsBuilder();
  const orders = b.stream<string, string>('orders', { keySerde: S, valueSerde: S });
  const payments = b.stream<string, string>('payments', { keySerde: S, valueSerde: S });
  orders.join(payments, (o, p) => `${o}+${p}`, JoinWindows.ofTimeDifferenceAndGrace(windowMs, graceMs)).to('paid', { keySerde: S, valueSerde: S });
  return { driver: new TopologyTestDriver(b.build()), builder: b };
}

describe('KStream–KStream join', () => {
  it('joins records of the same key within the time difference, whichever side comes second', () => {
    const { driver } = orderPayments(1000);
    const orders = driver.createInputTopic('orders', S, S);
    const payments = driver.createInputTopic('payments', S, S);
    orders.pipeInput('o1', 'book', 10_000);
    payments.pipeInput('o1', 'card', 10_500); // within 1 s: joins
    payments.pipeInput('o2', 'cash', 10_600); // no order yet
    orders.pipeInput('o2', 'pen', 11_000); // payment 400 ms before: joins
    orders.pipeInput('o1', 'lamp', 11_600); // the card payment is 1.1 s earlier: too far
    const out = driver.createOutputTopic('paid', S, S).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['o1', 'book+card', 10_500],
      ['o2', 'pen+cash', 11_000],
    ]);
  });

  it('every pair in the window joins (many-to-many), keys never mix', () => {
    const { driver } = orderPayments(100);
    const orders = driver.createInputTopic('orders', S, S);
    const payments = driver.createInputTopic('payments', S, S);
    orders.pipeInput('k', 'a', 0);
    orders.pipeInput('k', 'b', 0); // same key and timestamp: both kept
    orders.pipeInput('x', 'z', 0);
    payments.pipeInput('k', '1', 50);
    payments.pipeInput('k', '2', 60);
    expect(driver.createOutputTopic('paid', S, S).readValuesToList()).toEqual(['a+1', 'b+1', 'a+2', 'b+2']);
  });

  it('records older than the retention (2 × difference + grace) are dropped and counted; old records expire', () => {
    const { driver, builder } = orderPayments(100, 50);
    const orders = driver.createInputTopic('orders', S, S);
    const payments = driver.createInputTopic('payments', S, S);
    orders.pipeInput('k', 'new', 1000);
    payments.pipeInput('k', 'late', 700); // 1000 - 250 = 750 > 700: dropped
    expect(builder.windowCounters.droppedLateRecords).toBe(1);
    payments.pipeInput('k', 'ok', 920);
    expect(driver.createOutputTopic('paid', S, S).readValuesToList()).toEqual(['new+ok']);
    orders.pipeInput('z', 'later', 5000); // stream time 5000: every stored record expires
    const stores = builder.build().subtopologies()[0]!.stores;
    expect(stores.map((s) => driver.getKeyValueStore(s).approximateNumEntries())).toEqual([1, 0]); // only "later" is left
  });

  function kindJoin(kind: 'leftJoin' | 'outerJoin'): TopologyTestDriver {
    const b = new StreamsBuilder();
    const orders = b.stream<string, string>('orders', { keySerde: S, valueSerde: S });
    const payments = b.stream<string, string>('payments', { keySerde: S, valueSerde: S });
    const windows = JoinWindows.ofTimeDifferenceAndGrace(100, 10);
    const joined =
      kind === 'leftJoin'
        ? orders.leftJoin(payments, (o, p) => `${o}+${p ?? '-'}`, windows)
        : orders.outerJoin(payments, (o, p) => `${o ?? '-'}+${p ?? '-'}`, windows);
    joined.to('paid', { keySerde: S, valueSerde: S });
    return new TopologyTestDriver(b.build());
  }

  /** An order paid in time, one never paid, a payment with no order, then time moving on. */
  function play(driver: TopologyTestDriver): (string | null)[] {
    const orders = driver.createInputTopic('orders', S, S);
    const payments = driver.createInputTopic('payments', S, S);
    orders.pipeInput('o1', 'book', 1000);
    orders.pipeInput('o2', 'pen', 1000);
    payments.pipeInput('o1', 'card', 1050); // o1 paid within the window
    payments.pipeInput('o3', 'cash', 1060); // no order o3
    const paid = driver.createOutputTopic('paid', S, S);
    const early = paid.readValuesToList();
    expect(early).toEqual(['book+card']); // the unpaid order is not emitted alone while a payment may still come
    orders.pipeInput('z', 'tick', 1200); // stream time 1200 > 1060 + 100 + 10: o2's and o3's windows closed
    return paid.readValuesToList();
  }

  it('left join: a record without a partner is emitted alone once, when its window closes — never before a match', () => {
    expect(play(kindJoin('leftJoin'))).toEqual(['pen+-']);
  });

  it('outer join: partnerless records of either side are emitted alone when their windows close', () => {
    expect(play(kindJoin('outerJoin')).sort()).toEqual(['-+cash', 'pen+-']);
  });

  it('a stream–stream join without windows is a clear error', () => {
    const b = new StreamsBuilder();
    const a = b.stream<string, string>('a', { keySerde: S, valueSerde: S });
    const c = b.stream<string, string>('c', { keySerde: S, valueSerde: S });
    expect(() => (a.join as (o: unknown, j: unknown) => unknown)(c, () => 1)).toThrow(/needs JoinWindows/);
  });
});
