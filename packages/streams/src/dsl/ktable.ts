import { GregorError } from '@gregor/common';
import type { Change, KeyValue } from '../record';
import { Serdes, type Serde } from '../serdes';
import { Stores } from '../state/stores';
import { suppressSupplier } from './aggregate-processors';
import { KGroupedTable } from './kgrouped-table';
import { KStream } from './kstream';
import type { StreamsBuilder } from './streams-builder';
import { passThroughSupplier } from './stateless';
import { joinedGetter, mappedGetter, tableJoinSideSupplier, tableJoinValue, tableMapSupplier, toStreamSupplier, type TableJoinKind, type ValueGetterSupplier } from './table-processors';

export interface TableState<K, V> {
  keySerde: Serde<K> | undefined;
  valueSerde: Serde<V> | undefined;
  /** The store holding this table, when it is materialized (queryable by this name). */
  storeName: string | undefined;
  /** How a join reads this table by key; undefined when it is not materialized. */
  getter: ValueGetterSupplier<K, V> | undefined;
  /**
   * Set for windowed tables: how long after a window's end it closes in
   * stream time (grace; plus the inactivity gap for sessions, which a
   * record within the gap can still extend) and the inner key's serde —
   * what suppress needs.
   */
  windows: { closesAfterEndMs: number; keySerde: Serde<unknown> } | undefined;
}

/** Suppression config: `Suppressed.untilWindowCloses()` is the one built so far. */
export interface Suppressed {
  readonly kind: 'untilWindowCloses';
  /** Bound of the buffer in records; reaching it is an error (Kafka's shutDownWhenFull). */
  readonly maxRecords: number;
}

export const Suppressed = {
  untilWindowCloses: (opts: { maxRecords?: number } = {}): Suppressed => ({ kind: 'untilWindowCloses', maxRecords: opts.maxRecords ?? 100_000 }),
} as const;

/**
 * A changelog stream seen as a table (Kafka's KTable): operators receive
 * Change{newValue, oldValue} so that downstream tables stay consistent.
 */
export class KTable<K, V> {
  constructor(
    private readonly builder: StreamsBuilder,
    /** @internal */
    readonly nodeName: string,
    private readonly state: TableState<K, V>,
  ) {}

  /** The store's name for interactive queries / the test driver, when materialized. */
  get queryableStoreName(): string | undefined {
    return this.state.storeName;
  }

  filter(predicate: (key: K, value: V) => boolean): KTable<K, V> {
    const fn = (v: V, k: K): V | null => (predicate(k, v) ? v : null);
    return this.derive('KTABLE-FILTER', fn, this.state.valueSerde);
  }

  filterNot(predicate: (key: K, value: V) => boolean): KTable<K, V> {
    return this.filter((k, v) => !predicate(k, v));
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2): KTable<K, V2> {
    return this.derive('KTABLE-MAPVALUES', mapper, undefined);
  }

  /** The table's updates as a stream: the new value per change, null for a delete. */
  toStream(): KStream<K, V | null> {
    const name = this.builder.newName('KTABLE-TOSTREAM');
    this.builder.graph.addProcessor(name, toStreamSupplier<K, V>(), this.nodeName);
    return new KStream<K, V | null>(this.builder, name, { keySerde: this.state.keySerde, valueSerde: this.state.valueSerde as Serde<V | null> | undefined, repartitionRequired: false });
  }

  /**
   * Holds back a windowed table's updates until each window closes (end +
   * grace in stream time), then emits its final value once.
   */
  suppress(suppressed: Suppressed): KTable<K, V> {
    const windows = this.state.windows;
    if (windows === undefined) throw new GregorError('INVALID_CONFIG', 'invalid topology: suppress(untilWindowCloses) needs a windowed table (from windowedBy(...).count/reduce/aggregate)');
    const name = this.builder.newName('KTABLE-SUPPRESS');
    const bufferStore = `${name}-buffer`;
    const valueSerde = this.state.valueSerde ?? (this.builder.defaultValueSerde as Serde<V>);
    const keySerde = windows.keySerde;
    const supplier = suppressSupplier(bufferStore, windows.closesAfterEndMs, keySerde, valueSerde, suppressed.maxRecords);
    this.builder.graph.addProcessor(name, supplier, this.nodeName);
    this.builder.graph.addStateStore(Stores.keyValue(bufferStore, Serdes.Bytes(), Serdes.Bytes(), { persistent: false, caching: false }), name);
    return new KTable<K, V>(this.builder, name, { ...this.state, storeName: undefined, getter: undefined } as TableState<K, V>);
  }

