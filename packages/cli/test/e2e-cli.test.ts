/**
 * `gregor` as a user runs it: a real gregor-node process in a temp dir and
 * the CLI as child processes (built dist: `pnpm exec tsc -b packages/cli packages/node`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { CLI_BIN, gregor, NODE_BIN, NodeProcess } from './e2e-helpers';

describe('gregor CLI end to end (real node process)', () => {
  let dir: string;
  let node: NodeProcess;

  beforeAll(async () => {
    for (const bin of [CLI_BIN, NODE_BIN]) {
      if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm exec tsc -b packages/cli packages/node\` first`);
    }
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-cli-e2e-'));
    node = new NodeProcess(path.join(dir, 'data'));
    await node.start();
  });

  afterAll(async () => {
    await node?.kill9();
    await rm(dir, { recursive: true, force: true });
  });

  const lines = Array.from({ length: 10000 }, (_, i) => `line-${i}`);

  it('create, produce 10,000 lines, consume them back in order, describe, delete', async () => {
    const b = ['--bootstrap', node.address];
    const created = await gregor(['topic', 'create', 'cli-e2e', '--partitions', '1', '--replication-factor', '1', '--config', 'retention.ms=3600000', ...b]);
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic cli-e2e.\n' });

    const produced = await gregor(['produce', 'cli-e2e', ...b], `${lines.join('\n')}\n`);
    expect(produced.code).toBe(0);
    expect(produced.stderr).toContain('Produced 10000 record(s) to cli-e2e (acks=all)');

    const consumed = await gregor(['consume', 'cli-e2e', '--from-beginning', '--max-messages', '10000', ...b]);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.split('\n').slice(0, -1)).toEqual(lines);
    expect(consumed.stderr).toContain('Processed a total of 10000 messages');

    const described = await gregor(['topic', 'describe', 'cli-e2e', ...b]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/^Topic: cli-e2e\tTopicId: \S+\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: retention.ms=3600000\n/);
    expect(described.stdout).toContain('\tTopic: cli-e2e\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1');

    const listed = await gregor(['topic', 'list', '--json', ...b]);
    expect(JSON.parse(listed.stdout)).toContain('cli-e2e');

    const deleted = await gregor(['topic', 'delete', 'cli-e2e', ...b]);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted topic cli-e2e.\n' });
    const gone = await gregor(['topic', 'list', ...b]);
    expect(gone.stdout.split('\n')).not.toContain('cli-e2e');
  });

  it('exits 2 naming the Kafka error for an unknown topic', async () => {
    const b = ['--bootstrap', node.address];
    for (const args of [['consume', 'no-such-topic'], ['produce', 'no-such-topic'], ['topic', 'describe', 'no-such-topic'], ['topic', 'delete', 'no-such-topic']]) {
      const res = await gregor([...args, ...b], 'x\n');
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/^UNKNOWN_TOPIC_OR_PARTITION: .*no-such-topic/);
    }
    await gregor(['topic', 'create', 'twice', ...b]);
    const again = await gregor(['topic', 'create', 'twice', ...b]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^TOPIC_ALREADY_EXISTS: /);
    const bad = await gregor(['topic', 'create', 'badcfg', '--config', 'retention.ms=soon', ...b]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^INVALID_CONFIG: .*retention\.ms/);
  });

  it('keys, partitions, offsets, --timeout-ms and --json', async () => {
    const b = ['--bootstrap', node.address];
    expect((await gregor(['topic', 'create', 'kv', '--partitions', '3', ...b])).code).toBe(0);
    const input = Array.from({ length: 30 }, (_, i) => `user-${i % 5}:event-${i}`).join('\n');
    const produced = await gregor(['produce', 'kv', '--key-separator', ':', '--acks', '1', '--json', ...b], input);
    expect(produced.code).toBe(0);
    expect(JSON.parse(produced.stdout)).toEqual({ topic: 'kv', acks: 1, read: 30, acknowledged: 30, failed: 0 });

    // All partitions: exit 0 with all 30 (the record count ends it; the timeout only guards a hang).
    const all = await gregor(['consume', 'kv', '--from-beginning', '--max-messages', '30', '--timeout-ms', '30000', '--print-key', ...b]);
    expect(all.code).toBe(0);
    const got = all.stdout.trim().split('\n');
    expect(got).toHaveLength(30);
    // Per key, events keep their order (a key lives in one partition).
    for (let k = 0; k < 5; k++) {
      const mine = got.filter((l) => l.startsWith(`user-${k}\t`)).map((l) => Number(l.split('-')[2]));
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
      expect(mine).toHaveLength(6);
    }

    // murmur2 puts user-0 and user-4 on partition 1 (12 records), user-1..3 on 2, none on 0.
    const json = await gregor(['consume', 'kv', '--partition', '1', '--offset', '1', '--max-messages', '1', '--timeout-ms', '10000', '--json', ...b]);
    expect(json.code).toBe(0);
    const rec = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(rec).toMatchObject({ topic: 'kv', partition: 1, offset: '1', key: 'user-4', value: 'event-4' });

    const beyond = await gregor(['consume', 'kv', '--partition', '1', '--offset', '500', '--timeout-ms', '300', ...b]);
    expect(beyond).toMatchObject({ code: 0, stdout: '' });
    expect(beyond.stderr).toContain('offset 500 is out of range [0, 12); auto.offset.reset=latest → reading from 12\n');

    const explicit = await gregor(['produce', 'kv', '--partition', '2', ...b], 'p2\n');
    expect(explicit.code).toBe(0);
    const last = await gregor(['consume', 'kv', '--partition', '2', '--offset', 'latest', '--timeout-ms', '300', ...b]);
    expect(last).toMatchObject({ code: 0, stdout: '' });
    const noPartition = await gregor(['produce', 'kv', '--partition', '9', ...b], 'x\n');
    expect(noPartition.code).toBe(2);
    expect(noPartition.stderr).toMatch(/^UNKNOWN_TOPIC_OR_PARTITION: /);
    const noSep = await gregor(['produce', 'kv', '--key-separator', ':', ...b], 'a:1\nno separator here\n');
    expect(noSep.code).toBe(1);
    expect(noSep.stderr).toMatch(/line 2 has no key separator/);
  });

  it('consume without limits stops cleanly on SIGINT (exit 0) after printing what arrived', async () => {
    const b = ['--bootstrap', node.address];
    expect((await gregor(['topic', 'create', 'follow', ...b])).code).toBe(0);
    const child = spawn(process.execPath, [CLI_BIN, 'consume', 'follow', ...b], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // It starts at the end: produce until a record produced after it started shows up.
    await pollUntil(
      async () => {
        await gregor(['produce', 'follow', ...b], 'live\n');
        return stdout.includes('live\n');
      },
      { timeoutMs: 30000, intervalMs: 200, what: 'the follower to print a live record' },
    );
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/Processed a total of [1-9]\d* messages/);
  });

  it('10,000 produced lines survive kill -9 and restart of the node, intact and in order', async () => {
    let b = ['--bootstrap', node.address];
    expect((await gregor(['topic', 'create', 'durable', ...b])).code).toBe(0);
    expect((await gregor(['produce', 'durable', ...b], `${lines.join('\n')}\n`)).code).toBe(0);
    await node.kill9();
    await node.start();
    b = ['--bootstrap', node.address];
    const consumed = await gregor(['consume', 'durable', '--from-beginning', '--max-messages', '10000', ...b]);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.split('\n').slice(0, -1)).toEqual(lines);
  });
});
