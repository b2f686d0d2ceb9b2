/**
 * `pnpm bench:streams [--records 200000] [--nodes 3]` — @gregor/streams on a
 * local dev cluster (the cluster beside it on the same machine):
 *  - stateless: filter + mapValues + to(), records/s of one instance;
 *  - stateful: groupByKey().count() (a LevelDB store with a cache and a
 *    changelog) + toStream().to(), records/s of one instance;
 *  - sliding: groupByKey().windowedBy(SlidingWindows 100 ms, grace 1 s)
 *    .count() (cached, like the count), records/s of one instance and the
 *    output records per input record;
 *  - failover: two word-count example processes share an application;
 *    kill -9 of one → the survivor has created (restored) every task the
 *    dead one owned, without and with one standby replica (records the
 *    survivor replayed from changelogs are reported). Bounded below by the
 *    group's session timeout (the example's is 10 s).
 * Rates count from the instance's first processed record to the last, so
 * start-up (topic checks, group join) is not in them. Prints one JSON line;
 * progress on stderr. Not a test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient, type Gregor } from '@gregor/client';
import { pollUntil } from '@gregor/common';
import { clusterDown, clusterUp, findFreeBasePort } from '@gregor/dev-cluster';
import { KafkaStreams, Serdes, SlidingWindows, StreamsBuilder, type Topology } from '@gregor/streams';
import { intFlag, parseFlags } from './args';

const flags = parseFlags({
  records: { type: 'string', default: '200000' },
  nodes: { type: 'string', default: '3' },
  keep: { type: 'boolean', default: false },
  'no-failover': { type: 'boolean', default: false },
});
const RECORDS = intFlag('records', flags.records, 1000);
const NODES = intFlag('nodes', flags.nodes, 1);
const PARTITIONS = 3;
const log = (m: string): void => void process.stderr.write(`[bench:streams] ${new Date().toISOString()} ${m}\n`);
const S = Serdes.String();
const EXAMPLE = path.resolve(__dirname, '../../examples/dist/streams/word-count.js');

async function preload(client: Gregor, topic: string): Promise<void> {
  await client.admin().createTopics([{ topic, numPartitions: PARTITIONS }]);
  const producer = client.producer({ lingerMs: 20, batchSize: 256 * 1024 });
  const batch = 5000;
  for (let i = 0; i < RECORDS; i += batch) {
    const messages = Array.from({ length: Math.min(batch, RECORDS - i) }, (_, j) => ({ key: `key-${(i + j) % 1000}`, value: `value ${i + j} of the benchmark` }));
    await producer.send({ topic, messages });
  }
  await producer.close();
}

/**
 * Runs the topology over the preloaded input until every record was
 * processed; records/s from the moment the instance has its tasks
 * (RUNNING), so the first fetch counts — timing from the first processed
 * record gave 0 when one poll took everything.
 */
async function measure(name: string, topology: Topology, bootstrap: string[], stateDir: string): Promise<Record<string, number>> {
  const streams = new KafkaStreams(topology, { applicationId: `bench-${name}`, bootstrap, stateDir, commitIntervalMs: 1000 });
  let runningAt: number | undefined;
  streams.onStateChange((next) => {
    if (next === 'RUNNING') runningAt ??= performance.now();
  });
  await streams.start();
  try {
    const first = await pollUntil(() => runningAt, { timeoutMs: 120_000, intervalMs: 5, what: `${name}: tasks assigned` });
    const last = await pollUntil(() => (streams.metrics().processedRecords >= RECORDS ? performance.now() : undefined), { timeoutMs: 600_000, intervalMs: 5, what: `${name}: all ${RECORDS} records` });
    if (streams.error !== undefined) throw streams.error;
    const seconds = (last - first) / 1000;
    const m = streams.metrics();
    return {
      records_per_s: Math.round(RECORDS / seconds),
      seconds: Math.round(seconds * 100) / 100,
      // Where the loop waited (ms, whole run): poll, commits, acknowledgements.
      poll_wait_ms: Math.round(m.pollWaitMs),
      commit_ms: Math.round(m.commitMs),
      back_pressure_ms: Math.round(m.backPressureMs),
    };
  } finally {
    await streams.close();
  }
}

