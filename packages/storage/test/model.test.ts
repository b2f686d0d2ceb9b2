import fc from 'fast-check';
import type { LogStore, PartitionLog } from '@gregor/storage';
import { batchRanges, makeBatch, readAll, recordValues, withStore } from './helpers';

/**
 * Random sequences of appends, truncations, retention, DeleteRecords, HW
 * moves and restarts against a naive in-memory log. Replay a failure with
 * SEED=<seed> (and PATH_=<path> to skip shrinking) as fast-check prints them.
 */

interface ModelBatch {
  base: bigint;
  last: bigint;
  timestamps: bigint[];
  size: number;
  values: string[];
}

interface Model {
  batches: ModelBatch[];
  logStart: bigint;
  leo: bigint;
  hw: bigint;
  leaderEpoch: number;
  epochs: [number, bigint][];
}

type Command =
  | { kind: 'append'; timestamps: number[]; bumpEpoch: boolean }
  | { kind: 'truncate'; to: number }
  | { kind: 'retention'; retentionMs: number; retentionBytes: number; nowMs: number }
  | { kind: 'deleteRecords'; to: number }
  | { kind: 'setHw'; to: number }
  | { kind: 'reopen' };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), timestamps: fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 990, max: 1000 })), { minLength: 1, maxLength: 3 }), bumpEpoch: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), to: fc.nat(40) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('retention' as const),
      retentionMs: fc.oneof(fc.constant(-1), fc.nat(1000)),
      retentionBytes: fc.oneof(fc.constant(-1), fc.nat(3000)),
      nowMs: fc.nat(2000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteRecords' as const), to: fc.nat(40) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('setHw' as const), to: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

function applyToModel(m: Model, cmd: Command, label: string, encodedSize: number): void {
  switch (cmd.kind) {
    case 'append': {
      if (cmd.bumpEpoch) m.leaderEpoch++;
      const last = m.leo + BigInt(cmd.timestamps.length) - 1n;
      m.batches.push({
        base: m.leo,
        last,
        timestamps: cmd.timestamps.map(BigInt),
        size: encodedSize,
        values: cmd.timestamps.map((_, i) => `${label}-${i}`),
      });
      if (m.epochs.at(-1)?.[0] !== m.leaderEpoch) {
        // An entry clamped to the log start by retention may start where the new epoch does: the new one wins.
        m.epochs = m.epochs.filter(([, s]) => s < m.leo);
        m.epochs.push([m.leaderEpoch, m.leo]);
      }
      m.leo = last + 1n;
      return;
    }
    case 'truncate': {
      const to = BigInt(cmd.to);
      if (to >= m.leo) return;
      const containing = m.batches.find((b) => b.base <= to && to <= b.last);
      const newEnd = containing === undefined ? to : containing.base;
      m.batches = m.batches.filter((b) => b.base < newEnd);
      m.leo = newEnd;
      if (m.logStart > newEnd) m.logStart = newEnd;
      if (m.hw > newEnd) m.hw = newEnd;
      m.epochs = m.epochs.filter(([, s]) => s < newEnd);
      return;
    }
    case 'retention': {
      const cutoff = BigInt(cmd.nowMs - cmd.retentionMs);
      const maxTs = (b: ModelBatch) => b.timestamps.reduce((a, t) => (t > a ? t : a));
      const prefix = (ok: (b: ModelBatch, i: number) => boolean) => {
        let i = 0;
        while (i < m.batches.length && ok(m.batches[i]!, i)) i++;
        return i;
      };
      const total = m.batches.reduce((a, b) => a + b.size, 0);
      const sizeBefore = (i: number) => total - m.batches.slice(0, i).reduce((a, b) => a + b.size, 0);
      const byTime = cmd.retentionMs < 0 ? 0 : prefix((b) => maxTs(b) < cutoff);
      const bySize = cmd.retentionBytes < 0 ? 0 : prefix((_, i) => sizeBefore(i) > cmd.retentionBytes);
      const belowHw = prefix((b) => b.last < m.hw);
      const n = Math.min(Math.max(byTime, bySize), belowHw);
      removePrefix(m, n, m.batches[n]?.base ?? m.leo);
      return;
    }
    case 'deleteRecords': {
      const to = BigInt(cmd.to);
      if (to > m.hw || to <= m.logStart) return;
      const n = m.batches.filter((b) => b.last < to).length;
      removePrefix(m, n, to);
      return;
    }
    case 'setHw': {
      const to = BigInt(cmd.to);
      m.hw = to < m.logStart ? m.logStart : to > m.leo ? m.leo : to;
      return;
    }
    case 'reopen':
      return;
  }
}

function removePrefix(m: Model, n: number, newStart: bigint): void {
  m.batches = m.batches.slice(n);
  if (newStart > m.logStart) m.logStart = newStart;
  const before = m.epochs.filter(([, s]) => s <= m.logStart);
  if (before.length > 0) m.epochs = [[before.at(-1)![0], m.logStart], ...m.epochs.filter(([, s]) => s > m.logStart)];
}

async function apply(log: PartitionLog, cmd: Command, m: Model, batch: Buffer | undefined): Promise<void> {
  switch (cmd.kind) {
    case 'append':
      await log.append(batch!, m.leaderEpoch + (cmd.bumpEpoch ? 1 : 0));
      return;
    case 'truncate':
      return log.truncateTo(BigInt(cmd.to));
    case 'retention':
      await log.applyRetention({ retentionMs: cmd.retentionMs, retentionBytes: cmd.retentionBytes }, cmd.nowMs);
      return;
    case 'deleteRecords':
      if (BigInt(cmd.to) > log.highWatermark) {
        await expect(log.deleteRecordsBefore(BigInt(cmd.to))).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
        return;
      }
      return log.deleteRecordsBefore(BigInt(cmd.to));
    case 'setHw':
      return log.setHighWatermark(BigInt(cmd.to));
    case 'reopen':
      return;
  }
}

async function check(log: PartitionLog, m: Model): Promise<void> {
  expect([log.logStartOffset, log.logEndOffset, log.highWatermark]).toEqual([m.logStart, m.leo, m.hw]);
  expect(log.sizeBytes).toBe(m.batches.reduce((a, b) => a + b.size, 0));
  const visible = m.batches.filter((b) => b.last >= m.logStart);
  const data = await readAll(log);
  expect(batchRanges(data)).toEqual(visible.map((b) => [b.base, b.last]));
  expect(recordValues(data)).toEqual(visible.flatMap((b) => b.values));
  for (const b of visible) {
    const mid = b.base + (b.last - b.base) / 2n;
    if (mid < m.logStart) continue;
    expect(batchRanges((await log.read(mid, 1)).records)).toEqual([[b.base, b.last]]);
  }
  expect(log.latestEpoch()).toBe(m.epochs.at(-1)?.[0] ?? -1);
  for (const [epoch, start] of m.epochs.slice(0, -1)) {
    const nextStart = m.epochs.find(([, s]) => s > start)![1];
    expect(log.endOffsetForEpoch(epoch)).toEqual({ epoch, endOffset: nextStart });
  }
  for (const target of [0n, 250n, 500n, 750n, 1000n]) {
    let expected: { offset: bigint; timestamp: bigint } | undefined;
    for (const b of visible) {
      b.timestamps.forEach((ts, i) => {
        const offset = b.base + BigInt(i);
        if (expected === undefined && offset >= m.logStart && ts >= target) expected = { offset, timestamp: ts };
      });
    }
    expect(await log.offsetForTimestamp(target)).toEqual(expected);
  }
  // ListOffsets MAX_TIMESTAMP (KIP-734): the first record with the greatest timestamp below the bound.
  for (const upper of [m.hw, m.leo, m.logStart + 1n, undefined]) {
    let expected: { offset: bigint; timestamp: bigint } | undefined;
    for (const b of visible) {
      b.timestamps.forEach((ts, i) => {
        const offset = b.base + BigInt(i);
        if (offset < m.logStart || offset >= (upper ?? m.leo)) return;
        if (expected === undefined || ts > expected.timestamp) expected = { offset, timestamp: ts };
      });
    }
    expect(await log.offsetForMaxTimestamp(upper)).toEqual(expected);
  }
}

test('a partition log behaves like a naive in-memory log (fast-check model)', async () => {
  const seed = process.env['SEED'] === undefined ? undefined : Number(process.env['SEED']);
  const path = process.env['PATH_'];
  await fc.assert(
    // The tail cache off, tiny (constant eviction) and roomy: reads must not tell them apart.
    fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 25 }), fc.constantFrom(0, 2000, 64 << 20), async (commands, tailCacheBytes) => {
      const ctx = await withStore({ maintenanceChunkBatches: 2, tailCacheBytes }); // tiny steps, so multi-step paths run
      try {
        let store: LogStore = ctx.store;
        let log = await store.openPartition('model', 0);
        const m: Model = { batches: [], logStart: 0n, leo: 0n, hw: 0n, leaderEpoch: 0, epochs: [] };
        for (const [i, cmd] of commands.entries()) {
          const label = `c${i}`;
          const batch =
            cmd.kind === 'append'
              ? makeBatch({ timestamps: cmd.timestamps.map(BigInt), label })
              : undefined;
          if (cmd.kind === 'reopen') {
            store = await ctx.reopen();
            log = await store.openPartition('model', 0);
          } else {
            await apply(log, cmd, m, batch);
          }
          applyToModel(m, cmd, label, batch?.length ?? 0);
          await check(log, m);
        }
      } finally {
        await ctx.cleanup();
      }
    }),
    { numRuns: Number(process.env['NUM_RUNS'] ?? 100), ...(seed === undefined ? {} : { seed }), ...(path === undefined ? {} : { path }) },
  );
});
