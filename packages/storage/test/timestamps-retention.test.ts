import { CompressionType, encodeRecordBatch } from '@gregor/record-batch';
import { MAINTENANCE_STEP_MAX_BYTES } from '../src/log-prefix';
import type { PartitionLog } from '@gregor/storage';
import { initialRetentionState, retentionStep, type BatchSummary } from '../src/retention';
import { batchRanges, expectGregorError, makeBatch, withStore } from './helpers';

describe('offsetForTimestamp', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;
  let log: PartitionLog;

  beforeEach(async () => {
    ctx = await withStore();
    log = await ctx.store.openPartition('ts', 0);
  });
  afterEach(() => ctx.cleanup());

  test('finds the first record at or after a timestamp, inside its batch', async () => {
    await log.append(makeBatch({ timestamps: [100n, 110n, 120n] }), 0); // 0-2
    await log.append(makeBatch({ timestamps: [130n, 125n, 140n] }), 0); // 3-5
    await log.append(makeBatch({ timestamps: [150n, 160n] }), 0); // 6-7
    expect(await log.offsetForTimestamp(0n)).toEqual({ offset: 0n, timestamp: 100n });
    expect(await log.offsetForTimestamp(100n)).toEqual({ offset: 0n, timestamp: 100n });
    expect(await log.offsetForTimestamp(111n)).toEqual({ offset: 2n, timestamp: 120n });
    expect(await log.offsetForTimestamp(126n)).toEqual({ offset: 3n, timestamp: 130n });
    expect(await log.offsetForTimestamp(135n)).toEqual({ offset: 5n, timestamp: 140n });
    expect(await log.offsetForTimestamp(160n)).toEqual({ offset: 7n, timestamp: 160n });
    expect(await log.offsetForTimestamp(161n)).toBeUndefined();
  });

  test('batches that do not raise the max timestamp get no index entry but are still found', async () => {
    await log.append(makeBatch({ timestamps: [500n] }), 0); // 0: max 500
    await log.append(makeBatch({ timestamps: [200n] }), 0); // 1: below the running max
    await log.append(makeBatch({ timestamps: [600n] }), 0); // 2
    expect(await log.offsetForTimestamp(150n)).toEqual({ offset: 0n, timestamp: 500n });
    // Kafka semantics: the first offset whose timestamp is >= target, in offset order.
    expect(await log.offsetForTimestamp(501n)).toEqual({ offset: 2n, timestamp: 600n });
  });

  test('decodes gzip batches too', async () => {
    await log.append(makeBatch({ timestamps: [10n, 20n, 30n], compression: CompressionType.Gzip }), 0);
    expect(await log.offsetForTimestamp(15n)).toEqual({ offset: 1n, timestamp: 20n });
  });

  test('a lookup decodes only the batch the index names', async () => {
    for (let i = 0; i < 50; i++) await log.append(makeBatch({ timestamps: [BigInt(1000 + 10 * i), BigInt(1005 + 10 * i)] }), 0);
    const before = ctx.store.stats().iteratorSteps;
    expect(await log.offsetForTimestamp(1333n)).toEqual({ offset: 67n, timestamp: 1335n });
    expect(ctx.store.stats().iteratorSteps - before).toBe(2); // one index entry, one batch
  });

  test('after retention removed the batches that held the running max, kept batches are still found', async () => {
    await log.append(makeBatch({ timestamps: [900n] }), 0); // 0: max 900
    await log.append(makeBatch({ timestamps: [100n] }), 0); // 1: not indexed
    await log.append(makeBatch({ timestamps: [300n] }), 0); // 2: not indexed
    log.setHighWatermark(3n);
    await log.deleteRecordsBefore(1n);
    expect(await log.offsetForTimestamp(50n)).toEqual({ offset: 1n, timestamp: 100n });
    expect(await log.offsetForTimestamp(200n)).toEqual({ offset: 2n, timestamp: 300n });
    expect(await log.offsetForTimestamp(301n)).toBeUndefined();
    const reopened = await (await ctx.reopen()).openPartition('ts', 0);
    expect(await reopened.offsetForTimestamp(200n)).toEqual({ offset: 2n, timestamp: 300n });
  });

  test('never answers below the log start, even inside the first batch', async () => {
    await log.append(makeBatch({ timestamps: [100n, 200n, 300n] }), 0);
    log.setHighWatermark(3n);
    await log.deleteRecordsBefore(2n);
    expect(log.logStartOffset).toBe(2n);
    expect(await log.offsetForTimestamp(0n)).toEqual({ offset: 2n, timestamp: 300n });
  });

  test('after truncation the index forgets removed batches', async () => {
    await log.append(makeBatch({ timestamps: [100n] }), 0);
    await log.append(makeBatch({ timestamps: [200n] }), 0);
    await log.truncateTo(1n);
    expect(await log.offsetForTimestamp(150n)).toBeUndefined();
    await log.append(makeBatch({ timestamps: [150n] }), 0); // raises the max again: indexed
    expect(await log.offsetForTimestamp(120n)).toEqual({ offset: 1n, timestamp: 150n });
  });
});