  /** Inner join with another table on the key: a row while both sides have a value. */
  join<O, J>(other: KTable<K, O>, joiner: (value: V, otherValue: O) => J): KTable<K, J> {
    return this.joinTable(other, 'inner', (l, r) => joiner(l as V, r as O));
  }

  /** Left join: a row while this side has a value; `otherValue` null when the other side has none. */
  leftJoin<O, J>(other: KTable<K, O>, joiner: (value: V, otherValue: O | null) => J): KTable<K, J> {
    return this.joinTable(other, 'left', (l, r) => joiner(l as V, r));
  }

  /** Outer join: a row while either side has a value; the missing side is null. */
  outerJoin<O, J>(other: KTable<K, O>, joiner: (value: V | null, otherValue: O | null) => J): KTable<K, J> {
    return this.joinTable(other, 'outer', joiner);
  }

  /**
   * Re-groups the table by a new key (and value): `count`, `reduce` and
   * `aggregate` of the result add rows and take them out again as the
   * table changes, through a repartition topic.
   */
  groupBy<K2, V2>(selector: (key: K, value: V) => KeyValue<K2, V2>, serdes: { keySerde?: Serde<K2>; valueSerde?: Serde<V2> } = {}): KGroupedTable<K2, V2> {
    return new KGroupedTable<K2, V2>(this.builder, this as KTable<unknown, unknown>, selector as (key: unknown, value: unknown) => KeyValue<K2, V2>, {
      keySerde: serdes.keySerde ?? (this.builder.defaultKeySerde as Serde<K2>),
      valueSerde: serdes.valueSerde ?? (this.builder.defaultValueSerde as Serde<V2>),
    });
  }

  /** @internal */
  valueGetter(): ValueGetterSupplier<K, V> | undefined {
    return this.state.getter;
  }

  private joinTable<O, J>(other: KTable<K, O>, kind: TableJoinKind, joiner: (left: V | null, right: O | null) => J): KTable<K, J> {
    const mine = this.state.getter;
    const theirs = other.valueGetter();
    if (mine === undefined || theirs === undefined) {
      throw new GregorError('INVALID_CONFIG', 'invalid topology: a table–table join needs both tables materialized (from builder.table(), an aggregation, or filter/mapValues of one)');
    }
    const graph = this.builder.graph;
    const thisSide = this.builder.newName('KTABLE-JOINTHIS');
    const otherSide = this.builder.newName('KTABLE-JOINOTHER');
    const merge = this.builder.newName('KTABLE-MERGE');
    graph.addProcessor(thisSide, tableJoinSideSupplier<K, V, O, J>(theirs, (v, o) => tableJoinValue(kind, joiner, v, o)), this.nodeName);
    graph.addProcessor(otherSide, tableJoinSideSupplier<K, O, V, J>(mine, (o, v) => tableJoinValue(kind, joiner, v, o)), other.nodeName);
    graph.addProcessor(merge, passThroughSupplier<K, Change<J>>(), thisSide, otherSide);
    for (const store of theirs.stores) graph.connectProcessorAndStateStores([thisSide, store]);
    for (const store of mine.stores) graph.connectProcessorAndStateStores([otherSide, store]);
    graph.markJoin(thisSide);
    const getter = joinedGetter(mine, theirs, (l: V | null, r: O | null) => tableJoinValue(kind, joiner, l, r));
    return new KTable<K, J>(this.builder, merge, { keySerde: this.state.keySerde, valueSerde: undefined, storeName: undefined, getter, windows: undefined });
  }

  private derive<V2>(prefix: string, fn: (value: V, key: K) => V2 | null, valueSerde: Serde<V2> | undefined): KTable<K, V2> {
    const name = this.builder.newName(prefix);
    this.builder.graph.addProcessor(name, tableMapSupplier(fn), this.nodeName);
    const getter = this.state.getter === undefined ? undefined : mappedGetter(this.state.getter, fn);
    return new KTable<K, V2>(this.builder, name, { keySerde: this.state.keySerde, valueSerde, storeName: undefined, getter, windows: this.state.windows });
  }
}

