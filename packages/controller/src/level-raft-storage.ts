import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeId } from '@gregor/common';
import { assert, GregorError } from '@gregor/common';
import type { Entry, HardState, LogIndex, Snapshot, Storage, Term } from '@gregor/raft';
import { MemoryStorage } from '@gregor/raft';
import { Level } from 'level';

/**
 * Raft's durable state in its own LevelDB, `<log.dirs>/__cluster_metadata`:
 *
 *   "h"                 hard state (term, vote, commit) as JSON
 *   "s"                 the latest snapshot: u32 metadata length, metadata JSON, data
 *   "c"                 index and term of the last compacted entry (entries after
 *                       it are kept, some of them behind the snapshot)
 *   "e" + u64 BE index  one entry: u64 BE term, u8 type (0 normal, 1 noop), data
 *
 * The big-endian index keeps entries in log order for the start-up scan. Reads
 * are served from a MemoryStorage that mirrors the disk (the core reads
 * synchronously); every write goes to LevelDB first, with fsync, and only
 * then into the mirror, so the core never sees as stable what is not on disk.
 * Writes are serialised: a persist and a compaction never interleave.
 */

const HARD_STATE_KEY = Buffer.from('h');
const SNAPSHOT_KEY = Buffer.from('s');
const COMPACTED_KEY = Buffer.from('c');
const ENTRY_PREFIX = 0x65; // 'e'

function entryKey(index: number): Buffer {
  const key = Buffer.alloc(9);
  key[0] = ENTRY_PREFIX;
  key.writeBigUInt64BE(BigInt(index), 1);
  return key;
}

function encodeEntry(e: Entry): Buffer {
  const head = Buffer.alloc(9);
  head.writeBigUInt64BE(BigInt(e.term), 0);
  head[8] = e.type === 'noop' ? 1 : 0;
  return Buffer.concat([head, e.data]);
}

function decodeEntry(key: Buffer, value: Buffer): Entry {
  return {
    index: Number(key.readBigUInt64BE(1)) as LogIndex,
    term: Number(value.readBigUInt64BE(0)) as Term,
    type: value[8] === 1 ? 'noop' : 'normal',
    data: new Uint8Array(value.subarray(9)),
  };
}

