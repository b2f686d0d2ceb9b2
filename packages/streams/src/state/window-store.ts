import type { KeyValue } from '../record';
import { serializeKey, type Serde } from '../serdes';
import type { Windowed } from '../windows';
import type { BytesStore } from './bytes-store';

/** A typed store of values per key and window (Kafka's WindowStore), windows identified by their start. */
export interface WindowStore<K, V> {
  readonly name: string;
  readonly windowSizeMs: number;
  fetch(key: K, windowStartMs: number): V | undefined;
  put(key: K, value: V | null, windowStartMs: number): void;
  /** Every entry with fromStartMs ≤ window start < toStartMs, oldest window first. */
  fetchAll(fromStartMs: number, toStartMs: number): KeyValue<Windowed<K>, V>[];
  /** Drops every window that starts before `startMs` (retention). */
  deleteBefore(startMs: number): number;
}

/**
 * Store key = 8-byte big-endian window start, then the key bytes: the byte
 * store's order is then window order, so retention and "all windows up to
 * t" are one range scan from the start.
 */
export function windowStoreKey(keyBytes: Buffer, windowStartMs: number): Buffer {
  const out = Buffer.allocUnsafe(8 + keyBytes.length);
  out.writeBigInt64BE(BigInt(windowStartMs), 0);
  keyBytes.copy(out, 8);
  return out;
}

export function splitWindowStoreKey(raw: Buffer): { keyBytes: Buffer; windowStartMs: number } {
  return { keyBytes: raw.subarray(8), windowStartMs: Number(raw.readBigInt64BE(0)) };
}

const startBound = (ms: number): Buffer => windowStoreKey(Buffer.alloc(0), Math.max(0, ms));

export class TypedWindowStore<K, V> implements WindowStore<K, V> {
  constructor(
    readonly bytes: BytesStore,
    readonly windowSizeMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  get name(): string {
    return this.bytes.name;
  }

  fetch(key: K, windowStartMs: number): V | undefined {
    const raw = this.bytes.get(windowStoreKey(serializeKey(this.keySerde, this.name, key), windowStartMs));
    return raw === undefined ? undefined : (this.valueSerde.deserialize(this.name, raw) ?? undefined);
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    const k = windowStoreKey(serializeKey(this.keySerde, this.name, key), windowStartMs);
    const raw = value === null ? null : this.valueSerde.serialize(this.name, value);
    if (raw === null) this.bytes.delete(k);
    else this.bytes.put(k, raw);
  }

  fetchAll(fromStartMs: number, toStartMs: number): KeyValue<Windowed<K>, V>[] {
    const out: KeyValue<Windowed<K>, V>[] = [];
    for (const [raw, v] of this.bytes.range(startBound(fromStartMs), startBound(toStartMs))) {
      const { keyBytes, windowStartMs } = splitWindowStoreKey(raw);
      const key = this.keySerde.deserialize(this.name, keyBytes) as K;
      out.push({ key: { key, window: { startMs: windowStartMs, endMs: windowStartMs + this.windowSizeMs } }, value: this.valueSerde.deserialize(this.name, v) as V });
    }
    return out;
  }

  deleteBefore(startMs: number): number {
    const doomed = [...this.bytes.range(undefined, startBound(startMs))].map(([k]) => k);
    for (const k of doomed) this.bytes.delete(k);
    return doomed.length;
  }
}
