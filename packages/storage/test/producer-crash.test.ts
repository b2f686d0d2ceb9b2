import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { encodeRecordBatch } from '@gregor/record-batch';
import { LogStore } from '@gregor/storage';
import { buildStorage, runAndKill as runHarness, seededRandom } from './crash-harness';
import { producerStateFromLog, removeDir, tempDir } from './helpers';

/**
 * kill -9 while an idempotent producer's batches are being appended (five
 * in flight): after each restart the producer state recovered from the last
 * snapshot plus the batches after it must be what the log says, replaying
 * no more than about one snapshot interval, and a retry of the last batch
 * must still be recognised as a duplicate.
 */

const FIXTURE = join(__dirname, 'fixtures', 'idempotent-until-killed.js');
const INTERVAL = 7;
const IN_FLIGHT = 5;
const SEED = Number(process.env['SEED'] ?? Date.now() % 1_000_000);
const nextRandom = seededRandom(SEED);

const children = new Set<ChildProcess>();
let dir: string;

beforeAll(async () => {
  buildStorage();
  dir = await tempDir();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await removeDir(dir);
});

function runAndKill(acksWanted: number): Promise<[number, bigint][]> {
  return runHarness({ fixture: FIXTURE, args: [join(dir, 'data'), String(INTERVAL)], acksWanted, parse: (f): [number, bigint] => [Number(f[0]), BigInt(f[1]!)], maxKillDelayMs: 4, random: nextRandom, children });
}

const batchOf = (seq: number): Buffer =>
  encodeRecordBatch(
    [0, 1, 2].map((i) => ({ value: Buffer.from(`v${seq + i}`), timestamp: 1000n })),
    { producerId: 7n, producerEpoch: 0, baseSequence: seq },
  );

test('producer state recovered after kill -9 matches the log, from a snapshot plus a short replay', async () => {
  process.stdout.write(`producer crash test SEED=${SEED}\n`);
  const acked = new Map<number, bigint>();
  const replays: number[] = [];
  for (const acksWanted of [40, 23, 61, 17, 35]) {
    for (const [seq, offset] of await runAndKill(acksWanted)) acked.set(seq, offset);

    const store = await LogStore.open({ dataDir: join(dir, 'data'), producerSnapshotIntervalBatches: INTERVAL });
    try {
      const before = store.stats();
      const log = await store.openPartition('idem', 0);
      const replayed = store.stats().iteratorSteps - before.iteratorSteps - 2; // minus the log-end and time-index seeks
      // At most the batches written since the newest snapshot: the interval, plus one group write's worth.
      expect(replayed).toBeLessThanOrEqual(INTERVAL + IN_FLIGHT);
      replays.push(replayed);

      const fromLog = await producerStateFromLog(log, 7n);
      const state = log.producerState(7n)!;
      expect({ epoch: state.epoch, batches: state.batches }).toEqual(fromLog);
      // Every acknowledged batch is where its ack said: sequence s at offset s (3 records per batch, from 0).
      for (const [seq, offset] of acked) expect(offset).toBe(BigInt(seq));
      expect(log.logEndOffset).toBe(BigInt(state.batches.at(-1)!.lastSeq + 1));

      // A retry of the newest batch is a duplicate; the next sequence appends.
      const newest = state.batches.at(-1)!;
      expect(await log.append(batchOf(newest.firstSeq), 1)).toMatchObject({ duplicate: true, baseOffset: newest.firstOffset });
      expect(await log.append(batchOf(newest.lastSeq + 1), 1)).toMatchObject({ duplicate: false, baseOffset: newest.lastOffset + 1n });
    } finally {
      await store.close();
    }
  }
  // Informational: batches replayed at each restart (0 when a kill landed right after a snapshot).
  process.stdout.write(`producer crash test: replayed ${replays.join(', ')} batches\n`);
});
