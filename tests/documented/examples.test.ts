/**
 * The SDK examples under examples/ (examples/README.md) run against a real
 * node, in the README's order, and say what they claim: admin, then
 * producer, then consumer reading back what the producer wrote. The node is
 * the built gregor-node on port 0 in a temp dir (single-node mode); the
 * examples find it through GREGOR_BOOTSTRAP, as documented.
 * Needs the built dist (`pnpm build`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, startSingleNode, type SingleNode } from './single-node';

const example = (name: string): string => path.join(ROOT, 'examples/dist', `${name}.js`);

function runExample(name: string, bootstrap: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [example(name)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, GREGOR_BOOTSTRAP: bootstrap },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/ against a real node', () => {
  let node: SingleNode | undefined;
  let bootstrap: string;

  beforeAll(async () => {
    for (const file of [example('admin'), example('producer'), example('consumer'), example('exactly-once-copy')]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm build\` first`);
    }
    node = await startSingleNode('gregor-examples-');
    bootstrap = node.bootstrap;
  });
  afterAll(() => node?.stop());

  async function expectRuns(name: string): Promise<string> {
    const r = await runExample(name, bootstrap);
    if (r.code !== 0) process.stderr.write(`examples/${name}: ${r.stdout}${r.stderr}`);
    expect({ example: name, code: r.code, stderr: r.stderr }).toEqual({ example: name, code: 0, stderr: '' });
    return r.stdout;
  }

  it('admin.ts: metadata, create with configs, describe, alter, offsets, a Kafka error name, delete', async () => {
    const out = await expectRuns('admin');
    expect(out).toMatch(/^cluster \S+: brokers 1@127\.0\.0\.1:\d+$/m);
    expect(out).toMatch(/^topics:.*\bexamples\.admin\b/m);
    expect(out).toMatch(/^partition 0: leader 1 replicas \[1\] isr \[1\]$/m);
    expect(out).toMatch(/^partition 1: leader 1 replicas \[1\] isr \[1\]$/m);
    expect(out).toMatch(/^retention\.ms=86400000$/m);
    expect(out).toMatch(/^offset of examples\.admin-0: 0$/m);
    // Two unkeyed records in one send land in one partition (sticky): latest offsets sum to 2.
    const latest = [...out.matchAll(/^offset of examples\.admin-\d: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(latest).toHaveLength(3);
    expect(latest[1]! + latest[2]!).toBe(2);
    expect(out).toMatch(/^second create: TOPIC_ALREADY_EXISTS \(code 36, retriable false\)$/m);
    expect(out).toMatch(/^deleted examples\.admin$/m);
  });

  it('producer.ts: keyed records with headers, a multi-record send, 1000 batched sends', async () => {
    const out = await expectRuns('producer');
    expect(out).toMatch(/^order 1 → partition [0-2] offset 0$/m);
    expect([...out.matchAll(/^→ partition [0-2] offset \d+$/gm)]).toHaveLength(3);
    expect(out).toMatch(/^1000 unkeyed records acknowledged \(sticky partitioning: [1-3] partition\(s\) used\)$/m);
  });

  it('consumer.ts: reads back everything the producer wrote, then the iterator and position', async () => {
    const out = await expectRuns('consumer');
    expect(out).toMatch(/^read 1004 records$/m);
    expect(out).toMatch(/key=customer-42 value=\{"order":1,"item":"book","qty":1\}/);
    // The iterator reads the first three records of one partition (the fullest: it has hundreds).
    const iterated = [...out.matchAll(/^iterator: (\d)@(\d+) /gm)].map((m) => [Number(m[1]), Number(m[2])]);
    const p = iterated[0]![0];
    expect(iterated).toEqual([[p, 0], [p, 1], [p, 2]]);
    expect(out).toMatch(new RegExp(`^position of partition ${p}: 3$`, 'm'));
  });

  it('exactly-once-copy.ts: copies the producer’s records in transactions, the aborted first batch neither seen nor committed', async () => {
    const out = await expectRuns('exactly-once-copy');
    expect(out).toMatch(/^aborted a transaction of \d+ records$/m);
    expect(out).toMatch(/^copied 1004 records from examples\.orders to examples\.orders\.copy exactly once$/m);
    expect(out).toMatch(/^read_committed reader of examples\.orders\.copy: 1004 records$/m);
  });
});
