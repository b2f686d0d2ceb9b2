/**
 * The group consumer against a real in-process gregor-node: subscribe,
 * committed offsets, rebalance callbacks (cooperative and eager), pattern
 * subscriptions, static membership, max.poll.interval.ms, manual assignment
 * with committed offsets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil, silentLogger, tpKey, type TopicPartition } from '@gregor/common';
import { cooperativeStickyAssignor, createClient, type Consumer, type ConsumerOptions, type ConsumerRecord, type Gregor, type PartitionAssignor } from '@gregor/client';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';

const GROUP_SETTINGS = {
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 500,
  'offsets.topic.num.partitions': 3,
};

const fast: ConsumerOptions = {
  autoOffsetReset: 'earliest',
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 200,
  maxWaitMs: 100,
  autoCommitIntervalMs: 200,
};

const key = (r: ConsumerRecord): string => `${r.partition}:${r.offset}`;
const names = (tps: readonly TopicPartition[]): string[] => tps.map((tp) => tpKey(tp.topic, tp.partition)).sort();

/** Polls every consumer in turn until `done` says so; returns what each got. */
async function pollAll(consumers: Consumer[], done: (got: ConsumerRecord[][]) => boolean, timeoutMs = 30_000): Promise<ConsumerRecord[][]> {
  const got: ConsumerRecord[][] = consumers.map(() => []);
  await pollUntil(
    async () => {
      for (let i = 0; i < consumers.length; i++) got[i]!.push(...(await consumers[i]!.poll({ timeoutMs: 20 })));
      return done(got);
    },
    { timeoutMs, intervalMs: 1, what: 'consumers to get their records' },
  );
  return got;
}

async function produce(client: Gregor, topic: string, partitions: number, perPartition: number, tag = 'v'): Promise<void> {
  const producer = client.producer({ lingerMs: 0 });
  const sends = [];
  for (let p = 0; p < partitions; p++) for (let i = 0; i < perPartition; i++) sends.push(producer.send({ topic, partition: p, value: `${tag}-${p}-${i}` }));
  await Promise.all(sends);
  await producer.close();
}

