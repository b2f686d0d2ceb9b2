import { randomBytes } from 'node:crypto';
import { pollUntil } from '@gregor/common';
import { encodeRecordBatch } from '@gregor/record-batch';
import { DEFAULT_LEVELDB_TUNING, LogStore } from '@gregor/storage';
import { withStore } from './helpers';

const MiB = 1024 * 1024;

/** One batch of `records` random 1 KiB values (random: nothing in the path may shrink them). */
function bigBatch(records: number): Buffer {
  return encodeRecordBatch(Array.from({ length: records }, (_, i) => ({ value: randomBytes(1024), timestamp: 1000n + BigInt(i) })));
}

describe('LogStore memory bounds', () => {
  test('defaults are the documented ones and memory() reports them as budgets', async () => {
    const ctx = await withStore();
    try {
      const m = ctx.store.memory();
      expect(DEFAULT_LEVELDB_TUNING).toEqual({ writeBufferBytes: 64 * MiB, blockCacheBytes: 8 * MiB, maxOpenFiles: 1000, maxFileBytes: 32 * MiB });
      expect(m).toMatchObject({
        tailCacheMaxBytes: 64 * MiB,
        queuedMaxBytes: 64 * MiB,
        leveldbMaxBytes: 2 * 64 * MiB + 8 * MiB,
        leveldbMaxOpenFiles: 1000,
        partitions: 0,
        producers: 0,
        queuedBytes: 0,
        tailCacheBytes: 0,
      });
    } finally {
      await ctx.cleanup();
    }
  });

  test('configured LevelDB and tail-cache bounds hold while far more than them is written', async () => {
    const tuning = { writeBufferBytes: 1 * MiB, blockCacheBytes: 1 * MiB, maxOpenFiles: 100, maxFileBytes: 1 * MiB };
    const ctx = await withStore({ tailCacheBytes: 512 * 1024, leveldb: tuning });
    try {
      const logs = await Promise.all([0, 1, 2].map((p) => ctx.store.openPartition('mem', p)));
      const batch = bigBatch(64); // ~66 KiB
      let peakLevelDb = 0;
      let peakTail = 0;
      // 12 MiB over three partitions: twelve times the write buffer, 24 times the tail cache.
      for (let i = 0; i < 64; i++) {
        await Promise.all(logs.map((log) => log.append(Buffer.from(batch), 0)));
        const m = ctx.store.memory();
        peakLevelDb = Math.max(peakLevelDb, m.leveldbBytes);
        peakTail = Math.max(peakTail, m.tailCacheBytes);
      }
      const m = ctx.store.memory();
      expect(m.leveldbMaxBytes).toBe(3 * MiB);
      expect(m.tailCacheMaxBytes).toBe(512 * 1024);
      expect(m.partitions).toBe(3);
      expect(peakTail).toBeGreaterThan(0);
      expect(peakTail).toBeLessThanOrEqual(512 * 1024);
      // LevelDB lets one write (one request's batches) land in a full memtable before it switches.
      expect(peakLevelDb).toBeGreaterThan(0);
      expect(peakLevelDb).toBeLessThanOrEqual(m.leveldbMaxBytes + 3 * batch.length);
      // The memtables were flushed into tables of about maxFileBytes: the write buffer really was 1 MiB.
      await pollUntil(() => ctx.store.memory().leveldbTableFiles >= 4, { timeoutMs: 10_000, what: 'LevelDB flushes its memtables into tables' });
    } finally {
      await ctx.cleanup();
    }
  });

  test('a closed store reports no LevelDB memory instead of throwing', async () => {
    const ctx = await withStore();
    const store: LogStore = ctx.store;
    await store.close();
    expect(store.memory()).toMatchObject({ leveldbBytes: 0, leveldbTableFiles: 0 });
    await ctx.cleanup();
  });
});
