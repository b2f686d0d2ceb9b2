import { GregorError } from '@gregor/common';
import { encodeRecordBatch } from '@gregor/record-batch';
import type { LogStore, PartitionLog } from '@gregor/storage';
import { batchRanges, expectGregorError, makeBatch, producerStateFromLog, readAll, withStore } from './helpers';

/**
 * Idempotent-producer state kept by the log (KIP-98): duplicates answered
 * with original offsets and not written, gaps and fenced epochs refused per
 * item, and the state rebuilt correctly after restart, truncation and
 * retention, from snapshots plus the batch headers after them.
 */

const PID = 7n;

function idem(baseSequence: number, records = 2, opts: { producerId?: bigint; epoch?: number; label?: string } = {}): Buffer {
  return encodeRecordBatch(
    Array.from({ length: records }, (_, i) => ({ value: Buffer.from(`${opts.label ?? 's'}${baseSequence + i}`), timestamp: 1000n + BigInt(baseSequence + i) })),
    { producerId: opts.producerId ?? PID, producerEpoch: opts.epoch ?? 0, baseSequence },
  );
}

async function expectStateMatchesLog(log: PartitionLog, producerId = PID): Promise<void> {
  const actual = log.producerState(producerId);
  const expected = await producerStateFromLog(log, producerId);
  expect(actual === undefined ? undefined : { epoch: actual.epoch, batches: actual.batches }).toEqual(expected);
}

