import fc from 'fast-check';
import { GregorError } from '@gregor/common';
import { encodeRecordBatch } from '@gregor/record-batch';
import type { LogStore, PartitionLog } from '@gregor/storage';
import { withStore } from './helpers';

/**
 * Random idempotent sends (new, retried, out of order, bumped and stale
 * epochs) from two producers, mixed with truncations, retention, HW moves
 * and restarts, against a naive model that keeps every batch ever written
 * and not truncated (retention does not make a producer forget, KIP-360).
 * The model's verdict for each send is recomputed from that whole history.
 * Replay with SEED=<seed> (and PATH_=<path>) as fast-check prints them.
 */

interface Sent {
  pid: bigint;
  epoch: number;
  firstSeq: number;
  lastSeq: number;
}

interface ModelBatch extends Sent {
  base: bigint;
  last: bigint;
}

interface Model {
  /** Every batch in the log or deleted by retention, in offset order; truncation removes. */
  history: ModelBatch[];
  logStart: bigint;
  leo: bigint;
  hw: bigint;
  /** Per producer: its current epoch and next sequence as the client sees it, and what it sent. */
  clients: Map<bigint, { epoch: number; nextSeq: number; sent: Sent[] }>;
}

type Command =
  | { kind: 'send'; pid: 0 | 1; how: 'next' | 'retry' | 'gap' | 'bump' | 'stale'; records: number; pick: number }
  | { kind: 'truncate'; to: number }
  | { kind: 'retention'; keepBytes: number }
  | { kind: 'setHw'; to: number }
  | { kind: 'reopen' };

const PIDS = [11n, 12n] as const;

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      pid: fc.constantFrom(0 as const, 1 as const),
      how: fc.constantFrom('next', 'next', 'next', 'retry', 'retry', 'gap', 'bump', 'stale') as fc.Arbitrary<'next' | 'retry' | 'gap' | 'bump' | 'stale'>,
      records: fc.integer({ min: 1, max: 3 }),
      pick: fc.nat(8),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), to: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retention' as const), keepBytes: fc.nat(600) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('setHw' as const), to: fc.nat(60) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

/** The batch a send command produces, and what the client's state becomes. */
function planSend(m: Model, cmd: Extract<Command, { kind: 'send' }>): Sent | undefined {
  const pid = PIDS[cmd.pid];
  let c = m.clients.get(pid);
  if (c === undefined) m.clients.set(pid, (c = { epoch: 0, nextSeq: 0, sent: [] }));
  const fresh = (epoch: number, seq: number): Sent => ({ pid, epoch, firstSeq: seq, lastSeq: seq + cmd.records - 1 });
  switch (cmd.how) {
    case 'next': {
      const s = fresh(c.epoch, c.nextSeq);
      c.nextSeq = s.lastSeq + 1;
      c.sent.push(s);
      return s;
    }
    case 'retry':
      return c.sent.length === 0 ? undefined : c.sent[Math.max(0, c.sent.length - 1 - cmd.pick)];
    case 'gap':
      return fresh(c.epoch, c.nextSeq + 1 + cmd.pick);
    case 'bump': {
      c.epoch++;
      const s = fresh(c.epoch, 0);
      c.nextSeq = s.lastSeq + 1;
      c.sent = [s];
      return s;
    }
    case 'stale':
      return c.epoch === 0 ? undefined : fresh(c.epoch - 1, c.nextSeq);
  }
}

/** The producer's entry according to the whole history: epoch and last five batches of it. */
function modelEntry(m: Model, pid: bigint): { epoch: number; batches: ModelBatch[] } | undefined {
  const mine = m.history.filter((b) => b.pid === pid);
  const last = mine.at(-1);
  if (last === undefined) return undefined;
  const run: ModelBatch[] = [];
  for (let i = mine.length - 1; i >= 0 && mine[i]!.epoch === last.epoch; i--) run.unshift(mine[i]!);
  return { epoch: last.epoch, batches: run.slice(-5) };
}

type Verdict = { kind: 'append' } | { kind: 'duplicate'; base: bigint } | { kind: 'reject'; error: string };

function modelVerdict(m: Model, s: Sent): Verdict {
  const e = modelEntry(m, s.pid);
  if (e === undefined) return s.firstSeq === 0 ? { kind: 'append' } : { kind: 'reject', error: 'UNKNOWN_PRODUCER_ID' };
  if (s.epoch === e.epoch) {
    const dup = e.batches.find((b) => b.firstSeq === s.firstSeq && b.lastSeq === s.lastSeq);
    if (dup !== undefined) return { kind: 'duplicate', base: dup.base };
  }
  if (s.epoch < e.epoch) return { kind: 'reject', error: 'INVALID_PRODUCER_EPOCH' };
  if (s.epoch > e.epoch) return s.firstSeq === 0 ? { kind: 'append' } : { kind: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' };
  return s.firstSeq === e.batches.at(-1)!.lastSeq + 1 ? { kind: 'append' } : { kind: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' };
}

function encode(s: Sent): Buffer {
  const n = s.lastSeq - s.firstSeq + 1;
  return encodeRecordBatch(
    Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`${s.pid}-${s.epoch}-${s.firstSeq + i}`), timestamp: 1000n })),
    { producerId: s.pid, producerEpoch: s.epoch, baseSequence: s.firstSeq },
  );
}