function spawnExample(bootstrap: string[], stateDir: string, standbys: number): { child: ChildProcess; lines: () => string[] } {
  const env = { PATH: process.env.PATH, GREGOR_BOOTSTRAP: bootstrap.join(','), GREGOR_STREAMS_STATE_DIR: stateDir, GREGOR_STREAMS_STANDBY_REPLICAS: String(standbys), GREGOR_STREAMS_APP_ID: `bench-failover-${standbys}` };
  const child = spawn(process.execPath, [EXAMPLE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
  return { child, lines: () => text.split('\n') };
}

const createdTasks = (lines: string[]): string[] =>
  lines.filter((l) => l.includes('"task created"')).map((l) => (JSON.parse(l) as { task: string }).task);

/** kill -9 of one of two instances → the survivor has created every task the dead one owned. */
async function failover(bootstrap: string[], dir: string, client: Gregor, standbys: number): Promise<{ kill_to_tasks_moved_ms: number; moved_tasks: number; restored_records: number }> {
  const a = spawnExample(bootstrap, path.join(dir, `fa${standbys}`), standbys);
  const b = spawnExample(bootstrap, path.join(dir, `fb${standbys}`), standbys);
  try {
    await pollUntil(() => createdTasks(a.lines()).length + createdTasks(b.lines()).length >= 2 * PARTITIONS && createdTasks(b.lines()).length > 0 && createdTasks(a.lines()).length > 0, {
      timeoutMs: 120_000,
      what: 'both instances to own tasks',
    });
    const producer = client.producer({ lingerMs: 5 });
    await producer.send({ topic: 'streams-plaintext-input', messages: Array.from({ length: 20_000 }, (_, i) => ({ value: `w${i % 5000} w${i % 7} common` })) });
    await producer.close();
    // Let both instances count it all, so the killed one's stores are large enough for restoration to show.
    await pollUntil(async () => (await client.admin().listOffsets([0, 1, 2].map((partition) => ({ topic: 'streams-wordcount-output', partition, spec: 'latest' as const })))).reduce((n, o) => n + Number(o.offset), 0) >= 5000, {
      timeoutMs: 120_000,
      what: 'the input to be counted',
    });
    const owned = new Set(createdTasks(b.lines()));
    const before = createdTasks(a.lines()).length;
    const killedAt = performance.now();
    b.child.kill('SIGKILL');
    const movedAt = await pollUntil(
      () => {
        const newTasks = new Set(createdTasks(a.lines()).slice(before));
        return [...owned].every((t) => newTasks.has(t)) ? performance.now() : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 10, what: 'the survivor to take the dead instance’s tasks' },
    );
    const restored = a
      .lines()
      .filter((l) => l.includes('"restored state store"'))
      .reduce((n, l) => n + (JSON.parse(l) as { restored: number }).restored, 0);
    return { kill_to_tasks_moved_ms: Math.round(movedAt - killedAt), moved_tasks: owned.size, restored_records: restored };
  } finally {
    for (const p of [a, b]) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gregor-streams-bench-'));
  const basePort = await findFreeBasePort(NODES);
  log(`starting a ${NODES}-node cluster in ${dir}`);
  const cluster = await clusterUp({ dir, nodes: NODES, basePort, config: { 'group.initial.rebalance.delay.ms': '0' }, readyTimeoutMs: 90_000 });
  const bootstrap = cluster.nodes.map((n) => n.grpc);
  const client = createClient({ bootstrap });
  try {
    log(`preloading ${RECORDS} records`);
    await preload(client, 'bench-input');
    await client.admin().createTopics([{ topic: 'bench-stateless-out', numPartitions: PARTITIONS }, { topic: 'bench-stateful-out', numPartitions: PARTITIONS }]);

    const stateless = new StreamsBuilder();
    stateless
      .stream('bench-input', { keySerde: S, valueSerde: S })
      .filter((_k, v) => !v.endsWith('x'))
      .mapValues((v) => v.toUpperCase())
      .to('bench-stateless-out', { keySerde: S, valueSerde: S });
    log('stateless');
    const statelessResult = await measure('stateless', stateless.build(), bootstrap, path.join(dir, 'state'));

    const stateful = new StreamsBuilder();
    stateful
      .stream('bench-input', { keySerde: S, valueSerde: S })
      .groupByKey()
      .count({ storeName: 'counts' })
      .toStream()
      .to('bench-stateful-out', { keySerde: S, valueSerde: Serdes.Float64() });
    log('stateful');
    const statefulResult = await measure('stateful', stateful.build(), bootstrap, path.join(dir, 'state'));

    await client.admin().createTopics([{ topic: 'bench-sliding-out', numPartitions: PARTITIONS }]);
    const sliding = new StreamsBuilder();
    sliding
      .stream('bench-input', { keySerde: S, valueSerde: S })
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(100, 1000))
      .count({ storeName: 'sliding-counts' })
      .toStream()
      .map((w, n) => ({ key: `${w.key}@${w.window.startMs}`, value: n }))
      .to('bench-sliding-out', { keySerde: S, valueSerde: Serdes.Float64() });
    log('sliding');
    const slidingResult = await measure('sliding', sliding.build(), bootstrap, path.join(dir, 'state'));
    const slidingOut = (await client.admin().listOffsets([0, 1, 2].map((partition) => ({ topic: 'bench-sliding-out', partition, spec: 'latest' as const })))).reduce((n, o) => n + Number(o.offset), 0);
    slidingResult['output_records_per_input'] = Math.round((slidingOut / RECORDS) * 100) / 100;

    log('failover');
    const failoverResult = flags['no-failover'] ? null : await failover(bootstrap, dir, client, 0);
    log('failover with one standby replica');
    const standbyResult = flags['no-failover'] ? null : await failover(bootstrap, dir, client, 1);
    console.log(JSON.stringify({ records: RECORDS, nodes: NODES, partitions: PARTITIONS, stateless: statelessResult, stateful: statefulResult, sliding: slidingResult, failover: failoverResult, failover_standby: standbyResult }));
  } finally {
    await client.close();
    await clusterDown(dir, 10_000).catch(() => undefined);
    if (!flags.keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
