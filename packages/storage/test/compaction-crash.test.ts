import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { decodeRecordBatches } from '@gregor/record-batch';
import { LogStore } from '@gregor/storage';
import { buildStorage, runAndKill as runHarness, seededRandom } from './crash-harness';
import { batchRanges, readAll, removeDir, tempDir } from './helpers';

/**
 * kill -9 while compaction passes rewrite the log in many small steps,
 * interleaved with appends, over the same data dir several times: after each
 * restart every batch's CRC is valid, offsets strictly increase, the size
 * side key matches the batches, and for every key the newest acknowledged
 * value (or a newer one) is still there. Replay with SEED=<n>.
 */

const FIXTURE = join(__dirname, 'fixtures', 'compact-until-killed.js');
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

function runAndKill(start: number, acksWanted: number): Promise<[number, string[]][]> {
  return runHarness({ fixture: FIXTURE, args: [join(dir, 'data'), String(start)], acksWanted, parse: (f): [number, string[]] => [Number(f[0]), f.slice(1)], maxKillDelayMs: 6, random: nextRandom, children });
}

test('compaction survives kill -9 at any point: valid batches, increasing offsets, newest acknowledged value per key kept', async () => {
  process.stdout.write(`compaction crash test SEED=${SEED}\n`);
  const newestAcked = new Map<string, number>();
  let appendedRecords = 0;
  const rounds = [120, 45, 200, 70, 150, 90];
  for (let round = 0; round < rounds.length; round++) {
    const acks = await runAndKill(round * 100_000, rounds[round]!);
    for (const [n, keys] of acks) for (const k of keys) newestAcked.set(k, Math.max(newestAcked.get(k) ?? -1, n));
    appendedRecords += acks.length * 3;

    const store = await LogStore.open({ dataDir: join(dir, 'data') });
    try {
      const log = await store.openPartition('compact', 0);
      expect(log.logStartOffset).toBe(0n);
      const bytes = await readAll(log);
      const ranges = batchRanges(bytes); // every CRC
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBeGreaterThan(ranges[i - 1]![1]);
      expect(ranges.at(-1)![1] + 1n).toBe(log.logEndOffset);
      expect(log.sizeBytes).toBe(bytes.length);
      const newestInLog = new Map<string, number>();
      let records = 0;
      let lastOffset = -1n;
      for (const b of decodeRecordBatches(bytes)) {
        for (const r of b.records) {
          expect(r.offset).toBeGreaterThan(lastOffset);
          lastOffset = r.offset;
          records++;
          const k = r.key!.toString();
          newestInLog.set(k, Math.max(newestInLog.get(k) ?? -1, Number(r.value!.toString().split('-')[0])));
        }
      }
      for (const [k, n] of newestAcked) expect(newestInLog.get(k) ?? -1).toBeGreaterThanOrEqual(n);
      // Compaction did run: far fewer records than were appended.
      expect(records).toBeLessThan(appendedRecords / 2);
    } finally {
      await store.close();
    }
  }
});
