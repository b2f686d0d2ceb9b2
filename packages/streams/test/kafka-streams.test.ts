/**
 * KafkaStreams against a real in-process gregor-node: internal topics
 * created, two instances of one application share the tasks, outputs and
 * stores match a reference count, an instance leaving hands its tasks
 * over, and a restart restores its persistent store from the checkpoint
 * (replaying only the changelog's tail).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClient, type Gregor, type IsolationLevel } from '@gregor/client';
import { pollUntil, silentLogger } from '@gregor/common';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { KafkaStreams, resetApplication, Serdes, StreamsBuilder, type StreamsConfig } from '../src';

const S = Serdes.String();

function wordCountTopology(input: string, output: string) {
  const b = new StreamsBuilder();
  b.stream(input, { keySerde: S, valueSerde: S })
    .flatMapValues((line) => line.split(' ').filter((w) => w !== ''))
    .groupBy((_k, w) => w, { keySerde: S, valueSerde: S })
    .count({ storeName: 'counts' })
    .toStream()
    .to(output, { keySerde: S, valueSerde: Serdes.Float64() });
  return b.build();
}

/** Counts records per key (no repartition: a task's changelog and output writes go in one transaction with its offsets). */
function keyCountTopology(input: string, output: string) {
  const b = new StreamsBuilder();
  b.stream(input, { keySerde: S, valueSerde: S })
    .groupByKey({ keySerde: S, valueSerde: S })
    .count({ storeName: 'counts' })
    .toStream()
    .to(output, { keySerde: S, valueSerde: Serdes.Float64() });
  return b.build();
}

/** Every count per word in the output topic, in order (read_committed: only committed transactions', up to the last stable offset). */
async function countHistory(client: Gregor, topic: string, partitions: number, isolationLevel: IsolationLevel = 'read_uncommitted'): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (let p = 0; p < partitions; p++) {
    let from = 0n;
    for (;;) {
      const res = await client.read({ topic, partition: p, from, maxRecords: 1000, isolationLevel });
      for (const r of res.records) {
        const word = r.key!.toString();
        out.set(word, [...(out.get(word) ?? []), r.value!.readDoubleBE(0)]);
      }
      if (res.nextOffset >= (isolationLevel === 'read_committed' ? res.lastStableOffset : res.highWatermark)) break;
      from = res.nextOffset;
    }
  }
  return out;
}

/** The latest count per word in the output topic (a table's view of the stream). */
async function latestCounts(client: Gregor, topic: string, partitions: number, isolationLevel: IsolationLevel = 'read_uncommitted'): Promise<Map<string, number>> {
  return new Map([...(await countHistory(client, topic, partitions, isolationLevel))].map(([w, counts]) => [w, counts[counts.length - 1]!]));
}

function reference(lines: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) for (const w of l.split(' ').filter((x) => x !== '')) out.set(w, (out.get(w) ?? 0) + 1);
  return out;
}

const sorted = (m: Map<string, number>): [string, number][] => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