describe('retention', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;
  let log: PartitionLog;
  let batchBytes: number;

  beforeEach(async () => {
    ctx = await withStore({ maintenanceChunkBatches: 4 }); // several steps per run
    log = await ctx.store.openPartition('r', 0);
    // 10 batches of 2 records, newest timestamp 1000 * (i + 1)
    for (let i = 0; i < 10; i++) {
      batchBytes = (await log.append(makeBatch({ timestamps: [BigInt(1000 * i + 500), BigInt(1000 * (i + 1))] }), 0)).bytes;
    }
    log.setHighWatermark(20n);
  });
  afterEach(() => ctx.cleanup());

  test('by time deletes batches whose newest record is older than now - retention.ms', async () => {
    const result = await log.applyRetention({ retentionMs: 5000, retentionBytes: -1 }, 10_500);
    // cutoff 5500: batches with max 1000..5000 go (5 batches), the one with max 6000 stays
    expect(result).toEqual({ deletedBatches: 5, logStartOffset: 10n, expiredProducers: 0 });
    expect(log.logStartOffset).toBe(10n);
    expect(log.sizeBytes).toBe(5 * batchBytes);
    await expectGregorError(log.read(9n, 100), 'OFFSET_OUT_OF_RANGE');
    expect(batchRanges((await log.read(10n, 1 << 20)).records)).toHaveLength(5);
  });

  test('by time stops at the first batch it must keep, like Kafka at a segment', async () => {
    await log.truncateTo(0n);
    await log.append(makeBatch({ timestamps: [100n] }), 0);
    await log.append(makeBatch({ timestamps: [9000n] }), 0); // young
    await log.append(makeBatch({ timestamps: [200n] }), 0); // old, but behind a young one
    log.setHighWatermark(3n);
    expect((await log.applyRetention({ retentionMs: 1000, retentionBytes: -1 }, 9500)).deletedBatches).toBe(1);
    expect(log.logStartOffset).toBe(1n);
  });

  test('by bytes deletes the oldest batches while the partition is bigger than retention.bytes', async () => {
    const result = await log.applyRetention({ retentionMs: -1, retentionBytes: 3 * batchBytes + 1 }, 0);
    expect(result.deletedBatches).toBe(7);
    expect(log.sizeBytes).toBe(3 * batchBytes);
    expect(log.logStartOffset).toBe(14n);
    expect((await log.applyRetention({ retentionMs: -1, retentionBytes: 3 * batchBytes }, 0)).deletedBatches).toBe(0);
  });

  test('never deletes at or above the high watermark', async () => {
    log.setHighWatermark(7n); // batch 6-7 holds offset 7: not wholly below the HW
    const result = await log.applyRetention({ retentionMs: 0, retentionBytes: 0 }, 1_000_000);
    expect(result).toEqual({ deletedBatches: 3, logStartOffset: 6n, expiredProducers: 0 });
  });

  test('can empty the log once everything is below the high watermark, and appends continue', async () => {
    const result = await log.applyRetention({ retentionMs: 0, retentionBytes: -1 }, 1_000_000);
    expect(result).toEqual({ deletedBatches: 10, logStartOffset: 20n, expiredProducers: 0 });
    expect([log.logStartOffset, log.logEndOffset, log.sizeBytes]).toEqual([20n, 20n, 0]);
    expect((await log.read(20n, 100)).records.length).toBe(0);
    expect((await log.append(makeBatch({ timestamps: [5n] }), 0)).baseOffset).toBe(20n);
    // the index restarted with the log, so an old-looking timestamp is found
    expect(await log.offsetForTimestamp(1n)).toEqual({ offset: 20n, timestamp: 5n });
    const reopened = await (await ctx.reopen()).openPartition('r', 0);
    expect([reopened.logStartOffset, reopened.logEndOffset]).toEqual([20n, 21n]);
  });

  test('with no limits deletes nothing', async () => {
    expect(await log.applyRetention({ retentionMs: -1, retentionBytes: -1 }, 1e12)).toEqual({ deletedBatches: 0, logStartOffset: 0n, expiredProducers: 0 });
  });

  test('deleteRecordsBefore moves the start, possibly inside a batch, and survives a restart', async () => {
    await log.deleteRecordsBefore(5n); // inside batch 4-5
    expect(log.logStartOffset).toBe(5n);
    expect(batchRanges((await log.read(5n, 1 << 20)).records)[0]).toEqual([4n, 5n]);
    await expectGregorError(log.read(4n, 100), 'OFFSET_OUT_OF_RANGE');
    await expectGregorError(log.deleteRecordsBefore(21n), 'OFFSET_OUT_OF_RANGE');
    await log.deleteRecordsBefore(3n); // behind the start: no-op
    expect(log.logStartOffset).toBe(5n);
    const reopened = await (await ctx.reopen()).openPartition('r', 0);
    expect(reopened.logStartOffset).toBe(5n);
    expect(reopened.sizeBytes).toBe(8 * batchBytes);
  });
});