describe('idempotent appends', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;
  let log: PartitionLog;

  beforeEach(async () => {
    ctx = await withStore();
    log = await ctx.store.openPartition('p', 0);
  });
  afterEach(() => ctx.cleanup());

  test('a duplicate batch answers with the original offsets and is not appended again', async () => {
    await log.append(makeBatch({ records: 3 }), 0); // 0-2, no producer
    const first = await log.append(idem(0), 0); // 3-4
    await log.append(idem(2), 0); // 5-6
    const end = log.logEndOffset;
    const size = log.sizeBytes;
    const again = await log.append(idem(0), 0);
    expect(again).toMatchObject({ baseOffset: 3n, lastOffset: 4n, duplicate: true, bytes: 0 });
    expect(first).toMatchObject({ baseOffset: 3n, lastOffset: 4n, duplicate: false });
    expect([log.logEndOffset, log.sizeBytes]).toEqual([end, size]);
    expect(batchRanges(await readAll(log))).toEqual([
      [0n, 2n],
      [3n, 4n],
      [5n, 6n],
    ]);
  });

  test('pipelined appends are judged against each other, and a duplicate waits for its original to be written', async () => {
    // All issued in one tick: offsets are assigned at once, writes happen later.
    const a = log.append(idem(0), 0);
    const b = log.append(idem(2), 0);
    const dupA = log.append(idem(0), 0);
    const gap = expectGregorError(log.append(idem(9), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    const [ra, rb, rd] = await Promise.all([a, b, dupA]);
    await gap;
    expect([ra.baseOffset, rb.baseOffset, rd.baseOffset, rd.duplicate]).toEqual([0n, 2n, 0n, true]);
    // The duplicate resolved after its original was on disk.
    expect(log.logEndOffset).toBe(4n);
  });

  test('gaps, fenced epochs and bumps', async () => {
    await log.append(idem(0, 2, { epoch: 1 }), 0);
    await expectGregorError(log.append(idem(3, 1, { epoch: 1 }), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    await expectGregorError(log.append(idem(2, 1, { epoch: 0 }), 0), 'INVALID_PRODUCER_EPOCH');
    await expectGregorError(log.append(idem(2, 1, { epoch: 2 }), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect((await log.append(idem(0, 1, { epoch: 2 }), 0)).baseOffset).toBe(2n);
    expect(log.logEndOffset).toBe(3n);
    expect(log.producerState(PID)).toMatchObject({ epoch: 2, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 2n }] });
  });

  test('appendMany refuses one partition per item and still writes the others in the same single write', async () => {
    const other = await ctx.store.openPartition('p', 1);
    await log.append(idem(0), 0);
    await other.append(idem(0, 2, { producerId: 8n }), 0);
    const writesBefore = ctx.store.stats().writes;
    const [bad, dup, ok] = await ctx.store.appendMany([
      { log, batches: idem(5), leaderEpoch: 0 },
      { log: other, batches: idem(0, 2, { producerId: 8n }), leaderEpoch: 0 },
      { log: await ctx.store.openPartition('p', 2), batches: idem(0, 4), leaderEpoch: 0 },
    ]);
    expect(bad).toBeInstanceOf(GregorError);
    expect(bad).toMatchObject({ errorName: 'OUT_OF_ORDER_SEQUENCE_NUMBER', context: { topic: 'p', partition: 0 } });
    expect(dup).toMatchObject({ baseOffset: 0n, duplicate: true });
    expect(ok).toMatchObject({ baseOffset: 0n, lastOffset: 3n, duplicate: false });
    // openPartition('p', 2) wrote once (creation), the append once.
    expect(ctx.store.stats().writes - writesBefore).toBe(2);
    expect([log.logEndOffset, other.logEndOffset]).toEqual([2n, 2n]);
  });

  test('a request mixing a duplicate with new batches is refused (one base offset could not describe it)', async () => {
    await log.append(idem(0), 0);
    await expectGregorError(log.append(Buffer.concat([idem(0), idem(2)]), 0), 'DUPLICATE_SEQUENCE_NUMBER');
    // Several new batches of one producer in one request are fine.
    expect(await log.append(Buffer.concat([idem(2), idem(4)]), 0)).toMatchObject({ baseOffset: 2n, lastOffset: 5n });
    await expectStateMatchesLog(log);
  });

  test('follower appends build the same state, so a follower that becomes leader recognises retries', async () => {
    const leaderLog = log;
    await leaderLog.append(idem(0), 3);
    await leaderLog.append(idem(2), 3);
    const follower = await ctx.store.openPartition('f', 0);
    await follower.appendAsFollower(await readAll(leaderLog));
    await expectStateMatchesLog(follower);
    expect(await follower.append(idem(2), 4)).toMatchObject({ baseOffset: 2n, duplicate: true });
    expect(await follower.append(idem(4), 4)).toMatchObject({ baseOffset: 4n, duplicate: false });
  });
});

describe('producer state across restart, truncation and retention', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;

  // Snapshots every 4 batches, so the tests cross several.
  beforeEach(async () => {
    ctx = await withStore({ producerSnapshotIntervalBatches: 4, maintenanceChunkBatches: 3 });
  });
  afterEach(() => ctx.cleanup());

  async function fill(log: PartitionLog, batches: number, from = 0): Promise<void> {
    for (let i = from; i < from + batches; i++) {
      await log.append(idem(2 * i), 0);
      await log.append(idem(i, 1, { producerId: 9n }), 0);
    }
  }

  test('a clean restart reads the state from the close snapshot without replaying batches', async () => {
    await fill(await ctx.store.openPartition('r', 0), 11);
    const store: LogStore = await ctx.reopen();
    const before = store.stats();
    const log = await store.openPartition('r', 0);
    expect(store.stats().iteratorSteps - before.iteratorSteps).toBe(2); // log end + time index, nothing replayed
    await expectStateMatchesLog(log);
    await expectStateMatchesLog(log, 9n);
    expect(await log.append(idem(20), 0)).toMatchObject({ duplicate: true, baseOffset: 30n });
    expect(await log.append(idem(11, 1, { producerId: 9n }), 0)).toMatchObject({ duplicate: false, baseOffset: 33n });
  });

  test('truncation rebuilds the state as the shorter log says, and the cut batches can be written again', async () => {
    const log = await ctx.store.openPartition('t', 0);
    await fill(log, 12); // producer 7: batches at 0,3,6,…; producer 9 in between
    log.setHighWatermark(20n);
    await log.truncateTo(25n); // inside batch 24-25 (producer 7, seq 16-17)
    expect(log.logEndOffset).toBe(24n);
    await expectStateMatchesLog(log);
    await expectStateMatchesLog(log, 9n);
    expect(log.producerState(PID)!.batches.at(-1)!.lastSeq).toBe(15);
    // The truncated batch is new again, not a duplicate of something gone.
    expect(await log.append(idem(16), 1)).toMatchObject({ baseOffset: 24n, duplicate: false });
    await expectStateMatchesLog(log);
    // And the rebuilt state survives a restart.
    const reopened = await (await ctx.reopen()).openPartition('t', 0);
    await expectStateMatchesLog(reopened);
  });

  test('truncating below every snapshot replays the whole log; truncateFullyAndStartAt forgets everything', async () => {
    const log = await ctx.store.openPartition('u', 0);
    await fill(log, 12);
    await log.truncateTo(3n);
    await expectStateMatchesLog(log);
    expect(log.producerState(PID)!.batches).toHaveLength(1);
    await log.truncateFullyAndStartAt(100n);
    expect(log.producerCount).toBe(0);
    // Unknown again: it must start over at sequence 0.
    await expectGregorError(log.append(idem(4), 2), 'UNKNOWN_PRODUCER_ID');
    expect(await log.append(idem(0, 2, { epoch: 1 }), 2)).toMatchObject({ baseOffset: 100n });
    const reopened = await (await ctx.reopen()).openPartition('u', 0);
    await expectStateMatchesLog(reopened);
    expect(reopened.producerCount).toBe(1);
  });

  test('retention keeps producer state for deleted batches (KIP-360) until it expires', async () => {
    const log = await ctx.store.openPartition('k', 0);
    await fill(log, 6);
    log.setHighWatermark(log.logEndOffset);
    // Record timestamps are about 1000 ms: at "now" 1e6 every batch is past retention.ms = 1,
    // but no producer is a day (producer.id.expiration.ms) old.
    await log.applyRetention({ retentionMs: 1, retentionBytes: -1 }, 1e6);
    expect(log.logStartOffset).toBe(log.logEndOffset);
    expect(log.producerCount).toBe(2);
    expect(await log.append(idem(10), 0)).toMatchObject({ duplicate: true });
    expect(await log.append(idem(6, 1, { producerId: 9n }), 0)).toMatchObject({ duplicate: false });
    // The snapshot below the new log start was replaced, so a restart still knows both producers.
    const reopened = await (await ctx.reopen()).openPartition('k', 0);
    expect(reopened.producerCount).toBe(2);
    expect(reopened.producerState(PID)!.batches.at(-1)!.lastSeq).toBe(11);
    const result = await reopened.applyRetention({ retentionMs: -1, retentionBytes: -1 }, 1000 + 86_400_000 + 100);
    expect(result.expiredProducers).toBe(2);
    expect(reopened.producerCount).toBe(0);
  });
});
