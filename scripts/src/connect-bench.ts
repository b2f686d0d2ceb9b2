/**
 * `pnpm bench:connect [--rows 100000] [--stream-rows 50000] [--nodes 1]` —
 * PostgreSQL → Gregor → PostgreSQL throughput with the real connectors: a
 * throwaway PostgreSQL (scripts/postgres.sh), a dev cluster of `--nodes`
 * gregor-node processes and a standalone Connect worker in this process.
 * One JSON line per phase on stdout:
 *   cdc-snapshot  rows/s from the initial snapshot into the topic
 *   cdc-stream    rows/s of committed inserts (one INSERT … SELECT) into the topic
 *   sink          rows/s from the topic into another database's table
 * with the worker process's CPU seconds per phase (cpuSec: well below the
 * phase's seconds means the runtime is not the bottleneck). Not a test: no
 * thresholds. Needs PostgreSQL (bash scripts/postgres.sh install) and the build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { createClient, type Gregor } from '@gregor/client';
import { pollUntil, runProcess, silentLogger } from '@gregor/common';
import { startStandalone, type StandaloneWorker } from '@gregor/connect';
import { clusterDown, clusterUp, findFreeBasePort } from '@gregor/dev-cluster';
import { intFlag, parseFlags } from './args';

const flags = parseFlags({
  rows: { type: 'string', default: '100000' },
  'stream-rows': { type: 'string', default: '50000' },
  nodes: { type: 'string', default: '1' },
});
const ROWS = intFlag('rows', flags.rows, 1);
const STREAM_ROWS = intFlag('stream-rows', flags['stream-rows'], 1);
const NODES = intFlag('nodes', flags.nodes, 1);
const SCRIPT = path.resolve(__dirname, '../postgres.sh');
const TOPIC = 'bench.public.rows';
const DDL = 'CREATE TABLE rows (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), at timestamptz NOT NULL DEFAULT now())';
const log = (m: string): void => void process.stderr.write(`[connect-bench] ${m}\n`);

async function topicRecords(client: Gregor): Promise<number> {
  const [t] = await client.admin().describeTopics([TOPIC]).catch(() => [undefined]);
  if (t === undefined) return 0;
  const ends = await client.admin().listOffsets(t.partitions.map((p) => ({ topic: TOPIC, partition: p.partition, spec: 'latest' as const })));
  return ends.reduce((s, e) => s + Number(e.offset), 0);
}

async function phase(name: string, rows: number, fn: () => Promise<void>): Promise<void> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await fn();
  const sec = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ phase: name, rows, sec: +sec.toFixed(3), rowsPerSec: Math.round(rows / sec), cpuSec: +((used.user + used.system) / 1e6).toFixed(3), nodes: NODES })}\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gregor-connect-bench-'));
  let worker: StandaloneWorker | undefined;
  let client: Gregor | undefined;
  const clients: Client[] = [];
  try {
    log('starting PostgreSQL and the cluster');
    const started = await runProcess('bash', [SCRIPT, 'start', path.join(dir, 'pg')], { timeoutMs: 120_000 });
    if (started.code !== 0) throw new Error(`postgres.sh start: ${started.stderr}`);
    const port = Number(started.stdout.trim());
    const cluster = await clusterUp({ dir: path.join(dir, 'cluster'), nodes: NODES, basePort: await findFreeBasePort(NODES), readyTimeoutMs: 90_000 });
    const bootstrap = cluster.nodes.map((n) => n.grpc);
    client = createClient({ bootstrap });
    const pg = async (database: string): Promise<Client> => {
      const c = new Client({ host: '127.0.0.1', port, user: 'postgres', database });
      await c.connect();
      clients.push(c);
      return c;
    };
    const admin = await pg('postgres');
    await admin.query('CREATE DATABASE src');
    await admin.query('CREATE DATABASE dst');
    const src = await pg('src');
    const dst = await pg('dst');
    await src.query(DDL);
    await dst.query(DDL);
    await src.query(`INSERT INTO rows (id, name, amount) SELECT i, 'row ' || i, i * 0.01 FROM generate_series(1, ${ROWS}) i`);
    worker = await startStandalone({
      workerProps: { 'bootstrap.servers': bootstrap.join(','), listeners: 'http://127.0.0.1:0', 'offset.flush.interval.ms': '1000', 'metadata.max.age.ms': '1000' },
      logger: silentLogger(),
    });
    const w = worker;
    const common = { 'database.port': String(port), 'database.user': 'postgres' };

    await phase('cdc-snapshot', ROWS, async () => {
      await w.worker.putConnector('src', { ...common, name: 'src', 'connector.class': 'PostgresCdcSource', 'database.dbname': 'src', 'topic.prefix': 'bench', 'table.include.list': 'public.rows' }, false);
      await pollUntil(async () => (await topicRecords(client!)) >= ROWS, { timeoutMs: 600_000, intervalMs: 200, what: `${ROWS} snapshot records` });
    });
    await phase('cdc-stream', STREAM_ROWS, async () => {
      await src.query(`INSERT INTO rows (id, name, amount) SELECT i, 'row ' || i, i * 0.01 FROM generate_series(${ROWS + 1}, ${ROWS + STREAM_ROWS}) i`);
      await pollUntil(async () => (await topicRecords(client!)) >= ROWS + STREAM_ROWS, { timeoutMs: 600_000, intervalMs: 200, what: `${STREAM_ROWS} streamed records` });
    });
    await phase('sink', ROWS + STREAM_ROWS, async () => {
      await w.worker.putConnector('dst', { ...common, name: 'dst', 'connector.class': 'PostgresSink', 'database.dbname': 'dst', topics: TOPIC, 'table.name.format': '${table}' }, false);
      await pollUntil(async () => Number((await dst.query<{ n: string }>('SELECT count(*)::text AS n FROM rows')).rows[0]!.n) >= ROWS + STREAM_ROWS, { timeoutMs: 600_000, intervalMs: 200, what: 'every row in the target table' });
    });
  } finally {
    await worker?.close();
    await client?.close();
    for (const c of clients) await c.end().catch(() => undefined);
    await runProcess('bash', [SCRIPT, 'stop', path.join(dir, 'pg')], { timeoutMs: 120_000 });
    await clusterDown(path.join(dir, 'cluster'), 10_000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`connect bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
