import type { KeyValue } from '../record';
import { serializeKey, type Serde } from '../serdes';
import type { BytesStore } from './bytes-store';

/** A typed key-value store, as processors and interactive queries see it (Kafka's KeyValueStore). */
export interface KeyValueStore<K, V> {
  readonly name: string;
  get(key: K): V | undefined;
  /** `null` deletes, as a tombstone does. */
  put(key: K, value: V | null): void;
  putIfAbsent(key: K, value: V): V | undefined;
  /** Deletes and returns what was there. */
  delete(key: K): V | undefined;
  /** Every entry in key-byte order. */
  all(): KeyValue<K, V>[];
  /** Entries whose serialized key is in [from, to), in key-byte order. */
  range(from: K, to: K): KeyValue<K, V>[];
  approximateNumEntries(): number;
}

/** The typed facade over a byte store: serdes at the top, bytes below (Kafka's MeteredKeyValueStore). */
export class TypedKeyValueStore<K, V> implements KeyValueStore<K, V> {
  constructor(
    readonly bytes: BytesStore,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  get name(): string {
    return this.bytes.name;
  }

  get(key: K): V | undefined {
    const raw = this.bytes.get(this.rawKey(key));
    return raw === undefined ? undefined : (this.valueSerde.deserialize(this.name, raw) ?? undefined);
  }

  put(key: K, value: V | null): void {
    const raw = value === null ? null : this.valueSerde.serialize(this.name, value);
    if (raw === null) this.bytes.delete(this.rawKey(key));
    else this.bytes.put(this.rawKey(key), raw);
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const old = this.get(key);
    if (old === undefined) this.put(key, value);
    return old;
  }

  delete(key: K): V | undefined {
    const old = this.get(key);
    if (old !== undefined) this.bytes.delete(this.rawKey(key));
    return old;
  }

  all(): KeyValue<K, V>[] {
    return this.entries(this.bytes.range());
  }

  range(from: K, to: K): KeyValue<K, V>[] {
    return this.entries(this.bytes.range(this.rawKey(from), this.rawKey(to)));
  }

  private entries(raw: Iterable<[Buffer, Buffer]>): KeyValue<K, V>[] {
    const out: KeyValue<K, V>[] = [];
    for (const [k, v] of raw) {
      out.push({ key: this.keySerde.deserialize(this.name, k) as K, value: this.valueSerde.deserialize(this.name, v) as V });
    }
    return out;
  }

  approximateNumEntries(): number {
    return this.bytes.size();
  }

  private rawKey(key: K): Buffer {
    return serializeKey(this.keySerde, this.name, key);
  }
}
