import { encodeRecordBatch, encodeTxnMarkerBatch } from '@gregor/record-batch';
import type { PartitionLog } from '@gregor/storage';
import { coreOf } from '../src/partition-log';
import { makeBatch, readAll, withStore } from './helpers';

/**
 * A partition's transactions (KIP-98): transactional batches open a
 * transaction at their first offset, markers close it; the last stable
 * offset stops at the oldest open one; aborted transactions are listed for
 * read_committed fetches; the index survives restarts, is rebuilt the same
 * by a follower from the replicated batches, and a truncation undoes what
 * it cuts. A marker with a bumped epoch fences the producer's older epoch.
 */

function txnBatch(producerId: bigint, epoch: number, baseSequence: number, records = 2): Buffer {
  return encodeRecordBatch(
    Array.from({ length: records }, (_, i) => ({ value: Buffer.from(`t${producerId}-${baseSequence + i}`), timestamp: 1000n })),
    { producerId, producerEpoch: epoch, baseSequence, isTransactional: true },
  );
}

const marker = (producerId: bigint, epoch: number, commit: boolean, coordinatorEpoch = 1) => encodeTxnMarkerBatch({ producerId, producerEpoch: epoch, commit, coordinatorEpoch }, 2000n);

async function hwToEnd(log: PartitionLog): Promise<void> {
  log.setHighWatermark(log.logEndOffset);
}

