import { Serdes, type Serde } from '../serdes';
import { Stores } from '../state/stores';
import type { SerdePair } from '../topology/topology';
import { SessionWindows, SlidingWindows, type TimeWindows, type Windowed } from '../windows';
import { streamAggregateSupplier, windowAggregateSupplier, type AggregateStep } from './aggregate-processors';
import type { KStream } from './kstream';
import { KTable } from './ktable';
import type { Materialized, StreamsBuilder } from './streams-builder';
import { sessionAggregateSupplier, type SessionAggregateSteps } from './session-aggregate';
import { slidingAggregateSupplier, timestampedSerde } from './sliding-aggregate';
import { storeGetter } from './table-processors';

/** Count as a JS number: exact up to 2^53, which no single key's count reaches. */
const countStep = <K, V>(): AggregateStep<K, V, number> => (_k, _v, agg) => (agg ?? 0) + 1;
const reduceStep = <K, V>(reducer: (agg: V, value: V) => V): AggregateStep<K, V, V> => (_k, v, agg) => (agg === undefined ? v : reducer(agg, v));
const aggregateStep = <K, V, VA>(initializer: () => VA, aggregator: (key: K, value: V, agg: VA) => VA): AggregateStep<K, V, VA> => (k, v, agg) =>
  aggregator(k, v, agg === undefined ? initializer() : agg);

/**
 * A stream grouped by key, ready to aggregate (Kafka's KGroupedStream). If
 * the key changed upstream, the aggregation first repartitions through
 * `<application.id>-<store>-repartition` so each key lives in one task.
 */
export class KGroupedStream<K, V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly stream: KStream<K, V>,
    private readonly serdes: SerdePair<K, V>,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.doAggregate('KSTREAM-AGGREGATE', countStep<K, V>(), { valueSerde: Serdes.Float64(), ...materialized });
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<K, V> = {}): KTable<K, V> {
    return this.doAggregate('KSTREAM-REDUCE', reduceStep<K, V>(reducer), { valueSerde: this.serdes.valueSerde, ...materialized });
  }

  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<K, VA> {
    return this.doAggregate('KSTREAM-AGGREGATE', aggregateStep(initializer, aggregator), { valueSerde: this.builder.defaultValueSerde as Serde<VA>, ...materialized });
  }

  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    return windows instanceof SessionWindows ? new SessionWindowedKStream(this.builder, this, windows) : new TimeWindowedKStream(this.builder, this, windows);
  }

  /** @internal the stream to aggregate (repartitioned when needed) and the store's name. */
  prepare(materialized: Materialized<K, unknown>): { input: KStream<K, V>; storeName: string; keySerde: Serde<K> } {
    const storeName = materialized.storeName ?? this.builder.newName('KSTREAM-AGGREGATE-STATE-STORE');
    const input = this.stream.state.repartitionRequired ? this.stream.repartitionAs(storeName, this.serdes) : this.stream;
    return { input, storeName, keySerde: materialized.keySerde ?? this.serdes.keySerde };
  }

  private doAggregate<VA>(prefix: string, step: AggregateStep<K, V, VA>, materialized: Materialized<K, VA> & { valueSerde: Serde<VA> }): KTable<K, VA> {
    const { input, storeName, keySerde } = this.prepare(materialized);
    const name = this.builder.newName(prefix);
    const graph = this.builder.graph;
    graph.addProcessor(name, streamAggregateSupplier(storeName, keySerde, materialized.valueSerde, step), input.nodeName);
    graph.addStateStore(Stores.keyValue(storeName, keySerde, materialized.valueSerde, materialized), name);
    return new KTable<K, VA>(this.builder, name, { keySerde, valueSerde: materialized.valueSerde, storeName, getter: storeGetter(storeName), windows: undefined });
  }
}

