import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GregorError, assert, debugTimeline, hostMonotonicMs, silentLogger, systemClock, tpKey, validateTopicName, type Clock, type Logger } from '@gregor/common';
import { appendItems } from './append';
import {
  FORMAT_VERSION,
  MAX_PARTITION_ID,
  Side,
  decodeDirectoryKey,
  decodeTombstoneKey,
  directoryKey,
  directoryRange,
  formatKey,
  nextIdKey,
  partitionRange,
  sideKey,
  tombstoneKey,
  tombstoneRange,
} from './keys';
import { DEFAULT_LEVELDB_TUNING, Kv, type KvOp, type KvStats, type LevelDbTuning } from './kv';
import { recoverPartition } from './recovery';
import { PartitionCore, PartitionLog, coreOf, type AppendOutcome, type AppendPart, type StoreContext } from './partition-log';
import { snapshotOps } from './producer-snapshots';
import { loadTxns, txnChangeOps } from './txn-index';
import { emptyPartitionState, sideKeyOps, stageBatches, type StagedState } from './partition-state';
import { decodeUint32, encodeInt64, encodeSize, encodeUint32 } from './values';
import { TailCacheBudget } from './tail-cache';
import { WriteQueue, type GroupItem } from './write-queue';

export interface LogStoreOptions {
  /** The node's data directory; the store lives in `<dataDir>/log-store`. */
  dataDir: string;
  logger?: Logger;
  clock?: Clock;
  /**
   * fsync every write before acknowledging it. Off by default, like Kafka's
   * default flush policy: durability comes from replication, and a process
   * crash loses nothing either way (see README).
   */
  syncWrites?: boolean;
  /** Appends allowed to wait behind the write in flight (default 64 MiB: eight full group writes). */
  maxQueuedBytes?: number;
  /** Batches removed per write by truncation and retention (default 1000). */
  maintenanceChunkBatches?: number;
  /** Kafka's producer.id.expiration.ms: retention forgets producers silent this long (default 1 day). */
  producerIdExpirationMs?: number;
  /**
   * A partition's producer state is snapshotted (in a side key, with the
   * next append) after this many batches or bytes since the last snapshot,
   * and on close. A restart after a crash replays at most about this much
   * (defaults 1000 batches, 16 MiB).
   */
  producerSnapshotIntervalBatches?: number;
  producerSnapshotIntervalBytes?: number;
  /**
   * Memory for the newest batches of every partition, so that followers and
   * consumers at the log end are served without reading LevelDB (default
   * 64 MiB; 0 turns the cache off). See tail-cache.ts.
   */
  tailCacheBytes?: number;
  /** LevelDB's write buffer, block cache and open files (defaults: DEFAULT_LEVELDB_TUNING). */
  leveldb?: Partial<LevelDbTuning>;
}

/**
 * What the store holds in memory now, by component, and the bound each has
 * (docs/DESIGN.md §12). Read on every metrics scrape: no I/O, one pass over
 * the open partitions.
 */
export interface LogStoreMemory {
  /** Bytes of batches in the tail cache (bound: tailCacheBytes). */
  tailCacheBytes: number;
  tailCacheMaxBytes: number;
  /** Bytes of appends waiting in the write queue (bound: maxQueuedBytes). */
  queuedBytes: number;
  queuedMaxBytes: number;
  /** LevelDB's memtables and block cache (bound: twice the write buffer plus the block cache). */
  leveldbBytes: number;
  leveldbMaxBytes: number;
  /** LevelDB table files (open ones are mmapped: file-backed memory, not counted above). */
  leveldbTableFiles: number;
  leveldbMaxOpenFiles: number;
  /** Open partitions, and idempotent producers remembered over all of them (KIP-98 state). */
  partitions: number;
  producers: number;
}

export interface LogStoreStats extends KvStats {
  partitions: number;
  queuedBytes: number;
  queuedJobs: number;
}

const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
const DEFAULT_TAIL_CACHE_BYTES = 64 * 1024 * 1024;
const MAX_QUEUED_JOBS = 100_000;
const MAX_GROUP_BYTES = 8 * 1024 * 1024;
const MAX_GROUP_ITEMS = 1024;
/**
 * New partitions created per LevelDB write (a few small keys each). Building
 * the write and setting up its partitions after it is one event-loop task:
 * 1,024 made it tens to hundreds of ms on a loaded node; 256 keeps it short
 * and still makes a 10,000-partition topic 40 writes.
 */
