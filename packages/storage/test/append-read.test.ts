import { readBatchHeader } from '@gregor/record-batch';
import type { LogStore, PartitionLog } from '@gregor/storage';
import { batchRanges, expectGregorError, makeBatch, makeFollowerBatches, recordValues, withStore } from './helpers';

describe('append and read', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;
  let store: LogStore;
  let log: PartitionLog;

  beforeEach(async () => {
    ctx = await withStore();
    store = ctx.store;
    log = await store.openPartition('orders', 0);
  });
  afterEach(() => ctx.cleanup());

  test('a new partition is empty at offset 0', async () => {
    expect(log.logStartOffset).toBe(0n);
    expect(log.logEndOffset).toBe(0n);
    expect(log.sizeBytes).toBe(0);
    expect(log.highWatermark).toBe(0n);
    expect((await log.read(0n, 1000)).records.length).toBe(0);
  });

  test('leader append assigns contiguous offsets and rewrites baseOffset and epoch in place', async () => {
    const a = makeBatch({ records: 3 });
    const b = makeBatch({ records: 2 });
    const ra = await log.append(a, 4);
    const rb = await log.append(b, 4);
    expect(ra).toEqual({ baseOffset: 0n, lastOffset: 2n, maxTimestamp: 1002n, recordCount: 3, bytes: a.length, duplicate: false });
    expect(rb).toMatchObject({ baseOffset: 3n, lastOffset: 4n, recordCount: 2 });
    expect(readBatchHeader(b).baseOffset).toBe(3n);
    expect(readBatchHeader(b).partitionLeaderEpoch).toBe(4);
    expect(log.logEndOffset).toBe(5n);
    expect(log.sizeBytes).toBe(a.length + b.length);
    const { records, logStartOffset, logEndOffset } = await log.read(0n, 1 << 20);
    expect(batchRanges(records)).toEqual([
      [0n, 2n],
      [3n, 4n],
    ]);
    expect(records.equals(Buffer.concat([a, b]))).toBe(true); // stored bytes unchanged otherwise (CRC still valid)
    expect([logStartOffset, logEndOffset]).toEqual([0n, 5n]);
  });

  test('readForFollower serves a leader append whose write is still queued; read only once it is written', async () => {
    await log.append(makeBatch({ records: 2 }), 0);
    const pending = log.append(makeBatch({ records: 3, label: 'p' }), 0); // offsets assigned now, written later
    expect([log.logEndOffset, log.assignedEndOffset]).toEqual([2n, 5n]);
    expect((await log.read(2n, 1 << 20)).records.length).toBe(0);
    expect(recordValues((await log.readForFollower(2n, 1 << 20)).records)).toEqual(['p-0', 'p-1', 'p-2']);
    expect(batchRanges((await log.readForFollower(0n, 1 << 20)).records)).toEqual([
      [0n, 1n],
      [2n, 4n],
    ]);
    await expectGregorError(log.readForFollower(6n, 100), 'OFFSET_OUT_OF_RANGE');
    await pending;
    expect(log.logEndOffset).toBe(5n);
    expect(recordValues((await log.read(2n, 1 << 20)).records)).toEqual(['p-0', 'p-1', 'p-2']);
  });

  test('writesWaiting: appends queued behind the write in flight (the broker wakes followers early only for the first in line)', async () => {
    expect(store.writesWaiting).toBe(false);
    const a = log.append(makeBatch(), 0); // the queue starts writing on the next microtask
    expect(store.writesWaiting).toBe(true);
    await a;
    expect(store.writesWaiting).toBe(false);
  });

  test('readForFollower without the tail cache: only what is written', async () => {
    const uncached = await withStore({ tailCacheBytes: 0 });
    try {
      const l = await uncached.store.openPartition('orders', 0);
      await l.append(makeBatch({ records: 2 }), 0);
      const pending = l.append(makeBatch({ records: 1 }), 0);
      // Asked before the write can have finished (no I/O on this path): nothing yet.
      const early = l.readForFollower(2n, 1 << 20);
      await pending;
      expect((await early).records.length).toBe(0);
      expect(batchRanges((await l.readForFollower(2n, 1 << 20)).records)).toEqual([[2n, 2n]]);
    } finally {
      await uncached.cleanup();
    }
  });

  test('one append may carry several batches', async () => {
    const r = await log.append(Buffer.concat([makeBatch({ records: 2 }), makeBatch({ records: 1 }), makeBatch({ records: 4 })]), 0);
    expect(r).toMatchObject({ baseOffset: 0n, lastOffset: 6n, recordCount: 7 });
    expect(batchRanges((await log.read(0n, 1 << 20)).records)).toEqual([
      [0n, 1n],
      [2n, 2n],
      [3n, 6n],
    ]);
  });

  test('concurrent appends get offsets in call order and are all readable', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(makeBatch({ records: 2, label: `b${i}` }), 0)));
    expect(results.map((r) => r.baseOffset)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(2 * i)));
    const values = recordValues((await log.read(0n, 1 << 20)).records);
    expect(values.slice(0, 4)).toEqual(['b0-0', 'b0-1', 'b1-0', 'b1-1']);
    expect(values).toHaveLength(100);
    // Group commit: 50 appends issued together need far fewer than 50 writes.
    expect(store.stats().writes).toBeLessThan(50);
  });

  test('read starts at the batch containing the fetch offset', async () => {
    await log.append(makeBatch({ records: 5 }), 0); // 0-4
    await log.append(makeBatch({ records: 5 }), 0); // 5-9
    await log.append(makeBatch({ records: 5 }), 0); // 10-14
    expect(batchRanges((await log.read(7n, 1 << 20)).records)[0]).toEqual([5n, 9n]);
    expect(batchRanges((await log.read(5n, 1 << 20)).records)[0]).toEqual([5n, 9n]);
    expect(batchRanges((await log.read(14n, 1 << 20)).records)).toEqual([[10n, 14n]]);
  });

  test('maxBytes returns whole batches only, but always at least one (KIP-74)', async () => {
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) sizes.push((await log.append(makeBatch({ records: 3 }), 0)).bytes);
    expect(batchRanges((await log.read(0n, 1)).records)).toEqual([[0n, 2n]]);
    expect(batchRanges((await log.read(0n, 0)).records)).toEqual([[0n, 2n]]);
    expect(batchRanges((await log.read(0n, sizes[0]! + sizes[1]!)).records)).toHaveLength(2);
    expect(batchRanges((await log.read(0n, sizes[0]! + sizes[1]! - 1)).records)).toHaveLength(1);
    expect(batchRanges((await log.read(4n, 1)).records)).toEqual([[3n, 5n]]);
  });

  test('maxOffset excludes batches starting at or beyond it', async () => {
    for (let i = 0; i < 3; i++) await log.append(makeBatch({ records: 3 }), 0); // 0-2, 3-5, 6-8
    expect(batchRanges((await log.read(0n, 1 << 20, 3n)).records)).toEqual([[0n, 2n]]);
    expect(batchRanges((await log.read(0n, 1 << 20, 4n)).records)).toEqual([
      [0n, 2n],
      [3n, 5n],
    ]);
    expect((await log.read(3n, 1 << 20, 3n)).records.length).toBe(0);
    expect((await log.read(6n, 1 << 20, 2n)).records.length).toBe(0);
    expect(batchRanges((await log.read(0n, 1 << 20, 100n)).records)).toHaveLength(3);
  });

  test('fetch at the log end is empty, beyond it or below the start is OFFSET_OUT_OF_RANGE', async () => {
    await log.append(makeBatch({ records: 3 }), 0);
    const atEnd = await log.read(3n, 1000);
    expect(atEnd.records.length).toBe(0);
    expect(atEnd.logEndOffset).toBe(3n);
    await expectGregorError(log.read(4n, 1000), 'OFFSET_OUT_OF_RANGE');
    await expectGregorError(log.read(-1n, 1000), 'OFFSET_OUT_OF_RANGE');
    await expectGregorError(log.read(0n, -5), 'INVALID_FETCH_SIZE');
  });

  test('malformed input is rejected before anything is assigned', async () => {
    const good = makeBatch({ records: 2 });
    await expectGregorError(log.append(good.subarray(0, good.length - 1), 0), 'CORRUPT_MESSAGE');
    await expectGregorError(log.append(Buffer.alloc(0), 0), 'CORRUPT_MESSAGE');
    await expectGregorError(log.append(Buffer.concat([good, Buffer.alloc(10)]), 0), 'CORRUPT_MESSAGE');
    expect(log.logEndOffset).toBe(0n);
    expect((await log.append(makeBatch(), 0)).baseOffset).toBe(0n);
  });

  test('a leader append in an older epoch than the log is fenced', async () => {
    await log.append(makeBatch(), 5);
    await expectGregorError(log.append(makeBatch(), 4), 'FENCED_LEADER_EPOCH');
    await expectGregorError(log.append(makeBatch(), -1), 'INVALID_REQUEST');
    expect((await log.append(makeBatch(), 6)).baseOffset).toBe(1n);
  });

  test('follower append keeps the leader offsets, never overlaps the log and may skip a compaction gap', async () => {
    const r = await log.appendAsFollower(makeFollowerBatches(0n, 3, [2, 3]));
    expect(r).toMatchObject({ baseOffset: 0n, lastOffset: 4n, recordCount: 5 });
    expect(log.latestEpoch()).toBe(3);
    await expectGregorError(log.appendAsFollower(makeFollowerBatches(4n, 3, [1])), 'OFFSET_OUT_OF_RANGE');
    // Overlap between two batches of one request is refused as a whole.
    const overlapping = Buffer.concat([makeFollowerBatches(5n, 3, [2]), makeFollowerBatches(6n, 3, [1])]);
    await expectGregorError(log.appendAsFollower(overlapping), 'OFFSET_OUT_OF_RANGE');
    expect(log.logEndOffset).toBe(5n);
    // A compacted leader's log has gaps between batches; the follower copies them.
    const gappy = Buffer.concat([makeFollowerBatches(5n, 4, [1]), makeFollowerBatches(7n, 4, [1])]);
    await log.appendAsFollower(gappy);
    expect(log.logEndOffset).toBe(8n);
    expect(recordValues((await log.read(0n, 1 << 20)).records)).toEqual(['f-0', 'f-1', 'f-2', 'f-3', 'f-4', 'f-5', 'f-7']);
    // A fetch inside the gap starts at the next batch.
    expect(batchRanges((await log.read(6n, 1 << 20)).records)).toEqual([[7n, 7n]]);
  });

  test('high watermark is clamped to the log', async () => {
    await log.append(makeBatch({ records: 4 }), 0);
    log.setHighWatermark(2n);
    expect(log.highWatermark).toBe(2n);
    log.setHighWatermark(100n);
    expect(log.highWatermark).toBe(4n);
    log.setHighWatermark(-3n);
    expect(log.highWatermark).toBe(0n);
  });

  test('truncateFullyAndStartAt restarts the log at any offset, exact past 2^53', async () => {
    await log.append(makeBatch({ records: 3 }), 2);
    const start = 2n ** 60n + 7n;
    await log.truncateFullyAndStartAt(start);
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark, log.sizeBytes]).toEqual([start, start, start, 0]);
    expect(log.latestEpoch()).toBe(-1);
    await log.appendAsFollower(makeFollowerBatches(start, 3, [2]));
    expect((await log.append(makeBatch(), 3)).baseOffset).toBe(start + 2n);
    expect(batchRanges((await log.read(start + 1n, 1 << 20)).records)).toEqual([
      [start, start + 1n],
      [start + 2n, start + 2n],
    ]);
    const reopened = await (await ctx.reopen()).openPartition('orders', 0);
    expect([reopened.logStartOffset, reopened.logEndOffset]).toEqual([start, start + 3n]);
  });
});