/** A grouped stream cut into time windows — tumbling, hopping or sliding (Kafka's TimeWindowedKStream). */
export class TimeWindowedKStream<K, V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly grouped: KGroupedStream<K, V>,
    private readonly windows: TimeWindows | SlidingWindows,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.doAggregate(countStep<K, V>(), { valueSerde: Serdes.Float64(), ...materialized });
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<K, V> & { valueSerde: Serde<V> }): KTable<Windowed<K>, V> {
    return this.doAggregate(reduceStep<K, V>(reducer), materialized);
  }

  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<Windowed<K>, VA> {
    return this.doAggregate(aggregateStep(initializer, aggregator), { valueSerde: this.builder.defaultValueSerde as Serde<VA>, ...materialized });
  }

  private doAggregate<VA>(step: AggregateStep<K, V, VA>, materialized: Materialized<K, VA> & { valueSerde?: Serde<VA> }): KTable<Windowed<K>, VA> {
    const { input, storeName, keySerde } = this.grouped.prepare(materialized);
    const valueSerde = materialized.valueSerde ?? (this.builder.defaultValueSerde as Serde<VA>);
    const windows = this.windows;
    const graph = this.builder.graph;
    let name: string;
    if (windows instanceof SlidingWindows) {
      name = this.builder.newName('KSTREAM-SLIDINGWINDOWAGGREGATE');
      const stateSerde = timestampedSerde(valueSerde);
      graph.addProcessor(name, slidingAggregateSupplier(storeName, windows, keySerde, stateSerde, step, this.builder.windowCounters, this.builder.logger), input.nodeName);
      // Keyed by record key then window start: one key's windows are one range read per record.
      graph.addStateStore(Stores.keyValue(storeName, Serdes.Bytes(), stateSerde, materialized), name);
    } else {
      name = this.builder.newName('KSTREAM-WINDOWED-AGGREGATE');
      graph.addProcessor(name, windowAggregateSupplier(storeName, windows, keySerde, valueSerde, step, this.builder.windowCounters, this.builder.logger), input.nodeName);
      graph.addStateStore(Stores.window(storeName, windows.sizeMs, keySerde, valueSerde, materialized), name);
    }
    return new KTable<Windowed<K>, VA>(this.builder, name, {
      keySerde: undefined,
      valueSerde,
      storeName,
      getter: undefined,
      // A sliding window's end is inclusive: it takes records until stream time passes end + grace.
      windows: { closesAfterEndMs: windows instanceof SlidingWindows ? windows.graceMs + 1 : windows.graceMs, keySerde },
    });
  }
}

/** A grouped stream cut into sessions of activity (Kafka's SessionWindowedKStream). */
export class SessionWindowedKStream<K, V> {
  constructor(
    private readonly builder: StreamsBuilder,
    private readonly grouped: KGroupedStream<K, V>,
    private readonly windows: SessionWindows,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.doAggregate({ initializer: () => 0, aggregator: (_k, _v, n) => n + 1, merger: (_k, a, b) => a + b }, { valueSerde: Serdes.Float64(), ...materialized });
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<K, V> & { valueSerde: Serde<V> }): KTable<Windowed<K>, V> {
    // A reduce has no initial value: an empty marker stands in for it, and merging or adding to it gives the other side.
    const EMPTY = Symbol('empty');
    type Acc = V | typeof EMPTY;
    const steps: SessionAggregateSteps<K, V, Acc> = {
      initializer: () => EMPTY,
      aggregator: (_k, v, acc) => (acc === EMPTY ? v : reducer(acc, v)),
      merger: (_k, a, b) => (a === EMPTY ? b : b === EMPTY ? a : reducer(a, b)),
    };
    return this.doAggregate(steps as unknown as SessionAggregateSteps<K, V, V>, materialized);
  }

  /** `merger` combines two sessions' aggregates when a record joins them into one. */
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, merger: (key: K, left: VA, right: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<Windowed<K>, VA> {
    return this.doAggregate({ initializer, aggregator, merger }, { valueSerde: this.builder.defaultValueSerde as Serde<VA>, ...materialized });
  }

  private doAggregate<VA>(steps: SessionAggregateSteps<K, V, VA>, materialized: Materialized<K, VA> & { valueSerde?: Serde<VA> }): KTable<Windowed<K>, VA> {
    const { input, storeName, keySerde } = this.grouped.prepare(materialized);
    const valueSerde = materialized.valueSerde ?? (this.builder.defaultValueSerde as Serde<VA>);
    const name = this.builder.newName('KSTREAM-SESSION-WINDOWED-AGGREGATE');
    const graph = this.builder.graph;
    graph.addProcessor(name, sessionAggregateSupplier(storeName, this.windows, keySerde, steps, this.builder.windowCounters), input.nodeName);
    // Uncached: every merge forwards its removals at once, so downstream never holds a merged-away session.
    graph.addStateStore(Stores.keyValue(storeName, Serdes.Bytes(), valueSerde, { ...materialized, caching: false }), name);
    return new KTable<Windowed<K>, VA>(this.builder, name, {
      keySerde: undefined,
      valueSerde,
      storeName,
      getter: undefined,
      windows: { closesAfterEndMs: this.windows.gapMs + this.windows.graceMs, keySerde },
    });
  }
}
