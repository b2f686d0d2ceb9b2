import { Serdes, Stores, StreamsBuilder, Topology, TopologyTestDriver } from '../src';

const S = Serdes.String();

describe('GlobalKTable', () => {
  function enrich(): StreamsBuilder {
    const b = new StreamsBuilder();
    const products = b.globalTable<string, string>('products', { keySerde: S, valueSerde: S, storeName: 'products-store' });
    const orders = b.stream<string, { product: string; qty: number }>('orders', { keySerde: S, valueSerde: Serdes.JSON() });
    orders.join(products, (_k, o) => o.product, (o, name) => `${o.qty} x ${name}`).to('named', { keySerde: S, valueSerde: S });
    orders.leftJoin(products, (_k, o) => o.product, (o, name) => `${o.qty} x ${name ?? '?'}`).to('named-left', { keySerde: S, valueSerde: S });
    return b;
  }

  it('joins by a key picked from the record, with no repartition; updates and deletes apply', async () => {
    const topology = enrich().build();
    expect(topology.subtopologies()).toHaveLength(1); // no repartition topic even though the join key is not the record key
    expect(topology.describe()).toContain('Global store: products-store (topic: products)');
    const driver = new TopologyTestDriver(topology);
    const products = driver.createInputTopic('products', S, S);
    const orders = driver.createInputTopic('orders', S, Serdes.JSON<{ product: string; qty: number }>());
    products.pipeInput('p1', 'pencil');
    orders.pipeInput('order-1', { product: 'p1', qty: 2 });
    orders.pipeInput('order-2', { product: 'p2', qty: 1 });
    products.pipeInput('p1', 'blue pencil');
    products.pipeInput('p2', 'eraser');
    orders.pipeInput('order-3', { product: 'p1', qty: 5 });
    products.pipeInput('p2', null);
    orders.pipeInput('order-4', { product: 'p2', qty: 9 });
    expect(driver.createOutputTopic('named', S, S).readKeyValuesToList()).toEqual([
      { key: 'order-1', value: '2 x pencil' },
      { key: 'order-3', value: '5 x blue pencil' },
    ]);
    expect(driver.createOutputTopic('named-left', S, S).readValuesToList()).toEqual(['2 x pencil', '1 x ?', '5 x blue pencil', '9 x ?']);
    expect(driver.getKeyValueStore<string, string>('products-store').get('p1')).toBe('blue pencil');
    await driver.close();
  });

  it('a global store with logging is refused: its topic is its changelog', () => {
    expect(() => new Topology().addGlobalStore(Stores.keyValue('g', S, S), 't')).toThrow(/global store "g" must have logging and caching off/);
  });
});
