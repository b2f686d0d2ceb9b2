/**
 * `gregor subscribe TOPIC --group G` in-process against a real in-process
 * gregor-node: prints values, acks each after printing (the group's offset
 * passes exactly what was printed, so a second run resumes there),
 * --max-messages and --timeout-ms, and NOT_FOUND for an unknown topic.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil, silentLogger } from '@gregor/common';
import { createClient, type Gregor } from '@gregor/client';
import { connect, run, type CommonOptions } from '@gregor/cli';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { captureIO } from './helpers';

describe('gregor subscribe against a real node', () => {
  let dir: string;
  let node: RunningNode;
  let client: Gregor;
  let bootstrap: string;

  const quick: typeof connect = (opts: CommonOptions, extra = {}) => connect(opts, { retry: { initialBackoffMs: 20, maxBackoffMs: 200 }, ...extra });
  async function gregor(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const c = captureIO();
    const code = await run([...args, '--bootstrap', bootstrap], c.io, quick);
    return { code, stdout: c.stdout(), stderr: c.stderr() };
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-cli-subscribe-'));
    node = await startNode(
      nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 3 }),
      { logger: silentLogger() },
    );
    bootstrap = node.clientAddress!;
    client = createClient({ bootstrap });
    await client.admin().createTopics([{ topic: 'tasks', numPartitions: 1 }]);
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'tasks', messages: Array.from({ length: 10 }, (_, i) => ({ value: `task-${i}` })) });
    await producer.close();
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('prints and acks; --max-messages stops; a second run resumes after what was printed; --timeout-ms ends an idle run', async () => {
    const first = await gregor('subscribe', 'tasks', '--group', 'workers', '--from-beginning', '--max-messages', '4');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('task-0\ntask-1\ntask-2\ntask-3\n');
    expect(first.stderr).toContain('Processed a total of 4 messages');
    const c = client.consumer({ groupId: 'workers' });
    await pollUntil(async () => (await c.committed([{ topic: 'tasks', partition: 0 }])).get('tasks-0') === 4n, { timeoutMs: 30_000, what: 'offset 4 committed' });
    await c.close();
    const second = await gregor('subscribe', 'tasks', '--group', 'workers', '--timeout-ms', '1500', '--print-offset');
    expect(second.code).toBe(0);
    expect(second.stdout.trim().split('\n')).toEqual(Array.from({ length: 6 }, (_, i) => `Offset:${i + 4}\ttask-${i + 4}`));
  });

  test('an unknown topic exits 2 with UNKNOWN_TOPIC_OR_PARTITION; a missing --group is a usage error', async () => {
    const r = await gregor('subscribe', 'no-such-tasks', '--group', 'w', '--timeout-ms', '5000');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('UNKNOWN_TOPIC_OR_PARTITION');
    const u = await gregor('subscribe', 'tasks');
    expect(u.code).toBe(1);
  });
});