describe('transactions in a partition log', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;
  let log: PartitionLog;

  beforeEach(async () => {
    ctx = await withStore();
    log = await ctx.store.openPartition('t', 0);
  });
  afterEach(() => ctx.cleanup());

  test('the last stable offset stops at the oldest open transaction; markers release it; aborts are listed', async () => {
    await log.append(makeBatch({ records: 2 }), 0); // 0-1 plain
    await log.append(txnBatch(1n, 0, 0), 0); // 2-3 producer 1 opens
    await log.append(txnBatch(2n, 0, 0), 0); // 4-5 producer 2 opens
    await log.append(txnBatch(1n, 0, 2), 0); // 6-7 producer 1 continues
    await hwToEnd(log);
    expect(log.highWatermark).toBe(8n);
    expect(log.lastStableOffset).toBe(2n);
    expect([...log.openTransactions()]).toEqual([
      [1n, 2n],
      [2n, 4n],
    ]);
    await log.append(marker(1n, 0, false), 0); // 8: abort producer 1
    await hwToEnd(log);
    expect(log.lastStableOffset).toBe(4n);
    await log.append(marker(2n, 0, true), 0); // 9: commit producer 2
    await hwToEnd(log);
    expect(log.lastStableOffset).toBe(10n);
    expect(log.abortedTransactions(0n, 10n)).toEqual([{ producerId: 1n, firstOffset: 2n }]);
    // Only aborts whose marker is at or after the fetch offset and that began before the upper bound.
    expect(log.abortedTransactions(9n, 10n)).toEqual([]);
    expect(log.abortedTransactions(0n, 2n)).toEqual([]);
    // A marker for no open transaction (a retried marker) changes nothing.
    await log.append(marker(1n, 0, false), 0); // 10
    await hwToEnd(log);
    expect(log.abortedTransactions(0n, 11n)).toHaveLength(1);
    expect(log.lastStableOffset).toBe(11n);
  });

  test('the high watermark bounds the last stable offset', async () => {
    await log.append(makeBatch({ records: 3 }), 0);
    expect(log.lastStableOffset).toBe(0n);
    log.setHighWatermark(2n);
    expect(log.lastStableOffset).toBe(2n);
  });

  test('a marker with a bumped epoch fences the producer’s older epoch; the new epoch starts at sequence 0', async () => {
    await log.append(txnBatch(5n, 3, 0), 0);
    await log.append(marker(5n, 4, false), 0); // the coordinator aborted with epoch 4
    const [zombie] = await ctx.store.appendMany([{ log, batches: txnBatch(5n, 3, 2), leaderEpoch: 0 }]);
    expect(zombie).toMatchObject({ errorName: 'INVALID_PRODUCER_EPOCH' });
    await log.append(txnBatch(5n, 4, 0), 0);
    expect(log.producerState(5n)!.epoch).toBe(4);
    const [late] = await ctx.store.appendMany([{ log, batches: txnBatch(5n, 3, 4), leaderEpoch: 0 }]);
    expect(late).toMatchObject({ errorName: 'INVALID_PRODUCER_EPOCH' });
  });

  test('the index survives a restart and a follower builds the same from the replicated batches', async () => {
    await log.append(txnBatch(1n, 0, 0), 0); // 0-1
    await log.append(marker(1n, 0, false), 0); // 2
    await log.append(txnBatch(1n, 0, 2), 0); // 3-4 (a new transaction)
    await log.append(txnBatch(2n, 0, 0), 0); // 5-6
    await log.append(marker(2n, 0, true), 0); // 7
    await hwToEnd(log);
    const follower = await ctx.store.openPartition('f', 0);
    await follower.appendAsFollower(await readAll(log));
    follower.setHighWatermark(follower.logEndOffset);
    for (const l of [log, follower]) {
      expect(l.lastStableOffset).toBe(3n);
      expect(l.abortedTransactions(0n, 8n)).toEqual([{ producerId: 1n, firstOffset: 0n }]);
      expect([...l.openTransactions()]).toEqual([[1n, 3n]]);
    }
    const store = await ctx.reopen();
    for (const name of ['t', 'f']) {
      const reopened = await store.openPartition(name, 0);
      expect(reopened.lastStableOffset).toBe(3n);
      expect(reopened.abortedTransactions(0n, 8n)).toEqual([{ producerId: 1n, firstOffset: 0n }]);
      expect([...reopened.openTransactions()]).toEqual([[1n, 3n]]);
    }
  });

  test('a truncation reopens a transaction whose marker it cuts and forgets one whose start it cuts', async () => {
    await log.append(txnBatch(1n, 0, 0), 0); // 0-1
    await log.append(txnBatch(2n, 0, 0), 0); // 2-3
    await log.append(marker(1n, 0, false), 0); // 4
    await log.append(txnBatch(3n, 0, 0), 0); // 5-6
    await log.truncateTo(4n);
    expect([...log.openTransactions()].sort()).toEqual([
      [1n, 0n],
      [2n, 2n],
    ]);
    expect(log.abortedTransactions(0n, 10n)).toEqual([]);
    // The reopened transaction can be ended again, and the state is what a restart reads back.
    await log.append(marker(1n, 0, true), 0); // 4 again
    const reopened = await (await ctx.reopen()).openPartition('t', 0);
    expect([...reopened.openTransactions()]).toEqual([[2n, 2n]]);
    expect(reopened.abortedTransactions(0n, 10n)).toEqual([]);
  });

  test('committed transactions below the high watermark are forgotten (they can no longer be truncated); aborted ones stay', async () => {
    await log.append(txnBatch(1n, 0, 0), 0); // 0-1
    await log.append(marker(1n, 0, true), 0); // 2
    await log.append(txnBatch(2n, 0, 0), 0); // 3-4
    await log.append(marker(2n, 0, false), 0); // 5
    expect(coreOf(log).txns.completed.map((t) => t.lastOffset)).toEqual([2n, 5n]);
    await hwToEnd(log);
    await log.append(makeBatch(), 0); // 6: the next write carries the pruning
    expect(coreOf(log).txns.completed.map((t) => t.lastOffset)).toEqual([5n]);
    const reopened = await (await ctx.reopen()).openPartition('t', 0);
    expect(coreOf(reopened).txns.completed.map((t) => t.lastOffset)).toEqual([5n]);
    expect(reopened.abortedTransactions(0n, 10n)).toEqual([{ producerId: 2n, firstOffset: 3n }]);
    expect([...reopened.openTransactions()]).toEqual([]);
  });
});
