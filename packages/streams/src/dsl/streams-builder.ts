import { silentLogger, type Logger } from '@gregor/common';
import { Serdes, type Serde } from '../serdes';
import { Stores, type StoreOptions } from '../state/stores';
import type { TimestampExtractor } from '../topology/nodes';
import { Topology } from '../topology/topology';
import type { WindowAggregateCounters } from './aggregate-processors';
import { GlobalKTable } from './global-ktable';
import { KStream } from './kstream';
import { KTable } from './ktable';
import { storeGetter, tableSourceSupplier } from './table-processors';

export interface Consumed<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  /** Event time from the record's contents instead of its timestamp. */
  timestampExtractor?: TimestampExtractor<K, V>;
}

export interface Materialized<K, V> extends StoreOptions {
  /** The store's name (and so its changelog's); generated when absent. */
  storeName?: string;
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
}

export interface StreamsBuilderOptions {
  /** Used wherever an operator needs a serde and none was given (default JSON, which fits any JSON-able type). */
  defaultKeySerde?: Serde<unknown>;
  defaultValueSerde?: Serde<unknown>;
  /** Where DSL processors log (late records dropped, …). */
  logger?: Logger;
}

/**
 * The DSL entry point (Kafka's StreamsBuilder): streams and tables from
 * topics; `build()` returns the Topology. Node names follow Kafka's
 * `KSTREAM-FILTER-0000000001` scheme so describe() reads like Kafka's.
 */
export class StreamsBuilder {
  private readonly topology = new Topology();
  private counter = 0;
  readonly defaultKeySerde: Serde<unknown>;
  readonly defaultValueSerde: Serde<unknown>;
  readonly logger: Logger;

  constructor(opts: StreamsBuilderOptions = {}) {
    this.defaultKeySerde = opts.defaultKeySerde ?? Serdes.JSON();
    this.defaultValueSerde = opts.defaultValueSerde ?? Serdes.JSON();
    this.logger = opts.logger ?? silentLogger();
  }

  /** Late records dropped by this topology's windowed operators (Kafka's dropped-records sensor); also `topology.lateRecords`. */
  get windowCounters(): WindowAggregateCounters {
    return this.topology.lateRecords;
  }

  /** @internal the topology being built, for the DSL classes. */
  get graph(): Topology {
    return this.topology;
  }

  /** @internal `KSTREAM-FILTER-0000000003` */
  newName(prefix: string): string {
    return `${prefix}-${String(this.counter++).padStart(10, '0')}`;
  }

  stream<K = string, V = string>(topics: string | readonly string[], consumed: Consumed<K, V> = {}): KStream<K, V> {
    const name = this.newName('KSTREAM-SOURCE');
    const keySerde = consumed.keySerde ?? (this.defaultKeySerde as Serde<K>);
    const valueSerde = consumed.valueSerde ?? (this.defaultValueSerde as Serde<V>);
    this.topology.addSource(name, topics, { keySerde, valueSerde, ...(consumed.timestampExtractor === undefined ? {} : { timestampExtractor: consumed.timestampExtractor }) });
    return new KStream<K, V>(this, name, { keySerde, valueSerde, repartitionRequired: false });
  }

  /** A changelog stream read as a table: the latest value per key, in a store. */
  table<K = string, V = string>(topic: string, materialized: Materialized<K, V> = {}): KTable<K, V> {
    const sourceName = this.newName('KSTREAM-SOURCE');
    const tableName = this.newName('KTABLE-SOURCE');
    const storeName = materialized.storeName ?? `${topic}-STATE-STORE-${String(this.counter++).padStart(10, '0')}`;
    const keySerde = materialized.keySerde ?? (this.defaultKeySerde as Serde<K>);
    const valueSerde = materialized.valueSerde ?? (this.defaultValueSerde as Serde<V>);
    this.topology.addSource(sourceName, topic, { keySerde, valueSerde });
    this.topology.addProcessor(tableName, tableSourceSupplier(storeName, keySerde, valueSerde), sourceName);
    this.topology.addStateStore(Stores.keyValue(storeName, keySerde, valueSerde, materialized), tableName);
    return new KTable<K, V>(this, tableName, { keySerde, valueSerde, storeName, getter: storeGetter(storeName), windows: undefined });
  }

  /** A table of all partitions of `topic` on every instance; join streams with it by any key. */
  globalTable<K = string, V = string>(topic: string, materialized: Materialized<K, V> = {}): GlobalKTable<K, V> {
    const storeName = materialized.storeName ?? `${topic}-STATE-STORE-${String(this.counter++).padStart(10, '0')}`;
    const keySerde = materialized.keySerde ?? (this.defaultKeySerde as Serde<K>);
    const valueSerde = materialized.valueSerde ?? (this.defaultValueSerde as Serde<V>);
    this.topology.addGlobalStore(Stores.keyValue(storeName, keySerde, valueSerde, { persistent: materialized.persistent ?? false, logging: false, caching: false }), topic);
    return new GlobalKTable<K, V>(storeName);
  }

  build(): Topology {
    return this.topology;
  }
}
