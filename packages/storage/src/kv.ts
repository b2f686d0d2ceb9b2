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
  /** Skip copying keys out of LevelDB; entries then have an empty key. */
  valuesOnly?: boolean;
}

export interface KvIterator {
  next(): Promise<KvEntry | undefined>;
  close(): Promise<void>;
}

const EMPTY_KEY = Buffer.alloc(0);

/**
 * LevelDB's memory and file settings: the part of a node's memory budget
 * that LevelDB holds (docs/DESIGN.md §12). Defaults are tuned for a log
 * store (large values, appended in key order, read back mostly once, soon
 * after writing), measured with `pnpm bench`:
 * - a 64 MiB memtable and 32 MiB tables instead of 4 MiB / 2 MiB: far fewer
 *   level-0 flushes and compactions, which otherwise stall writes
 *   (level0_slowdown_writes_trigger) under sustained produce load. LevelDB
 *   holds up to two memtables (the one being filled and the one being
 *   flushed), so the write buffer costs up to twice its size;
 * - an 8 MiB block cache (LevelDB's default): LevelDB reads table files
 *   through mmap, up to 1000 of them, and blocks of uncompressed tables are
 *   then served from the page cache, never copied into this cache (it
 *   stayed empty at 32 MiB in the soak); it serves the tables past the
 *   1000th (32 GB of log at the default table size);
 * - at most 1000 table files open (LevelDB's default): each open table
 *   keeps its index in memory (through mmap: file-backed, reclaimable).
 */
export interface LevelDbTuning {
  writeBufferBytes: number;
  blockCacheBytes: number;
  maxOpenFiles: number;
  maxFileBytes: number;
}

export const DEFAULT_LEVELDB_TUNING: LevelDbTuning = {
  writeBufferBytes: 64 * 1024 * 1024,
  blockCacheBytes: 8 * 1024 * 1024,
  maxOpenFiles: 1000,
  maxFileBytes: 32 * 1024 * 1024,
};

/** LevelDB's level count (config::kNumLevels). */
const LEVELS = 7;

export class Kv {
  readonly stats: KvStats = { writes: 0, writtenBytes: 0, gets: 0, iterators: 0, iteratorSteps: 0 };

  private constructor(private readonly db: Level<Buffer, Buffer>) {}

  static async open(location: string, tuning: LevelDbTuning = DEFAULT_LEVELDB_TUNING): Promise<Kv> {
    const db = new Level<Buffer, Buffer>(location, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open({
      createIfMissing: true,
      writeBufferSize: tuning.writeBufferBytes,
      cacheSize: tuning.blockCacheBytes,
      maxOpenFiles: tuning.maxOpenFiles,
      maxFileSize: tuning.maxFileBytes,
      // No Snappy: record batches are already compressed when the producer
      // chose to (DESIGN.md §4), and compressing them again costs a
      // background thread on a small machine.
      compression: false,
    });
    return new Kv(db);
  }

  /** LevelDB's own estimate of its memory: memtables (being filled and being flushed) plus the block cache. */
  memoryBytes(): number {
    return Number(this.property('leveldb.approximate-memory-usage'));
  }

  /** `level` types its export as the browser/classic union; in Node it is classic-level, which has getProperty. */
  private property(name: string): string {
    return (this.db as unknown as { getProperty(property: string): string }).getProperty(name);
  }

  /** Table files in the database, over all levels (at most maxOpenFiles of them are open). */
  tableFiles(): number {
    let n = 0;
    for (let level = 0; level < LEVELS; level++) n += Number(this.property(`leveldb.num-files-at-level${level}`));
    return n;
  }

  /**
   * One atomic LevelDB WriteBatch. Built as a chained batch: classic-level
   * copies each op into the native batch as it is added, which measured about
   * 3x cheaper per op than the array form (which clones and normalises every
   * op object first) for the ~1 KiB values of a produce request.
   */
  async write(ops: KvOp[], sync: boolean): Promise<void> {
    if (ops.length === 0) return;
    this.stats.writes++;
    const batch = this.db.batch();
    try {
      for (const op of ops) {
        if (op.type === 'put') {
          batch.put(op.key, op.value);
          this.stats.writtenBytes += op.value.length;
        } else {
          batch.del(op.key);
        }
      }
    } catch (err) {
      await batch.close();
      throw err;
    }
    await batch.write({ sync });
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
      keys: opts.valuesOnly !== true,
      highWaterMarkBytes: opts.readAheadBytes ?? 16 * 1024,
    });
    const stats = this.stats;
    return {
      async next() {
        const entry = await it.next();
        if (entry === undefined) return undefined;
        stats.iteratorSteps++;
        return entry[0] === undefined ? [EMPTY_KEY, entry[1]] : entry;
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
