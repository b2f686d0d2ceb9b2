import { GregorError } from '@gregor/common';
import type { ProcessorSupplier } from '../processor/api';
import type { KeyValue } from '../record';
import { Serdes, type Serde } from '../serdes';
import { Stores } from '../state/stores';
import { JoinWindows } from '../windows';
import { streamJoinSideSupplier, type UnmatchedTracking } from './stream-join';
import type { SerdePair } from '../topology/topology';
import type { TopicNameExtractor } from '../topology/nodes';
import { KGroupedStream } from './kgrouped-stream';
import { GlobalKTable, globalJoinSupplier } from './global-ktable';
import type { KTable } from './ktable';
import {
  branchSupplier,
  filterSupplier,
  flatMapSupplier,
  flatMapValuesSupplier,
  mapSupplier,
  mapValuesSupplier,
  passThroughSupplier,
  peekSupplier,
  selectKeySupplier,
} from './stateless';
import type { StreamsBuilder } from './streams-builder';
import { streamTableJoinSupplier } from './table-processors';

export interface StreamState<K, V> {
  /** Known serdes; undefined after an operator that changed the type without being told the new serde. */
  keySerde: Serde<K> | undefined;
  valueSerde: Serde<V> | undefined;
  /** The key may have changed since the source: a grouping or join must repartition first. */
  repartitionRequired: boolean;
}

export interface Produced<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
}

/** Serdes and store kind of a KStream–KStream join's two stores (Kafka's StreamJoined). */
export interface StreamJoined<V, V2> {
  valueSerde?: Serde<V>;
  otherValueSerde?: Serde<V2>;
  /** LevelDB instead of memory for the join stores (default false: they hold one window of records). */
  persistent?: boolean;
}

export interface Repartitioned<K, V> extends Produced<K, V> {
  /** Topic name without the application id; generated when absent. */
  name?: string;
}

/**
 * A record stream (Kafka's KStream). Each operator adds one node to the
 * topology and returns a new KStream/KTable typed by what flows out of it.
 */
export class KStream<K, V> {
  constructor(
    protected readonly builder: StreamsBuilder,
    /** @internal the topology node records leave from */
    readonly nodeName: string,
    /** @internal */
    readonly state: StreamState<K, V>,
  ) {}

  filter(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.add('KSTREAM-FILTER', filterSupplier(predicate, true), this.state);
  }

