import fc from 'fast-check';
import type { PartitionLog } from '@gregor/storage';
import { assignEpoch, endOffsetForEpoch, truncateEpochsFromEnd, truncateEpochsFromStart, type EpochEntry } from '../src/epoch-cache';
import { batchRanges, expectGregorError, makeBatch, makeFollowerBatches, withStore } from './helpers';

describe('truncateTo', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;
  let log: PartitionLog;

  beforeEach(async () => {
    ctx = await withStore({ maintenanceChunkBatches: 3 }); // small, so truncations take several steps
    log = await ctx.store.openPartition('t', 0);
    for (let i = 0; i < 10; i++) await log.append(makeBatch({ records: 2 }), 0); // 0-1, 2-3, …, 18-19
    log.setHighWatermark(20n);
  });
  afterEach(() => ctx.cleanup());

  test('at a batch boundary removes exactly the batches from there on', async () => {
    const sizeBefore = log.sizeBytes;
    await log.truncateTo(8n);
    expect(log.logEndOffset).toBe(8n);
    expect(log.highWatermark).toBe(8n);
    expect(log.sizeBytes).toBe((sizeBefore / 10) * 4);
    expect(batchRanges((await log.read(0n, 1 << 20)).records).at(-1)).toEqual([6n, 7n]);
    await expectGregorError(log.read(9n, 100), 'OFFSET_OUT_OF_RANGE');
  });

  test('inside a batch removes that whole batch: the log ends at its base offset', async () => {
    await log.truncateTo(9n); // batch 8-9 contains 9
    expect(log.logEndOffset).toBe(8n);
    expect((await log.append(makeBatch(), 0)).baseOffset).toBe(8n);
  });

  test('at or beyond the end is a no-op; to 0 empties the log', async () => {
    await log.truncateTo(20n);
    await log.truncateTo(500n);
    expect(log.logEndOffset).toBe(20n);
    await log.truncateTo(0n);
    expect([log.logStartOffset, log.logEndOffset, log.sizeBytes, log.highWatermark]).toEqual([0n, 0n, 0, 0n]);
    expect((await log.read(0n, 100)).records.length).toBe(0);
  });

  test('appends issued while a truncation runs wait for it and follow the new end', async () => {
    const truncation = log.truncateTo(4n);
    const appended = log.append(makeBatch({ records: 3 }), 1);
    await truncation;
    expect(await appended).toMatchObject({ baseOffset: 4n, lastOffset: 6n });
    expect(batchRanges((await log.read(0n, 1 << 20)).records)).toEqual([
      [0n, 1n],
      [2n, 3n],
      [4n, 6n],
    ]);
  });

  test('appends issued before a truncation are written first and then truncated', async () => {
    const appended = log.append(makeBatch({ records: 3 }), 0);
    await log.truncateTo(21n); // inside the batch that append will write (20-22)
    expect(await appended).toMatchObject({ baseOffset: 20n });
    expect(log.logEndOffset).toBe(20n);
  });

  test('the state after truncation survives a restart', async () => {
    await log.truncateTo(7n);
    const reopened = await (await ctx.reopen()).openPartition('t', 0);
    expect(reopened.logEndOffset).toBe(6n);
    expect(reopened.highWatermark).toBe(6n);
    expect(batchRanges((await reopened.read(0n, 1 << 20)).records)).toHaveLength(3);
  });
});

