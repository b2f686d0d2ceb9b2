import { inRange, keyBytes, keyString, type BytesStore } from './bytes-store';

/** A store in a Map: fast, lost on restart, rebuilt from its changelog. */
export class InMemoryBytesStore implements BytesStore {
  readonly persistent = false;
  private readonly map = new Map<string, Buffer>();

  constructor(readonly name: string) {}

  get(key: Buffer): Buffer | undefined {
    return this.map.get(keyString(key));
  }

  put(key: Buffer, value: Buffer): void {
    this.map.set(keyString(key), value);
  }

  delete(key: Buffer): void {
    this.map.delete(keyString(key));
  }

  *range(from?: Buffer, to?: Buffer): Iterable<[Buffer, Buffer]> {
    const lo = from === undefined ? undefined : keyString(from);
    const hi = to === undefined ? undefined : keyString(to);
    const keys = [...this.map.keys()].filter((k) => inRange(k, lo, hi)).sort();
    for (const k of keys) {
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
  }
}
