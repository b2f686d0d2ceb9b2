import { keyBytes, keyString, type BytesStore } from './bytes-store';
import { SortedKeys } from './sorted-keys';

/** Called once per dirty key when the cache writes it down: what a KTable forwards downstream. */
export type CacheFlushListener = (key: Buffer, newValue: Buffer | null, oldValue: Buffer | null, timestampMs: number) => void;

interface CacheEntry {
  value: Buffer | null;
  /** The value underneath when the entry first became dirty: the "old" of the flushed change. */
  oldValue: Buffer | null;
  dirty: boolean;
  timestampMs: number;
}

/**
 * A write-back cache over a store (Kafka's CachingKeyValueStore): updates
 * to a hot key replace each other in memory and reach the changelog, the
 * inner store and the downstream operators once per flush, not once per
 * record. Flushes happen at commit and when the cache holds more than
 * `maxEntries` keys (the least recently used dirty keys go first), so
 * memory is bounded by `maxEntries`.
 */
export class CachingStore implements BytesStore {
  /** Map iteration order is insertion order: re-inserting on access makes the first entry the LRU one. */
  private readonly cache = new Map<string, CacheEntry>();
  /** The cache's keys in order, so a range read costs its keys, not the whole cache (sliding windows read one per record). */
  private readonly sortedKeys = new SortedKeys();
  private listener: CacheFlushListener | undefined;

  constructor(
    private readonly inner: BytesStore,
    private readonly maxEntries: number,
    /** Event time of the record being processed, stamped on the entry. */
    private readonly nowMs: () => number,
  ) {
    if (maxEntries < 1) throw new RangeError(`cache maxEntries must be at least 1, got ${maxEntries}`);
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  setFlushListener(listener: CacheFlushListener): void {
    this.listener = listener;
  }

  get(key: Buffer): Buffer | undefined {
    const k = keyString(key);
    const e = this.cache.get(k);
    if (e !== undefined) {
      this.touch(k, e);
      return e.value ?? undefined;
    }
    return this.inner.get(key);
  }

  put(key: Buffer, value: Buffer): void {
    this.write(key, value);
  }

  delete(key: Buffer): void {
    this.write(key, null);
  }

  *range(from?: Buffer, to?: Buffer): Iterable<[Buffer, Buffer]> {
    // Merge: dirty entries shadow the inner store's.
    const lo = from === undefined ? undefined : keyString(from);
    const hi = to === undefined ? undefined : keyString(to);
    const merged = new Map<string, Buffer | null>();
    for (const [k, v] of this.inner.range(from, to)) merged.set(keyString(k), v);
    for (const k of this.sortedKeys.range(lo, hi)) merged.set(k, this.cache.get(k)!.value);
    for (const k of [...merged.keys()].sort()) {
      const v = merged.get(k);
      if (v !== null && v !== undefined) yield [keyBytes(k), v];
    }
  }

  size(): number {
    let n = this.inner.size();
    for (const [k, e] of this.cache) {
      if (!e.dirty) continue;
      const under = this.inner.get(keyBytes(k)) !== undefined;
      if (e.value === null && under) n--;
      if (e.value !== null && !under) n++;
    }
    return n;
  }

  /** Writes every dirty entry down (inner store, changelog) and tells the listener; synchronous. */
  flushCache(): void {
    this.flushEntries([...this.cache.keys()]);
  }

  /** Drops every cached entry without writing it down (a task closed dirty). */
  discard(): void {
    this.cache.clear();
    this.sortedKeys.clear();
  }

  async flush(): Promise<void> {
    this.flushCache();
    await this.inner.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.cache.clear();
    this.sortedKeys.clear();
    await this.inner.close();
  }

  private write(key: Buffer, value: Buffer | null): void {
    const k = keyString(key);
    const e = this.cache.get(k);
    if (e !== undefined && e.dirty) {
      e.value = value;
      e.timestampMs = this.nowMs();
      this.touch(k, e);
    } else {
      if (e === undefined) this.sortedKeys.add(k);
      this.cache.delete(k);
      this.cache.set(k, { value, oldValue: this.inner.get(key) ?? null, dirty: true, timestampMs: this.nowMs() });
    }
    if (this.cache.size > this.maxEntries) this.evict();
  }

  private touch(k: string, e: CacheEntry): void {
    this.cache.delete(k);
    this.cache.set(k, e);
  }

  /** Drops the least recently used tenth (at least one), writing down the dirty ones. */
  private evict(): void {
    const count = Math.max(1, Math.floor(this.maxEntries / 10));
    const victims = [...this.cache.keys()].slice(0, count);
    this.flushEntries(victims);
    for (const k of victims) {
      this.cache.delete(k);
      this.sortedKeys.delete(k);
    }
  }

  private flushEntries(keys: readonly string[]): void {
    for (const k of keys) {
      const e = this.cache.get(k);
      if (e === undefined || !e.dirty) continue;
      const key = keyBytes(k);
      e.dirty = false;
      // A put then delete of a key that never reached the store changes nothing below.
      if (e.value === null && e.oldValue === null) continue;
      if (e.value === null) this.inner.delete(key);
      else this.inner.put(key, e.value);
      this.listener?.(key, e.value, e.oldValue, e.timestampMs);
    }
  }
}
