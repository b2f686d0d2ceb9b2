/**
 * Issue #17 item 3: a Python service with nothing but stubs generated from
 * proto/gregor/v1/records.proto publishes and reads against a real 3-node
 * cluster. The stubs are generated here, at test time, with Debian's
 * python3-grpc-tools (examples/python/gen-stubs.sh installs it when missing),
 * and the examples run under /usr/bin/python3 exactly as the README shows.
 * Needs the built dist (`pnpm build`): the cluster runs real gregor-node processes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { partitionForKey } from '@gregor/client';
import { runProcess, type ProcessResult } from '@gregor/common';
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

  afterAll(async () => {
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

  it('the README\'s "From any language" snippet runs as printed (its address pointed at this cluster)', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### From any language'));
    const snippet = /```python\n([\s\S]*?)```/.exec(section)![1]!;
    expect(snippet.trim().split('\n').length).toBeLessThan(20);
    expect(snippet).toContain('127.0.0.1:9092');
    await cluster!.client.admin().createTopics([{ topic: 'orders', numPartitions: 3, replicationFactor: 3 }]);
    const run = await runProcess(PYTHON, ['-c', snippet.replace('127.0.0.1:9092', cluster!.bootstrap(1)[0]!)], {
      env: { ...process.env, PYTHONPATH: stubs! },
      timeoutMs: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(`partition ${partitionForKey(Buffer.from('customer-42'), 3)} offset 0`);
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
});