describe('group consumer against a real node', () => {
  let dir: string;
  let node: RunningNode;
  let client: Gregor;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-group-'));
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, ...GROUP_SETTINGS }), { logger: silentLogger() });
    client = createClient({ bootstrap: node.clientAddress!, retry: { initialBackoffMs: 20, maxBackoffMs: 200 }, metadataMaxAgeMs: 500 });
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('enforceRebalance rejoins at the next poll: a new generation, the assignment kept (KIP-568)', async () => {
    await client.admin().createTopics([{ topic: 'enforce', numPartitions: 2 }]);
    const a = client.consumer({ ...fast, groupId: 'enforce-g', partitionAssignors: [cooperativeStickyAssignor] });
    expect(() => a.enforceRebalance()).toThrow('enforceRebalance() needs subscribe() first');
    a.subscribe(['enforce']);
    await pollAll([a], () => a.assignment().length === 2);
    const generation = a.groupMetadata()!.generationId;
    a.enforceRebalance('test');
    await pollAll([a], () => a.groupMetadata()!.generationId > generation);
    expect(names(a.assignment())).toEqual(['enforce-0', 'enforce-1']);
    await a.close();
  });

  test('two members split the partitions and together read every record exactly once', async () => {
    await client.admin().createTopics([{ topic: 'split', numPartitions: 4 }]);
    const a = client.consumer({ ...fast, groupId: 'split-g' });
    const b = client.consumer({ ...fast, groupId: 'split-g' });
    a.subscribe(['split']);
    b.subscribe(['split']);
    // Both have their final assignment before anything is produced.
    await pollAll([a, b], () => a.assignment().length + b.assignment().length === 4 && a.assignment().length === 2);
    expect(names([...a.assignment(), ...b.assignment()])).toEqual(['split-0', 'split-1', 'split-2', 'split-3']);
    await produce(client, 'split', 4, 25);
    const got = await pollAll([a, b], (g) => g[0]!.length + g[1]!.length >= 100);
    const all = [...got[0]!, ...got[1]!].map(key);
    expect(new Set(all).size).toBe(100);
    expect(all.length).toBe(100);
    const aParts = new Set(got[0]!.map((r) => r.partition));
    for (const r of got[1]!) expect(aParts.has(r.partition)).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });

  test('a restarted member resumes from the committed offsets; a new group starts per autoOffsetReset', async () => {
    await client.admin().createTopics([{ topic: 'resume', numPartitions: 1 }]);
    await produce(client, 'resume', 1, 30, 'first');
    const c1 = client.consumer({ ...fast, groupId: 'resume-g', maxPollRecords: 10 });
    c1.subscribe(['resume']);
    const first = await pollAll([c1], (g) => g[0]!.length >= 10);
    expect(first[0]!.slice(0, 10).map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
    await c1.commit();
    await c1.close();
    const c2 = client.consumer({ ...fast, groupId: 'resume-g' });
    c2.subscribe(['resume']);
    const second = await pollAll([c2], (g) => g[0]!.length >= 20);
    expect(second[0]![0]!.offset).toBe(BigInt(first[0]!.length));
    expect(await c2.committed([{ topic: 'resume', partition: 0 }])).toEqual(new Map([['resume-0', BigInt(first[0]!.length)]]));
    await c2.close();
    // A new group with 'latest' sees only what comes after it joined.
    const latest = client.consumer({ ...fast, groupId: 'resume-latest', autoOffsetReset: 'latest' });
    latest.subscribe(['resume']);
    await pollAll([latest], () => latest.assignment().length === 1);
    expect(await latest.position({ topic: 'resume', partition: 0 })).toBe(30n);
    await latest.close();
  });

  test('cooperative-sticky: a joining member takes partitions in two steps; the first keeps the rest and never revokes them', async () => {
    await client.admin().createTopics([{ topic: 'coop', numPartitions: 4 }]);
    const events: string[] = [];
    const listener = (who: string) => ({
      onPartitionsAssigned: (tps: TopicPartition[]) => void events.push(`${who}+${names(tps).join(',')}`),
      onPartitionsRevoked: (tps: TopicPartition[]) => void events.push(`${who}-${names(tps).join(',')}`),
      onPartitionsLost: (tps: TopicPartition[]) => void events.push(`${who}!${names(tps).join(',')}`),
    });
    const a = client.consumer({ ...fast, groupId: 'coop-g' });
    a.subscribe(['coop'], listener('a'));
    await pollAll([a], () => a.assignment().length === 4);
    expect(events).toEqual(['a+coop-0,coop-1,coop-2,coop-3']);
    const b = client.consumer({ ...fast, groupId: 'coop-g' });
    b.subscribe(['coop'], listener('b'));
    await pollAll([a, b], () => a.assignment().length === 2 && b.assignment().length === 2);
    const kept = names(a.assignment());
    const moved = names(b.assignment());
    // a revoked exactly what b got, once; nothing was lost.
    expect(events.filter((e) => e.startsWith('a-'))).toEqual([`a-${moved.join(',')}`]);
    expect(events.filter((e) => e.includes('!'))).toEqual([]);
    expect(events.some((e) => e.startsWith('a-') && kept.some((k) => e.includes(k)))).toBe(false);
    expect(events.filter((e) => e.startsWith('b+') && e !== 'b+')).toEqual([`b+${moved.join(',')}`]);
    await Promise.all([a.close(), b.close()]);
  });

  test('pause/resume in group mode: paused partitions stay paused across a cooperative rebalance that keeps them', async () => {
    await client.admin().createTopics([{ topic: 'paused', numPartitions: 4 }]);
    const revoked: string[] = [];
    const a = client.consumer({ ...fast, groupId: 'paused-g' });
    a.subscribe(['paused'], { onPartitionsRevoked: (tps) => void revoked.push(...names(tps)) });
    await pollAll([a], () => a.assignment().length === 4);
    // Back-pressure on everything a owns, then a second member joins.
    a.pause(a.assignment());
    expect(names(a.paused())).toEqual(['paused-0', 'paused-1', 'paused-2', 'paused-3']);
    const b = client.consumer({ ...fast, groupId: 'paused-g' });
    b.subscribe(['paused']);
    await pollAll([a, b], () => a.assignment().length === 2 && b.assignment().length === 2);
    const kept = names(a.assignment());
    // Cooperative: a gave up only what b took, and what it kept is still paused.
    expect(revoked.sort()).toEqual(names(b.assignment()));
    expect(names(a.paused())).toEqual(kept);
    expect(b.paused()).toEqual([]);

    await produce(client, 'paused', 4, 5);
    // b reads its 10 records; a, polled as often, returns none from its paused partitions.
    const got = await pollAll([a, b], (g) => g[1]!.length >= 10);
    expect(got[0]).toEqual([]);
    expect(new Set(got[1]!.map((r) => `paused-${r.partition}`))).toEqual(new Set(names(b.assignment())));
    a.resume(a.assignment());
    expect(a.paused()).toEqual([]);
    const after = await pollAll([a], (g) => g[0]!.length >= 10);
    expect(new Set(after[0]!.map((r) => `paused-${r.partition}`))).toEqual(new Set(kept));
    await Promise.all([a.close(), b.close()]);
  });

  test('eager (range): every rebalance revokes everything first', async () => {
    await client.admin().createTopics([{ topic: 'eager', numPartitions: 2 }]);
    const events: string[] = [];
    const opts = { ...fast, groupId: 'eager-g', partitionAssignors: ['range' as const] };
    const a = client.consumer(opts);
    a.subscribe(['eager'], {
      onPartitionsAssigned: (tps) => void events.push(`+${names(tps).join(',')}`),
      onPartitionsRevoked: (tps) => void events.push(`-${names(tps).join(',')}`),
    });
    await pollAll([a], () => a.assignment().length === 2);
    const b = client.consumer(opts);
    b.subscribe(['eager']);
    await pollAll([a, b], () => a.assignment().length === 1 && b.assignment().length === 1);
    expect(events).toEqual(['+eager-0,eager-1', '-eager-0,eager-1', `+${names(a.assignment()).join(',')}`]);
    expect(names([...a.assignment(), ...b.assignment()])).toEqual(['eager-0', 'eager-1']);
    await Promise.all([a.close(), b.close()]);
  });

  test('pattern subscription picks up topics created later', async () => {
    await client.admin().createTopics([{ topic: 'metrics.cpu', numPartitions: 1 }, { topic: 'other', numPartitions: 1 }]);
    const c = client.consumer({ ...fast, groupId: 'pattern-g' });
    c.subscribe(/metrics\..*/);
    await pollAll([c], () => c.assignment().length === 1);
    expect(names(c.assignment())).toEqual(['metrics.cpu-0']);
    await client.admin().createTopics([{ topic: 'metrics.mem', numPartitions: 2 }]);
    await pollAll([c], () => c.assignment().length === 3);
    expect(names(c.assignment())).toEqual(['metrics.cpu-0', 'metrics.mem-0', 'metrics.mem-1']);
    await c.close();
  });

  test('a subscribed topic that does not exist yet is picked up once it is created', async () => {
    const c = client.consumer({ ...fast, groupId: 'later-g' });
    c.subscribe(['later']);
    await pollAll([c], () => (c.groupMetadata()?.generationId ?? -1) >= 1);
    expect(c.assignment()).toEqual([]);
    await client.admin().createTopics([{ topic: 'later', numPartitions: 2 }]);
    await pollAll([c], () => c.assignment().length === 2);
    await c.close();
  });

  test('a static member restarts without a rebalance and keeps its partitions', async () => {
    await client.admin().createTopics([{ topic: 'static', numPartitions: 2 }]);
    const opts = { ...fast, groupId: 'static-g', sessionTimeoutMs: 10_000 };
    const a = client.consumer({ ...opts, groupInstanceId: 'host-a' });
    const b = client.consumer({ ...opts, groupInstanceId: 'host-b' });
    a.subscribe(['static']);
    b.subscribe(['static']);
    await pollAll([a, b], () => a.assignment().length === 1 && b.assignment().length === 1);
    const generation = b.groupMetadata()!.generationId;
    const aPartitions = names(a.assignment());
    await a.close(); // static: no LeaveGroup
    const a2 = client.consumer({ ...opts, groupInstanceId: 'host-a' });
    a2.subscribe(['static']);
    await pollAll([a2, b], () => a2.assignment().length === 1);
    expect(names(a2.assignment())).toEqual(aPartitions);
    expect(b.groupMetadata()!.generationId).toBe(generation);
    expect(a2.groupMetadata()!.generationId).toBe(generation);
    const d = await client.admin().describeGroups(['static-g']);
    expect(d[0]!.members.map((m) => m.groupInstanceId).sort()).toEqual(['host-a', 'host-b']);
    await Promise.all([a2.close(), b.close()]);
  });

  test("an assignor's subscription userData reaches the leader's assign and DescribeGroups", async () => {
    await client.admin().createTopics([{ topic: 'userdata', numPartitions: 2 }]);
    const seen: string[][] = [];
    const assignor = (tag: string): PartitionAssignor => ({
      ...cooperativeStickyAssignor,
      name: 'tagged',
      supportedProtocols: ['cooperative'],
      subscriptionUserData: () => Buffer.from(tag),
      assign(counts, members) {
        seen.push(members.map((m) => m.subscription.userData?.toString() ?? 'none').sort());
        return cooperativeStickyAssignor.assign(counts, members);
      },
    });
    const a = client.consumer({ ...fast, groupId: 'userdata-g', partitionAssignors: [assignor('from-a')] });
    const b = client.consumer({ ...fast, groupId: 'userdata-g', partitionAssignors: [assignor('from-b')] });
    a.subscribe(['userdata']);
    b.subscribe(['userdata']);
    await pollAll([a, b], () => a.assignment().length === 1 && b.assignment().length === 1);
    expect(seen.at(-1)).toEqual(['from-a', 'from-b']);
    const [d] = await client.admin().describeGroups(['userdata-g']);
    expect(d!.members.map((m) => m.subscriptionUserData?.toString()).sort()).toEqual(['from-a', 'from-b']);
    await Promise.all([a.close(), b.close()]);
  });

  test('a member that stops polling for max.poll.interval.ms leaves; its partitions move; it learns they were lost', async () => {
    await client.admin().createTopics([{ topic: 'stuck', numPartitions: 2 }]);
    const lost: string[] = [];
    const opts = { ...fast, groupId: 'stuck-g', maxPollIntervalMs: 1500 };
    const stuck = client.consumer(opts);
    stuck.subscribe(['stuck'], { onPartitionsLost: (tps) => void lost.push(...names(tps)) });
    const busy = client.consumer(opts);
    busy.subscribe(['stuck']);
    await pollAll([stuck, busy], () => stuck.assignment().length === 1 && busy.assignment().length === 1);
    const stuckHad = names(stuck.assignment());
    // Only `busy` polls from here on.
    await pollAll([busy], () => busy.assignment().length === 2, 20_000);
    await stuck.poll({ timeoutMs: 10 });
    expect(lost).toEqual(stuckHad);
    await Promise.all([stuck.close(), busy.close()]);
  });

  test('unsubscribe leaves the group (even mid-rebalance); subscribing again rejoins', async () => {
    await client.admin().createTopics([{ topic: 'unsub', numPartitions: 2 }]);
    const c = client.consumer({ ...fast, groupId: 'unsub-g' });
    const revoked: string[] = [];
    c.subscribe(['unsub'], { onPartitionsRevoked: (tps) => void revoked.push(...names(tps)) });
    await pollAll([c], () => c.assignment().length === 2);
    await c.unsubscribe();
    expect(c.assignment()).toEqual([]);
    expect(revoked).toEqual(['unsub-0', 'unsub-1']);
    expect((await client.admin().describeGroups(['unsub-g']))[0]!.members).toEqual([]);
    // Unsubscribing while the first rebalance is still running: no rejoin follows.
    c.subscribe(['unsub']);
    const early = c.poll({ timeoutMs: 1 });
    await early;
    await c.unsubscribe();
    expect(c.assignment()).toEqual([]);
    c.subscribe(['unsub']);
    await pollAll([c], () => c.assignment().length === 2);
    expect((await client.admin().describeGroups(['unsub-g']))[0]!.members).toHaveLength(1);
    await c.close();
  });

  test('manual assignment with a groupId starts at committed offsets and commits with generation -1', async () => {
    await client.admin().createTopics([{ topic: 'manual', numPartitions: 1 }]);
    await produce(client, 'manual', 1, 10);
    // No auto-commit: close() would otherwise commit the position of everything returned.
    const c = client.consumer({ ...fast, groupId: 'manual-g', enableAutoCommit: false });
    c.assign([{ topic: 'manual', partition: 0 }]);
    await pollAll([c], (g) => g[0]!.length >= 4);
    await c.commit([{ topic: 'manual', partition: 0, offset: 4n }]);
    await c.close();
    const again = client.consumer({ ...fast, groupId: 'manual-g' });
    again.assign([{ topic: 'manual', partition: 0 }]);
    expect(await again.position({ topic: 'manual', partition: 0 })).toBe(4n);
    expect(() => again.subscribe(['manual'])).toThrow(/INVALID_REQUEST/);
    await again.close();
    expect(() => client.consumer({ ...fast }).subscribe(['x'])).toThrow(/groupId/);
  });
});
