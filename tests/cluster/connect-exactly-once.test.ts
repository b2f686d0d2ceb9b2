/**
 * Exactly-once source (KIP-618) on real processes: a `gregor-connect
 * distributed` worker with exactly.once.source.support=enabled runs a
 * FileStreamSource while lines are appended; it is killed with -9 mid-stream
 * (a transaction may be open) and a second worker of the group takes the
 * task over: its transactional producer fences the dead instance and aborts
 * what it left open, and it resumes from the offsets committed with the
 * records. A read_committed reader of the topic then finds every line
 * exactly once, in order. The offset flush interval is 60 s, so without the
 * transactions the restart would replay everything since the start
 * (duplicates). Then the connector's config changes: the previous task
 * producers are fenced before the new task configs are written, and the
 * task goes on from its offsets. Needs the built dist (`pnpm build`).
 */
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil, sleep } from '@gregor/common';
import { ConnectProcess, connectorStatus, restOutsideRebalance, ROOT, startDistributedWorker } from './connect-process';
import { TestCluster } from './harness';

const TOPIC = 'eos-lines';
const MAX_LINES = 20_000;

describe('gregor-connect exactly-once source: kill -9 of the worker mid-stream', () => {
  let cluster: TestCluster;
  let dir: string;
  const workers: ConnectProcess[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(1);
    dir = mkdtempSync(path.join(tmpdir(), 'gregor-connect-eos-'));
    copyFileSync(path.join(ROOT, 'examples/connect/connect-distributed.properties'), path.join(dir, 'worker.properties'));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill9().catch(() => undefined)));
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Every committed line of the topic (read_committed: open and aborted transactions are not seen). */
  const committedLines = async (): Promise<string[]> => {
    const out: string[] = [];
    for (let from = 0n; ; ) {
      const res = await cluster.client.read({ topic: TOPIC, partition: 0, from, maxRecords: 5000, isolationLevel: 'read_committed' });
      for (const r of res.records) out.push((JSON.parse(r.value!.toString()) as { payload: string }).payload);
      if (res.nextOffset >= res.lastStableOffset || res.records.length === 0) return out;
      from = res.nextOffset;
    }
  };

  test('every line exactly once after kill -9 of the worker running the task', async () => {
    const start = (i: number): Promise<ConnectProcess> =>
      startDistributedWorker(dir, i, cluster.bootstrap(), ['exactly.once.source.support=enabled', 'offset.flush.interval.ms=60000', 'scheduled.rebalance.max.delay.ms=0']);
    workers.push(await start(0));
    const input = path.join(dir, 'in.txt');
    appendFileSync(input, '');
    expect(await restOutsideRebalance(`${workers[0]!.url}/connectors`, 'POST', {
      name: 'eos-src',
      config: { 'connector.class': 'FileStreamSource', file: input, topic: TOPIC, 'batch.size': '50', 'exactly.once.support': 'required' },
    })).toBe(201);

    // A writer appends numbered lines (bounded) until told to stop.
    let written = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop && written < MAX_LINES) {
        appendFileSync(input, Array.from({ length: 20 }, (_, i) => `line-${written + i}\n`).join(''));
        written += 20;
        await sleep(10);
      }
    })();
    try {
      await pollUntil(async () => (await committedLines().catch(() => [])).length >= 500, { timeoutMs: 60_000, what: '500 committed lines' });
      workers.push(await start(1));
      const owner = await pollUntil(async () => {
        const s = await connectorStatus(workers[1]!.url, 'eos-src');
        return s?.tasks[0]?.state === 'RUNNING' ? s.tasks[0].worker_id : undefined;
      }, { timeoutMs: 60_000, what: 'eos-src-0 RUNNING' });
      const victim = workers.find((w) => w.url.endsWith(owner))!;
      const survivor = workers.find((w) => w !== victim)!;
      await victim.kill9();
      workers.splice(workers.indexOf(victim), 1);
      await pollUntil(async () => {
        const s = await connectorStatus(survivor.url, 'eos-src');
        return s?.tasks[0]?.state === 'RUNNING' && s.tasks[0].worker_id !== owner;
      }, { timeoutMs: 60_000, what: 'the task RUNNING on the surviving worker' });
    } finally {
      stop = true;
    }
    await writer;
    // Lines after the move (the writer may have reached its cap before it): the new instance sends them.
    appendFileSync(input, Array.from({ length: 100 }, (_, i) => `line-${written + i}\n`).join(''));
    written += 100;
    // New task configs: the old task producers are fenced first (KIP-618), the task restarts and goes on.
    const survivor = workers[0]!;
    const committedBefore = (await committedLines()).length;
    expect(await restOutsideRebalance(`${survivor.url}/connectors/eos-src/config`, 'PATCH', { 'batch.size': '40' })).toBe(200);
    await pollUntil(() => survivor.output.includes('fenced the producers of the previous task configs'), { timeoutMs: 30_000, what: 'the previous task producers fenced' });
    await pollUntil(async () => (await connectorStatus(survivor.url, 'eos-src'))?.tasks[0]?.state === 'RUNNING', { timeoutMs: 30_000, what: 'the task RUNNING with its new config' });
    appendFileSync(input, Array.from({ length: 100 }, (_, i) => `line-${written + i}\n`).join(''));
    written += 100;
    expect(committedBefore).toBeGreaterThan(0);
    const expected = Array.from({ length: written }, (_, i) => `line-${i}`);
    await pollUntil(async () => (await committedLines()).length >= written, { timeoutMs: 60_000, what: `all ${written} lines committed` });
    const lines = await committedLines();
    expect(lines.length).toBe(written); // no duplicate
    expect(lines).toEqual(expected); // none lost, in order
    for (const w of workers.splice(0)) expect(await w.stop()).toBe(0);
  }, 180_000);
});
