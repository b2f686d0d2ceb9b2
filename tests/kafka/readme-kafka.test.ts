/**
 * The README's "Using Kafka clients" section, tried as a new user would:
 * every kcat line, Python block and kafkajs block runs against a real
 * 3-node cluster, with the quick-start ports (9392–9394) replaced by the
 * test cluster's KAFKA ports. Skipped: the `kcat -G` line (it runs until
 * Ctrl-C; tests/kafka/kcat.test.ts covers -G) and the demo
 * (kafka-demo.test.ts). Skipped with a SKIPPED line when the clients are
 * not installed, except under CI=true.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '@gregor/common';
import { SYSTEM_PYTHON, describeWithKafkaClients } from './client-driver';
import { KafkaCluster } from './scenarios';

const ROOT = path.resolve(__dirname, '../..');

/** The fenced code blocks of the README's "### Using Kafka clients" section, by language. */
function sectionBlocks(): { lang: string; code: string }[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Using Kafka clients');
  expect(start).toBeGreaterThanOrEqual(0);
  const section = readme.slice(start, readme.indexOf('<!-- kafka-api-table:begin', start));
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}

describeWithKafkaClients('tests/kafka/readme-kafka')('README: Using Kafka clients', () => {
  let c: KafkaCluster | undefined;
  let localize: (code: string) => string = (s) => s;
  beforeAll(async () => {
    c = await KafkaCluster.start();
    const ports = c.kafka().split(',');
    localize = (code) => code.replace(/127\.0\.0\.1:939([234])/g, (_m, i: string) => ports[Number(i) - 2]!);
    await c.createTopic('orders', 3);
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  }, 60_000);

  const blocks = sectionBlocks();

  it('has a kcat, a kafka-python, a confluent-kafka and a kafkajs example', () => {
    const codes = blocks.map((b) => b.code);
    expect(codes.some((s) => s.includes('kcat -b'))).toBe(true);
    expect(codes.some((s) => s.includes('from kafka import'))).toBe(true);
    expect(codes.some((s) => s.includes('from confluent_kafka import'))).toBe(true);
    expect(codes.some((s) => s.includes("require('kafkajs')"))).toBe(true);
  });

  it('the kcat lines list the brokers, produce and read back', async () => {
    const sh = blocks.find((b) => b.lang === 'sh' && b.code.includes('kcat -b'))!;
    const lines = localize(sh.code).split('\n').filter((l) => l.trim() !== '' && !l.includes(' -G '));
    const r = await runProcess('bash', ['-euo', 'pipefail', '-c', lines.join('\n')], { timeoutMs: 60_000 });
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/3 brokers:/);
    expect(r.stdout).toMatch(/customer-42 \{"qty":1\} source=web/);
  }, 90_000);

  it.each([
    ['kafka-python', 'from kafka import'],
    ['confluent-kafka', 'from confluent_kafka import'],
  ])('the %s block produces and reads back', async (_name, marker) => {
    const py = blocks.find((b) => b.lang === 'python' && b.code.includes(marker))!;
    const r = await runProcess(SYSTEM_PYTHON, ['-c', localize(py.code)], { timeoutMs: 90_000 });
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/b'customer-42' b'\{"qty":1\}'/);
  }, 120_000);

  it('the kafkajs block produces and reads back', async () => {
    const js = blocks.find((b) => b.lang === 'js')!;
    // Run from tests/, where kafkajs is installed (a dev dependency).
    const r = await runProcess(process.execPath, ['-e', localize(js.code)], { timeoutMs: 90_000, cwd: path.join(ROOT, 'tests') });
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/customer-42 \{"qty":1\}/);
  }, 120_000);
});