/**
 * Compares the log's producer state with the model. Exact, except where a
 * truncation had no snapshot to start from and retention had deleted some
 * of the producer's batches: then the log may remember a suffix of them
 * (see producer-rebuild.ts). Returns whether the state was exact.
 */
function checkState(log: PartitionLog, m: Model): boolean {
  let exact = true;
  for (const pid of PIDS) {
    const expected = modelEntry(m, pid);
    const actual = log.producerState(pid);
    const shape = actual?.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset]);
    const want = expected?.batches.map((b) => [b.firstSeq, b.lastSeq, b.base, b.last]);
    const sameAll = actual?.epoch === expected?.epoch && JSON.stringify(shape, bigintJson) === JSON.stringify(want, bigintJson);
    if (sameAll) continue;
    exact = false;
    // Only a loss to retention may explain a difference.
    const oldestKnown = expected?.batches[0];
    expect(oldestKnown !== undefined && oldestKnown.base < m.logStart).toBe(true);
    if (actual !== undefined) {
      expect(actual.epoch).toBe(expected!.epoch);
      expect(JSON.stringify(want!.slice(want!.length - shape!.length), bigintJson)).toBe(JSON.stringify(shape, bigintJson));
    }
  }
  return exact;
}

const bigintJson = (_: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

test('producer state behaves like the naive history model (fast-check)', async () => {
  const seed = process.env['SEED'] === undefined ? undefined : Number(process.env['SEED']);
  const path = process.env['PATH_'];
  await fc.assert(
    fc.asyncProperty(fc.array(commandArb, { minLength: 10, maxLength: 40, size: 'max' }), async (commands) => {
      // Snapshots every 3 batches and 2-batch maintenance steps, so every path runs.
      const ctx = await withStore({ producerSnapshotIntervalBatches: 3, maintenanceChunkBatches: 2 });
      try {
        let store: LogStore = ctx.store;
        let log = await store.openPartition('pm', 0);
        const m: Model = { history: [], logStart: 0n, leo: 0n, hw: 0n, clients: new Map() };
        let exact = true;
        for (const cmd of commands) {
          if (cmd.kind === 'send') {
            const s = planSend(m, cmd);
            if (s === undefined) continue;
            const expected = modelVerdict(m, s);
            const outcome = await log.append(encode(s), 0).catch((err: unknown) => err as GregorError);
            const actual: Verdict =
              outcome instanceof GregorError
                ? { kind: 'reject', error: outcome.errorName }
                : outcome.duplicate
                  ? { kind: 'duplicate', base: outcome.baseOffset }
                  : { kind: 'append' };
            if (exact) expect(actual).toEqual(expected);
            if (actual.kind === 'append') {
              const n = BigInt(s.lastSeq - s.firstSeq + 1);
              m.history.push({ ...s, base: m.leo, last: m.leo + n - 1n });
              m.leo += n;
            }
          } else if (cmd.kind === 'truncate') {
            const to = BigInt(cmd.to);
            await log.truncateTo(to);
            if (to < m.leo) {
              const containing = m.history.find((b) => b.base <= to && to <= b.last && b.base >= m.logStart);
              const newEnd = containing === undefined ? to : containing.base;
              m.history = m.history.filter((b) => b.last < newEnd);
              m.leo = newEnd;
              if (m.logStart > newEnd) m.logStart = newEnd;
              if (m.hw > newEnd) m.hw = newEnd;
            }
          } else if (cmd.kind === 'retention') {
            await log.applyRetention({ retentionMs: -1, retentionBytes: cmd.keepBytes }, 2000);
            m.logStart = log.logStartOffset; // which batches go is the storage model test's business
          } else if (cmd.kind === 'setHw') {
            log.setHighWatermark(BigInt(cmd.to));
            m.hw = log.highWatermark;
          } else {
            store = await ctx.reopen();
            log = await store.openPartition('pm', 0);
          }
          expect(log.logEndOffset).toBe(m.leo);
          exact = checkState(log, m) && exact;
        }
      } finally {
        await ctx.cleanup();
      }
    }),
    { numRuns: Number(process.env['NUM_RUNS'] ?? 60), ...(seed === undefined ? {} : { seed }), ...(path === undefined ? {} : { path }) },
  );
});
