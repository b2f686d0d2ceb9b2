/**
 * The streams examples under examples/streams/ (examples/README.md) as
 * real processes against a real node, each fed through the SDK and its
 * output checked; each stops cleanly (exit 0) on SIGTERM. The word count
 * runs on a 3-node cluster in tests/cluster/streams-word-count.test.ts.
 * Needs the built dist (`pnpm build`).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient, type Gregor } from '@gregor/client';
import { pollUntil } from '@gregor/common';
import { startSingleNode, type SingleNode } from './single-node';
import { spawnStreamsExample, STREAMS_EXAMPLES, terminate, type ExampleProcess } from './streams-process';

const example = (name: string): string => path.join(STREAMS_EXAMPLES, `${name}.js`);

describe('examples/streams against a real node', () => {
  let node: SingleNode | undefined;
  let client: Gregor;
  let stateRoot: string;
  const running: ExampleProcess[] = [];

  beforeAll(async () => {
    for (const name of ['page-views-per-minute', 'enrich-orders', 'sensor-alerts']) {
      if (!existsSync(example(name))) throw new Error(`${example(name)} is missing: run \`pnpm build\` first`);
    }
    stateRoot = mkdtempSync(path.join(tmpdir(), 'gregor-streams-examples-'));
    node = await startSingleNode('gregor-streams-examples-node-', { 'group.initial.rebalance.delay.ms': '0' });
    client = createClient({ bootstrap: node.bootstrap });
  });
  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await client?.close();
    node?.stop();
    if (stateRoot !== undefined) rmSync(stateRoot, { recursive: true, force: true });
  });

  /** Starts an example and waits until it processes (state RUNNING). */
  async function start(name: string, args: string[] = []): Promise<ExampleProcess> {
    const r = spawnStreamsExample(name, args, { bootstrap: node!.bootstrap, stateDir: path.join(stateRoot, name) });
    running.push(r);
    await pollUntil(() => r.log().includes('-> RUNNING'), { timeoutMs: 60_000, what: `${name} to be RUNNING` }).catch((err: Error) => {
      throw new Error(`${err.message}\n${r.log().slice(-3000)}`);
    });
    return r;
  }

  /** SIGTERM; expects a clean exit. */
  async function stop(r: ExampleProcess): Promise<void> {
    const code = await terminate(r);
    expect({ code, log: code === 0 ? '' : r.log().slice(-3000) }).toEqual({ code: 0, log: '' });
  }

  /** Every record of a topic (all partitions), as [key, value] text. */
  async function readTopic(topic: string): Promise<[string, string][]> {
    const [t] = await client.admin().describeTopics([topic]);
    const out: [string, string][] = [];
    for (const p of t!.partitions) {
      const res = await client.read({ topic, partition: p.partition, from: 'earliest', maxRecords: 10_000 });
      for (const r of res.records) out.push([r.key?.toString() ?? '', r.value?.toString() ?? '']);
    }
    return out;
  }

  it('page-views-per-minute --generate 3: exactly one final count per page and minute', async () => {
    const r = await start('page-views-per-minute', ['--generate', '3']);
    const pages = ['/home', '/search', '/cart', '/checkout'];
    const got = await pollUntil(
      async () => {
        const out = await readTopic('page-views-per-minute');
        return out.length >= 12 ? out : undefined;
      },
      { timeoutMs: 60_000, what: '12 final window counts' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${r.log().slice(-3000)}`);
    });
    // Per page, its three minutes in time order: (m + 1) × (i + 1) views in minute m; one record per window.
    expect(got).toHaveLength(12);
    for (const [i, page] of pages.entries()) {
      const windows = got.filter(([k]) => k.startsWith(`${page}@`)).sort(([a], [b]) => (a < b ? -1 : 1));
      expect(windows.map(([, v]) => v)).toEqual([1, 2, 3].map((m) => String(m * (i + 1))));
      const minutes = windows.map(([k]) => Date.parse(`${k.slice(page.length + 1)}:00Z`));
      expect(minutes.map((t) => t - minutes[0]!)).toEqual([0, 60_000, 120_000]);
    }
    expect(r.log()).toContain('generated 64 page views over 3 minutes');
    await stop(r);
  });

  it('enrich-orders: orders joined with the customers table (left join)', async () => {
    const r = await start('enrich-orders');
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'customers', messages: [{ key: 'c1', value: '{"name":"Ada","tier":"gold"}' }, { key: 'c2', value: '{"name":"Bob","tier":"silver"}' }] });
    // The table has both customers once its changelog does.
    await pollUntil(async () => (await readTopic('enrich-orders-customers-changelog')).length === 2, { timeoutMs: 60_000, what: 'the customers table to hold both customers' });
    await producer.send({ topic: 'orders', messages: [{ key: 'c1', value: '{"item":"book","amount":20}' }, { key: 'c9', value: '{"item":"pen","amount":2}' }] });
    await producer.close();
    const out = await pollUntil(async () => {
      const o = await readTopic('orders-enriched');
      return o.length >= 2 ? o : undefined;
    }, { timeoutMs: 60_000, what: 'two enriched orders' });
    expect(Object.fromEntries(out.map(([k, v]) => [k, JSON.parse(v) as unknown]))).toEqual({
      c1: { item: 'book', amount: 20, customer: { name: 'Ada', tier: 'gold' }, discount: 2 },
      c9: { item: 'pen', amount: 2, customer: null, discount: 0 },
    });
    await stop(r);
  });

  it('sensor-alerts: a hot reading alerts at once, silent sensors from the wall-clock punctuator', async () => {
    const r = await start('sensor-alerts');
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'sensor-readings', messages: [{ key: 's1', value: '21.5' }, { key: 's2', value: '95' }] });
    await producer.close();
    const alerts = await pollUntil(async () => {
      const values = (await readTopic('sensor-alerts')).map(([, v]) => v);
      return values.some((v) => v.startsWith('SILENT s1')) && values.some((v) => v.startsWith('SILENT s2')) ? values : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, what: 'HOT and SILENT alerts' });
    expect(alerts).toContain('HOT s2: 95');
    expect(alerts.filter((v) => v.startsWith('HOT'))).toEqual(['HOT s2: 95']);
    expect(alerts.filter((v) => v.startsWith('SILENT'))).toHaveLength(2); // once per silence
    await stop(r);
  });
});
