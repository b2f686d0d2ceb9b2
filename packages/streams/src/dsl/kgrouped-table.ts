import type { ProcessorContext, ProcessorSupplier } from '../processor/api';
import type { Change, KeyValue } from '../record';
import { Serdes, type Serde } from '../serdes';
import { Stores } from '../state/stores';
import { KStream } from './kstream';
import { KTable } from './ktable';
import type { Materialized, StreamsBuilder } from './streams-builder';
import { streamAggregateSupplier } from './aggregate-processors';
import { storeGetter } from './table-processors';

/** A table update re-keyed for a grouped table: remove the old row from its group, or add the new one. */
export interface GroupedUpdate<V> {
  readonly op: 'add' | 'subtract';
  readonly value: V;
}

/** One byte for the op, then the value's bytes: how a grouped update crosses the repartition topic. */
export function groupedUpdateSerde<V>(inner: Serde<V>): Serde<GroupedUpdate<V>> {
  return Serdes.from(
    (u) => Buffer.concat([Buffer.from([u.op === 'add' ? 1 : 0]), inner.serialize('', u.value) ?? Buffer.alloc(0)]),
    (b) => ({ op: b[0] === 1 ? 'add' : 'subtract', value: inner.deserialize('', b.subarray(1)) as V }),
  );
}

/** KTable.groupBy's first half: each change becomes "subtract the old row, add the new one" under their new keys. */
function groupBySelectSupplier<K, V, K2, V2>(selector: (key: K, value: V) => KeyValue<K2, V2>): ProcessorSupplier<K, Change<V>, K2, GroupedUpdate<V2>> {
  return () => {
    let ctx: ProcessorContext<K2, GroupedUpdate<V2>>;
    return {
      init: (c) => void (ctx = c),
      process: (r) => {
        // Subtract first, as Kafka does: a row moving between groups leaves the old one before joining the new one.
        if (r.value.oldValue !== null) {
          const kv = selector(r.key, r.value.oldValue);
          ctx.forward({ key: kv.key, value: { op: 'subtract', value: kv.value }, timestamp: r.timestamp, headers: r.headers });
        }
        if (r.value.newValue !== null) {
          const kv = selector(r.key, r.value.newValue);
          ctx.forward({ key: kv.key, value: { op: 'add', value: kv.value }, timestamp: r.timestamp, headers: r.headers });
        }
      },
    };
  };
}

/**
 * A table re-grouped by a new key (Kafka's KGroupedTable): aggregations
 * add each row's value to its group and subtract it when the row changes
 * or goes away, so the result stays right as the input table changes.
 */
export class KGroupedTable<K, V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly table: KTable<unknown, unknown>,
    private readonly selector: (key: unknown, value: unknown) => KeyValue<K, V>,
    private readonly serdes: { keySerde: Serde<K>; valueSerde: Serde<V> },
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.doAggregate({ initializer: () => 0, adder: (_k, _v, n) => n + 1, subtractor: (_k, _v, n) => n - 1 }, { valueSerde: Serdes.Float64(), ...materialized });
  }

  /** `adder` folds a row's value in; `subtractor` takes a removed row's value out. */
  reduce(adder: (agg: V, value: V) => V, subtractor: (agg: V, value: V) => V, materialized: Materialized<K, V> = {}): KTable<K, V> {
    // The first value of a group is its aggregate: an absent aggregate is marked, not initialised.
    const EMPTY = Symbol('empty') as unknown as V;
    return this.doAggregate(
      { initializer: () => EMPTY, adder: (_k, v, agg) => (agg === EMPTY ? v : adder(agg, v)), subtractor: (_k, v, agg) => subtractor(agg, v) },
      { valueSerde: this.serdes.valueSerde, ...materialized },
    );
  }

  aggregate<VA>(initializer: () => VA, adder: (key: K, value: V, agg: VA) => VA, subtractor: (key: K, value: V, agg: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<K, VA> {
    return this.doAggregate({ initializer, adder, subtractor }, { valueSerde: this.builder.defaultValueSerde as Serde<VA>, ...materialized });
  }

  private doAggregate<VA>(steps: { initializer: () => VA; adder: (key: K, value: V, agg: VA) => VA; subtractor: (key: K, value: V, agg: VA) => VA }, materialized: Materialized<K, VA> & { valueSerde: Serde<VA> }): KTable<K, VA> {
    const b = this.builder;
    const graph = b.graph;
    const storeName = materialized.storeName ?? b.newName('KTABLE-AGGREGATE-STATE-STORE');
    const keySerde = materialized.keySerde ?? this.serdes.keySerde;
    const select = b.newName('KTABLE-SELECT');
    graph.addProcessor(select, groupBySelectSupplier(this.selector), this.table.nodeName);
    const selected = new KStream<K, GroupedUpdate<V>>(b, select, { keySerde, valueSerde: groupedUpdateSerde(this.serdes.valueSerde), repartitionRequired: true });
    const input = selected.repartitionAs(storeName, { keySerde, valueSerde: groupedUpdateSerde(this.serdes.valueSerde) });
    const name = b.newName('KTABLE-AGGREGATE');
    // The second half is a stream aggregation whose step adds or subtracts.
    const step = (key: K, u: GroupedUpdate<V>, agg: VA | undefined): VA => (u.op === 'add' ? steps.adder : steps.subtractor)(key, u.value, agg ?? steps.initializer());
    graph.addProcessor(name, streamAggregateSupplier(storeName, keySerde, materialized.valueSerde, step), input.nodeName);
    graph.addStateStore(Stores.keyValue(storeName, keySerde, materialized.valueSerde, materialized), name);
    return new KTable<K, VA>(b, name, { keySerde, valueSerde: materialized.valueSerde, storeName, getter: storeGetter(storeName), windows: undefined });
  }
}
