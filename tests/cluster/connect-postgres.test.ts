/**
 * PostgreSQL → Gregor → PostgreSQL on real processes: a real cluster, a real
 * gregor-connect process running the CDC source (database src) and the sink
 * (database dst) of a throwaway PostgreSQL (scripts/postgres.sh), and a writer
 * doing random inserts, updates, deletes and multi-statement transactions
 * (seeded: SEED=n replays). Mid-stream the leader of the change topic (one of
 * three Gregor nodes) and gregor-connect are killed with -9, and gregor-connect
 * is started again; once the writer stops, the target table equals the source
 * row for row. Needs the built dist (`pnpm build`) and PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { describeWithPostgres, tableRows, TestPostgres } from '../../packages/connect/test/postgres-helpers';
import { ConnectProcess } from './connect-process';
import { seededRandom, TestCluster } from './harness';
import { createAccountDatabases, markerArrived, runWriter, writeMarker, type PgClient } from './pg-writer';

describeWithPostgres(__filename)('CDC → topic → PostgreSQL with a Gregor node and gregor-connect killed mid-stream', () => {
  let cluster: TestCluster;
  let dir: string;
  let pg: TestPostgres;
  let src: PgClient;
  let dst: PgClient;
  let connect: ConnectProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gregor-connect-pg-'));
    [cluster, pg] = await Promise.all([TestCluster.start(3), TestPostgres.start(path.join(dir, 'pg'))]);
    ({ src, dst } = await createAccountDatabases(pg));
    const common = `database.port=${pg.port}\ndatabase.user=postgres\n`;
    writeFileSync(path.join(dir, 'worker.properties'), `bootstrap.servers=${cluster.bootstrap().join(',')}\nlisteners=http://127.0.0.1:0\noffset.storage.file.filename=${path.join(dir, 'offsets.json')}\noffset.flush.interval.ms=500\nconsumer.session.timeout.ms=6000\nconsumer.heartbeat.interval.ms=500\nmetadata.max.age.ms=1000\ntask.restart.backoff.initial.ms=200\ntask.restart.backoff.max.ms=2000\n`);
    writeFileSync(path.join(dir, 'source.properties'), `name=pg-cdc\nconnector.class=PostgresCdcSource\n${common}database.dbname=src\ntopic.prefix=crash\ntable.include.list=public.accounts\n`);
    writeFileSync(path.join(dir, 'sink.properties'), `name=pg-sink\nconnector.class=PostgresSink\n${common}database.dbname=dst\ntopics=crash.public.accounts\ntable.name.format=\${table}\n`);
  });

  afterAll(async () => {
    await connect?.kill9().catch(() => undefined);
    await src?.end().catch(() => undefined);
    await dst?.end().catch(() => undefined);
    await pg?.stop();
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const start = (): Promise<ConnectProcess> =>
    ConnectProcess.start(['worker.properties', 'source.properties', 'sink.properties'], { cwd: dir, readyFile: path.join(dir, 'ready.json') });
  const count = async (): Promise<number> => Number((await dst.query<{ n: string }>('SELECT count(*)::text AS n FROM accounts')).rows[0]!.n);

  test('the target table equals the source after kill -9 of a node and of gregor-connect under random writes', async () => {
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    process.stderr.write(`connect-postgres: SEED=${seed}\n`);
    connect = await start();
    await pollUntil(async () => (await count()) > 0, { timeoutMs: 60_000, what: 'the snapshot to reach the target table' });

    let stopWriter = false;
    const writer = runWriter(src, seededRandom(seed), () => stopWriter);
    await writeMarker(src, 'streaming');
    await pollUntil(() => markerArrived(dst, 'streaming'), { timeoutMs: 60_000, what: 'a streamed change in the target table' });
    const leader = (await cluster.describe('crash.public.accounts'))[0]!.leader!;
    await cluster.kill(leader);
    await cluster.waitForLeader('crash.public.accounts', 0, leader);
    await connect.kill9();
    connect = await start();
    await writeMarker(src, 'after the restart');
    await pollUntil(() => markerArrived(dst, 'after the restart'), { timeoutMs: 90_000, what: 'a change made after the restart in the target table' });
    stopWriter = true;
    const ops = await writer;
    expect(ops).toBeGreaterThan(0);

    await pollUntil(async () => JSON.stringify(await tableRows(dst, 'accounts')) === JSON.stringify(await tableRows(src, 'accounts')), {
      timeoutMs: 90_000,
      what: `the target table to equal the source (SEED=${seed}, ${ops} writes)`,
    });
    expect(await connect.stop()).toBe(0);
    connect = undefined;
  });
});