  filterNot(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.add('KSTREAM-FILTER', filterSupplier(predicate, false), this.state);
  }

  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>): KStream<K2, V2> {
    return this.add('KSTREAM-MAP', mapSupplier(mapper), { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2): KStream<K, V2> {
    return this.add('KSTREAM-MAPVALUES', mapValuesSupplier(mapper), { ...this.state, valueSerde: undefined });
  }

  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>): KStream<K2, V2> {
    return this.add('KSTREAM-FLATMAP', flatMapSupplier(mapper), { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
  }

  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>): KStream<K, V2> {
    return this.add('KSTREAM-FLATMAPVALUES', flatMapValuesSupplier(mapper), { ...this.state, valueSerde: undefined });
  }

  selectKey<K2>(selector: (key: K, value: V) => K2): KStream<K2, V> {
    return this.add('KSTREAM-KEY-SELECT', selectKeySupplier(selector), { keySerde: undefined, valueSerde: this.state.valueSerde, repartitionRequired: true });
  }

  peek(action: (key: K, value: V) => void): KStream<K, V> {
    return this.add('KSTREAM-PEEK', peekSupplier(action), this.state);
  }

  /** One stream from two; records keep their order within each input. */
  merge(other: KStream<K, V>): KStream<K, V> {
    const name = this.builder.newName('KSTREAM-MERGE');
    this.builder.graph.addProcessor(name, passThroughSupplier<K, V>(), this.nodeName, other.nodeName);
    const repartitionRequired = this.state.repartitionRequired || other.state.repartitionRequired;
    return new KStream(this.builder, name, { ...this.state, repartitionRequired });
  }

  /** Splits by predicates (Kafka's split().branch()...); the first predicate that holds wins. */
  split(prefix = 'KSTREAM-BRANCH-'): BranchedKStream<K, V> {
    return new BranchedKStream(this.builder, this, prefix);
  }

  /** Runs a custom processor (the processor API) with access to the named stores. */
  process<K2, V2>(supplier: ProcessorSupplier<K, V, K2, V2>, ...storeNames: string[]): KStream<K2, V2> {
    const out = this.add('KSTREAM-PROCESSOR', supplier, { keySerde: undefined, valueSerde: undefined, repartitionRequired: true });
    for (const store of storeNames) this.builder.graph.connectProcessorAndStateStores([out.nodeName, store]);
    return out;
  }

  /** Writes to a topic, or to the topic a function picks per record. */
  to(topic: string | TopicNameExtractor<K, V>, produced: Produced<K, V> = {}): void {
    this.builder.graph.addSink(this.builder.newName('KSTREAM-SINK'), topic, this.serdes(produced), this.nodeName);
  }

  /** Writes through an internal topic `<application.id>-<name>-repartition` and reads it back, partitioned by the current key. */
  repartition(opts: Repartitioned<K, V> = {}): KStream<K, V> {
    return this.repartitionAs(opts.name ?? this.builder.newName('KSTREAM-REPARTITION'), this.serdes(opts));
  }

  groupByKey(serdes: Produced<K, V> = {}): KGroupedStream<K, V> {
    return new KGroupedStream(this.builder, this, this.serdes(serdes));
  }

  groupBy<K2>(selector: (key: K, value: V) => K2, serdes: Produced<K2, V> = {}): KGroupedStream<K2, V> {
    const keyed = this.selectKey(selector);
    return new KGroupedStream(this.builder, keyed, keyed.serdes(serdes));
  }

  /** Inner join with a table: a stream record with no table value for its key produces nothing. */
  join<TV, R>(table: KTable<K, TV>, joiner: (value: V, tableValue: TV) => R): KStream<K, R>;
  /**
   * Inner join with another stream: each pair of records with the same key
   * whose timestamps are at most `windows.timeDifferenceMs` apart, whichever
   * arrives second triggering the output.
   */
  join<V2, R>(other: KStream<K, V2>, joiner: (value: V, otherValue: V2) => R, windows: JoinWindows, joined?: StreamJoined<V, V2>): KStream<K, R>;
  /** Inner join with a global table, looked up by a key computed from each record. */
  join<GK, GV, R>(global: GlobalKTable<GK, GV>, keySelector: (key: K, value: V) => GK, joiner: (value: V, globalValue: GV) => R): KStream<K, R>;
  join<X, R>(
    other: KTable<K, X> | KStream<K, X> | GlobalKTable<unknown, X>,
    joinerOrSelector: ((value: V, otherValue: X) => R) | ((key: K, value: V) => unknown),
    windowsOrJoiner?: JoinWindows | ((value: V, globalValue: X) => R),
    joined: StreamJoined<V, X> = {},
  ): KStream<K, R> {
    const joiner = joinerOrSelector as (value: V, otherValue: X) => R;
    if (other instanceof GlobalKTable) {
      if (typeof windowsOrJoiner !== 'function') throw new GregorError('INVALID_CONFIG', 'invalid topology: a KStream–GlobalKTable join needs a key selector and a joiner');
      return this.joinGlobal(other, joinerOrSelector as (key: K, value: V) => unknown, (v, gv) => windowsOrJoiner(v, gv as X), false);
    }
    const windows = windowsOrJoiner as JoinWindows | undefined;
    if (other instanceof KStream) {
      if (windows === undefined) throw new GregorError('INVALID_CONFIG', 'invalid topology: a KStream–KStream join needs JoinWindows');
      return this.joinStream(other, (v, o) => joiner(v as V, o as X), windows, joined, 'inner');
    }
    return this.joinTable(other, (v, tv) => joiner(v, tv as X), false);
  }

  /** Left join with a table: the joiner gets null when the table has no value for the key. */
  leftJoin<TV, R>(table: KTable<K, TV>, joiner: (value: V, tableValue: TV | null) => R): KStream<K, R>;
  /** Left join with a global table: the joiner gets null when it has no value for the selected key. */
  leftJoin<GK, GV, R>(global: GlobalKTable<GK, GV>, keySelector: (key: K, value: V) => GK, joiner: (value: V, globalValue: GV | null) => R): KStream<K, R>;
  /**
   * Left join with another stream within JoinWindows: pairs as the inner
   * join, and each record of this stream that found no partner once its
   * window closed, alone (`otherValue` null) — emitted then, not at once.
   */
  leftJoin<V2, R>(other: KStream<K, V2>, joiner: (value: V, otherValue: V2 | null) => R, windows: JoinWindows, joined?: StreamJoined<V, V2>): KStream<K, R>;
  leftJoin<X, R>(
    other: KTable<K, X> | GlobalKTable<unknown, X> | KStream<K, X>,
    joinerOrSelector: ((value: V, tableValue: X | null) => R) | ((key: K, value: V) => unknown),
    third?: ((value: V, globalValue: X | null) => R) | JoinWindows,
    joined: StreamJoined<V, X> = {},
  ): KStream<K, R> {
    if (other instanceof KStream) {
      if (!(third instanceof JoinWindows)) throw new GregorError('INVALID_CONFIG', 'invalid topology: a KStream–KStream join needs JoinWindows');
      const joiner = joinerOrSelector as (value: V, otherValue: X | null) => R;
      return this.joinStream(other, (v, o) => joiner(v as V, o), third, joined, 'left');
    }
    if (other instanceof GlobalKTable) {
      if (typeof third !== 'function') throw new GregorError('INVALID_CONFIG', 'invalid topology: a KStream–GlobalKTable join needs a key selector and a joiner');
      return this.joinGlobal(other, joinerOrSelector as (key: K, value: V) => unknown, third, true);
    }
    return this.joinTable(other, joinerOrSelector as (value: V, tableValue: X | null) => R, true);
  }

  /** Outer join with another stream within JoinWindows: pairs, and each record of either side left without a partner once its window closed, alone. */
  outerJoin<V2, R>(other: KStream<K, V2>, joiner: (value: V | null, otherValue: V2 | null) => R, windows: JoinWindows, joined: StreamJoined<V, V2> = {}): KStream<K, R> {
    return this.joinStream(other, joiner, windows, joined, 'outer');
  }

  private joinGlobal<GV, R>(global: GlobalKTable<unknown, GV>, keySelector: (key: K, value: V) => unknown, joiner: (value: V, globalValue: GV | null) => R, left: boolean): KStream<K, R> {
    return this.add(left ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN', globalJoinSupplier(global.queryableStoreName, keySelector, joiner, left), { ...this.state, valueSerde: undefined });
  }

  /** @internal the serdes to write this stream with: given, known, or the builder's defaults. */
  serdes<K2 = K, V2 = V>(given: Produced<K2, V2>): SerdePair<K2, V2> {
    return {
      keySerde: given.keySerde ?? (this.state.keySerde as Serde<K2> | undefined) ?? (this.builder.defaultKeySerde as Serde<K2>),
      valueSerde: given.valueSerde ?? (this.state.valueSerde as Serde<V2> | undefined) ?? (this.builder.defaultValueSerde as Serde<V2>),
    };
  }

  /** @internal sink to `<name>-repartition` + a source reading it back. */
  repartitionAs(name: string, serdes: SerdePair<K, V>): KStream<K, V> {
    const topic = { name: `${name}-repartition`, internal: true };
    this.builder.graph.addSink(this.builder.newName('KSTREAM-SINK'), topic, serdes, this.nodeName);
    const source = this.builder.newName('KSTREAM-SOURCE');
    this.builder.graph.addSourceRefs(source, [topic], serdes);
    return new KStream(this.builder, source, { ...serdes, repartitionRequired: false });
  }

  private joinTable<TV, R>(table: KTable<K, TV>, joiner: (value: V, tableValue: TV | null) => R, left: boolean): KStream<K, R> {
    const getter = table.valueGetter();
    if (getter === undefined) {
      throw new GregorError('INVALID_CONFIG', `invalid topology: joining with table "${table.nodeName}", which is not materialized (join with a table from builder.table() or an aggregation)`);
    }
    const input = this.state.repartitionRequired ? this.repartitionAs(this.builder.newName('KSTREAM-JOIN'), this.serdes({})) : this;
    const out = input.add(left ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN', streamTableJoinSupplier(getter, joiner, left), { ...input.state, valueSerde: undefined });
    for (const store of getter.stores) this.builder.graph.connectProcessorAndStateStores([out.nodeName, store]);
    this.builder.graph.markJoin(out.nodeName);
    return out;
  }

  private joinStream<V2, R>(other: KStream<K, V2>, joiner: (value: V | null, otherValue: V2 | null) => R, windows: JoinWindows, joined: StreamJoined<V, V2>, kind: 'inner' | 'left' | 'outer'): KStream<K, R> {
    const b = this.builder;
    const left = this.state.repartitionRequired ? this.repartitionAs(b.newName('KSTREAM-JOINTHIS'), this.serdes({})) : this;
    const right = other.state.repartitionRequired ? other.repartitionAs(b.newName('KSTREAM-JOINOTHER'), other.serdes({})) : other;
    const keySerde = this.serdes({}).keySerde;
    const valueSerde = joined.valueSerde ?? this.serdes({}).valueSerde;
    const otherValueSerde = joined.otherValueSerde ?? other.serdes({}).valueSerde;
    const thisName = b.newName(kind === 'inner' ? 'KSTREAM-JOINTHIS' : kind === 'left' ? 'KSTREAM-LEFTJOINTHIS' : 'KSTREAM-OUTERTHIS');
    const otherName = b.newName(kind === 'outer' ? 'KSTREAM-OUTEROTHER' : 'KSTREAM-JOINOTHER');
    const thisStore = `${thisName}-store`;
    const otherStore = `${otherName}-store`;
    const parkedStore = `${thisName}-unmatched-store`;
    const counters = b.windowCounters;
    // Left and outer joins park partnerless records until their window closes (see UnmatchedTracking).
    const emitAlone = (side: 0 | 1, raw: Buffer): R =>
      side === 0 ? joiner(valueSerde.deserialize(parkedStore, raw), null) : joiner(null, otherValueSerde.deserialize(parkedStore, raw));
    const tracking = (side: 0 | 1): UnmatchedTracking | undefined =>
      kind === 'inner'
        ? undefined
        : {
            store: parkedStore,
            side,
            trackThis: side === 0 || kind === 'outer',
            trackOther: side === 1 || kind === 'outer',
            serializeThis: (v) => (side === 0 ? valueSerde.serialize(parkedStore, v as V) : otherValueSerde.serialize(parkedStore, v as V2)) ?? Buffer.alloc(0),
            emitAlone,
          };
    const thisUnmatched = tracking(0);
    const otherUnmatched = tracking(1);
    b.graph.addProcessor(thisName, streamJoinSideSupplier<K, V, V2, R>({ thisStore, otherStore, keySerde, windows, counters, ...(thisUnmatched === undefined ? {} : { unmatched: thisUnmatched }) }, (v, o) => joiner(v, o)), left.nodeName);
    b.graph.addProcessor(otherName, streamJoinSideSupplier<K, V2, V, R>({ thisStore: otherStore, otherStore: thisStore, keySerde, windows, counters, ...(otherUnmatched === undefined ? {} : { unmatched: otherUnmatched }) }, (o, v) => joiner(v, o)), right.nodeName);
    const storeOpts = { persistent: joined.persistent ?? false, caching: false };
    b.graph.addStateStore(Stores.keyValue(thisStore, Serdes.Bytes(), valueSerde, storeOpts), thisName, otherName);
    b.graph.addStateStore(Stores.keyValue(otherStore, Serdes.Bytes(), otherValueSerde, storeOpts), otherName, thisName);
    if (kind !== 'inner') b.graph.addStateStore(Stores.keyValue(parkedStore, Serdes.Bytes(), Serdes.Bytes(), storeOpts), thisName, otherName);
    b.graph.markJoin(thisName);
    const merge = b.newName('KSTREAM-MERGE');
    b.graph.addProcessor(merge, passThroughSupplier<K, R>(), thisName, otherName);
    return new KStream<K, R>(b, merge, { keySerde: left.state.keySerde, valueSerde: undefined, repartitionRequired: false });
  }

  /** @internal */
  add<K2, V2>(prefix: string, supplier: ProcessorSupplier<K, V, K2, V2>, state: StreamState<K2, V2>): KStream<K2, V2> {
    const name = this.builder.newName(prefix);
    this.builder.graph.addProcessor(name, supplier, this.nodeName);
    return new KStream<K2, V2>(this.builder, name, state);
  }
}

/** split() in progress: add branches, then end with defaultBranch() or noDefaultBranch(). */
export class BranchedKStream<K, V> {
  private readonly branches: { predicate: (key: K, value: V) => boolean; child: string; name: string }[] = [];

  constructor(
    private readonly builder: StreamsBuilder,
    private readonly parent: KStream<K, V>,
    private readonly prefix: string,
  ) {}

  branch(predicate: (key: K, value: V) => boolean, name = String(this.branches.length + 1)): this {
    this.branches.push({ predicate, child: `${this.prefix}${name}`, name });
    return this;
  }

  /** Records no predicate matched go to a branch named `name` (default "0", as in Kafka). */
  defaultBranch(name = '0'): Record<string, KStream<K, V>> {
    return this.finish(name);
  }

  noDefaultBranch(): Record<string, KStream<K, V>> {
    return this.finish(undefined);
  }

  private finish(defaultName: string | undefined): Record<string, KStream<K, V>> {
    const splitter = this.builder.newName('KSTREAM-BRANCH');
    const defaultChild = defaultName === undefined ? undefined : `${this.prefix}${defaultName}`;
    this.builder.graph.addProcessor(splitter, branchSupplier(this.branches, defaultChild), this.parent.nodeName);
    const out: Record<string, KStream<K, V>> = {};
    const names = this.branches.map((b) => b.name).concat(defaultName === undefined ? [] : [defaultName]);
    for (const name of names) {
      const child = `${this.prefix}${name}`;
      this.builder.graph.addProcessor(child, passThroughSupplier<K, V>(), splitter);
      out[name] = new KStream(this.builder, child, this.parent.state);
    }
    return out;
  }
}
