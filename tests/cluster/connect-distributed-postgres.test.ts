/**
 * PostgreSQL → Gregor → PostgreSQL on a distributed Connect cluster: two
 * `gregor-connect distributed` workers on a real 3-node cluster run the CDC
 * source (database src) and a 2-task PostgreSQL sink (database dst) of a
 * throwaway PostgreSQL (scripts/postgres.sh) while a seeded random writer
 * inserts, updates and deletes (SEED=n replays). Mid-stream the worker running
 * the CDC task and the leader of the change topic are killed with -9: the
 * survivor takes the task over once the session expires and resumes from the
 * LSN in the offset topic. Once the writer stops, the target table equals the
 * source row for row. The workers run with exactly-once source support
 * (KIP-618), and the change topic, read committed, must hold every change
 * event exactly once. That check found duplicates under load until the CDC
 * source skipped the transaction PostgreSQL resends at the resume point
 * (session 6); it passed 11/11 since (session 7: 8 runs, 5 at load 9–14)
 * and is CI's default. CONNECT_EOS=false runs it at least once (redeliveries
 * absorbed by the sink's upserts; only the tables are compared).
 * Needs the built dist (`pnpm build`) and PostgreSQL.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { describeWithPostgres, tableRows, TestPostgres } from '../../packages/connect/test/postgres-helpers';
import { ConnectProcess, connectorStatus as statusOf, restOutsideRebalance, ROOT, startDistributedWorker, withWorkerOutput, type ConnectorStatus as Status } from './connect-process';
import { seededRandom, TestCluster } from './harness';
import { createAccountDatabases, markerArrived, runWriter, writeMarker, type PgClient } from './pg-writer';

describeWithPostgres(__filename)('distributed Connect: CDC → topic → PostgreSQL with a worker and a Gregor node killed mid-stream', () => {
  let cluster: TestCluster;
  let dir: string;
  let pg: TestPostgres;
  let src: PgClient;
  let dst: PgClient;
  const workers: ConnectProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gregor-connect-dist-pg-'));
    [cluster, pg] = await Promise.all([TestCluster.start(3), TestPostgres.start(path.join(dir, 'pg'))]);
    ({ src, dst } = await createAccountDatabases(pg));
    copyFileSync(path.join(ROOT, 'examples/connect/connect-distributed.properties'), path.join(dir, 'worker.properties'));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill9().catch(() => undefined)));
    await src?.end().catch(() => undefined);
    await dst?.end().catch(() => undefined);
    await pg?.stop();
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const count = async (): Promise<number> => Number((await dst.query<{ n: string }>('SELECT count(*)::text AS n FROM accounts')).rows[0]!.n);
  const running = (s: Status | undefined, tasks: number, not?: string): boolean =>
    s !== undefined && s.connector.state === 'RUNNING' && s.tasks.length === tasks && s.tasks.every((t) => t.state === 'RUNNING' && t.worker_id !== not) && s.connector.worker_id !== not;

  test('the target table equals the source after kill -9 of the CDC task’s worker and of the change topic’s leader', async () => {
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    process.stderr.write(`connect-distributed-postgres: SEED=${seed}\n`);
    // No scheduled rebalance delay: the dead worker's task moves as soon as its session expires.
    const eos = process.env['CONNECT_EOS'] !== 'false';
    // Exactly once commits source offsets with each poll's records, whatever offset.flush.interval.ms (300 ms
    // here, so the sinks write often). At least once with it at 10 s, the duplicate check below finds hundreds.
    const overrides = ['scheduled.rebalance.max.delay.ms=0', ...(eos ? ['exactly.once.source.support=enabled', 'consumer.isolation.level=read_committed'] : [])];
    workers.push(...(await Promise.all([0, 1].map((i) => startDistributedWorker(dir, i, cluster.bootstrap(), overrides)))));
    const db = { 'database.hostname': '127.0.0.1', 'database.port': String(pg.port), 'database.user': 'postgres' };
    expect(await restOutsideRebalance(`${workers[0]!.url}/connectors`, 'POST', {
      name: 'pg-cdc',
      config: { 'connector.class': 'PostgresCdcSource', ...db, 'database.dbname': 'src', 'topic.prefix': 'dcrash', 'table.include.list': 'public.accounts', ...(eos ? { 'exactly.once.support': 'required' } : {}) },
    })).toBe(201);
    expect(await restOutsideRebalance(`${workers[1]!.url}/connectors`, 'POST', {
      name: 'pg-sink',
      config: { 'connector.class': 'PostgresSink', ...db, 'database.dbname': 'dst', topics: 'dcrash.public.accounts', 'table.name.format': '${table}', 'tasks.max': '2' },
    })).toBe(201);
    await pollUntil(async () => (await count()) > 0, { timeoutMs: 60_000, what: 'the snapshot to reach the target table' });

    let stopWriter = false;
    const writer = runWriter(src, seededRandom(seed), () => stopWriter);
    try {
      await writeMarker(src, 'streaming');
      await pollUntil(() => markerArrived(dst, 'streaming'), { timeoutMs: 60_000, what: 'a streamed change in the target table' });

      const cdc = await pollUntil(async () => {
        const s = await statusOf(workers[0]!.url, 'pg-cdc');
        return running(s, 1) ? s : undefined;
      }, { timeoutMs: 30_000, what: 'pg-cdc RUNNING' });
      const victim = workers.find((w) => w.url.endsWith(cdc.tasks[0]!.worker_id))!;
      const survivor = workers.find((w) => w !== victim)!;
      const leader = (await cluster.describe('dcrash.public.accounts'))[0]!.leader!;
      await Promise.all([victim.kill9(), cluster.kill(leader)]);
      workers.splice(workers.indexOf(victim), 1);
      await cluster.waitForLeader('dcrash.public.accounts', 0, leader);

      await pollUntil(async () => running(await statusOf(survivor.url, 'pg-cdc'), 1, cdc.tasks[0]!.worker_id) && running(await statusOf(survivor.url, 'pg-sink'), 2, cdc.tasks[0]!.worker_id), {
        timeoutMs: 60_000,
        what: "the killed worker's connectors and tasks RUNNING on the survivor",
      });
      await writeMarker(src, 'after the move');
      await pollUntil(() => markerArrived(dst, 'after the move'), { timeoutMs: 60_000, what: 'a change made after the move in the target table' });
    } catch (err) {
      throw withWorkerOutput(err, [...workers]);
    } finally {
      stopWriter = true;
    }
    const ops = await writer;
    expect(ops).toBeGreaterThan(0);

    await pollUntil(async () => JSON.stringify(await tableRows(dst, 'accounts')) === JSON.stringify(await tableRows(src, 'accounts')), {
      timeoutMs: 60_000,
      what: `the target table to equal the source (SEED=${seed}, ${ops} writes)`,
    });
    if (eos) {
      // Every streamed change event once: (transaction, change LSN, op) is unique among what a read_committed consumer sees.
      const seen = new Map<string, number>();
      for (let from = 0n; ; ) {
        const res = await cluster.client.read({ topic: 'dcrash.public.accounts', partition: 0, from, maxRecords: 5000, isolationLevel: 'read_committed' });
        for (const r of res.records) {
          if (r.value === null) continue; // tombstones repeat their delete's identity
          const { op, source } = (JSON.parse(r.value.toString()) as { payload: { op: string; source: { txId: number | null; lsn: number | null } } }).payload;
          if (op === 'r') continue; // the snapshot
          const id = `${source.txId}/${source.lsn}/${op}`;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
        if (res.records.length === 0 || res.nextOffset >= res.lastStableOffset) break;
        from = res.nextOffset;
      }
      expect(seen.size).toBeGreaterThan(0);
      expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
    }
    for (const w of workers.splice(0)) expect(await w.stop()).toBe(0);
  }, 180_000);
});