describe('KafkaStreams against a real node', () => {
  let dir: string;
  let node: RunningNode;
  let client: Gregor;
  const running: KafkaStreams[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-streams-rt-'));
    node = await startNode(
      nodeConfig({ 'log.dirs': path.join(dir, 'node'), listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 500, 'offsets.topic.num.partitions': 3 }),
      { logger: silentLogger() },
    );
    client = createClient({ bootstrap: node.clientAddress!, retry: { initialBackoffMs: 20, maxBackoffMs: 200 }, metadataMaxAgeMs: 500 });
  });

  afterAll(async () => {
    for (const s of running) await s.close().catch(() => undefined);
    await client?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** An instance's config: application `applicationId`, its own state dir `name`, quick commits and failure detection. */
  const appConfig = (applicationId: string, name: string, extra: Partial<StreamsConfig> = {}): StreamsConfig => ({
    applicationId,
    bootstrap: node.clientAddress!,
    stateDir: path.join(dir, name),
    commitIntervalMs: 100,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 200,
    client: { retry: { retries: 10, initialBackoffMs: 20, maxBackoffMs: 200 }, metadataMaxAgeMs: 500 },
    ...extra,
  });

  function instance(name: string, extra: Partial<StreamsConfig> = {}): KafkaStreams {
    const s = new KafkaStreams(wordCountTopology('lines', 'word-counts'), appConfig('wc', name, extra));
    running.push(s);
    return s;
  }

  async function produce(lines: readonly string[], topic = 'lines'): Promise<void> {
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic, messages: lines.map((l, i) => ({ key: `k${i}`, value: l })) });
    await producer.close();
  }

  it('two instances share the tasks, the output equals a reference count; one leaves and the other takes over', async () => {
    await client.admin().createTopics([{ topic: 'lines', numPartitions: 3 }, { topic: 'word-counts', numPartitions: 3 }]);
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(`w${i % 7} w${i % 11} common`);
    await produce(lines.slice(0, 150));

    const a = instance('a', { applicationServer: 'host-a:8001' });
    const b = instance('b', { applicationServer: 'host-b:8002' });
    await a.start();
    await b.start();
    const topics = await client.admin().listTopics();
    expect(topics).toEqual(expect.arrayContaining(['wc-counts-repartition', 'wc-counts-changelog']));

    await pollUntil(async () => a.metrics().tasks > 0 && b.metrics().tasks > 0 && a.metrics().tasks + b.metrics().tasks === 6, { timeoutMs: 30_000, what: 'both instances to own tasks (6 in all)' });
    await produce(lines.slice(150));
    const expected = sorted(reference(lines));
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'word-counts', 3))) === JSON.stringify(expected), { timeoutMs: 60_000, what: 'word counts to match the reference' });
    // Prometheus metrics: what was processed and owned, per application.
    const text = await a.metricsRegistry.registry.metrics();
    expect(text).toMatch(new RegExp(`gregor_streams_processed_records_total\\{application_id="wc"\\} ${a.metrics().processedRecords}\\b`));
    expect(text).toContain(`gregor_streams_tasks{application_id="wc"} ${a.metrics().tasks}`);
    expect(text).toMatch(/gregor_streams_commit_duration_seconds_count\{application_id="wc"\} [1-9]/);
    // Interactive queries: each word's count lives on exactly one of the instances.
    for (const [word, n] of expected) expect(a.store<string, number>('counts').get(word) ?? b.store<string, number>('counts').get(word)).toBe(n);
    // Key → instance (application.server through the group): every instance names the same one, and it holds the key.
    const byHost = new Map([
      ['host-a', a],
      ['host-b', b],
    ]);
    for (const [word, n] of expected) {
      const meta = await b.queryMetadataForKey('counts', word, S);
      expect(await a.queryMetadataForKey('counts', word, S)).toEqual(meta);
      expect(byHost.get(meta.activeHost!.host)!.store<string, number>('counts').get(word)).toBe(n);
    }
    expect((await a.streamsMetadataForStore('counts')).map((m) => `${m.hostInfo.host}:${m.hostInfo.port}`).sort()).toEqual(['host-a:8001', 'host-b:8002']);
    await expect(a.queryMetadataForKey('no-such-store', 'x', S)).rejects.toThrow('the topology has no state store "no-such-store"');

    await b.close();
    expect(b.currentState).toBe('NOT_RUNNING');
    await pollUntil(() => a.metrics().tasks === 6, { timeoutMs: 30_000, what: 'the remaining instance to own all 6 tasks' });
    const more = ['common late', 'w1 late'];
    await produce(more);
    const expected2 = sorted(reference([...lines, ...more]));
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'word-counts', 3))) === JSON.stringify(expected2), { timeoutMs: 60_000, what: 'counts after the handover to match' });
    expect(a.currentState).toBe('RUNNING');
    await a.close();

    // A restart with the same state dir restores from its checkpoint: no changelog replay for tasks it owned.
    const a2 = instance('a');
    await a2.start();
    await pollUntil(() => a2.metrics().tasks === 6, { timeoutMs: 30_000, what: 'the restarted instance to own all tasks' });
    expect(a2.store<string, number>('counts').get('common')).toBe(301);
    expect(a2.metrics().restoredRecords).toBe(0);
    await a2.close();

    // A new state dir (another machine): the stores are rebuilt from the changelogs.
    const c = instance('c', { logger: silentLogger() });
    await c.start();
    await pollUntil(() => c.metrics().tasks === 6, { timeoutMs: 30_000, what: 'a fresh instance to own all tasks' });
    expect(c.metrics().restoredRecords).toBeGreaterThan(0);
    expect(await c.metricsRegistry.registry.metrics()).toContain(`gregor_streams_restored_records_total{application_id="wc"} ${c.metrics().restoredRecords}`);
    expect(sorted(new Map(c.store<string, number>('counts').all().map((kv) => [kv.key, kv.value])))).toEqual(expected2);
    await c.close();
  });

  it('warm-up replicas (KIP-441): a joining instance warms a counting task up before taking it over, and restores nothing when it does', async () => {
    await client.admin().createTopics([{ topic: 'wu-in', numPartitions: 2 }, { topic: 'wu-out', numPartitions: 2 }]);
    // A 3 s probing interval: the warm-up phase lasts long enough to be seen.
    const config = (name: string): StreamsConfig => appConfig('wu', name, { maxWarmupReplicas: 1, acceptableRecoveryLag: 5, probingRebalanceIntervalMs: 3000 });
    const a = new KafkaStreams(keyCountTopology('wu-in', 'wu-out'), config('wu-a'));
    running.push(a);
    await a.start();
    await pollUntil(() => a.metrics().tasks === 2, { timeoutMs: 30_000, what: 'a to own both counting tasks' });
    const keys = Array.from({ length: 200 }, (_, i) => `k${i % 100}`);
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'wu-in', messages: keys.map((key) => ({ key, value: 'x' })) });
    await producer.close();
    await pollUntil(async () => (await latestCounts(client, 'wu-out', 2)).get('k99') === 2 && [...(await latestCounts(client, 'wu-out', 2)).values()].every((n) => n === 2), { timeoutMs: 60_000, what: 'every key counted twice' });
    const ends = await client.admin().listOffsets([0, 1].map((partition) => ({ topic: 'wu-counts-changelog', partition, spec: 'latest' as const })));
    expect(Math.min(...ends.map((e) => Number(e.offset)))).toBeGreaterThan(5); // more than acceptableRecoveryLag: a cold move would be "behind"

    const b = new KafkaStreams(keyCountTopology('wu-in', 'wu-out'), config('wu-b'));
    running.push(b);
    await b.start();
    // b is not caught up on either task: a keeps both, b warms one up (a standby of its changelog).
    await pollUntil(() => b.metrics().standbyTasks === 1 && b.metrics().tasks === 0 && a.metrics().tasks === 2, { timeoutMs: 30_000, what: 'a warm-up on b while a keeps both tasks' });
    // A probing rebalance finds the warm-up caught up: the task moves, and b restores nothing.
    await pollUntil(() => a.metrics().tasks === 1 && b.metrics().tasks === 1, { timeoutMs: 30_000, what: 'the warmed-up task to move to b' });
    expect(b.metrics().restoredRecords).toBe(0);
    expect(b.store<string, number>('counts').approximateNumEntries()).toBeGreaterThan(0);
    for (const [key, n] of b.store<string, number>('counts').all().map((kv) => [kv.key, kv.value] as const)) expect({ key, n }).toEqual({ key, n: 2 });
    await b.close();
    await a.close();
  });

  it('standby replicas: the other instance keeps each stateful task warm; after a failover it restores only the tail', async () => {
    await client.admin().createTopics([{ topic: 'sb-lines', numPartitions: 2 }, { topic: 'sb-counts', numPartitions: 2 }]);
    const config = (name: string): StreamsConfig => appConfig('sb', name, { numStandbyReplicas: 1 });
    const a = new KafkaStreams(wordCountTopology('sb-lines', 'sb-counts'), config('sb-a'));
    const b = new KafkaStreams(wordCountTopology('sb-lines', 'sb-counts'), config('sb-b'));
    running.push(a, b);
    await a.start();
    await b.start();
    // 4 tasks (2 stateless, 2 counting) over two instances; each counting task has a standby on the other instance.
    await pollUntil(() => a.metrics().tasks === 2 && b.metrics().tasks === 2 && a.metrics().standbyTasks + b.metrics().standbyTasks === 2, { timeoutMs: 30_000, what: 'tasks and standbys placed' });
    // Five rounds, each counted (and so committed) before the next: the changelogs grow to several updates per key.
    const lines: string[] = [];
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 40 }, (_, i) => `w${i % 13} common`);
      lines.push(...batch);
      await produce(batch, 'sb-lines');
      const expected = JSON.stringify(sorted(reference(lines)));
      await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'sb-counts', 2))) === expected, { timeoutMs: 60_000, what: `counts to match after round ${round}` });
    }
    const ends = await client.admin().listOffsets([0, 1].map((partition) => ({ topic: 'sb-counts-changelog', partition, spec: 'latest' as const })));
    const smallestChangelog = Math.min(...ends.map((e) => Number(e.offset)));
    // The instance holding a standby (either: the state-aware assignor may put both counting tasks on one of
    // them, and a rebalance under load moves standbys about) has applied the other's changelog (standbyLag reads
    // end offsets); the other leaves; the warm one takes its counting task over from the standby: only what the
    // leaver wrote while closing to replay, where a cold start replays the whole changelog.
    const [warm, leaving] = await pollUntil(
      async () => {
        for (const [x, y] of [[a, b], [b, a]] as const) if (x.metrics().standbyTasks >= 1 && (await x.standbyLag()) === 0) return [x, y] as const;
        return undefined;
      },
      { timeoutMs: 30_000, what: 'a caught-up standby on either instance' },
    );
    const restoredBefore = warm.metrics().restoredRecords;
    await leaving.close();
    await pollUntil(() => warm.metrics().tasks === 4, { timeoutMs: 30_000, what: 'the warm instance to own every task' });
    expect(warm.metrics().restoredRecords - restoredBefore).toBeLessThan(smallestChangelog);
    expect(warm.store<string, number>('counts').get('common')).toBe(200);
    await warm.close();
  });

  it('state-aware assignment: an instance that comes back (a new member) gets the tasks whose stores it has on disk, nothing restored', async () => {
    await client.admin().createTopics([{ topic: 'sa-lines', numPartitions: 4 }, { topic: 'sa-counts', numPartitions: 4 }]);
    const config = (name: string): StreamsConfig => appConfig('sa', name);
    const a = new KafkaStreams(wordCountTopology('sa-lines', 'sa-counts'), config('sa-a'));
    const b = new KafkaStreams(wordCountTopology('sa-lines', 'sa-counts'), config('sa-b'));
    running.push(a, b);
    await a.start();
    await b.start();
    await pollUntil(() => a.metrics().tasks === 4 && b.metrics().tasks === 4, { timeoutMs: 30_000, what: 'four tasks each' });
    const lines = Array.from({ length: 80 }, (_, i) => `w${i % 17} common`);
    await produce(lines, 'sa-lines');
    const expected = JSON.stringify(sorted(reference(lines)));
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'sa-counts', 4))) === expected, { timeoutMs: 60_000, what: 'counts to match' });
    await a.close(); // checkpoints its stores; b takes every task over, rebuilding a's stores from their changelogs
    await pollUntil(() => b.metrics().tasks === 8, { timeoutMs: 30_000, what: 'b to own every task' });
    const a2 = new KafkaStreams(wordCountTopology('sa-lines', 'sa-counts'), config('sa-a'));
    running.push(a2);
    await a2.start();
    await pollUntil(() => a2.metrics().tasks === 4 && b.metrics().tasks === 4, { timeoutMs: 30_000, what: 'the returning instance to take half of the tasks' });
    // Plain stickiness would hand a2 whichever tasks b lists last; state-aware, b gives back the ones a2 has on disk.
    expect(a2.metrics().restoredRecords).toBe(0);
    const more = ['common w1', 'common'];
    await produce(more, 'sa-lines');
    const expected2 = JSON.stringify(sorted(reference([...lines, ...more])));
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'sa-counts', 4))) === expected2, { timeoutMs: 60_000, what: 'counts to match after the return' });
    await a2.close();
    await b.close();
  });

  it('purges consumed (committed) records from repartition topics after commits; the output is unaffected', async () => {
    await client.admin().createTopics([{ topic: 'pg-lines', numPartitions: 2 }, { topic: 'pg-counts', numPartitions: 2 }]);
    const s = new KafkaStreams(wordCountTopology('pg-lines', 'pg-counts'), appConfig('pg', 'pg', { repartitionPurgeIntervalMs: 0 }));
    running.push(s);
    await s.start();
    const lines = Array.from({ length: 60 }, (_, i) => `p${i % 9} shared`);
    await produce(lines, 'pg-lines');
    const expected = JSON.stringify(sorted(reference(lines)));
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'pg-counts', 2))) === expected, { timeoutMs: 60_000, what: 'counts to match' });
    const tps = [0, 1].map((partition) => ({ topic: 'pg-counts-repartition', partition }));
    // 120 words went through the repartition topic; once consumed and committed they are deleted.
    await pollUntil(
      async () => {
        const earliest = await client.admin().listOffsets(tps.map((tp) => ({ ...tp, spec: 'earliest' as const })));
        return earliest.reduce((n, o) => n + o.offset, 0n) === 120n;
      },
      { timeoutMs: 30_000, what: 'the repartition topic purged up to what was consumed' },
    );
    const committed = await client.admin().listGroupOffsets('pg');
    for (const tp of tps) expect(committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)?.offset).toBeDefined();
    expect(s.currentState).toBe('RUNNING');
    await s.close();
  });

  it('static membership: an instance restarted under its groupInstanceId gets its tasks back, no rebalance for the others, nothing replayed', async () => {
    await client.admin().createTopics([{ topic: 'st-lines', numPartitions: 2 }, { topic: 'st-counts', numPartitions: 2 }]);
    const config = (name: string): StreamsConfig => ({
      applicationId: 'st',
      bootstrap: node.clientAddress!,
      stateDir: path.join(dir, name),
      commitIntervalMs: 100,
      sessionTimeoutMs: 20_000,
      heartbeatIntervalMs: 200,
      groupInstanceId: name,
    });
    const a = new KafkaStreams(wordCountTopology('st-lines', 'st-counts'), config('st-a'));
    const b = new KafkaStreams(wordCountTopology('st-lines', 'st-counts'), config('st-b'));
    running.push(a, b);
    await a.start();
    await b.start();
    await pollUntil(() => a.metrics().tasks === 2 && b.metrics().tasks === 2, { timeoutMs: 30_000, what: 'two tasks each' });
    await produce(['x y z', 'x'], 'st-lines');
    await pollUntil(async () => (await latestCounts(client, 'st-counts', 2)).get('x') === 2, { timeoutMs: 30_000, what: 'x counted' });
    const bStates: string[] = [];
    b.onStateChange((next) => bStates.push(next));
    await a.close();
    const a2 = new KafkaStreams(wordCountTopology('st-lines', 'st-counts'), config('st-a'));
    running.push(a2);
    await a2.start();
    await pollUntil(() => a2.metrics().tasks === 2, { timeoutMs: 30_000, what: 'the restarted instance to get its two tasks back' });
    await produce(['x'], 'st-lines');
    await pollUntil(async () => (await latestCounts(client, 'st-counts', 2)).get('x') === 3, { timeoutMs: 30_000, what: 'x counted again' });
    expect(a2.metrics().restoredRecords).toBe(0);
    expect(b.metrics().tasks).toBe(2);
    expect(bStates).toEqual([]); // b had nothing revoked: it kept its tasks and processed throughout
    await a2.close();
    await b.close();
  });

  it('resetApplication: refused while running; afterwards a restart reprocesses everything with empty state (not doubled)', async () => {
    await client.admin().createTopics([{ topic: 'rs-lines', numPartitions: 2 }, { topic: 'rs-counts', numPartitions: 2 }]);
    const config: StreamsConfig = { applicationId: 'rs', bootstrap: node.clientAddress!, stateDir: path.join(dir, 'rs'), commitIntervalMs: 100, sessionTimeoutMs: 6000, heartbeatIntervalMs: 200 };
    const first = new KafkaStreams(wordCountTopology('rs-lines', 'rs-counts'), config);
    running.push(first);
    await first.start();
    await produce(['a b', 'a'], 'rs-lines');
    await pollUntil(async () => (await latestCounts(client, 'rs-counts', 2)).get('a') === 2, { timeoutMs: 30_000, what: 'a counted' });
    await expect(resetApplication(client, 'rs')).rejects.toThrow(/NON_EMPTY_GROUP: application "rs" still has 1 running instance/);
    await first.close();

    const reset = await resetApplication(client, 'rs'); // this machine's state dir kept on purpose: the restart must notice
    expect(reset.deletedTopics.sort()).toEqual(['rs-counts-changelog', 'rs-counts-repartition']);
    expect(reset.groupDeleted).toBe(true);
    const second = new KafkaStreams(wordCountTopology('rs-lines', 'rs-counts'), config);
    running.push(second);
    await second.start();
    await pollUntil(() => second.metrics().processedRecords >= 2 + 3, { timeoutMs: 30_000, what: 'the input reprocessed from the beginning' });
    await pollUntil(() => second.store<string, number>('counts').get('a') === 2, { timeoutMs: 30_000, what: 'a counted again from zero' });
    expect(second.store<string, number>('counts').get('b')).toBe(1);
    await second.close();
  });

  it('a global table: every instance holds all of it, restored before processing and updated while running', async () => {
    await client.admin().createTopics([{ topic: 'products', numPartitions: 2 }, { topic: 'orders', numPartitions: 3 }, { topic: 'orders-named', numPartitions: 1 }]);
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'products', messages: [{ key: 'p1', value: 'pencil' }, { key: 'p2', value: 'eraser' }] });
    const topology = (): ReturnType<StreamsBuilder['build']> => {
      const b = new StreamsBuilder();
      const products = b.globalTable<string, string>('products', { keySerde: S, valueSerde: S, storeName: 'products-store', persistent: true });
      b.stream<string, string>('orders', { keySerde: S, valueSerde: S })
        .join(products, (_k, product) => product, (product, name) => `${product}=${name}`)
        .to('orders-named', { keySerde: S, valueSerde: S });
      return b.build();
    };
    const config = { applicationId: 'enrich', bootstrap: node.clientAddress!, stateDir: path.join(dir, 'enrich'), commitIntervalMs: 100, sessionTimeoutMs: 6000, heartbeatIntervalMs: 200 };
    const named = async (): Promise<string[]> => (await client.read({ topic: 'orders-named', partition: 0, from: 'earliest' })).records.map((r) => r.value!.toString());

    const s1 = new KafkaStreams(topology(), config);
    running.push(s1);
    await s1.start();
    expect(s1.metrics().restoredRecords).toBe(2); // both products, before any task ran
    await producer.send({ topic: 'orders', key: 'o1', value: 'p1' });
    await pollUntil(async () => (await named()).length === 1, { timeoutMs: 30_000, what: 'the first enriched order' });
    await producer.send({ topic: 'products', key: 'p1', value: 'blue pencil' });
    // The update reaches the global store in the background; then an order sees it.
    await pollUntil(async () => {
      await producer.send({ topic: 'orders', key: 'probe', value: 'p1' });
      return (await named()).includes('p1=blue pencil');
    }, { timeoutMs: 30_000, intervalMs: 200, what: 'an order to see the updated product' });
    expect(s1.store<string, string>('products-store').get('p2')).toBe('eraser'); // interactive query on the global store
    await s1.close();

    const s2 = new KafkaStreams(topology(), config);
    running.push(s2);
    await s2.start();
    expect(s2.metrics().restoredRecords).toBe(0); // persistent global store, checkpointed at close
    await s2.close();
    await producer.close();
  });

  it('maxTaskIdleMs: a stream–table join waits for the table\'s empty partition, so an order fetched before its customer still finds it', async () => {
    await client.admin().createTopics(['idle-orders', 'idle-customers', 'idle-enriched', 'idle-enriched-0'].map((topic) => ({ topic, numPartitions: 1 })));
    const topology = (output: string): ReturnType<StreamsBuilder['build']> => {
      const b = new StreamsBuilder();
      const customers = b.table<string, string>('idle-customers', { keySerde: S, valueSerde: S, storeName: `${output}-customers` });
      b.stream<string, string>('idle-orders', { keySerde: S, valueSerde: S })
        .leftJoin(customers, (order, customer) => `${order}:${customer ?? 'none'}`)
        .to(output, { keySerde: S, valueSerde: S });
      return b.build();
    };
    const enriched = async (topic: string): Promise<string[]> => (await client.read({ topic, partition: 0, from: 'earliest' })).records.map((r) => r.value!.toString());
    const producer = client.producer({ lingerMs: 0 });
    // The order (event time 2000) is written before its customer (event time 1000), as when one side lags behind.
    await producer.send({ topic: 'idle-orders', key: 'c1', value: 'o1', timestamp: 2000 });

    // Without waiting (the default), the order is joined with what the table holds when it is fetched: nothing.
    const eager = new KafkaStreams(topology('idle-enriched-0'), appConfig('idle-eager', 'idle-eager'));
    running.push(eager);
    await eager.start();
    await pollUntil(async () => (await enriched('idle-enriched-0')).length === 1, { timeoutMs: 30_000, what: 'the eager join result' });
    expect(await enriched('idle-enriched-0')).toEqual(['o1:none']);
    await eager.close();

    // Waiting: the task holds the order until the customers partition has a record, then processes by timestamp.
    const waiting = new KafkaStreams(topology('idle-enriched'), appConfig('idle-wait', 'idle-wait', { maxTaskIdleMs: 120_000 }));
    running.push(waiting);
    await waiting.start();
    await pollUntil(() => waiting.metrics().bufferedRecords === 1, { timeoutMs: 30_000, what: 'the task to hold the order back' });
    expect(await enriched('idle-enriched')).toEqual([]);
    // A later customer record too: once c1 (1000) is processed the customers partition must still hold
    // something, else the task waits again — a task only runs while every partition has a record.
    await producer.send({ topic: 'idle-customers', messages: [{ key: 'c1', value: 'gold', timestamp: 1000 }, { key: 'c2', value: 'silver', timestamp: 3000 }] });
    await pollUntil(async () => (await enriched('idle-enriched')).length === 1, { timeoutMs: 30_000, what: 'the join result once the customer is in' });
    expect(await enriched('idle-enriched')).toEqual(['o1:gold']);
    // c2 (3000) now waits for the next order.
    expect(waiting.metrics().bufferedRecords).toBe(1);
    await waiting.close();
    await producer.close();
  });

  it('a processor that throws stops the instance: ERROR, the error kept, the group left (another instance takes over)', async () => {
    await client.admin().createTopics([{ topic: 'poison', numPartitions: 1 }, { topic: 'poison-out', numPartitions: 1 }]);
    const topology = (failOn: string | null): ReturnType<StreamsBuilder['build']> => {
      const b = new StreamsBuilder();
      b.stream<string, string>('poison', { keySerde: S, valueSerde: S })
        .peek((_k, v) => {
          if (v === failOn) throw new Error(`cannot handle ${v}`);
        })
        .to('poison-out', { keySerde: S, valueSerde: S });
      return b.build();
    };
    const config = { applicationId: 'poison-app', bootstrap: node.clientAddress!, stateDir: path.join(dir, 'poison'), commitIntervalMs: 100, sessionTimeoutMs: 6000, heartbeatIntervalMs: 200 };
    const fragile = new KafkaStreams(topology('bad'), config);
    running.push(fragile);
    const states: string[] = [];
    fragile.onStateChange((next) => states.push(next));
    await fragile.start();
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'poison', messages: [{ value: 'ok-1' }, { value: 'bad' }, { value: 'ok-2' }] });
    await pollUntil(() => fragile.currentState === 'ERROR', { timeoutMs: 30_000, what: 'the instance to fail' });
    expect(fragile.error?.message).toMatch(/cannot handle bad/);
    // It left the group: a healthy instance gets the partition at once (no session timeout to wait for) and processes from the last commit.
    const healthy = new KafkaStreams(topology(null), config);
    running.push(healthy);
    await healthy.start();
    await pollUntil(async () => (await client.read({ topic: 'poison-out', partition: 0, from: 'earliest' })).records.some((r) => r.value?.toString() === 'ok-2'), { timeoutMs: 30_000, what: 'the healthy instance to process the rest' });
    expect(states).toContain('ERROR');
    await healthy.close();
    await fragile.close(); // idempotent after the fatal error
    await producer.close();
  });

  it('a source topic that does not exist fails start() with the topic named, and the state is ERROR', async () => {
    const b = new StreamsBuilder();
    b.stream('missing-topic').to('x');
    const s = new KafkaStreams(b.build(), { applicationId: 'bad', bootstrap: node.clientAddress!, stateDir: path.join(dir, 'bad') });
    running.push(s);
    await expect(s.start()).rejects.toThrow(/UNKNOWN_TOPIC_OR_PARTITION: source topic "missing-topic" does not exist/);
    expect(s.currentState).toBe('ERROR');
  });

  it('a processingGuarantee that does not exist is refused with a clear message', () => {
    expect(() => new KafkaStreams(wordCountTopology('a', 'b'), { applicationId: 'x', bootstrap: '127.0.0.1:1', processingGuarantee: 'exactly_once' as 'exactly_once_v2' })).toThrow(
      /INVALID_CONFIG: processingGuarantee must be at_least_once or exactly_once_v2, got "exactly_once"/,
    );
  });

  it('exactly_once_v2 with a repartition: two instances, one joins and one leaves (rebalances), the read_committed counts equal the reference, each count once', async () => {
    await client.admin().createTopics([{ topic: 'eos2-lines', numPartitions: 3 }, { topic: 'eos2-counts', numPartitions: 3 }]);
    const make = (name: string): KafkaStreams => {
      const s = new KafkaStreams(wordCountTopology('eos2-lines', 'eos2-counts'), {
        applicationId: 'eos2',
        bootstrap: node.clientAddress!,
        stateDir: path.join(dir, name),
        processingGuarantee: 'exactly_once_v2',
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 200,
        client: { retry: { retries: 10, initialBackoffMs: 20, maxBackoffMs: 200 }, metadataMaxAgeMs: 500 },
      });
      running.push(s);
      return s;
    };
    const lines: string[] = [];
    for (let i = 0; i < 120; i++) lines.push(`w${i % 5} w${i % 7} common`);
    const x = make('eos2-x');
    await x.start();
    await produce(lines.slice(0, 40), 'eos2-lines');
    const y = make('eos2-y');
    await y.start();
    await pollUntil(() => x.metrics().tasks > 0 && y.metrics().tasks > 0, { timeoutMs: 30_000, what: 'both instances to own tasks' });
    await produce(lines.slice(40, 80), 'eos2-lines');
    await y.close();
    await produce(lines.slice(80), 'eos2-lines');
    const expected = reference(lines);
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'eos2-counts', 3, 'read_committed'))) === JSON.stringify(sorted(expected)), {
      timeoutMs: 60_000,
      what: 'the read_committed counts to match the reference',
    });
    for (const [word, counts] of await countHistory(client, 'eos2-counts', 3, 'read_committed')) {
      for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThan(counts[i - 1]!);
      expect(counts[counts.length - 1]).toBe(expected.get(word));
    }
    expect(x.currentState).toBe('RUNNING');
    await x.close();
  });

  it('exactly_once_v2: an instance left mid-transaction is fenced by its replacement; the read_committed output equals the reference, nothing counted twice', async () => {
    await client.admin().createTopics([{ topic: 'eos-lines', numPartitions: 2 }, { topic: 'eos-counts', numPartitions: 2 }]);
    const config = (name: string, extra: Partial<StreamsConfig> = {}): StreamsConfig => ({
      applicationId: 'eos',
      bootstrap: node.clientAddress!,
      stateDir: path.join(dir, name),
      processingGuarantee: 'exactly_once_v2',
      // The same instance id for both: the replacement's transactional id fences the first one's producer.
      groupInstanceId: 'eos-1',
      commitIntervalMs: 100,
      sessionTimeoutMs: 20_000,
      heartbeatIntervalMs: 200,
      client: { retry: { retries: 10, initialBackoffMs: 20, maxBackoffMs: 200 }, metadataMaxAgeMs: 500 },
      ...extra,
    });
    const batch1 = ['a', 'b', 'c', 'a', 'b', 'a'];
    const batch2 = ['a', 'c', 'b', 'b', 'd'];
    const batch3 = ['a', 'd', 'e'];
    const send = async (words: readonly string[]): Promise<void> => {
      const producer = client.producer({ lingerMs: 0 });
      await producer.send({ topic: 'eos-lines', messages: words.map((w) => ({ key: w, value: w })) });
      await producer.close();
    };
    // No cache: every count update goes to the changelog and the output at once, inside the open transaction.
    const a = new KafkaStreams(keyCountTopology('eos-lines', 'eos-counts'), config('eos-a', { cacheMaxEntries: 0 }));
    running.push(a);
    await a.start();
    await send(batch1);
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'eos-counts', 2, 'read_committed'))) === JSON.stringify(sorted(reference(batch1))), {
      timeoutMs: 30_000,
      what: 'batch 1 counted and committed',
    });

    // From now on `a` processes but never commits: its transaction stays open, as when a process hangs or dies.
    (a.config as { commitIntervalMs: number }).commitIntervalMs = 3_600_000;
    await send(batch2);
    const upTo2 = sorted(reference([...batch1, ...batch2]));
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'eos-counts', 2))) === JSON.stringify(upTo2), { timeoutMs: 30_000, what: 'batch 2 written, uncommitted' });
    // read_committed readers do not see the open transaction's counts.
    expect(sorted(await latestCounts(client, 'eos-counts', 2, 'read_committed'))).toEqual(sorted(reference(batch1)));

    // The replacement (another machine: empty state dir) fences `a`: its open transaction is aborted, its
    // changelog writes are not restored, and batch 2 is processed again from the committed offsets.
    const b = new KafkaStreams(keyCountTopology('eos-lines', 'eos-counts'), config('eos-b'));
    running.push(b);
    await b.start();
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'eos-counts', 2, 'read_committed'))) === JSON.stringify(upTo2), {
      timeoutMs: 60_000,
      what: 'batch 2 counted once by the replacement',
    });
    await send(batch3);
    const all = reference([...batch1, ...batch2, ...batch3]);
    await pollUntil(async () => JSON.stringify(sorted(await latestCounts(client, 'eos-counts', 2, 'read_committed'))) === JSON.stringify(sorted(all)), {
      timeoutMs: 60_000,
      what: 'batch 3 counted',
    });
    // No double count anywhere in the committed history: each word's counts only rise, up to its true count.
    for (const [word, counts] of await countHistory(client, 'eos-counts', 2, 'read_committed')) {
      for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThan(counts[i - 1]!);
      expect(counts[counts.length - 1]).toBe(all.get(word));
    }
    // The aborted writes are in the log all the same: a read_uncommitted reader sees counts the reference never reaches.
    const uncommitted = await countHistory(client, 'eos-counts', 2);
    expect([...uncommitted.values()].flat().length).toBeGreaterThan([...(await countHistory(client, 'eos-counts', 2, 'read_committed')).values()].flat().length);
    expect(sorted(new Map(b.store<string, number>('counts').all().map((kv) => [kv.key, kv.value])))).toEqual(sorted(all));
    await a.close();
    // `a` ended dirty: no checkpoint in its task directories, so its LevelDB stores (holding aborted counts) would be wiped on a restart.
    const checkpoints = (name: string): boolean[] => [0, 1].map((p) => existsSync(path.join(dir, name, 'eos', `0_${p}`, '.checkpoint')));
    expect(checkpoints('eos-a')).toEqual([false, false]);
    expect(b.currentState).toBe('RUNNING');
    // While `b` runs its checkpoints are gone too (a crash now must not trust them); a clean close after a commit writes them.
    expect(checkpoints('eos-b')).toEqual([false, false]);
    await b.close();
    expect(b.currentState).toBe('NOT_RUNNING');
    expect(checkpoints('eos-b')).toEqual([true, true]);
    const b2 = new KafkaStreams(keyCountTopology('eos-lines', 'eos-counts'), config('eos-b'));
    running.push(b2);
    await b2.start();
    await pollUntil(() => b2.metrics().tasks === 2, { timeoutMs: 30_000, what: 'the restarted instance to own both tasks' });
    expect(b2.metrics().restoredRecords).toBe(0);
    expect(sorted(new Map(b2.store<string, number>('counts').all().map((kv) => [kv.key, kv.value])))).toEqual(sorted(all));
    await b2.close();
  });
});
