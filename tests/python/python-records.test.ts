/**
 * Issue #17 item 3: a Python service with nothing but stubs generated from
 * proto/gregor/v1/records.proto publishes and reads against a real 3-node
 * cluster. The stubs are generated here, at test time, with Debian's
 * python3-grpc-tools (examples/python/gen-stubs.sh installs it when missing),
 * and the examples run under /usr/bin/python3 exactly as the README shows.
 * Needs the built dist (`pnpm build`): the cluster runs real gregor-node processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { partitionForKey } from '@gregor/client';
import { pollUntil, runProcess, type ProcessResult } from '@gregor/common';
import { TestCluster } from '../cluster/harness';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLES = path.join(ROOT, 'examples/python');
const PYTHON = '/usr/bin/python3';
const COUNT = 10_000;
const KEYS = 100;

interface ReadLine {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

interface SubscribeLine {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  attempt: number;
}

/** A running examples/python/subscribe.py: its JSON lines as they come. */
class PySubscriber {
  readonly records: SubscribeLine[] = [];
  readonly nodes: string[] = [];
  assignment: { topic: string; partitions: number[] }[] = [];
  stderr = '';
  private partial = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(PYTHON, [path.join(EXAMPLES, 'subscribe.py'), ...args], { cwd: EXAMPLES, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop()!;
      for (const l of parts) {
        const o = JSON.parse(l) as Record<string, unknown>;
        if ('node' in o) this.nodes.push(o['node'] as string);
        else if ('assignment' in o) this.assignment = o['assignment'] as { topic: string; partitions: number[] }[];
        else this.records.push(o as unknown as SubscribeLine);
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  owned(): number {
    return this.assignment.reduce((n, t) => n + t.partitions.length, 0);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

describe('Python examples against a 3-node cluster (gregor.v1.Records)', () => {
  let cluster: TestCluster | undefined;
  let stubs: string | undefined;

  const python = (script: string, args: string[]): Promise<ProcessResult> =>
    runProcess(PYTHON, [path.join(EXAMPLES, script), ...args], {
      cwd: EXAMPLES,
      env: { ...process.env, PYTHONPATH: `${stubs!}:${EXAMPLES}`, PYTHONUNBUFFERED: '1' },
      timeoutMs: 180_000,
    });

  beforeAll(async () => {
    stubs = mkdtempSync(path.join(tmpdir(), 'gregor-py-stubs-'));
    // apt-get may wait for the dpkg lock (other installs on the machine): generous, but bounded.
    const gen = await runProcess('sh', [path.join(EXAMPLES, 'gen-stubs.sh'), stubs], { timeoutMs: 900_000 });
    if (gen.code !== 0) throw new Error(`gen-stubs.sh failed (${String(gen.code)}):\n${gen.stderr}`);
    cluster = await TestCluster.start(3);
    await cluster.client.admin().createTopics([{ topic: 'py-orders', numPartitions: 3, replicationFactor: 3 }]);
    await cluster.waitForFullIsr('py-orders');
  }, 1_200_000);

  const subscribers: PySubscriber[] = [];
  const subscribe = (args: string[]): PySubscriber => {
    const s = new PySubscriber(args, { ...process.env, PYTHONPATH: `${stubs!}:${EXAMPLES}`, PYTHONUNBUFFERED: '1' });
    subscribers.push(s);
    return s;
  };
  /** A bootstrap list that starts with node `first`. */
  const via = (first: number): string => [first, ...[1, 2, 3].filter((n) => n !== first)].map((n) => cluster!.bootstrap(n)[0]!).join(',');

  afterAll(async () => {
    for (const s of subscribers) s.kill();
    await cluster?.stop();
    if (stubs !== undefined) rmSync(stubs, { recursive: true, force: true });
  });

  it('publish.py publishes 10,000 keyed records in batches of 1,000; read.py reads each once, keys on murmur2 partitions, in per-key order', async () => {
    const bootstrap = cluster!.bootstrap().join(',');
    const pub = await python('publish.py', ['--bootstrap', bootstrap, '--topic', 'py-orders', '--count', String(COUNT), '--batch', '1000', '--keys', String(KEYS)]);
    expect(pub.stderr).toBe('');
    expect(pub.code).toBe(0);
    const summary = JSON.parse(pub.stdout.trim()) as { published: number; partitions: Record<string, number> };
    expect(summary.published).toBe(COUNT);

    // Read through one node only: it serves partitions it does not lead too.
    const read = await python('read.py', ['--bootstrap', cluster!.bootstrap(2)[0]!, '--topic', 'py-orders']);
    expect(read.stderr).toBe('');
    expect(read.code).toBe(0);
    const lines = read.stdout.trim().split('\n').map((l) => JSON.parse(l) as ReadLine);
    expect(lines).toHaveLength(COUNT);
    const seen = new Set<string>();
    const lastIndexOfKey = new Map<string, number>();
    const perPartition = new Map<number, number>();
    for (const l of lines) {
      expect(seen.has(l.value!)).toBe(false);
      seen.add(l.value!);
      const i = Number(l.value!.slice('value-'.length));
      expect(l.key).toBe(`key-${i % KEYS}`);
      expect(l.partition).toBe(partitionForKey(Buffer.from(l.key!), 3));
      // read.py prints each partition in offset order: a key's values must rise.
      expect(i).toBeGreaterThan(lastIndexOfKey.get(l.key!) ?? -1);
      lastIndexOfKey.set(l.key!, i);
      perPartition.set(l.partition, (perPartition.get(l.partition) ?? 0) + 1);
    }
    expect(Object.fromEntries([...perPartition].map(([p, n]) => [String(p), n]))).toEqual(summary.partitions);
  });

  it('the README\'s "From any language" snippet runs as printed (addresses pointed at this cluster): publishes, subscribes with acks, survives kill -9 of its node', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### From any language'));
    let snippet = /```python\n([\s\S]*?)```/.exec(section)![1]!;
    expect(snippet.trim().split('\n').length).toBeLessThan(20);
    for (const [i, port] of ['9092', '9093', '9094'].entries()) {
      expect(snippet).toContain(`127.0.0.1:${port}`);
      snippet = snippet.replace(`127.0.0.1:${port}`, cluster!.bootstrap(i + 1)[0]!);
    }
    await cluster!.client.admin().createTopics([{ topic: 'orders', numPartitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    await cluster!.waitForFullIsr('orders');
    const partition = partitionForKey(Buffer.from('customer-42'), 3);
    const child = spawn(PYTHON, ['-c', snippet], { env: { ...process.env, PYTHONPATH: stubs!, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    try {
      const line = (offset: number): string => `partition ${partition} offset ${offset}: {"qty": ${offset + 1}}`;
      await pollUntil(() => stdout.includes(line(0)), { timeoutMs: 60_000, what: `the snippet to receive its record (stdout: ${stdout}, stderr: ${stderr})` });
      expect(stdout.startsWith(`published: partition ${partition} offset 0\n`)).toBe(true);
      // Its stream is on node 1 (first in its list): kill it, publish the next record, and the reopened stream gets it.
      await cluster!.kill(1);
      const producer = cluster!.client.producer({ acks: 'all' });
      await producer.send({ topic: 'orders', key: 'customer-42', value: '{"qty": 2}' });
      await producer.close();
      await pollUntil(() => stdout.includes(line(1)), { timeoutMs: 60_000, what: `the snippet to receive the record published after the kill (stdout: ${stdout}, stderr: ${stderr})` });
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
      // Node 1 back with every replica in sync, for the tests after this one.
      await cluster!.restart(1);
      await cluster!.waitForFullIsr('py-orders');
    }
  });

  it('bad input from Python: an unknown topic is NOT_FOUND with UNKNOWN_TOPIC_OR_PARTITION, and the cluster serves on', async () => {
    const bootstrap = cluster!.bootstrap().join(',');
    const bad = await python('publish.py', ['--bootstrap', bootstrap, '--topic', 'py-no-such-topic', '--count', '10', '--batch', '10']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('StatusCode.NOT_FOUND');
    expect(bad.stderr).toContain('UNKNOWN_TOPIC_OR_PARTITION');
    const ok = await python('publish.py', ['--bootstrap', bootstrap, '--topic', 'py-orders', '--count', '10', '--batch', '10']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ published: 10 });
  });

  it('subscribe.py: three subscribers in one group share 3 partitions and get each of 10,000 records exactly once, in per-key order', async () => {
    await cluster!.client.admin().createTopics([{ topic: 'py-subs', numPartitions: 3, replicationFactor: 3 }]);
    await cluster!.waitForFullIsr('py-subs');
    const subs = [1, 2, 3].map((n) => subscribe(['--bootstrap', via(n), '--topic', 'py-subs', '--group', 'py-g', '--from-beginning', '--idle-ms', '5000']));
    // All three own a partition before anything is published: no rebalance moves records that are in flight.
    await pollUntil(() => subs.every((s) => s.owned() === 1), { timeoutMs: 60_000, what: 'each Python subscriber to own one partition' });
    const pub = await python('publish.py', ['--bootstrap', cluster!.bootstrap().join(','), '--topic', 'py-subs', '--count', String(COUNT), '--batch', '1000', '--keys', String(KEYS)]);
    expect(pub.code).toBe(0);
    const codes = await Promise.all(subs.map((s) => s.exited));
    expect(subs.map((s) => s.stderr)).toEqual(['', '', '']);
    expect(codes).toEqual([0, 0, 0]);
    const all = subs.flatMap((s) => s.records);
    expect(all).toHaveLength(COUNT);
    expect(new Set(all.map((r) => r.value)).size).toBe(COUNT);
    expect(all.every((r) => r.attempt === 1)).toBe(true);
    for (const s of subs) {
      expect(s.records.length).toBeGreaterThan(0);
      const last = new Map<string, number>();
      for (const r of s.records) {
        const i = Number(r.value!.slice('value-'.length));
        expect(r.key).toBe(`key-${i % KEYS}`);
        expect(i).toBeGreaterThan(last.get(r.key!) ?? -1);
        last.set(r.key!, i);
      }
    }
  });

  it('subscribe.py: kill -9 of the node serving one subscriber — it reopens on another node, every record arrives, none skipped', async () => {
    await cluster!.client.admin().createTopics([{ topic: 'py-fail', numPartitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    await cluster!.waitForFullIsr('py-fail');
    const subs = [1, 2, 3].map((n) => subscribe(['--bootstrap', via(n), '--topic', 'py-fail', '--group', 'py-fail-g', '--from-beginning', '--idle-ms', '20000']));
    await pollUntil(() => subs.every((s) => s.owned() === 1), { timeoutMs: 60_000, what: 'each Python subscriber to own one partition' });
    const first = await python('publish.py', ['--bootstrap', cluster!.bootstrap().join(','), '--topic', 'py-fail', '--count', '3000', '--batch', '500', '--keys', String(KEYS)]);
    expect(first.code).toBe(0);
    await pollUntil(() => subs.reduce((n, s) => n + s.records.length, 0) >= 3000, { timeoutMs: 60_000, what: 'the first 3,000 records' });
    const victim = subs[2]!;
    expect(victim.nodes[0]).toBe(cluster!.bootstrap(3)[0]);
    await cluster!.kill(3);
    const second = await python('publish.py', ['--bootstrap', via(1), '--topic', 'py-fail', '--count', '3000', '--batch', '500', '--keys', String(KEYS)]);
    expect(second.code).toBe(0);
    const codes = await Promise.all(subs.map((s) => s.exited));
    expect(codes).toEqual([0, 0, 0]);
    expect(victim.nodes.length).toBeGreaterThan(1); // it reopened its stream on another node
    const values = new Set(subs.flatMap((s) => s.records.map((r) => r.value)));
    // publish.py numbers records from 0 in each run: both runs' values are the same 3,000 names, each published twice.
    for (let i = 0; i < 3000; i++) expect(values.has(`value-${i}`)).toBe(true);
    const perPartition = new Map<number, Set<number>>();
    for (const r of subs.flatMap((s) => s.records)) {
      const set = perPartition.get(r.partition) ?? new Set<number>();
      perPartition.set(r.partition, set);
      set.add(r.offset);
    }
    // Nothing skipped: every offset of every partition up to its end was delivered.
    const ends = await cluster!.client.admin().listOffsets([0, 1, 2].map((partition) => ({ topic: 'py-fail', partition, spec: 'latest' as const })));
    expect(ends.reduce((n, e) => n + Number(e.offset), 0)).toBe(6000);
    for (const e of ends) for (let o = 0; o < Number(e.offset); o++) expect(perPartition.get(e.partition)?.has(o)).toBe(true);
    // Node 3 back with every replica in sync, for the tests after this one.
    await cluster!.restart(3);
    await cluster!.waitForFullIsr('py-fail');
  });

  it('publish.py survives kill -9 of the node it talks to: it moves to the next node and every record arrives (at least once)', async () => {
    await cluster!.client.admin().createTopics([{ topic: 'py-failover', numPartitions: 3, replicationFactor: 3 }]);
    await cluster!.waitForFullIsr('py-failover');
    // Node 1 first in the list: the script talks to it until it dies. Paced so that the kill lands mid-run.
    const bootstrap = [...cluster!.bootstrap(1), ...cluster!.bootstrap(2, 3)].join(',');
    let exited = false;
    const run = python('publish.py', ['--bootstrap', bootstrap, '--topic', 'py-failover', '--count', String(COUNT), '--batch', '500', '--rate', '2500']).finally(() => (exited = true));
    const sdk = cluster!.client;
    await pollUntil(
      async () => {
        const ends = await sdk.admin().listOffsets([0, 1, 2].map((partition) => ({ topic: 'py-failover', partition, spec: 'latest' as const })));
        return ends.reduce((n, e) => n + Number(e.offset), 0) >= 2000 || undefined;
      },
      { timeoutMs: 60_000, what: '2,000 records published before the kill' },
    );
    expect(exited).toBe(false); // else the kill would prove nothing
    await cluster!.kill(1);
    const pub = await run;
    expect(pub.code).toBe(0);
    expect(JSON.parse(pub.stdout.trim())).toMatchObject({ published: COUNT });

    const read = await python('read.py', ['--bootstrap', cluster!.bootstrap(2, 3).join(','), '--topic', 'py-failover']);
    expect(read.code).toBe(0);
    const values = new Set(read.stdout.trim().split('\n').map((l) => (JSON.parse(l) as ReadLine).value));
    const missing = Array.from({ length: COUNT }, (_, i) => `value-${i}`).filter((v) => !values.has(v));
    expect(missing).toEqual([]);
  });
});
