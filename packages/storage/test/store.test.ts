import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';
import { LogStore } from '@gregor/storage';
import { batchRanges, expectGregorError, makeBatch, readAll, recordValues, removeDir, tempDir, withStore } from './helpers';

describe('LogStore', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;

  beforeEach(async () => {
    ctx = await withStore();
  });
  afterEach(() => ctx.cleanup());

  test('keeps many partitions apart in one database', async () => {
    const logs = await Promise.all(Array.from({ length: 40 }, (_, i) => ctx.store.openPartition(`topic-${i % 4}`, Math.floor(i / 4))));
    await Promise.all(logs.map((log, i) => log.append(makeBatch({ records: (i % 3) + 1, label: `p${i}` }), 0)));
    await Promise.all(logs.map((log, i) => log.append(makeBatch({ records: 1, label: `q${i}` }), 0)));
    for (const [i, log] of logs.entries()) {
      expect(log.logEndOffset).toBe(BigInt((i % 3) + 2));
      expect(recordValues(await readAll(log)).at(-1)).toBe(`q${i}-0`);
      expect(recordValues(await readAll(log))[0]).toBe(`p${i}-0`);
    }
    const listed = await ctx.store.listPartitions();
    expect(listed).toHaveLength(40);
    expect(listed).toContainEqual({ topic: 'topic-3', partition: 9 });
    expect(ctx.store.getPartition('topic-3', 9)).toBe(logs[39]);
    expect(ctx.store.getPartition('topic-3', 10)).toBeUndefined();
    expect(await ctx.store.openPartition('topic-3', 9)).toBe(logs[39]);
    // One LevelDB for the node, not one per partition.
    expect(await readdir(ctx.dir)).toEqual(['log-store']);
  });

  test('rejects invalid topic names and partition numbers', async () => {
    await expectGregorError(ctx.store.openPartition('bad/name', 0), 'INVALID_TOPIC_EXCEPTION');
    await expectGregorError(ctx.store.openPartition('ok', -1), 'INVALID_PARTITIONS');
    await expectGregorError(ctx.store.openPartition('ok', 1.5), 'INVALID_PARTITIONS');
  });

  test('appendMany writes several partitions in one LevelDB write', async () => {
    const [a, b, c] = await Promise.all([ctx.store.openPartition('a', 0), ctx.store.openPartition('b', 0), ctx.store.openPartition('c', 3)]);
    await a!.append(makeBatch({ records: 2 }), 0);
    const writesBefore = ctx.store.stats().writes;
    const results = await ctx.store.appendMany([
      { log: a!, batches: makeBatch({ records: 3 }), leaderEpoch: 1 },
      { log: b!, batches: makeBatch({ records: 1 }), leaderEpoch: 1 },
      { log: c!, batches: Buffer.concat([makeBatch(), makeBatch()]), leaderEpoch: 2 },
      { log: a!, batches: makeBatch({ records: 1 }), leaderEpoch: 1 },
    ]);
    expect(ctx.store.stats().writes - writesBefore).toBe(1);
    expect(results.map((r) => (r instanceof Error ? r : [r.baseOffset, r.lastOffset]))).toEqual([
      [2n, 4n],
      [0n, 0n],
      [0n, 1n],
      [5n, 5n],
    ]);
    expect([a!.logEndOffset, b!.logEndOffset, c!.logEndOffset]).toEqual([6n, 1n, 2n]);
  });

  test('appendMany is all or nothing: one bad item leaves every partition untouched', async () => {
    const [a, b] = await Promise.all([ctx.store.openPartition('a', 0), ctx.store.openPartition('b', 0)]);
    const good = makeBatch({ records: 2 });
    const goodCopy = Buffer.from(good);
    const corrupt = makeBatch().subarray(0, 30);
    await expectGregorError(
      ctx.store.appendMany([
        { log: a!, batches: good, leaderEpoch: 0 },
        { log: b!, batches: corrupt, leaderEpoch: 0 },
      ]),
      'CORRUPT_MESSAGE',
    );
    await b!.append(makeBatch(), 3);
    await expectGregorError(
      ctx.store.appendMany([
        { log: a!, batches: good, leaderEpoch: 5 },
        { log: b!, batches: makeBatch(), leaderEpoch: 2 }, // fenced
      ]),
      'FENCED_LEADER_EPOCH',
    );
    expect(a!.logEndOffset).toBe(0n);
    expect(good.equals(goodCopy)).toBe(true); // not even the offsets were rewritten
    expect((await a!.append(makeBatch(), 0)).baseOffset).toBe(0n);
  });

  test('a full write queue pushes back with a retriable error instead of growing', async () => {
    const small = await withStore({ maxQueuedBytes: 1000 });
    try {
      const log = await small.store.openPartition('q', 0);
      const batchBytes = makeBatch({ records: 20 }).length;
      expect(batchBytes).toBeGreaterThan(250);
      // Issued in one tick: the writer has not started, so they all wait in the queue.
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => log.append(makeBatch({ records: 20 }), 0)));
      const accepted = results.filter((r) => r.status === 'fulfilled').length;
      expect(accepted).toBe(Math.floor(1000 / batchBytes));
      const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(failure.reason).toMatchObject({ errorName: 'REQUEST_TIMED_OUT', retriable: true });
      // A refused append took no offsets: the log is contiguous and ends after the accepted ones.
      expect(log.logEndOffset).toBe(BigInt(20 * accepted));
      expect(batchRanges(await readAll(log))).toHaveLength(accepted);
      expect((await log.append(makeBatch(), 0)).baseOffset).toBe(BigInt(20 * accepted));
    } finally {
      await small.cleanup();
    }
  });

  test('restart recovers offsets, data, epochs, sizes and the HW checkpoint without scanning data', async () => {
    const log = await ctx.store.openPartition('big', 0);
    for (let i = 0; i < 300; i++) await log.append(makeBatch({ records: 2, label: `b${i}` }), i < 100 ? 1 : 2);
    log.setHighWatermark(500n);
    await log.deleteRecordsBefore(21n);
    const before = { end: log.logEndOffset, start: log.logStartOffset, size: log.sizeBytes, hw: log.highWatermark };
    const data = await readAll(log);

    const store = await ctx.reopen();
    const statsBefore = store.stats();
    const reopened = await store.openPartition('big', 0);
    const recovery = store.stats();
    // Side keys (four, plus two producer-state snapshot slots) are point
    // reads; the log end and the newest time-index entry are one reverse
    // seek each. The clean close snapshotted producer state at the log end,
    // so no batch is replayed.
    expect(recovery.iteratorSteps - statsBefore.iteratorSteps).toBe(2);
    expect(recovery.gets - statsBefore.gets).toBe(6);
    expect({ end: reopened.logEndOffset, start: reopened.logStartOffset, size: reopened.sizeBytes, hw: reopened.highWatermark }).toEqual(before);
    expect(reopened.latestEpoch()).toBe(2);
    expect(reopened.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 200n });
    expect((await readAll(reopened)).equals(data)).toBe(true);
    expect((await reopened.append(makeBatch(), 2)).baseOffset).toBe(600n);
  });

  test('the high watermark is checkpointed on demand and on close', async () => {
    const [a, b] = await Promise.all([ctx.store.openPartition('a', 0), ctx.store.openPartition('b', 0)]);
    await a!.append(makeBatch({ records: 5 }), 0);
    a!.setHighWatermark(3n);
    const writes = ctx.store.stats().writes;
    await ctx.store.checkpointHighWatermarks();
    await ctx.store.checkpointHighWatermarks(); // nothing changed since: no write
    expect(ctx.store.stats().writes - writes).toBe(1);
    a!.setHighWatermark(4n);
    b!.setHighWatermark(0n); // unchanged: not dirty
    const reopened = await (await ctx.reopen()).openPartition('a', 0);
    expect(reopened.highWatermark).toBe(4n);
    // (That the HW also rides along with ordinary writes is checked across a kill -9 in crash.test.ts.)
  });

  test('delete removes every key; a recreated partition starts empty under a fresh id', async () => {
    const log = await ctx.store.openPartition('gone', 0);
    const other = await ctx.store.openPartition('kept', 0);
    for (let i = 0; i < 20; i++) await log.append(makeBatch({ records: 2 }), 0);
    await other.append(makeBatch(), 0);
    await ctx.store.deletePartition('gone', 0);
    await expectGregorError(log.append(makeBatch(), 0), 'UNKNOWN_TOPIC_OR_PARTITION');
    await expectGregorError(log.read(0n, 100), 'UNKNOWN_TOPIC_OR_PARTITION');
    expect(ctx.store.getPartition('gone', 0)).toBeUndefined();
    expect(await ctx.store.listPartitions()).toEqual([{ topic: 'kept', partition: 0 }]);

    const again = await ctx.store.openPartition('gone', 0);
    expect([again.logStartOffset, again.logEndOffset, again.sizeBytes, again.latestEpoch()]).toEqual([0n, 0n, 0, -1]);
    await again.append(makeBatch({ label: 'new' }), 0);
    const store = await ctx.reopen(); // close waits for the background clear
    const reopened = await store.openPartition('gone', 0);
    expect(recordValues(await readAll(reopened))).toEqual(['new-0']);
    expect(recordValues(await readAll(await store.openPartition('kept', 0)))).toEqual(['r-0']);
    await store.close();
    // Nothing of the old id remains: the raw database holds keys of exactly two partition ids and no tombstone.
    const db = new Level<Buffer, Buffer>(join(ctx.dir, 'log-store'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    const ids = new Set<number>();
    let tombstones = 0;
    for await (const key of db.keys()) {
      if (key[0] === 0x10) ids.add(key.readUInt32BE(1));
      if (key[0] === 0x02) tombstones++;
    }
    await db.close();
    expect(ids.size).toBe(2);
    expect(tombstones).toBe(0);
    ctx.store = await LogStore.open({ dataDir: ctx.dir });
  });

  test('opening a partition whose deletion is still queued gives a fresh log', async () => {
    const log = await ctx.store.openPartition('d', 0);
    await log.append(makeBatch({ records: 3 }), 0);
    const deletion = ctx.store.deletePartition('d', 0);
    expect(ctx.store.getPartition('d', 0)).toBeUndefined();
    const fresh = await ctx.store.openPartition('d', 0);
    await deletion;
    expect(fresh).not.toBe(log);
    expect(fresh.logEndOffset).toBe(0n);
    expect(ctx.store.getPartition('d', 0)).toBe(fresh);
  });

  test('deleting an unopened or unknown partition works and is idempotent', async () => {
    const log = await ctx.store.openPartition('x', 1);
    await log.append(makeBatch(), 0);
    const store = await ctx.reopen();
    await store.deletePartition('x', 1);
    await store.deletePartition('x', 1);
    await store.deletePartition('never', 0);
    expect(await store.listPartitions()).toEqual([]);
  });

  test('a failed LevelDB write stops the store: KAFKA_STORAGE_ERROR now and for every later write', async () => {
    const log = await ctx.store.openPartition('f', 0);
    await log.append(makeBatch({ records: 2 }), 0);
    // Fault injection through the private Kv: the disk "fails" from here on.
    const kv = (ctx.store as unknown as { kv: { write: (...args: unknown[]) => Promise<void> } }).kv;
    const realWrite = kv.write.bind(kv);
    kv.write = () => Promise.reject(new Error('EIO: disk on fire'));
    const [first, second] = await Promise.allSettled([log.append(makeBatch(), 0), log.append(makeBatch(), 0)]);
    expect(first).toMatchObject({ status: 'rejected', reason: { errorName: 'KAFKA_STORAGE_ERROR' } });
    expect(second).toMatchObject({ status: 'rejected', reason: { errorName: 'KAFKA_STORAGE_ERROR' } });
    kv.write = realWrite; // even a healthy disk is not written again: memory may be ahead of it
    await expectGregorError(log.append(makeBatch(), 0), 'KAFKA_STORAGE_ERROR');
    await expectGregorError(log.truncateTo(0n), 'KAFKA_STORAGE_ERROR');
    expect(log.logEndOffset).toBe(2n); // what readers see is what is on disk
    expect(batchRanges((await log.read(0n, 1000)).records)).toEqual([[0n, 1n]]);
    const reopened = await (await ctx.reopen()).openPartition('f', 0);
    expect(reopened.logEndOffset).toBe(2n);
    expect((await reopened.append(makeBatch(), 0)).baseOffset).toBe(2n);
  });

  test('a closed store refuses work with a storage error', async () => {
    const log = await ctx.store.openPartition('c', 0);
    await ctx.store.close();
    await expectGregorError(log.append(makeBatch(), 0), 'KAFKA_STORAGE_ERROR');
    await expectGregorError(log.read(0n, 10), 'KAFKA_STORAGE_ERROR');
    await expectGregorError(ctx.store.openPartition('c', 1), 'KAFKA_STORAGE_ERROR');
    ctx.store = await LogStore.open({ dataDir: ctx.dir }); // so cleanup has something to close
  });
});

