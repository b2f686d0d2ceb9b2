import { keyBytes, keyString, type BytesStore } from './bytes-store';
import { SortedKeys } from './sorted-keys';

/** A store in a Map: fast, lost on restart, rebuilt from its changelog. */
export class InMemoryBytesStore implements BytesStore {
  readonly persistent = false;
  private readonly map = new Map<string, Buffer>();
  private readonly order = new SortedKeys();

  constructor(readonly name: string) {}

  get(key: Buffer): Buffer | undefined {
    return this.map.get(keyString(key));
  }

  put(key: Buffer, value: Buffer): void {
    const k = keyString(key);
    if (!this.map.has(k)) this.order.add(k);
    this.map.set(k, value);
  }

  delete(key: Buffer): void {
    const k = keyString(key);
    if (this.map.delete(k)) this.order.delete(k);
  }

  *range(from?: Buffer, to?: Buffer): Iterable<[Buffer, Buffer]> {
    const lo = from === undefined ? undefined : keyString(from);
    const hi = to === undefined ? undefined : keyString(to);
    for (const k of this.order.range(lo, hi)) {
      const v = this.map.get(k);
      if (v !== undefined) yield [keyBytes(k), v];
    }
  }

  size(): number {
    return this.map.size;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.map.clear();
    this.order.clear();
  }
}
