/**
 * `gregor consume --group` and `gregor group …` in-process against a real
 * in-process gregor-node: committed offsets, lag, reset-offsets (refused
 * while the group has members), delete, --json.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil, silentLogger } from '@gregor/common';
import { createClient, type Consumer, type Gregor } from '@gregor/client';
import { connect, run, type CommonOptions } from '@gregor/cli';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { captureIO } from './helpers';

describe('gregor group commands against a real node', () => {
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
  async function describeJson(group: string): Promise<any> {
    const r = await gregor('group', 'describe', group, '--json');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-cli-group-'));
    node = await startNode(
      nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 3 }),
      { logger: silentLogger() },
    );
    bootstrap = node.clientAddress!;
    client = createClient({ bootstrap });
    await client.admin().createTopics([{ topic: 'jobs', numPartitions: 3 }]);
    const producer = client.producer({ lingerMs: 0 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => producer.send({ topic: 'jobs', partition: i % 3, value: `job-${i}`, timestamp: 1_000_000 + i })));
    await producer.close();
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('consume --group commits what it printed; describe shows committed, log end and lag = produced − committed', async () => {
    const first = await gregor('consume', 'jobs', '--group', 'workers', '--from-beginning', '--max-messages', '10');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(10);
    expect(first.stderr).toMatch(/Processed a total of 10 messages/);
    const d = await describeJson('workers');
    expect(d.state).toBe('Empty');
    expect(d.members).toEqual([]);
    const committed = d.partitions.reduce((n: number, p: any) => n + Number(p.committedOffset ?? 0), 0);
    expect(committed).toBe(10);
    for (const p of d.partitions) expect(p.logEndOffset).toBe('10');
    expect(Number(d.totalLag)).toBe(30 - 10);
    const human = await gregor('group', 'describe', 'workers');
    expect(human.stdout).toMatch(/Group workers: state Empty/);
    expect(human.stdout).toMatch(/has no active members/);
    expect(human.stdout).toMatch(/Total lag: 20/);

    // A second run resumes where the group left off: the other 20, no repeats.
    const second = await gregor('consume', 'jobs', '--group', 'workers', '--timeout-ms', '1500');
    expect(second.code).toBe(0);
    const seen = [...first.stdout.trim().split('\n'), ...second.stdout.trim().split('\n')];
    expect(new Set(seen).size).toBe(30);
    expect(seen).toHaveLength(30);
    expect((await describeJson('workers')).totalLag).toBe('0');

    const list = await gregor('group', 'list', '--json');
    expect(JSON.parse(list.stdout)).toContainEqual({ groupId: 'workers', protocolType: 'consumer', state: 'Empty' });
  });

  test('reset-offsets: earliest, an offset, a time; --dry-run changes nothing; refused while the group has members', async () => {
    await gregor('consume', 'jobs', '--group', 'resetters', '--from-beginning', '--timeout-ms', '1000');
    const toEarliest = await gregor('group', 'reset-offsets', 'resetters', '--topic', 'jobs', '--to-earliest', '--json');
    expect(toEarliest.code).toBe(0);
    expect(JSON.parse(toEarliest.stdout).offsets).toEqual([0, 1, 2].map((p) => ({ topic: 'jobs', partition: p, offset: '0' })));
    expect((await describeJson('resetters')).totalLag).toBe('30');

    const dry = await gregor('group', 'reset-offsets', 'resetters', '--topic', 'jobs', '--to-latest', '--dry-run');
    expect(dry.stdout).toMatch(/dry run/);
    expect((await describeJson('resetters')).totalLag).toBe('30');

    expect((await gregor('group', 'reset-offsets', 'resetters', '--topic', 'jobs', '--partition', '1', '--to-offset', '4')).code).toBe(0);
    const afterOffset = await describeJson('resetters');
    expect(afterOffset.partitions.find((p: any) => p.partition === 1).committedOffset).toBe('4');
    // Records were written with timestamps 1_000_000 + i, i.e. partition 2 has i = 2, 5, 8, …: the first at or after +14 is i = 14, its 5th record.
    expect((await gregor('group', 'reset-offsets', 'resetters', '--topic', 'jobs', '--partition', '2', '--to-datetime', new Date(1_000_014).toISOString())).code).toBe(0);
    expect((await describeJson('resetters')).partitions.find((p: any) => p.partition === 2).committedOffset).toBe('4');

    // A member is active: refused with a clear error, nothing changed.
    const member = client.consumer({ groupId: 'resetters', heartbeatIntervalMs: 200, sessionTimeoutMs: 6000 });
    member.subscribe(['jobs']);
    await pollUntil(async () => (await member.poll({ timeoutMs: 50 }), member.assignment().length === 3), { timeoutMs: 20_000, what: 'the member to join' });
    const refused = await gregor('group', 'reset-offsets', 'resetters', '--topic', 'jobs', '--to-latest');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^NON_EMPTY_GROUP: offsets can only be reset while group "resetters" has no members, but it is Stable with 1 member\(s\)/);
    const del = await gregor('group', 'delete', 'resetters');
    expect(del.code).toBe(2);
    expect(del.stderr).toMatch(/^NON_EMPTY_GROUP: group resetters has 1 active member\(s\): stop its consumers first\n/);
    const live = await describeJson('resetters');
    expect(live.state).toBe('Stable');
    expect(live.members[0]).toMatchObject({ clientId: 'gregor-client', host: '/127.0.0.1' });
    expect(live.members[0].partitions).toHaveLength(3);
    expect(live.partitions.every((p: any) => p.memberId === live.members[0].memberId)).toBe(true);
    await member.close();

    const deleted = await gregor('group', 'delete', 'resetters');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/Deletion of requested consumer groups \('resetters'\) was successful/);
    const gone = await gregor('group', 'describe', 'resetters');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/^GROUP_ID_NOT_FOUND: consumer group "resetters" does not exist/);
  });
  test('reset-offsets: a member that joins between the emptiness check and the commit gets the same NON_EMPTY_GROUP error, and nothing changes', async () => {
    const g = 'racers';
    expect((await gregor('consume', 'jobs', '--group', g, '--from-beginning', '--timeout-ms', '1000')).code).toBe(0);
    const before = (await describeJson(g)).partitions.map((p: any) => [p.partition, p.committedOffset]);
    expect(before).toEqual([0, 1, 2].map((p) => [p, '10']));
    // The CLI's client, with a member joining the group right before the
    // commit: the race, made deterministic.
    let member: Consumer | undefined;
    const racing: typeof connect = (opts, extra = {}) => {
      const c = quick(opts, extra);
      const admin = c.admin();
      const alter = admin.alterGroupOffsets.bind(admin);
      admin.alterGroupOffsets = async (...args) => {
        member = client.consumer({ groupId: g, enableAutoCommit: false, heartbeatIntervalMs: 200, sessionTimeoutMs: 6000 });
        member.subscribe(['jobs']);
        await pollUntil(async () => (await member!.poll({ timeoutMs: 50 }), member!.assignment().length === 3), { timeoutMs: 20_000, what: 'the member to join' });
        return alter(...args);
      };
      return c;
    };
    const io = captureIO();
    const code = await run(['group', 'reset-offsets', g, '--topic', 'jobs', '--to-earliest', '--bootstrap', bootstrap], io.io, racing);
    expect(member).toBeDefined();
    expect(code).toBe(2);
    expect(io.stderr()).toMatch(/^NON_EMPTY_GROUP: offsets can only be reset while group "racers" has no members, but a member joined while the offsets were being reset: stop its consumers first/);
    await member!.close();
    expect((await describeJson(g)).partitions.map((p: any) => [p.partition, p.committedOffset])).toEqual(before);
  });
});
