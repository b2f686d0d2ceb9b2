import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '@gregor/cli';
import { pollUntil } from '@gregor/common';
import { clusterDown, clusterUp, DEFAULT_NODE_BIN, findFreeBasePort, type ClusterFile } from '@gregor/dev-cluster';
import { captureIO } from './helpers';

/*
 * `gregor topic alter NAME --partitions N` (kafka-topics --alter) against 3
 * real gregor-node processes in combined mode (built dist: `pnpm exec tsc -b
 * packages/cli packages/node` first): the change goes through the active
 * controller, and every replica of a new partition takes its role, so
 * acks=all produce to it succeeds and it reads back.
 */

interface DescribeJson {
  name: string;
  partitions: { partition: number; leader: number | null; replicas: number[]; isr: number[] }[];
}

async function cli(argv: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = captureIO(stdin);
  const code = await run(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

describe('gregor topic alter: usage', () => {
  test.each([
    [['topic', 'alter', 't'], /required option '--partitions <n>'/],
    [['topic', 'alter', 't', '--partitions', '0'], /--partitions must be between 1/],
    [['topic', 'alter', 'bad name!', '--partitions', '3'], /INVALID_TOPIC_EXCEPTION/],
  ])('%j exits 1', async (argv, message) => {
    // Nothing listens on port 1: a usage error must not get as far as connecting.
    const r = await cli([...argv, '--bootstrap', '127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('gregor topic alter on 3 gregor-node processes', () => {
  let dir: string;
  let cluster: ClusterFile;
  const bootstrap = (): string => cluster.nodes.map((n) => n.grpc).join(',');
  const gregor = (argv: string[], stdin = ''): ReturnType<typeof cli> => cli([...argv, '--bootstrap', bootstrap()], stdin);

  async function describeTopic(name: string): Promise<DescribeJson> {
    const r = await gregor(['topic', 'describe', name, '--json']);
    if (r.code !== 0) throw new Error(`topic describe exited ${r.code}: ${r.stderr}`);
    return (JSON.parse(r.stdout) as DescribeJson[])[0]!;
  }

  beforeAll(async () => {
    if (!existsSync(DEFAULT_NODE_BIN)) throw new Error(`${DEFAULT_NODE_BIN} is missing: run "pnpm exec tsc -b packages/cli packages/node" first`);
    dir = await mkdtemp(join(tmpdir(), 'gregor-topic-alter-'));
    cluster = await clusterUp({ dir, nodes: 3, basePort: await findFreeBasePort(3), readyTimeoutMs: 60_000 });
  });

  afterAll(async () => {
    if (cluster !== undefined) await clusterDown(dir, 3000);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('grows an RF 3 topic from 2 to 4 partitions; acks=all produce to partition 3 reads back; describe shows full ISRs', async () => {
    expect((await gregor(['topic', 'create', 'grow', '--partitions', '2', '--replication-factor', '3'])).code).toBe(0);

    const check = await gregor(['topic', 'alter', 'grow', '--partitions', '4', '--validate-only', '--json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toEqual({ topic: 'grow', partitions: 4, validateOnly: true });
    expect((await describeTopic('grow')).partitions).toHaveLength(2);

    const altered = await gregor(['topic', 'alter', 'grow', '--partitions', '4']);
    expect(altered).toMatchObject({ code: 0, stdout: 'Topic grow now has 4 partitions.\n' });

    const values = Array.from({ length: 50 }, (_, i) => `p3-${i}`);
    const produced = await gregor(['produce', 'grow', '--partition', '3', '--acks', 'all', '--json'], values.join('\n') + '\n');
    expect(produced.code).toBe(0);
    expect(JSON.parse(produced.stdout)).toMatchObject({ topic: 'grow', read: 50, acknowledged: 50, failed: 0 });

    const consumed = await gregor(['consume', 'grow', '--partition', '3', '--from-beginning', '--max-messages', '50', '--timeout-ms', '20000']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trimEnd().split('\n')).toEqual(values);

    // New partitions start with every replica in the ISR (their logs are empty).
    const t = await pollUntil(
      async () => {
        const d = await describeTopic('grow');
        return d.partitions.every((p) => p.leader !== null && p.isr.length === 3) ? d : undefined;
      },
      { timeoutMs: 20_000, what: 'every partition of grow to have a leader and 3 in-sync replicas' },
    );
    expect(t.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    for (const p of t.partitions) {
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
    }
    const human = await gregor(['topic', 'describe', 'grow']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('PartitionCount: 4\tReplicationFactor: 3');
    expect(human.stdout).toMatch(/\tPartition: 3\tLeader: [123]\tReplicas: [123],[123],[123]\tIsr: [123],[123],[123]/);
  });

  it("answers Kafka's errors with exit 2", async () => {
    const smaller = await gregor(['topic', 'alter', 'grow', '--partitions', '3']);
    expect(smaller.code).toBe(2);
    expect(smaller.stderr).toMatch(/^INVALID_PARTITIONS: /m);
    const unknown = await gregor(['topic', 'alter', 'missing', '--partitions', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^UNKNOWN_TOPIC_OR_PARTITION: /m);
    expect((await describeTopic('grow')).partitions).toHaveLength(4);
  });
});