test('a data dir is reopened by a new LogStore with everything in place', async () => {
  const dir = await tempDir();
  try {
    const first = await LogStore.open({ dataDir: dir, syncWrites: true });
    await (await first.openPartition('s', 0)).append(makeBatch({ records: 4 }), 0);
    await first.close();
    const second = await LogStore.open({ dataDir: join(dir) });
    expect((await second.openPartition('s', 0)).logEndOffset).toBe(4n);
    await second.close();
  } finally {
    await removeDir(dir);
  }
});

describe('LogStore creating many partitions', () => {
  test('partitions asked for together are created in a few LevelDB writes, and come back after a restart', async () => {
    const ctx = await withStore();
    try {
      const writesBefore = ctx.store.stats().writes;
      const logs = await Promise.all(Array.from({ length: 3000 }, (_, p) => ctx.store.openPartition('many', p)));
      // 256 per write (MAX_CREATES_PER_WRITE): twelve writes, not 3000.
      expect(ctx.store.stats().writes - writesBefore).toBeLessThanOrEqual(13);
      expect(new Set(logs).size).toBe(3000);
      await logs[2999]!.append(makeBatch({ records: 2, label: 'last' }), 0);
      expect(ctx.store.getPartition('many', 1234)).toBe(logs[1234]);
      const reopened = await ctx.reopen();
      expect(await reopened.listPartitions()).toHaveLength(3000);
      const last = await reopened.openPartition('many', 2999);
      expect(last.logEndOffset).toBe(2n);
      expect(recordValues(await readAll(last))).toEqual(['last-0', 'last-1']);
      expect((await reopened.openPartition('many', 0)).logEndOffset).toBe(0n);
    } finally {
      await ctx.cleanup();
    }
  });
});
