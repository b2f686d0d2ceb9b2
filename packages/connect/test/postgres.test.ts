/**
 * PostgreSQL → Gregor → PostgreSQL with the real connectors: a throwaway
 * PostgreSQL 15 (scripts/postgres.sh: initdb, wal_level=logical, free port)
 * with a source and a target database, a real in-process node and a
 * standalone worker. The CDC source snapshots the table, then streams
 * inserts, updates (a primary-key change included), deletes and a
 * multi-statement transaction with Debezium's envelope; the sink upserts and
 * deletes by key; after a worker restart the source resumes from its stored
 * LSN (no second snapshot) and changes made while it was down arrive. The
 * target table equals the source row for row; the slot was acknowledged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import { createClient, type Gregor } from '@gregor/client';
import { pollUntil, silentLogger } from '@gregor/common';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { startStandalone, type StandaloneWorker } from '@gregor/connect';
import { http, testLogger } from './helpers';
import { describeWithPostgres, tableRows, TestPostgres } from './postgres-helpers';

const DDL = `CREATE TABLE items (id int PRIMARY KEY, name text, qty bigint, price numeric(10,2), at timestamptz, data bytea, flag boolean, doc jsonb)`;

describeWithPostgres(__filename)('PostgreSQL CDC source and sink', () => {
  let dir: string;
  let pg: TestPostgres;
  let src: Client;
  let dst: Client;
  let node: RunningNode;
  let client: Gregor;
  let w: StandaloneWorker | undefined;

  const startWorker = async (withConnectors = true): Promise<StandaloneWorker> =>
    startStandalone({
      workerProps: {
        'bootstrap.servers': node.clientAddress!,
        listeners: 'http://127.0.0.1:0',
        'offset.storage.file.filename': path.join(dir, 'offsets.json'),
        'offset.flush.interval.ms': '200',
        'metadata.max.age.ms': '500', // the sink subscribes before the source created the topic
      },
      connectors: !withConnectors ? [] : [
        {
          name: 'pg-source', 'connector.class': 'PostgresCdcSource', 'database.port': String(pg.port), 'database.dbname': 'src',
          'topic.prefix': 'cdc', 'table.include.list': 'public.items', 'snapshot.fetch.size': '7', 'skipped.operations': 'none',
        },
        {
          name: 'pg-sink', 'connector.class': 'PostgresSink', 'database.port': String(pg.port), 'database.dbname': 'dst',
          topics: 'cdc.public.items', 'table.name.format': '${table}', 'truncate.enabled': 'true',
        },
      ],
      logger: testLogger(),
    });

  const inSync = async (what: string): Promise<void> => {
    await pollUntil(async () => JSON.stringify(await tableRows(dst, 'items')) === JSON.stringify(await tableRows(src, 'items')), { timeoutMs: Number(process.env.CONNECT_TEST_SYNC_MS ?? 60_000), what });
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'connect-pg-'));
    pg = await TestPostgres.start(path.join(dir, 'pg'));
    const admin = await pg.client();
    await admin.query('CREATE DATABASE src');
    await admin.query('CREATE DATABASE dst');
    await admin.end();
    src = await pg.client('src');
    dst = await pg.client('dst');
    await src.query(DDL);
    await dst.query(DDL);
    await src.query(
      `INSERT INTO items SELECT i, 'item ' || i, i * 10000000000, i * 1.25, '2026-01-01 00:00:00.123456+00'::timestamptz + i * interval '1 minute', decode(lpad(to_hex(i), 4, '0'), 'hex'), i % 2 = 0, jsonb_build_object('i', i) FROM generate_series(1, 50) i`,
    );
    node = await startNode(
      nodeConfig({ 'log.dirs': path.join(dir, 'node'), listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 1 }),
      { logger: silentLogger() },
    );
    client = createClient({ bootstrap: node.clientAddress! });
  });

  afterAll(async () => {
    await w?.close();
    await client?.close();
    await node?.stop();
    await src?.end();
    await dst?.end();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('validation reaches the database: unreachable server, missing REPLICATION', async () => {
    w = await startWorker(false);
    const validate = async (config: Record<string, string>): Promise<Record<string, string[]>> => {
      const r = await http(w!.url, 'PUT', '/connector-plugins/PostgresCdcSource/config/validate', { 'connector.class': 'PostgresCdcSource', name: 'v', 'topic.prefix': 'v', 'database.dbname': 'src', ...config });
      expect(r.status).toBe(200);
      return Object.fromEntries((r.body.configs as { definition: { name: string }; value: { errors: string[] } }[]).filter((c) => c.value.errors.length > 0).map((c) => [c.definition.name, c.value.errors]));
    };
    expect(await validate({ 'database.port': String(pg.port) })).toEqual({});
    const closed = await validate({ 'database.port': '1' });
    expect(closed['database.hostname']![0]).toMatch(/^Unable to connect to PostgreSQL at 127.0.0.1:1\/src as postgres/);
    await src.query('CREATE ROLE plain LOGIN');
    expect(await validate({ 'database.port': String(pg.port), 'database.user': 'plain' })).toEqual({ 'database.user': [expect.stringMatching(/needs the REPLICATION attribute/)] });
    const refused = await http(w.url, 'POST', '/connectors', { name: 'v', config: { 'connector.class': 'PostgresCdcSource', 'topic.prefix': 'v', 'database.dbname': 'src', 'database.port': '1' } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/Unable to connect/);
    await w.close();
    w = undefined;
  });

  test('snapshot, then changes; resume after a restart from the stored LSN; tables equal', async () => {
    w = await startWorker();
    await inSync('the snapshot in the target table');

    // Changes: update, delete, a primary-key change, a transaction of several statements, NULLs.
    await src.query(`UPDATE items SET name = 'renamed', qty = 9223372036854775807 WHERE id = 3`);
    await src.query('DELETE FROM items WHERE id = 4');
    await src.query('UPDATE items SET id = 1004 WHERE id = 5');
    await src.query('BEGIN');
    await src.query(`INSERT INTO items (id, name) VALUES (100, NULL), (101, 'x')`);
    await src.query('UPDATE items SET flag = NULL, doc = NULL, data = NULL WHERE id BETWEEN 10 AND 20');
    await src.query('DELETE FROM items WHERE id BETWEEN 30 AND 35');
    await src.query('COMMIT');
    await inSync('the changes in the target table');

    // Restart: changes made while the worker is down arrive; no second snapshot.
    await w.close();
    w = undefined;
    await src.query(`INSERT INTO items (id, name, price) VALUES (200, 'while down', 1.5)`);
    await src.query('DELETE FROM items WHERE id = 1');
    w = await startWorker();
    await inSync('the changes made while the worker was down');
    const status = (await http(w.url, 'GET', '/connectors/pg-source/status')).body;
    expect(status.tasks[0].state).toBe('RUNNING');

    // The topic: Debezium's envelope, 50 snapshot reads only, a tombstone after each delete.
    const read = await client.read({ topic: 'cdc.public.items', partition: 0, from: 'earliest', maxRecords: 1000 });
    const events = read.records.map((r) => ({ key: JSON.parse(r.key!.toString()).payload, value: r.value === null ? null : JSON.parse(r.value.toString()) }));
    expect(events.filter((e) => e.value?.payload.op === 'r')).toHaveLength(50);
    const first = events[0]!;
    expect(first.key).toEqual({ id: 1 });
    expect(first.value.schema.name).toBe('cdc.public.items.Envelope');
    expect(first.value.payload).toMatchObject({ op: 'r', before: null, after: { id: 1, name: 'item 1', qty: 10000000000, price: '1.25', flag: false }, source: { connector: 'postgresql', name: 'cdc', db: 'src', schema: 'public', table: 'items', snapshot: 'true' } });
    expect(events.filter((e) => e.value?.payload.op === 'r').at(-1)!.value.payload.source.snapshot).toBe('last');
    const del = events.findIndex((e) => e.value?.payload.op === 'd' && e.key.id === 4);
    expect(del).toBeGreaterThan(0);
    expect(events[del + 1]).toEqual({ key: { id: 4 }, value: null });
    const renamed = events.find((e) => e.value?.payload.op === 'u' && e.key.id === 3)!;
    expect(renamed.value.payload.after).toMatchObject({ name: 'renamed', qty: 9223372036854775807 });
    expect(events.some((e) => e.value?.payload.op === 'c' && e.key.id === 1004)).toBe(true); // the key change: delete 5, create 1004
    expect(events.some((e) => e.value?.payload.op === 'd' && e.key.id === 5)).toBe(true);

    // The slot was acknowledged: even WAL of tables that are not captured is released once the
    // stream is idle (keepalives), so a quiet captured table does not make PostgreSQL keep WAL.
    await src.query('CREATE TABLE other (id int PRIMARY KEY, pad text)');
    await src.query(`INSERT INTO other SELECT i, repeat('x', 100) FROM generate_series(1, 5000) i`);
    const walEnd = (await src.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
    await pollUntil(
      async () => {
        const r = await src.query<{ behind: boolean }>(`SELECT confirmed_flush_lsn < $1::pg_lsn AS behind FROM pg_replication_slots WHERE slot_name = 'gregor_cdc'`, [walEnd]);
        return r.rows.length === 1 && !r.rows[0]!.behind;
      },
      { timeoutMs: 60_000, what: `the slot to be acknowledged up to ${walEnd}` },
    );
    // …and changes after that still arrive.
    await src.query(`UPDATE items SET name = 'after idle' WHERE id = 2`);
    await inSync('a change after the slot moved on while idle');

    // TRUNCATE (skipped.operations=none): an op t event with no key; the sink (truncate.enabled) empties
    // its table, in the order of the stream — rows written after it in the same transaction stay.
    await src.query('BEGIN');
    await src.query(`INSERT INTO items (id, name) VALUES (300, 'gone with the truncate')`);
    await src.query('TRUNCATE items');
    await src.query(`INSERT INTO items (id, name) VALUES (301, 'after the truncate'), (302, 'too')`);
    await src.query('COMMIT');
    await inSync('the truncate and the rows after it in the target table');
    expect((await tableRows(dst, 'items')).map((r) => r['id'])).toEqual(['301', '302']);
    const after = await client.read({ topic: 'cdc.public.items', partition: 0, from: BigInt(read.nextOffset), maxRecords: 1000 });
    const t = after.records.find((r) => r.value !== null && JSON.parse(r.value.toString()).payload.op === 't')!;
    expect(t.key).toBeNull();
    expect(JSON.parse(t.value!.toString()).payload).toMatchObject({ op: 't', before: null, after: null, source: { table: 'items' } });
  });
});