const MAX_CREATES_PER_WRITE = 256;

interface PendingCreate {
  topic: string;
  partition: number;
  resolve(log: PartitionLog): void;
  reject(err: unknown): void;
}

interface AppendJob extends GroupItem {
  /** hostMonotonicMs when queued, for the debug timeline only. */
  queuedMs?: number;
  parts: AppendPart[];
  results: AppendOutcome[];
  resolve(results: AppendOutcome[]): void;
}

/**
 * All partition logs of one node in one LevelDB (see README for why one and
 * not one per partition). Owns the single write queue; every change to any
 * partition is one LevelDB write issued from it.
 */
export class LogStore {
  private readonly logs = new Map<string, PartitionLog>();
  private readonly opening = new Map<string, Promise<PartitionLog>>();
  /**
   * New partitions waiting for the queue job that will create them all.
   * One joining it may move ahead of exclusive jobs queued after that job:
   * none of them can concern it (it is not in the directory, so a deletion
   * of it is a no-op, and `opening` makes a second open of it wait for this one).
   */
  private openCreates: PendingCreate[] | undefined;
  private readonly dirtyHighWatermarks = new Set<PartitionCore>();
  private readonly queue: WriteQueue<AppendJob>;
  private readonly context: StoreContext;
  /** Deleted partitions' ranges are cleared one at a time, off the write queue. */
  private clearing: Promise<void> = Promise.resolve();
  private failure: GregorError | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly kv: Kv,
    private readonly directory: Map<string, number>,
    private nextPartitionId: number,
    private readonly opts: Required<
      Pick<LogStoreOptions, 'syncWrites' | 'maxQueuedBytes' | 'maintenanceChunkBatches' | 'producerIdExpirationMs' | 'producerSnapshotIntervalBatches' | 'producerSnapshotIntervalBytes' | 'tailCacheBytes'>
    > & {
      leveldb: LevelDbTuning;
      logger: Logger;
      clock: Clock;
    },
  ) {
    this.queue = new WriteQueue<AppendJob>(
      { maxQueuedBytes: opts.maxQueuedBytes, maxQueuedJobs: MAX_QUEUED_JOBS, maxGroupBytes: MAX_GROUP_BYTES, maxGroupItems: MAX_GROUP_ITEMS },
      (jobs) => this.writeGroup(jobs),
    );
    const store = this;
    this.context = {
      kv,
      maintenanceChunkBatches: opts.maintenanceChunkBatches,
      producerIdExpirationMs: opts.producerIdExpirationMs,
      producerSnapshotPolicy: { intervalBatches: opts.producerSnapshotIntervalBatches, intervalBytes: opts.producerSnapshotIntervalBytes },
      tailCache: new TailCacheBudget(opts.tailCacheBytes),
      checkCapacity: (bytes) => this.queue.checkCapacity(bytes),
      appendParts: (parts, bytes, results) =>
        new Promise<AppendOutcome[]>((resolve, reject) =>
          this.queue.push({ parts, bytes, results, resolve, reject, queuedMs: debugTimeline.on ? hostMonotonicMs() : undefined }),
        ),
      exclusive: (fn) => {
        store.checkWritable({});
        return this.queue.exclusive(fn);
      },
      write: (ops) => this.write(ops),
      checkWritable: (context) => this.checkWritable(context),
      markHighWatermarkDirty: (core) => {
        if (core.status === 'open') this.dirtyHighWatermarks.add(core);
      },
    };
  }

  static async open(options: LogStoreOptions): Promise<LogStore> {
    const logger = options.logger ?? silentLogger();
    const clock = options.clock ?? systemClock;
    const startedMs = clock.monotonicMs();
    const location = join(options.dataDir, 'log-store');
    await mkdir(location, { recursive: true });
    const leveldb = { ...DEFAULT_LEVELDB_TUNING, ...options.leveldb };
    const kv = await Kv.open(location, leveldb);
    try {
      const [format, nextId] = await kv.getMany([formatKey(), nextIdKey()]);
      if (format === undefined) {
        await kv.write(
          [
            { type: 'put', key: formatKey(), value: encodeUint32(FORMAT_VERSION) },
            { type: 'put', key: nextIdKey(), value: encodeUint32(0) },
          ],
          true,
        );
      } else if (decodeUint32(format) !== FORMAT_VERSION) {
        throw new GregorError('KAFKA_STORAGE_ERROR', `${location} has log-store format ${decodeUint32(format)}, expected ${FORMAT_VERSION}`);
      }
      const directory = new Map<string, number>();
      const dirIt = kv.iterate(directoryRange());
      try {
        for (let e = await dirIt.next(); e !== undefined; e = await dirIt.next()) {
          const { topic, partition } = decodeDirectoryKey(e[0]);
          directory.set(tpKey(topic, partition), decodeUint32(e[1]));
        }
      } finally {
        await dirIt.close();
      }
      const store = new LogStore(kv, directory, nextId === undefined ? 0 : decodeUint32(nextId), {
        syncWrites: options.syncWrites ?? false,
        maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
        maintenanceChunkBatches: options.maintenanceChunkBatches ?? 1000,
        producerIdExpirationMs: options.producerIdExpirationMs ?? 86_400_000,
        producerSnapshotIntervalBatches: options.producerSnapshotIntervalBatches ?? 1000,
        producerSnapshotIntervalBytes: options.producerSnapshotIntervalBytes ?? 16 * 1024 * 1024,
        tailCacheBytes: options.tailCacheBytes ?? DEFAULT_TAIL_CACHE_BYTES,
        leveldb,
        logger,
        clock,
      });
      await store.resumeDeletions();
      logger.info('log store opened', { location, partitions: directory.size, ms: Math.round(clock.monotonicMs() - startedMs) });
      return store;
    } catch (err) {
      await kv.close();
      throw err;
    }
  }

  /** Opens (recovering its state from side keys, no data scan) or creates the partition. */
  openPartition(topic: string, partition: number): Promise<PartitionLog> {
    try {
      this.checkWritable({ topic, partition });
      validateTopicName(topic);
      if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fff_ffff) {
        throw new GregorError('INVALID_PARTITIONS', `partition ${partition} is not a partition number`, { topic, partition });
      }
    } catch (err) {
      return Promise.reject(err);
    }
    const key = tpKey(topic, partition);
    const open = this.getPartition(topic, partition);
    if (open !== undefined) return Promise.resolve(open);
    let pending = this.opening.get(key);
    if (pending === undefined) {
      pending = (this.directory.has(key) ? this.queue.exclusive(() => this.loadOrCreate(topic, partition)) : this.create(topic, partition)).finally(() =>
        this.opening.delete(key),
      );
      this.opening.set(key, pending);
    }
    return pending;
  }

  /**
   * A partition not on disk yet: created together with every other one
   * asked for before the queue gets to them, a few keys each, up to
   * MAX_CREATES_PER_WRITE per LevelDB write. A broker applying a topic of
   * thousands of partitions opens them all at once; one exclusive job and
   * one write each took seconds (issue #18).
   */
  private create(topic: string, partition: number): Promise<PartitionLog> {
    return new Promise<PartitionLog>((resolve, reject) => {
      const item = { topic, partition, resolve, reject };
      if (this.openCreates !== undefined) {
        this.openCreates.push(item);
        return;
      }
      const batch = [item];
      const close = (): void => {
        if (this.openCreates === batch) this.openCreates = undefined;
      };
      // exclusive() throws at once when the queue is full or failed: then only this item exists.
      this.queue
        .exclusive(async () => {
          close();
          for (let from = 0; from < batch.length; from += MAX_CREATES_PER_WRITE) {
            const chunk = batch.slice(from, from + MAX_CREATES_PER_WRITE);
            await this.createChunk(chunk).catch((err: unknown) => chunk.forEach((c) => c.reject(err)));
          }
        })
        .catch((err: unknown) => {
          close();
          batch.forEach((c) => c.reject(err));
        });
      this.openCreates = batch;
    });
  }

  private async createChunk(chunk: PendingCreate[]): Promise<void> {
    const ops: KvOp[] = [];
    const fresh: { c: PendingCreate; id: number }[] = [];
    const existing: PendingCreate[] = [];
    let nextId = this.nextPartitionId;
    for (const c of chunk) {
      // Created by an earlier job meanwhile (deleted and asked for again): open that one.
      if (this.directory.has(tpKey(c.topic, c.partition))) {
        existing.push(c);
        continue;
      }
      if (nextId >= MAX_PARTITION_ID) throw new GregorError('KAFKA_STORAGE_ERROR', 'partition ids exhausted', { topic: c.topic, partition: c.partition });
      ops.push(...createOps(c.topic, c.partition, nextId));
      fresh.push({ c, id: nextId++ });
    }
    if (fresh.length > 0) {
      ops.push({ type: 'put', key: nextIdKey(), value: encodeUint32(nextId) });
      await this.write(ops);
      this.nextPartitionId = nextId;
    }
    for (const { c, id } of fresh) {
      const key = tpKey(c.topic, c.partition);
      this.directory.set(key, id);
      const log = new PartitionLog(new PartitionCore(this.context, c.topic, c.partition, id, emptyPartitionState(0n), 0n));
      this.logs.set(key, log);
      c.resolve(log);
    }
    if (fresh.length > 0) this.opts.logger.debug('partitions created', { count: fresh.length, firstId: fresh[0]!.id });
    for (const c of existing) await this.loadOrCreate(c.topic, c.partition).then(c.resolve, c.reject);
  }

  /** The open log, unless it is closed or its deletion has been requested. */
  getPartition(topic: string, partition: number): PartitionLog | undefined {
    const log = this.logs.get(tpKey(topic, partition));
    return log !== undefined && coreOf(log).status === 'open' ? log : undefined;
  }

  /** Partitions that exist on disk (so a restarted broker finds them), in no particular order. */
  async listPartitions(): Promise<{ topic: string; partition: number }[]> {
    // On the queue, so that creations and deletions requested earlier are reflected.
    return this.context.exclusive(async () => {
      const out: { topic: string; partition: number }[] = [];
      const it = this.kv.iterate(directoryRange());
      try {
        for (let e = await it.next(); e !== undefined; e = await it.next()) out.push(decodeDirectoryKey(e[0]));
      } finally {
        await it.close();
      }
      return out;
    });
  }

  /**
   * Removes the partition and all its keys. The directory entry goes first,
   * with a tombstone for its id, in one write; the id's key range is then
   * cleared in the background (and again after a restart if a crash
   * interrupted it). Appends queued before this call are still written, then
   * removed; later ones fail with UNKNOWN_TOPIC_OR_PARTITION.
   */
  async deletePartition(topic: string, partition: number): Promise<void> {
    this.checkWritable({ topic, partition });
    const key = tpKey(topic, partition);
    const log = this.logs.get(key);
    if (log !== undefined) {
      coreOf(log).status = 'deleted';
      coreOf(log).tail.clear();
    }
    await this.queue.exclusive(async () => {
      const id = this.directory.get(key);
      if (id === undefined) return;
      await this.write([
        { type: 'del', key: directoryKey(topic, partition) },
        { type: 'put', key: tombstoneKey(id), value: Buffer.alloc(0) },
      ]);
      const current = this.logs.get(key);
      if (current !== undefined) {
        coreOf(current).status = 'deleted';
        this.dirtyHighWatermarks.delete(coreOf(current));
      }
      this.logs.delete(key);
      this.directory.delete(key);
      this.clearInBackground(id);
      // Debug: the broker says it once per topic (or per orphan it removes).
      this.opts.logger.debug('partition deleted', { topic, partition, id });
    });
  }

  /**
   * Leader appends to several partitions in ONE LevelDB write (one produce
   * request = one write). Each item's outcome is its AppendResult (possibly
   * a duplicate of an idempotent producer's earlier batch, not written
   * again) or the GregorError the producer-state check refused it with;
   * the call as a whole rejects only when nothing could be written.
   */
  appendMany(items: { log: PartitionLog; batches: Buffer; leaderEpoch: number }[]): Promise<AppendOutcome[]> {
    return appendItems(
      this.context,
      items.map((i) => ({ core: coreOf(i.log), batches: i.batches, leaderEpoch: i.leaderEpoch })),
    );
  }

  /** Writes high watermarks changed since the last write (a node may call this on a timer). */
  async checkpointHighWatermarks(): Promise<void> {
    if (this.dirtyHighWatermarks.size === 0) return;
    await this.context.exclusive(() => this.write([]));
  }

  /**
   * Appends or jobs wait behind the write in flight: an append now joins
   * them in the next group. The broker wakes a leader's followers before
   * an append is written only when it is the first in line (latency);
   * later ones of a group are taken, all at once, when the group is
   * written (fewer, larger fetches under load).
   */
  get writesWaiting(): boolean {
    return this.queue.waiting;
  }

  stats(): LogStoreStats {
    return { ...this.kv.stats, partitions: this.logs.size, queuedBytes: this.queue.pendingBytes, queuedJobs: this.queue.pendingJobs };
  }

  memory(): LogStoreMemory {
    let producers = 0;
    for (const log of this.logs.values()) producers += log.producerCount;
    const open = this.closing === undefined;
    const { writeBufferBytes, blockCacheBytes, maxOpenFiles } = this.opts.leveldb;
    return {
      tailCacheBytes: this.context.tailCache.usedBytes,
      tailCacheMaxBytes: this.context.tailCache.maxBytes,
      queuedBytes: this.queue.pendingBytes,
      queuedMaxBytes: this.opts.maxQueuedBytes,
      leveldbBytes: open ? this.kv.memoryBytes() : 0,
      leveldbMaxBytes: 2 * writeBufferBytes + blockCacheBytes,
      leveldbTableFiles: open ? this.kv.tableFiles() : 0,
      leveldbMaxOpenFiles: maxOpenFiles,
      partitions: this.logs.size,
      producers,
    };
  }

  /** Waits for queued writes, checkpoints high watermarks, closes LevelDB. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.queue.drain();
      if (this.failure === undefined) {
        // Nothing is queued: every partition's committed producer state is
        // its whole log, so a clean restart replays nothing.
        const ops: KvOp[] = [];
        const written: (() => void)[] = [];
        for (const log of this.logs.values()) {
          const core = coreOf(log);
          if (core.status !== 'open' || core.producers.batchesSinceSnapshot === 0) continue;
          const snap = snapshotOps(core.id, core.producers, core.state.logEndOffset, core.highWatermark);
          if (snap === undefined) continue;
          ops.push(...snap.ops);
          written.push(snap.written);
        }
        if (ops.length > 0 || this.dirtyHighWatermarks.size > 0) {
          await this.write(ops).then(
            () => written.forEach((w) => w()),
            (err: unknown) => this.opts.logger.error('high watermark and producer state checkpoint failed on close', { err }),
          );
        }
      }
      await this.clearing;
      for (const log of this.logs.values()) coreOf(log).status = 'closed';
      this.logs.clear();
      await this.kv.close();
      this.opts.logger.info('log store closed');
    })();
    return this.closing;
  }

  private checkWritable(context: { topic?: string; partition?: number }): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closing !== undefined) throw new GregorError('KAFKA_STORAGE_ERROR', 'log store is closed', context);
  }

  /** Runs on the write queue, so nothing else touches the directory meanwhile. */
  private async loadOrCreate(topic: string, partition: number): Promise<PartitionLog> {
    const key = tpKey(topic, partition);
    let id = this.directory.get(key);
    let core: PartitionCore;
    if (id === undefined) {
      id = this.nextPartitionId;
      if (id >= MAX_PARTITION_ID) throw new GregorError('KAFKA_STORAGE_ERROR', 'partition ids exhausted', { topic, partition });
      const state = emptyPartitionState(0n);
      await this.write([...createOps(topic, partition, id), { type: 'put', key: nextIdKey(), value: encodeUint32(id + 1) }]);
      this.nextPartitionId = id + 1;
      this.directory.set(key, id);
      core = new PartitionCore(this.context, topic, partition, id, state, 0n);
      this.opts.logger.debug('partition created', { topic, partition, id });
    } else {
      const recovered = await recoverPartition(this.kv, id);
      core = new PartitionCore(this.context, topic, partition, id, recovered.state, recovered.highWatermark);
      const p = recovered.producers;
      core.producers.reset(p.entries, p.slots, p.replayedBatches, p.replayedBytes);
      const txns = await loadTxns(this.kv, id);
      core.txns.reset(txns.ongoing, txns.completed);
      this.opts.logger.debug('partition opened', {
        topic,
        partition,
        id,
        logEndOffset: recovered.state.logEndOffset,
        producers: p.entries.length,
        replayedBatches: p.replayedBatches,
      });
    }
    const log = new PartitionLog(core);
    this.logs.set(key, log);
    return log;
  }

  /** The queue's group writer: every queued append's keys, merged into one LevelDB write. */
  private async writeGroup(jobs: AppendJob[]): Promise<void> {
    const startedMs = debugTimeline.on ? hostMonotonicMs() : 0;
    const ops: KvOp[] = [];
    const staged = new Map<PartitionCore, StagedState>();
    const snapshotsWritten: (() => void)[] = [];
    for (const job of jobs) {
      for (const part of job.parts) {
        let s = staged.get(part.core);
        if (s === undefined) {
          s = { ...part.core.state };
          staged.set(part.core, s);
          // The committed producer state describes the log before this write, up to its current end.
          if (part.core.producers.snapshotDue(this.context.producerSnapshotPolicy)) {
            const snap = snapshotOps(part.core.id, part.core.producers, part.core.state.logEndOffset, part.core.highWatermark);
            if (snap !== undefined) {
              ops.push(...snap.ops);
              snapshotsWritten.push(snap.written);
            }
          }
        }
        stageBatches(s, part.core.id, part.buf, part.frames, ops);
        if (part.txnChanges.length > 0) ops.push(...txnChangeOps(part.core.id, part.txnChanges));
      }
    }
    for (const [core, s] of staged) ops.push(...sideKeyOps(core.id, core.state, s));
    // Committed transactions below the high watermark can no longer be undone: their index entries go in this write.
    const prunes: (() => void)[] = [];
    for (const core of staged.keys()) {
      const prune = core.txns.planCommittedPruning(core.id, core.highWatermark);
      if (prune !== undefined) {
        ops.push(...prune.ops);
        prunes.push(prune.apply);
      }
    }
    const builtMs = debugTimeline.on ? hostMonotonicMs() : 0;
    await this.write(ops);
    if (debugTimeline.on) {
      const parts = jobs.flatMap((j) => j.parts.map((x) => [tpKey(x.core.topic, x.core.partition), x.leader]));
      debugTimeline.event('storage.write', { queued: jobs.map((j) => j.queuedMs), started: startedMs, built: builtMs, parts });
    }
    for (const apply of prunes) apply();
    for (const w of snapshotsWritten) w();
    for (const [core, s] of staged) core.commit(s);
    for (const job of jobs) {
      for (const part of job.parts) {
        // A leader's batches went into the tail cache when their offsets were assigned (append.ts).
        if (!part.leader) part.core.tail.clear();
        part.core.producers.commitWritten(part.producerUpdates, part.frames.length, part.buf.length);
        part.core.txns.commitWritten(part.txnChanges);
      }
    }
    for (const job of jobs) job.resolve(job.results);
  }

  /**
   * Every LevelDB write goes through here (from the queue only), carrying any
   * high watermarks that changed since the last one. A failed write leaves
   * memory ahead of disk, so the store stops writing (Kafka takes the log dir
   * offline): the node should restart and recover from what is on disk.
   */
  private async write(ops: KvOp[]): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const checkpoints = [...this.dirtyHighWatermarks].map((core) => ({ core, hw: core.highWatermark }));
    for (const { core, hw } of checkpoints) {
      ops.push({ type: 'put', key: sideKey(core.id, Side.HighWatermark), value: encodeInt64(hw) });
    }
    try {
      await this.kv.write(ops, this.opts.syncWrites);
    } catch (err) {
      this.failure = new GregorError('KAFKA_STORAGE_ERROR', `log store write failed: ${String(err)}`, {}, err);
      this.queue.fail(this.failure);
      // Leader batches are cached before their write: none of those may be served now.
      for (const log of this.logs.values()) coreOf(log).tail.clear();
      this.opts.logger.error('log store write failed; no further writes', { err });
      throw this.failure;
    }
    for (const { core, hw } of checkpoints) if (core.highWatermark === hw) this.dirtyHighWatermarks.delete(core);
  }

  private async resumeDeletions(): Promise<void> {
    const it = this.kv.iterate({ ...tombstoneRange(), keysOnly: true });
    try {
      for (let e = await it.next(); e !== undefined; e = await it.next()) this.clearInBackground(decodeTombstoneKey(e[0]));
    } finally {
      await it.close();
    }
  }

  private clearInBackground(id: number): void {
    assert(![...this.directory.values()].includes(id), `clearing partition id ${id} that is still in the directory`);
    this.clearing = this.clearing.then(async () => {
      try {
        await this.kv.clear(partitionRange(id));
        await this.kv.write([{ type: 'del', key: tombstoneKey(id) }], false);
      } catch (err) {
        // The tombstone stays; the next open retries.
        this.opts.logger.warn('clearing a deleted partition failed', { id, err });
      }
    });
  }
}

/** The keys that make partition `id` exist, empty (the next-id key is the caller's). */
function createOps(topic: string, partition: number, id: number): KvOp[] {
  const state = emptyPartitionState(0n);
  return [
    { type: 'put', key: directoryKey(topic, partition), value: encodeUint32(id) },
    { type: 'put', key: sideKey(id, Side.LogStartOffset), value: encodeInt64(state.logStartOffset) },
    { type: 'put', key: sideKey(id, Side.SizeBytes), value: encodeSize(state.sizeBytes) },
  ];
}