function encodeSnapshot(s: Snapshot): Buffer {
  const meta = Buffer.from(JSON.stringify(s.metadata), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(meta.length, 0);
  return Buffer.concat([len, meta, s.data]);
}

function decodeSnapshot(value: Buffer): Snapshot {
  const len = value.readUInt32BE(0);
  const metadata = JSON.parse(value.subarray(4, 4 + len).toString('utf8')) as Snapshot['metadata'];
  return { metadata, data: new Uint8Array(value.subarray(4 + len)) };
}

function compactedValue(index: number, term: number): Buffer {
  return Buffer.from(JSON.stringify({ index, term }), 'utf8');
}

type Op = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

/** What one Ready asks to make durable. */
export interface PersistRequest {
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
}

export class LevelRaftStorage implements Storage {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly db: Level<Buffer, Buffer>,
    private readonly mem: MemoryStorage,
    /** Where this storage lives, for logs. */
    readonly location: string,
  ) {}

  /** Opens (or creates) `<dataDir>/__cluster_metadata` and loads it into memory. */
  static async open(dataDir: string, voters: readonly NodeId[]): Promise<LevelRaftStorage> {
    const location = join(dataDir, '__cluster_metadata');
    mkdirSync(location, { recursive: true });
    const db = new Level<Buffer, Buffer>(location, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    try {
      const mem = new MemoryStorage(voters);
      let pendingSnapshot: Snapshot | undefined;
      const snapBytes = await db.get(SNAPSHOT_KEY);
      if (snapBytes !== undefined) {
        const snap = decodeSnapshot(snapBytes);
        const stored = [...snap.metadata.confState.voters].sort((a, b) => a - b).join(',');
        const wanted = [...voters].sort((a, b) => a - b).join(',');
        if (stored !== wanted) {
          throw new GregorError('INVALID_CONFIG', `controller.quorum.voters [${wanted}] differ from the voters [${stored}] stored in ${location}`);
        }
        const compactedBytes = await db.get(COMPACTED_KEY);
        const compacted = compactedBytes === undefined ? undefined : (JSON.parse(compactedBytes.toString('utf8')) as { index: LogIndex; term: Term });
        if (compacted !== undefined && compacted.index < snap.metadata.index) {
          // Entries behind the snapshot were kept: start the log at the
          // compaction point and lay the snapshot over it below.
          if (compacted.index > 0) {
            mem.applySnapshot({ metadata: { ...compacted, confState: snap.metadata.confState }, data: new Uint8Array(0) });
          }
          pendingSnapshot = snap;
        } else if (snap.metadata.index > 0) {
          mem.applySnapshot(snap);
        }
      }
      const entries: Entry[] = [];
      for await (const [key, value] of db.iterator({ gt: entryKey(mem.firstIndex() - 1), lt: Buffer.from([ENTRY_PREFIX + 1]) })) {
        const e = decodeEntry(key, value);
        const expected = mem.firstIndex() + entries.length;
        assert(e.index === expected, `metadata log in ${location} has a gap: entry ${e.index} where ${expected} was expected`);
        entries.push(e);
      }
      mem.append(entries);
      if (pendingSnapshot !== undefined) {
        assert(pendingSnapshot.metadata.index <= mem.lastIndex(), `snapshot at ${pendingSnapshot.metadata.index} is past the log end ${mem.lastIndex()}`);
        mem.createSnapshot(pendingSnapshot.metadata.index, pendingSnapshot.data);
      }
      const hsBytes = await db.get(HARD_STATE_KEY);
      if (hsBytes !== undefined) mem.setHardState(JSON.parse(hsBytes.toString('utf8')) as HardState);
      return new LevelRaftStorage(db, mem, location);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  // ---- Storage (reads, from the mirror) ------------------------------------

  initialState(): ReturnType<Storage['initialState']> {
    return this.mem.initialState();
  }
  firstIndex(): LogIndex {
    return this.mem.firstIndex();
  }
  lastIndex(): LogIndex {
    return this.mem.lastIndex();
  }
  term(index: LogIndex): Term {
    return this.mem.term(index);
  }
  entries(lo: LogIndex, hi: LogIndex, maxBytes: number): Entry[] {
    return this.mem.entries(lo, hi, maxBytes);
  }
  snapshot(): Snapshot {
    return this.mem.snapshot();
  }
  hardState(): HardState {
    return this.mem.currentHardState();
  }

  // ---- writes ----------------------------------------------------------------

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      assert(!this.closed, 'raft storage used after close');
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Makes a Ready's snapshot, entries and hard state durable (one fsynced
   * LevelDB batch), then mirrors them. Resolve means: safe to send messages.
   */
  persist(req: PersistRequest): Promise<void> {
    if (req.snapshot === undefined && req.entries.length === 0 && req.hardState === undefined) return Promise.resolve();
    return this.serialize(async () => {
      const ops: Op[] = [];
      let last = this.mem.lastIndex();
      if (req.snapshot !== undefined) {
        // A snapshot from the leader replaces the whole log.
        for (let i = this.mem.firstIndex(); i <= last; i++) ops.push({ type: 'del', key: entryKey(i) });
        ops.push({ type: 'put', key: SNAPSHOT_KEY, value: encodeSnapshot(req.snapshot) });
        ops.push({ type: 'put', key: COMPACTED_KEY, value: compactedValue(req.snapshot.metadata.index, req.snapshot.metadata.term) });
        last = req.snapshot.metadata.index;
      }
      const first = req.snapshot !== undefined ? req.snapshot.metadata.index + 1 : this.mem.firstIndex();
      const entries = req.entries.filter((e) => e.index >= first);
      if (entries.length > 0) {
        const lastNew = entries[entries.length - 1]!.index;
        // Drop a conflicting suffix the new entries do not overwrite.
        for (let i = lastNew + 1; i <= last; i++) ops.push({ type: 'del', key: entryKey(i) });
        for (const e of entries) ops.push({ type: 'put', key: entryKey(e.index), value: encodeEntry(e) });
      }
      if (req.hardState !== undefined) {
        ops.push({ type: 'put', key: HARD_STATE_KEY, value: Buffer.from(JSON.stringify(req.hardState), 'utf8') });
      }
      await this.db.batch(ops, { sync: true });
      if (req.snapshot !== undefined) this.mem.applySnapshot(req.snapshot);
      if (entries.length > 0) this.mem.append(entries);
      if (req.hardState !== undefined) this.mem.setHardState(req.hardState);
    });
  }

  /**
   * Records the application's state at `index` as the snapshot, and drops
   * entries up to `index - retainEntries` (a few are kept so that a follower
   * slightly behind catches up from the log rather than by snapshot).
   */
  createSnapshot(index: LogIndex, data: Uint8Array, retainEntries: number): Promise<Snapshot> {
    return this.serialize(async () => {
      const metadata = { index, term: this.mem.term(index), confState: this.mem.snapshot().metadata.confState };
      const snap: Snapshot = { metadata, data };
      const compactTo = Math.max(this.mem.firstIndex() - 1, index - retainEntries);
      const ops: Op[] = [
        { type: 'put', key: SNAPSHOT_KEY, value: encodeSnapshot(snap) },
        { type: 'put', key: COMPACTED_KEY, value: compactedValue(compactTo, this.mem.term(compactTo as LogIndex)) },
      ];
      for (let i = this.mem.firstIndex(); i <= compactTo; i++) ops.push({ type: 'del', key: entryKey(i) });
      await this.db.batch(ops, { sync: true });
      this.mem.createSnapshot(index, data);
      this.mem.compact(compactTo as LogIndex);
      return snap;
    });
  }

  async close(): Promise<void> {
    await this.serialize(async () => {
      this.closed = true;
      await this.db.close();
    }).catch(() => undefined);
  }
}
