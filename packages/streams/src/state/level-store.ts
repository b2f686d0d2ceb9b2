import { mkdirSync } from 'node:fs';
import { Level } from 'level';
import { keyBytes, keyString, type BytesStore } from './bytes-store';
import { SortedKeys } from './sorted-keys';

/**
 * A persistent store on LevelDB (one database per store per task under
 * state.dir). Reads are synchronous through classic-level's getSync;
 * writes collect in `pending` and go to LevelDB as one batch at `flush`
 * (the task's commit), so a commit costs one LevelDB write.
 *
 * The set of keys is kept in memory (loaded at open) so that `range` can
 * answer synchronously; values stay on disk. That bounds the store by its
 * key count, not its data — documented in the README as a limit.
 */
export class LevelBytesStore implements BytesStore {
  readonly persistent = true;
  private readonly keys = new SortedKeys();
  /** Written since the last flush: a value, or null for a delete. */
  private pending = new Map<string, Buffer | null>();

  private constructor(
    readonly name: string,
    private readonly db: Level<Buffer, Buffer>,
  ) {}

  static async open(name: string, dir: string): Promise<LevelBytesStore> {
    mkdirSync(dir, { recursive: true });
    const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const store = new LevelBytesStore(name, db);
    for await (const key of db.keys()) store.keys.add(keyString(key));
    return store;
  }

  get(key: Buffer): Buffer | undefined {
    const k = keyString(key);
    const p = this.pending.get(k);
    if (p !== undefined) return p ?? undefined;
    if (!this.keys.has(k)) return undefined;
    return this.db.getSync(key) ?? undefined;
  }

  put(key: Buffer, value: Buffer): void {
    const k = keyString(key);
    this.pending.set(k, value);
    this.keys.add(k);
  }

  delete(key: Buffer): void {
    const k = keyString(key);
    this.pending.set(k, null);
    this.keys.delete(k);
  }

  *range(from?: Buffer, to?: Buffer): Iterable<[Buffer, Buffer]> {
    const lo = from === undefined ? undefined : keyString(from);
    const hi = to === undefined ? undefined : keyString(to);
    for (const k of this.keys.range(lo, hi)) {
      const v = this.get(keyBytes(k));
      if (v !== undefined) yield [keyBytes(k), v];
    }
  }

  size(): number {
    return this.keys.size;
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const chained = this.db.batch();
    for (const [k, v] of batch) {
      if (v === null) chained.del(keyBytes(k));
      else chained.put(keyBytes(k), v);
    }
    await chained.write();
  }

  /** Flushes what is pending, then closes the database. */
  async close(): Promise<void> {
    await this.flush();
    await this.db.close();
  }
}