describe('retentionStep (pure)', () => {
  const batch = (last: number, maxTs: number, size = 100): BatchSummary => ({
    baseOffset: BigInt(last),
    lastOffset: BigInt(last),
    maxTimestamp: BigInt(maxTs),
    sizeBytes: size,
  });

  test('time and size limits combine, time stops for good at the first young batch', () => {
    const ctx = { policy: { retentionMs: 100, retentionBytes: 250 }, nowMs: 1000, highWatermark: 100n };
    let state = initialRetentionState(500);
    const decisions: boolean[] = [];
    for (const b of [batch(0, 10), batch(1, 950), batch(2, 20), batch(3, 30), batch(4, 40)]) {
      const step = retentionStep(state, b, ctx);
      decisions.push(step.delete);
      state = step.state;
    }
    // 0: old → delete (400 left); 1: young but 400 > 250 → delete by size (300 left);
    // 2: old but time already stopped; 300 > 250 → delete (200 left); 3: neither → keep
    expect(decisions.slice(0, 4)).toEqual([true, true, true, false]);
  });
});

describe('offsetForMaxTimestamp (ListOffsets MAX_TIMESTAMP, KIP-734)', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;
  let log: PartitionLog;

  beforeEach(async () => {
    ctx = await withStore();
    log = await ctx.store.openPartition('max', 0);
  });
  afterEach(() => ctx.cleanup());

  test('the first record with the greatest timestamp, inside its batch; bounded above; undefined when empty', async () => {
    expect(await log.offsetForMaxTimestamp()).toBeUndefined();
    await log.append(makeBatch({ timestamps: [100n, 300n, 300n] }), 0); // 0-2: max 300 at 1
    await log.append(makeBatch({ timestamps: [200n, 300n] }), 0); // 3-4: ties 300, later
    await log.append(makeBatch({ timestamps: [250n, 120n] }), 0); // 5-6
    expect(await log.offsetForMaxTimestamp()).toEqual({ offset: 1n, timestamp: 300n });
    expect(await log.offsetForMaxTimestamp(1n)).toEqual({ offset: 0n, timestamp: 100n });
    await log.append(makeBatch({ timestamps: [90n, 400n], compression: CompressionType.Gzip }), 0); // 7-8
    expect(await log.offsetForMaxTimestamp()).toEqual({ offset: 8n, timestamp: 400n });
    // A bound inside that batch sees only its first record, which is no maximum.
    expect(await log.offsetForMaxTimestamp(8n)).toEqual({ offset: 1n, timestamp: 300n });
  });

  test('reads one index entry and one batch when the index names the answer', async () => {
    for (let i = 0; i < 50; i++) await log.append(makeBatch({ timestamps: [BigInt(1000 + 10 * i), BigInt(1005 + 10 * i)] }), 0);
    const before = ctx.store.stats().iteratorSteps;
    expect(await log.offsetForMaxTimestamp()).toEqual({ offset: 99n, timestamp: 1495n });
    // The newest index entry, its batch, and the next older entry (which cannot beat it).
    expect(ctx.store.stats().iteratorSteps - before).toBeLessThanOrEqual(3);
  });

  test('after DeleteRecords and retention removed the maximum, the greatest remaining one is found', async () => {
    await log.append(makeBatch({ timestamps: [900n, 100n] }), 0); // 0-1: the running max from the start
    await log.append(makeBatch({ timestamps: [500n] }), 0); // 2
    await log.append(makeBatch({ timestamps: [700n, 600n] }), 0); // 3-4
    log.setHighWatermark(5n);
    await log.deleteRecordsBefore(1n); // inside the first batch: record 0 is gone, the batch stays
    expect(await log.offsetForMaxTimestamp()).toEqual({ offset: 3n, timestamp: 700n });
    await log.deleteRecordsBefore(2n); // the first batch goes; its index entry is re-pointed as an upper bound
    expect(await log.offsetForMaxTimestamp()).toEqual({ offset: 3n, timestamp: 700n });
    await log.deleteRecordsBefore(4n);
    expect(await log.offsetForMaxTimestamp()).toEqual({ offset: 4n, timestamp: 600n });
  });
});

describe('retention steps', () => {
  test('a step deletes at most MAINTENANCE_STEP_MAX_BYTES of batches (at least one), so appends get in between large deletions', async () => {
    const ctx = await withStore({ maintenanceChunkBatches: 1000 });
    try {
      const log = await ctx.store.openPartition('big', 0);
      const value = Buffer.alloc(3 * 1024 * 1024, 7);
      // 6 batches of ~3 MiB: two fit in one 8 MiB step, so three steps.
      for (let i = 0; i < 6; i++) await log.append(encodeRecordBatch([{ value, timestamp: 1000n + BigInt(i) }]), 0);
      log.setHighWatermark(6n);
      const writesBefore = ctx.store.stats().writes;
      const result = await log.applyRetention({ retentionMs: -1, retentionBytes: 0 }, 0);
      expect(result.deletedBatches).toBe(6);
      expect(log.logStartOffset).toBe(6n);
      expect(log.sizeBytes).toBe(0);
      expect(ctx.store.stats().writes - writesBefore).toBe(Math.ceil(6 / Math.floor(MAINTENANCE_STEP_MAX_BYTES / (3 * 1024 * 1024))));
    } finally {
      await ctx.cleanup();
    }
  });
});
