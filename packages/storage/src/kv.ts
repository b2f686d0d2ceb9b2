import { Level } from 'level';
import type { KeyRange } from './keys';

/**
 * The only file that talks to `level`. It keeps LevelDB's API from leaking into
 * the log logic and counts what the log asks of the database, so tests can
 * prove properties such as "recovery does not scan the data".
 */
export type KvOp = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };
export type KvEntry = [key: Buffer, value: Buffer];
export type KvSnapshot = ReturnType<Level<Buffer, Buffer>['snapshot']>;

export interface KvStats {
  /** LevelDB write batches issued. */
  writes: number;
  /** Value bytes put by those writes. */
  writtenBytes: number;
  /** Point reads (each key of a getMany counts). */
  gets: number;
  /** Iterators opened. */
  iterators: number;
  /** Entries returned by iterators. */
  iteratorSteps: number;
}

export interface KvIterateOptions extends Partial<KeyRange> {
  lte?: Buffer;
  gt?: Buffer;
  reverse?: boolean;
  limit?: number;
  snapshot?: KvSnapshot;
  /** Bytes the native side may read ahead per round trip. */
  readAheadBytes?: number;
  keysOnly?: boolean;
}

export interface KvIterator {
  next(): Promise<KvEntry | undefined>;
  close(): Promise<void>;
}

export class Kv {
  readonly stats: KvStats = { writes: 0, writtenBytes: 0, gets: 0, iterators: 0, iteratorSteps: 0 };

  private constructor(private readonly db: Level<Buffer, Buffer>) {}

  static async open(location: string): Promise<Kv> {
    const db = new Level<Buffer, Buffer>(location, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open({ createIfMissing: true });
    return new Kv(db);
  }

  async write(ops: KvOp[], sync: boolean): Promise<void> {
    if (ops.length === 0) return;
    this.stats.writes++;
    for (const op of ops) if (op.type === 'put') this.stats.writtenBytes += op.value.length;
    await this.db.batch(ops, { sync });
  }

  async getMany(keys: Buffer[]): Promise<(Buffer | undefined)[]> {
    this.stats.gets += keys.length;
    return this.db.getMany(keys);
  }

  /** Created synchronously, so its implicit snapshot is the database as of this call. */
  iterate(opts: KvIterateOptions): KvIterator {
    this.stats.iterators++;
    const it = this.db.iterator({
      ...(opts.gte !== undefined ? { gte: opts.gte } : {}),
      ...(opts.gt !== undefined ? { gt: opts.gt } : {}),
      ...(opts.lt !== undefined ? { lt: opts.lt } : {}),
      ...(opts.lte !== undefined ? { lte: opts.lte } : {}),
      ...(opts.snapshot !== undefined ? { snapshot: opts.snapshot } : {}),
      reverse: opts.reverse ?? false,
      limit: opts.limit ?? -1,
      values: opts.keysOnly !== true,
      highWaterMarkBytes: opts.readAheadBytes ?? 16 * 1024,
    });
    const stats = this.stats;
    return {
      async next() {
        const entry = await it.next();
        if (entry !== undefined) stats.iteratorSteps++;
        return entry;
      },
      close: () => it.close(),
    };
  }

  /** The first entry of a range (the last when `reverse`), or undefined. */
  async first(opts: KvIterateOptions): Promise<KvEntry | undefined> {
    const it = this.iterate({ ...opts, limit: 1 });
    try {
      return await it.next();
    } finally {
      await it.close();
    }
  }

  /** Takes a consistent view for several reads. */
  snapshot(): KvSnapshot {
    return this.db.snapshot();
  }

  /** Not atomic: only for ranges nothing can read any more (a deleted partition's id). */
  async clear(range: KeyRange): Promise<void> {
    await this.db.clear(range);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