describe('leader-epoch cache', () => {
  let ctx: Awaited<ReturnType<typeof withStore>>;
  let log: PartitionLog;

  beforeEach(async () => {
    ctx = await withStore();
    log = await ctx.store.openPartition('e', 0);
  });
  afterEach(() => ctx.cleanup());

  test('records the start offset of each epoch and answers OffsetsForLeaderEpoch like Kafka', async () => {
    expect(log.latestEpoch()).toBe(-1);
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: -1, endOffset: -1n });
    await log.append(makeBatch({ records: 3 }), 1); // epoch 1: 0-2
    await log.append(makeBatch({ records: 2 }), 1); // 3-4
    await log.append(makeBatch({ records: 2 }), 3); // epoch 3: 5-6
    await log.append(makeBatch({ records: 1 }), 5); // epoch 5: 7
    expect(log.latestEpoch()).toBe(5);
    expect(log.endOffsetForEpoch(5)).toEqual({ epoch: 5, endOffset: 8n });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, endOffset: 7n });
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: 3, endOffset: 7n }); // unknown epoch: largest below it
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 5n });
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 0n }); // older than all: where history starts
    expect(log.endOffsetForEpoch(6)).toEqual({ epoch: -1, endOffset: -1n });
    expect(log.endOffsetForEpoch(-1)).toEqual({ epoch: -1, endOffset: -1n });
  });

  test('truncation trims the cache, and it survives a restart', async () => {
    await log.append(makeBatch({ records: 3 }), 1);
    await log.append(makeBatch({ records: 3 }), 2); // 3-5
    await log.append(makeBatch({ records: 3 }), 4); // 6-8
    await log.truncateTo(5n); // removes batch 3-5 and 6-8
    expect(log.latestEpoch()).toBe(1);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 3n });
    const reopened = await (await ctx.reopen()).openPartition('e', 0);
    expect(reopened.latestEpoch()).toBe(1);
    await reopened.append(makeBatch(), 7);
    expect(reopened.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 3n });
  });

  test('a follower takes epochs from the batches it appends (KIP-101 divergence repair)', async () => {
    await log.appendAsFollower(makeFollowerBatches(0n, 1, [2, 2])); // 0-3 in epoch 1
    await log.appendAsFollower(makeFollowerBatches(4n, 2, [3])); // 4-6 in epoch 2
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 4n });
    // New leader says epoch 1 ended at 4 on its side too but it never saw epoch 2: truncate there.
    await log.truncateTo(4n);
    await log.appendAsFollower(makeFollowerBatches(4n, 3, [1]));
    expect(log.latestEpoch()).toBe(3);
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 1, endOffset: 4n });
  });
});

/** The simplest possible cache: a map from epoch to start offset, rebuilt by brute force. */
function naiveEndOffset(assigned: [number, bigint][], epoch: number, leo: bigint): { epoch: number; endOffset: bigint } {
  if (epoch === -1 || assigned.length === 0) return { epoch: -1, endOffset: -1n };
  const latest = assigned[assigned.length - 1]![0];
  if (epoch === latest) return { epoch, endOffset: leo };
  const higher = assigned.find(([e]) => e > epoch);
  if (higher === undefined) return { epoch: -1, endOffset: -1n };
  const floor = [...assigned].reverse().find(([e]) => e <= epoch);
  return { epoch: floor === undefined ? epoch : floor[0], endOffset: higher[1] };
}

describe('epoch cache functions (property)', () => {
  test('stay monotonic and agree with a naive model under appends and truncations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ append: fc.integer({ min: 0, max: 5 }), n: fc.integer({ min: 1, max: 4 }) }), fc.record({ truncate: fc.nat(30) }), fc.record({ start: fc.nat(30) }))),
        (steps) => {
          let cache: readonly EpochEntry[] = [];
          let model: [number, bigint][] = [];
          let leo = 0n;
          let logStart = 0n;
          for (const step of steps) {
            if ('append' in step) {
              const epoch = Math.max(step.append, model.at(-1)?.[0] ?? 0); // leaders never go back
              cache = assignEpoch(cache, epoch, leo);
              if (model.at(-1)?.[0] !== epoch) {
                // An entry clamped to the log start may start where the new epoch does: the new one wins.
                model = model.filter(([, s]) => s < leo);
                model.push([epoch, leo]);
              }
              leo += BigInt(step.n);
            } else if ('truncate' in step) {
              const to = BigInt(step.truncate);
              if (to >= leo) continue;
              cache = truncateEpochsFromEnd(cache, to);
              model = model.filter(([, s]) => s < to);
              leo = to;
              if (logStart > leo) logStart = leo;
            } else {
              const to = BigInt(step.start);
              if (to <= logStart || to > leo) continue;
              logStart = to;
              cache = truncateEpochsFromStart(cache, to);
              const before = model.filter(([, s]) => s <= to);
              model = [...(before.length > 0 ? [[before.at(-1)![0], to] as [number, bigint]] : []), ...model.filter(([, s]) => s > to)];
            }
            for (let i = 1; i < cache.length; i++) {
              expect(cache[i]!.epoch).toBeGreaterThan(cache[i - 1]!.epoch);
              expect(cache[i]!.startOffset > cache[i - 1]!.startOffset).toBe(true);
            }
            expect(cache.map((e) => [e.epoch, e.startOffset])).toEqual(model);
            for (let e = -1; e <= 6; e++) expect(endOffsetForEpoch(cache, e, leo)).toEqual(naiveEndOffset(model, e, leo));
          }
        },
      ),
      { numRuns: Number(process.env['NUM_RUNS'] ?? 300), ...(process.env['SEED'] === undefined ? {} : { seed: Number(process.env['SEED']) }) },
    );
  });
});
