/**
 * `gregor streams describe|reset` on a real 3-node cluster (gregor-node
 * processes from the built dist; the CLI as child processes): a word
 * count's two instances (with a standby each) described as tasks, stores
 * and lag; a reset refused while they run; a dry run that changes
 * nothing; a reset after which a restart counts everything once again.
 * Build first: `pnpm build`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pollUntil, runProcess, silentLogger } from '@gregor/common';
import { createClient, type Gregor } from '@gregor/client';
import { clusterDown, clusterUp, DEFAULT_NODE_BIN, findFreeBasePort } from '@gregor/dev-cluster';
import { KafkaStreams, Serdes, StreamsBuilder, type StreamsConfig } from '@gregor/streams';

const CLI_BIN = resolve(__dirname, '../dist/bin.js');
const S = Serdes.String();

function wordCount(): ReturnType<StreamsBuilder['build']> {
  const b = new StreamsBuilder();
  b.stream('lines', { keySerde: S, valueSerde: S })
    .flatMapValues((line) => line.split(' '))
    .groupBy((_k, w) => w, { keySerde: S, valueSerde: S })
    .count({ storeName: 'counts' })
    .toStream()
    .to('counts-out', { keySerde: S, valueSerde: Serdes.Float64() });
  return b.build();
}

describe('gregor streams describe|reset on a 3-node cluster', () => {
  let dir: string;
  let bootstrap: string;
  let client: Gregor;
  const running: KafkaStreams[] = [];

  const gregor = (...args: string[]) => runProcess(process.execPath, [CLI_BIN, ...args, '--bootstrap', bootstrap], { timeoutMs: 60_000 });
  const config = (name: string): StreamsConfig => ({
    applicationId: 'wc',
    bootstrap,
    stateDir: join(dir, name),
    commitIntervalMs: 200,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 300,
    numStandbyReplicas: 1,
    replicationFactor: 3,
    client: { retry: { retries: 10, initialBackoffMs: 20, maxBackoffMs: 300 } },
  });
  const instance = (name: string): KafkaStreams => {
    const s = new KafkaStreams(wordCount(), config(name));
    running.push(s);
    return s;
  };

  beforeAll(async () => {
    for (const bin of [DEFAULT_NODE_BIN, CLI_BIN]) if (!existsSync(bin)) throw new Error(`${bin} is missing: run "pnpm build" first`);
    dir = await mkdtemp(join(tmpdir(), 'gregor-streams-cli-'));
    const cluster = await clusterUp({ dir: join(dir, 'cluster'), nodes: 3, basePort: await findFreeBasePort(3), config: { 'group.initial.rebalance.delay.ms': '0' }, readyTimeoutMs: 60_000 });
    bootstrap = cluster.nodes.map((n) => n.grpc).join(',');
    client = createClient({ bootstrap, logger: silentLogger(), retry: { initialBackoffMs: 50, maxBackoffMs: 500 } });
    await client.admin().createTopics([
      { topic: 'lines', numPartitions: 4, replicationFactor: 3 },
      { topic: 'counts-out', numPartitions: 4, replicationFactor: 3 },
    ]);
  });

  afterAll(async () => {
    for (const s of running) await s.close().catch(() => undefined);
    await client?.close();
    if (dir !== undefined) {
      await clusterDown(join(dir, 'cluster'), 3000).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('describe: instances with active and standby tasks, stores and changelogs, lag per input; reset refused while running, then reprocesses once', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.start();
    await b.start();
    await pollUntil(() => a.metrics().tasks === 4 && b.metrics().tasks === 4 && a.metrics().standbyTasks + b.metrics().standbyTasks === 4, { timeoutMs: 60_000, what: 'tasks and standbys placed' });
    const producer = client.producer({ acks: 'all', lingerMs: 2 });
    const lines = Array.from({ length: 40 }, (_, i) => `w${i % 5} all`);
    await producer.send({ topic: 'lines', messages: lines.map((value, i) => ({ key: `k${i}`, value })) });
    await producer.close();
    const store = (word: string): number | undefined => a.store<string, number>('counts').get(word) ?? b.store<string, number>('counts').get(word);
    await pollUntil(() => store('all') === 40 && store('w0') === 8, { timeoutMs: 60_000, what: 'the words counted' });

    // Lag drops to 0 once both instances committed what they consumed.
    const describe = async (): Promise<any> => {
      const r = await gregor('streams', 'describe', 'wc', '--json');
      expect(r).toMatchObject({ code: 0 });
      return JSON.parse(r.stdout);
    };
    const d = await pollUntil(
      async () => {
        const v = await describe();
        return v.totalLag === '0' && v.inputs.length === 8 && v.members.length === 2 ? v : undefined;
      },
      { timeoutMs: 60_000, what: 'describe to show two instances and no lag' },
    );
    expect(d.state).toBe('Stable');
    expect(d.subtopologies).toEqual([
      { id: '0', sources: ['lines'], stores: [] },
      { id: '1', sources: ['wc-counts-repartition'], stores: [{ store: 'counts', changelog: 'wc-counts-changelog' }] },
    ]);
    const active = d.members.flatMap((m: any) => m.activeTasks).sort();
    expect(active).toEqual(['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3']);
    for (const m of d.members) {
      expect(m.activeTasks).toHaveLength(4);
      // Each counting task's standby is on the other instance.
      for (const t of m.standbyTasks) expect(m.activeTasks).not.toContain(t);
    }
    expect(d.members.flatMap((m: any) => m.standbyTasks).sort()).toEqual(['1_0', '1_1', '1_2', '1_3']);
    expect(d.inputs.filter((r: any) => r.topic === 'lines').map((r: any) => r.task).sort()).toEqual(['0_0', '0_1', '0_2', '0_3']);
    expect(d.inputs.filter((r: any) => r.topic === 'lines').reduce((n: bigint, r: any) => n + BigInt(r.logEndOffset), 0n)).toBe(40n);
    const human = await gregor('streams', 'describe', 'wc');
    expect(human.stdout).toMatch(/ACTIVE-TASKS\s+STANDBY-TASKS/);
    expect(human.stdout).toMatch(/1\s+wc-counts-repartition\s+counts\s+wc-counts-changelog/);
    expect(human.stdout).toMatch(/Total lag: 0/);

    const refused = await gregor('streams', 'reset', 'wc');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/NON_EMPTY_GROUP: application "wc" still has 2 running instance\(s\)/);

    await a.close();
    await b.close();
    const dry = await gregor('streams', 'reset', 'wc', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.deletedTopics).toEqual(['wc-counts-changelog', 'wc-counts-repartition']);
    expect(plan.inputOffsets.map((o: any) => [o.topic, o.partition, o.offset])).toEqual([0, 1, 2, 3].map((p) => ['lines', p, '0']));
    expect(await client.admin().listTopics()).toEqual(expect.arrayContaining(['wc-counts-changelog', 'wc-counts-repartition'])); // nothing changed

    const reset = await gregor('streams', 'reset', 'wc', '--state-dir', join(dir, 'a'));
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/Deleted internal topics: wc-counts-changelog, wc-counts-repartition/);
    await pollUntil(async () => !(await client.admin().listTopics()).some((t) => t.startsWith('wc-')), { timeoutMs: 30_000, what: 'internal topics gone' });
    const committed = await client.admin().listGroupOffsets('wc');
    expect(committed.map((c) => [c.topic, c.partition, c.offset]).sort()).toEqual([0, 1, 2, 3].map((p) => ['lines', p, 0n]));

    // Restarted, the application counts everything again from zero: once, not on top of the old counts.
    const a2 = instance('a');
    await a2.start();
    // Each word's task catches up on its own: wait for all of them (from empty stores: exactly the reference, not doubled).
    const words = ['all', 'w0', 'w1', 'w2', 'w3', 'w4'];
    const expected = [40, 8, 8, 8, 8, 8];
    const counts = (): (number | undefined)[] => words.map((w) => a2.store<string, number>('counts').get(w));
    await pollUntil(() => counts().every((n, i) => n === expected[i]), { timeoutMs: 60_000, what: 'the input reprocessed' });
    await a2.close();
  });

  test('bad input is named: an unknown application, an internal topic as input, two reset points, an unknown input topic', async () => {
    const unknown = await gregor('streams', 'describe', 'no-such-app');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/GROUP_ID_NOT_FOUND: consumer group "no-such-app" does not exist/);
    const internal = await gregor('streams', 'reset', 'wc', '--input-topics', 'wc-counts-repartition');
    expect(internal.code).toBe(1);
    expect(internal.stderr).toMatch(/"wc-counts-repartition" is an internal topic of "wc"/);
    const two = await gregor('streams', 'reset', 'wc', '--to-earliest', '--to-latest');
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/at most one of --to-earliest, --to-latest/);
    const missing = await gregor('streams', 'reset', 'wc', '--input-topics', 'no-such-input', '--dry-run');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/UNKNOWN_TOPIC_OR_PARTITION/);
  });
});
