/**
 * `pnpm bench [--nodes N] [--replication-factor R] [--acks 0|1|all] [--records N] [--protocol grpc|kafka|both] [--rounds N] [--latency-rate R[,R…]] [--latency-only]`
 *
 * Starts a local cluster (real node processes) in a temp dir, produces N
 * records of --record-size bytes from one producer as fast as it can, consumes
 * them back, then measures produce latency at a fixed modest rate (or at
 * each of several rates), with a breakdown of where the time went and the
 * nodes' event-loop delay and GC pauses meanwhile (bench-latency.ts).
 * `--latency-only` skips the throughput and consume phases. `--protocol`
 * picks the front end: gRPC through the SDK (default), Kafka's wire protocol
 * through the KAFKA listener with a lean client, or both on the same cluster,
 * `--rounds` times, the order swapped each round (each run on a fresh topic). Prints one JSON line
 * per run on stdout, and with more than one run a summary line (min/median/max
 * per protocol); progress goes to stderr. Not a test: no thresholds.
 * `--api records` then also publishes N records through gregor.v1.Records
 * (1,000 per Publish, to node 1) and prints that throughput beside the SDK's
 * (gRPC) produce throughput of the same run, then reads them back with
 * client.subscribe (acking each) and with the SDK consumer, alternating
 * (sdk, subscribe, subscribe, sdk; each pass from its first record, the
 * group join reported apart), and measures push latency at --latency-rate
 * from the producer's send, the leader's append, the commit (the leader's
 * high watermark: the Subscribe path alone) and the producer's ack, as one
 * more JSON line.
 * `--transactions N` (gRPC only) then also produces the records again in
 * transactions of N records each and prints that rate beside the
 * idempotent one of the same round (`txn_vs_idempotent`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type Acks } from '@gregor/client';
import { clusterDown, clusterUp, findFreeBasePort } from '@gregor/dev-cluster';
import { intFlag, nodeArgsFlag, parseFlags } from './args';
import { processCpuSeconds } from './proc-stats';
import { grpcWorkload, kafkaWorkload, type BenchWorkload, type Protocol } from './bench-workload';
import { summarize } from './bench-summary';
import { leaderTraces, measureLatency, type LatencyPoint, type LatencyTarget } from './bench-latency';
import { pushBreakdown } from './latency-breakdown';
import { readTimelines, timelineBreakdown } from './timeline-breakdown';
import { benchNatsJetStream } from './peers/nats-jetstream';
import { benchRecordsPublish } from './records-bench';
import { benchPushLatency, benchSubscribeThroughput, type SubscribeThroughputResult } from './subscribe-bench';
import { produceTransactional } from './txn-bench';

const flags = parseFlags({
  nodes: { type: 'string', default: '1' },
  'replication-factor': { type: 'string' },
  acks: { type: 'string' },
  records: { type: 'string', default: '1000000' },
  'record-size': { type: 'string', default: '100' },
  partitions: { type: 'string', default: '6' },
  /** Records/s of the latency phase; a comma-separated list measures each rate in turn. */
  'latency-rate': { type: 'string', default: '1000' },
  /** Only the latency phase (a quick check). */
  'latency-only': { type: 'boolean', default: false },
  'latency-seconds': { type: 'string', default: '5' },
  /** grpc (the SDK), kafka (the KAFKA listener, lean wire client) or both. */
  protocol: { type: 'string', default: 'grpc' },
  /** sdk: only the Kafka-shaped paths; records: also gregor.v1.Records' Publish, side by side. */
  api: { type: 'string', default: 'sdk' },
  /** How many times each protocol runs, alternating, on the same cluster. */
  rounds: { type: 'string', default: '1' },
  /** Records per transaction for the transactional produce phase (0: none). */
  transactions: { type: 'string', default: '0' },
  /** Fail when the consume phase reads nothing for this long. */
  'consume-stall-ms': { type: 'string', default: '30000' },
  keep: { type: 'boolean', default: false },
  /** Write a V8 CPU profile of every node process into this folder. */
  'profile-dir': { type: 'string' },
  /** Extra V8/Node flags for every node process, space-separated (e.g. "--trace-gc"). */
  'node-args': { type: 'string' },
  /** on: the nodes trace latency (debug.latency.trace) and the bench prints the breakdown; off: as before issue #13. */
  'latency-trace': { type: 'string', default: 'on' },
  /** The nodes write debug timelines (debug.latency.timeline.dir); after the run one more JSON line splits the replication hops (timeline-breakdown.ts). */
  timeline: { type: 'boolean', default: false },
  /** Peers to run the same workload on after Gregor, side by side: "nats" (NATS JetStream, 3 servers, R = --replication-factor). */
  peers: { type: 'string', default: '' },
  /** Extra node config for every node, comma-separated key=value (e.g. "replica.fetch.transport=kafka"). */
  'node-config': { type: 'string', default: '' },
});

const nodes = intFlag('nodes', flags.nodes, 1);
const replicationFactor = intFlag('replication-factor', flags['replication-factor'] ?? String(Math.min(3, nodes)), 1);
const acksText = flags.acks ?? (nodes === 1 ? '1' : 'all');
const records = intFlag('records', flags.records, 1);
const recordSize = intFlag('record-size', flags['record-size'], 0);
const partitions = intFlag('partitions', flags.partitions, 1);
const latencyRates = flags['latency-rate'].split(',').map((r) => intFlag('latency-rate', r.trim(), 1));
const latencyRate = latencyRates[0]!;
const latencySeconds = intFlag('latency-seconds', flags['latency-seconds'], 1);
const consumeStallMs = intFlag('consume-stall-ms', flags['consume-stall-ms'], 1);
const rounds = intFlag('rounds', flags.rounds, 1);
const perTransaction = intFlag('transactions', flags.transactions, 0);
if (perTransaction > 0 && (flags.protocol !== 'grpc' || !['all', '-1'].includes(flags.acks ?? (nodes === 1 ? '1' : 'all')))) {
  process.stderr.write('--transactions needs --protocol grpc and acks all (a transactional producer is idempotent)\n');
  process.exit(1);
}
if (!['0', '1', 'all', '-1'].includes(acksText)) {
  process.stderr.write(`--acks must be 0, 1 or all, got "${acksText}"\n`);
  process.exit(1);
}
if (!['grpc', 'kafka', 'both'].includes(flags.protocol)) {
  process.stderr.write(`--protocol must be grpc, kafka or both, got "${flags.protocol}"\n`);
  process.exit(1);
}
if (!['sdk', 'records'].includes(flags.api)) {
  process.stderr.write(`--api must be sdk or records, got "${flags.api}"\n`);
  process.exit(1);
}
if (flags.api === 'records' && !['1', 'all', '-1'].includes(acksText)) {
  process.stderr.write('--api records needs --acks 1 or all (Publish answers with offsets)\n');
  process.exit(1);
}
if (!['on', 'off'].includes(flags['latency-trace'])) {
  process.stderr.write(`--latency-trace must be on or off, got "${flags['latency-trace']}"\n`);
  process.exit(1);
}
const latencyTrace = flags['latency-trace'] === 'on';
const extraNodeConfig: Record<string, string> = {};
for (const pair of flags['node-config'].split(',').filter((p) => p !== '')) {
  const eq = pair.indexOf('=');
  if (eq <= 0) {
    process.stderr.write(`--node-config takes key=value pairs, got "${pair}"\n`);
    process.exit(1);
  }
  extraNodeConfig[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
}
const peers = flags.peers.split(',').filter((p) => p !== '');
for (const p of peers) {
  if (p !== 'nats') {
    process.stderr.write(`--peers knows only "nats", got "${p}"\n`);
    process.exit(1);
  }
}
const protocols: Protocol[] = flags.protocol === 'both' ? ['grpc', 'kafka'] : [flags.protocol as Protocol];
const acks: Acks = acksText === 'all' || acksText === '-1' ? 'all' : (Number(acksText) as 0 | 1);

const log = (msg: string): void => {
  process.stderr.write(`[bench] ${msg}\n`);
};


function clientCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function nodesCpuSeconds(pids: readonly number[]): number | undefined {
  let sum = 0;
  for (const pid of pids) {
    const s = processCpuSeconds(pid);
    if (s === undefined) return undefined;
    sum += s;
  }
  return sum;
}


async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gregor-bench-'));
  const basePort = await findFreeBasePort(nodes);
  log(`starting ${nodes} node(s) in ${dir}`);
  const execArgv = [
    ...(flags['profile-dir'] !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(flags['profile-dir'])}`] : []),
    ...nodeArgsFlag(flags['node-args']),
  ];
  // debug.latency.trace: the nodes keep per-stage produce timings, event-loop delay and GC pauses for the latency phase.
  const timelineDir = path.join(dir, 'timeline');
  if (flags.timeline) mkdirSync(timelineDir);
  const config = { 'log.level': 'warn', 'debug.latency.trace': String(latencyTrace), ...(flags.timeline ? { 'debug.latency.timeline.dir': timelineDir } : {}), ...extraNodeConfig };
  const cluster = await clusterUp({ dir, nodes, basePort, onProgress: log, config, execArgv });
  const client = createClient({ bootstrap: cluster.nodes.map((n) => n.grpc) });
  const workloads = new Map<Protocol, BenchWorkload>();
  try {
    for (const protocol of protocols) {
      workloads.set(protocol, protocol === 'grpc' ? grpcWorkload(client, acks) : await kafkaWorkload(kafkaAddresses(cluster.nodes), acks));
    }
    const pids = cluster.nodes.map((n) => n.pid);
    const results: BenchResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      // Alternate which protocol goes first, so neither always runs on a fresher (or warmer) cluster.
      for (const protocol of round % 2 === 1 ? protocols : [...protocols].reverse()) {
        const topic = `bench-${round}-${protocol}`;
        // The dev cluster's nodes default to min.insync.replicas 2 (3 nodes): a
        // --replication-factor 1 topic would refuse every acks=all record. One
        // less than the replicas, as the cluster's own defaults, always fits.
        const configs = { 'min.insync.replicas': String(Math.max(1, replicationFactor - 1)) };
        await client.admin().createTopics([{ topic, numPartitions: partitions, replicationFactor, configs }]);
        log(`round ${round}/${rounds}: ${protocol}`);
        const result = await runOnce(workloads.get(protocol)!, topic, pids, { client, acks, httpUrls: latencyTrace ? cluster.nodes.map((n) => n.http) : [] });
        results.push(result);
        process.stdout.write(`${JSON.stringify(result)}\n`);
        if (perTransaction > 0 && protocol === 'grpc') {
          log(`round ${round}/${rounds}: transactions of ${perTransaction} records`);
          const value = randomBytes(recordSize);
          const cpu0 = { client: clientCpuSeconds(), nodes: nodesCpuSeconds(pids) };
          const t = await produceTransactional(client, acks, topic, value, records, perTransaction, (n) => log(`transactional: produced ${n}/${records}`));
          const cpu = cpuDelta(cpu0, pids, records);
          const rps = Math.round(records / t.seconds);
          process.stdout.write(
            `${JSON.stringify({
              mode: 'transactional',
              produce_rps: rps,
              txn_vs_idempotent: result.produce_rps === undefined ? null : Number((rps / result.produce_rps).toFixed(2)),
              records_per_transaction: perTransaction,
              transactions: t.transactions,
              ...t.phases,
              produce_cpu_us_per_record_client: Number(cpu.client.toFixed(2)),
              produce_cpu_us_per_record_nodes: cpu.nodes === undefined ? null : Number(cpu.nodes.toFixed(2)),
              nodes,
              replication_factor: replicationFactor,
              records,
              record_size: recordSize,
            })}\n`,
          );
        }
        // Free the disk for the next run (RF copies of every record).
        await client.admin().deleteTopics([topic]);
      }
    }
    if (results.length > 1) process.stdout.write(`${JSON.stringify(summarize(results))}\n`);
    if (peers.includes('nats')) await benchNatsPeer(dir, results);
    if (flags.api === 'records') {
      const grpcRuns = results.filter((r) => r.protocol === 'grpc');
      const best = (values: (number | undefined)[]): number | undefined => {
        const known = values.filter((v): v is number => v !== undefined);
        return known.length === 0 ? undefined : Math.max(...known);
      };
      await benchRecordsApi(client, cluster.nodes[0]!.grpc, pids, best(grpcRuns.map((r) => r.produce_rps)), best(grpcRuns.map((r) => r.consume_rps)), cluster);
    }
  } finally {
    for (const w of workloads.values()) await w.close();
    await client.close();
    if (flags.keep) {
      log(`cluster left running in ${dir}`);
    } else {
      await clusterDown(dir, 10_000);
      // The nodes write their last timeline events as they exit.
      if (flags.timeline) printTimeline(timelineDir);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The replication hops of the measured records (the last rate × seconds appends; the warm-up's are left out), as one JSON line. */
function printTimeline(timelineDir: string): void {
  const breakdown = timelineBreakdown(readTimelines(timelineDir), latencyRates[latencyRates.length - 1]! * latencySeconds);
  process.stdout.write(`${JSON.stringify({ mode: 'timeline', ...breakdown })}\n`);
}

/**
 * The same workload on NATS JetStream (R = --replication-factor, 3
 * servers), after Gregor's runs on this machine, one more JSON line with
 * Gregor's best produce/consume rate of this run over NATS's. Installs
 * nats-server when missing (scripts/install-nats-server.sh); skipped, with
 * a line on stderr, when that is not possible.
 */
async function benchNatsPeer(dir: string, results: readonly BenchResult[]): Promise<void> {
  const install = spawnSync('bash', [path.join(__dirname, '..', 'install-nats-server.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (install.status !== 0 || spawnSync('nats-server', ['--version']).status !== 0) {
    log('nats peer skipped: nats-server is not installed');
    return;
  }
  const peer = await benchNatsJetStream({
    dir: path.join(dir, 'nats'),
    records,
    value: randomBytes(recordSize),
    replicas: replicationFactor,
    latencyRates,
    latencySeconds,
    log,
  });
  const grpcRuns = results.filter((r) => r.protocol === 'grpc' && 'produce_rps' in r) as { produce_rps: number; consume_rps: number }[];
  const best = (v: number[]): number | null => (v.length === 0 ? null : Math.max(...v));
  const gregorProduce = best(grpcRuns.map((r) => r.produce_rps));
  const gregorConsume = best(grpcRuns.map((r) => r.consume_rps));
  process.stdout.write(
    `${JSON.stringify({
      ...peer,
      gregor_produce_vs_peer: gregorProduce === null ? null : Number((gregorProduce / peer.produce_rps).toFixed(2)),
      gregor_consume_vs_peer: gregorConsume === null ? null : Number((gregorConsume / peer.consume_rps).toFixed(2)),
    })}\n`,
  );
}

function kafkaAddresses(list: readonly { id: number; kafka?: string | undefined }[]): string[] {
  return list.map((n) => {
    if (n.kafka === undefined) throw new Error(`node ${n.id} has no KAFKA listener in cluster.json`);
    return n.kafka;
  });
}

export type BenchResult = ReturnType<typeof resultOf>;

function cpuDelta(before: { client: number; nodes: number | undefined }, pids: readonly number[], count: number): { client: number; nodes: number | undefined } {
  const nodesNow = nodesCpuSeconds(pids);
  return {
    client: ((clientCpuSeconds() - before.client) / count) * 1e6,
    nodes: nodesNow === undefined || before.nodes === undefined ? undefined : ((nodesNow - before.nodes) / count) * 1e6,
  };
}

/** Sends of 1,000 records in flight at once: the SDK path's, and the Publish calls' (the same records in flight on both). */
const SENDS_IN_FLIGHT = 64;

/** Resident set size of a process, MB; undefined where /proc is not readable. */
function processRssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Math.round(Number(m[1]) / 1024);
  } catch {
    return undefined;
  }
}

interface ThroughputFigures {
  produceRps: number;
  consumeRps: number;
  produceCpu: { client: number; nodes: number | undefined };
  consumeCpu: { client: number; nodes: number | undefined };
  /** Each node's RSS once the throughput run (produce + consume) is over, MB. */
  rssMbNodes: (number | null)[];
}

/** Produce N records as fast as one producer can, then consume them back. */
async function throughputPhases(workload: BenchWorkload, topic: string, pids: readonly number[], value: Buffer): Promise<ThroughputFigures> {
  const cpuNow = () => ({ client: clientCpuSeconds(), nodes: nodesCpuSeconds(pids) });

  // Throughput: one producer, records sent in chunks of 1000 so the producer batches freely.
  const producer = await workload.producer(topic, value, 'throughput');
  let acked = 0;
  const progress = setInterval(() => log(`${workload.protocol}: produced ${acked}/${records}`), 1000);
  const cpu0 = cpuNow();
  const t0 = performance.now();
  const inflight = new Set<Promise<void>>();
  try {
    for (let sent = 0; sent < records; sent += 1000) {
      const n = Math.min(1000, records - sent);
      const p = producer.send(n).then(() => {
        acked += n;
        inflight.delete(p);
      });
      inflight.add(p);
      if (inflight.size >= SENDS_IN_FLIGHT) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } finally {
    clearInterval(progress);
  }
  const produceSec = (performance.now() - t0) / 1000;
  // CPU spent per record, in microseconds: where the 2 cores go.
  const produceCpu = cpuDelta(cpu0, pids, records);
  await producer.close();
  log(`${workload.protocol}: produced ${records} records in ${produceSec.toFixed(2)} s`);

  // Consume everything back from the beginning.
  let consumed = 0;
  const consumeProgress = setInterval(() => log(`${workload.protocol}: consumed ${consumed}/${records}`), 1000);
  const cpu1 = cpuNow();
  const t1 = performance.now();
  try {
    await workload.consume(topic, partitions, records, consumeStallMs, (n) => void (consumed = n));
  } catch (err) {
    throw new Error(`${String(err)} (--consume-stall-ms); rerun with --keep to keep the cluster and its node logs`);
  } finally {
    clearInterval(consumeProgress);
  }
  const consumeSec = (performance.now() - t1) / 1000;
  const consumeCpu = cpuDelta(cpu1, pids, records);
  log(`${workload.protocol}: consumed ${records} records in ${consumeSec.toFixed(2)} s`);
  return { produceRps: records / produceSec, consumeRps: records / consumeSec, produceCpu, consumeCpu, rssMbNodes: pids.map((pid) => processRssMb(pid) ?? null) };
}

/** The phases on one topic through one protocol: throughput (unless --latency-only), then latency at each rate. */
async function runOnce(workload: BenchWorkload, topic: string, pids: readonly number[], target: LatencyTarget) {
  const value = randomBytes(recordSize);
  const throughput = flags['latency-only'] ? undefined : await throughputPhases(workload, topic, pids, value);
  // Latency at fixed modest rates: each record sent alone, linger 0.
  const curve: LatencyPoint[] = [];
  for (const rate of latencyRates) {
    log(`${workload.protocol}: measuring latency: ${rate} records/s for ${latencySeconds} s`);
    const cpu0 = { client: clientCpuSeconds(), nodes: nodesCpuSeconds(pids) };
    const point = await measureLatency(target, workload, topic, value, rate, latencySeconds);
    // CPU per record sent (warm-up included): unlike the latencies, hardly moved by other load on the machine.
    const cpu = cpuDelta(cpu0, pids, rate * latencySeconds + Math.min(rate, 2000));
    curve.push({ ...point, cpu_us_per_record_client: Number(cpu.client.toFixed(1)), cpu_us_per_record_nodes: cpu.nodes === undefined ? null : Number(cpu.nodes.toFixed(1)) });
  }
  return resultOf(workload.protocol, throughput, curve);
}

function resultOf(protocol: Protocol, t: ThroughputFigures | undefined, curve: LatencyPoint[]) {
  const us = (v: number | undefined): number | null => (v === undefined ? null : Number(v.toFixed(2)));
  const first = curve[0]!;
  return {
    protocol,
    ...(t === undefined
      ? {}
      : {
          produce_rps: Math.round(t.produceRps),
          produce_mb_s: Number(((t.produceRps * recordSize) / 1e6).toFixed(2)),
          produce_cpu_us_per_record_client: Number(t.produceCpu.client.toFixed(2)),
          produce_cpu_us_per_record_nodes: us(t.produceCpu.nodes),
          consume_rps: Math.round(t.consumeRps),
          consume_cpu_us_per_record_client: Number(t.consumeCpu.client.toFixed(2)),
          consume_cpu_us_per_record_nodes: us(t.consumeCpu.nodes),
          rss_mb_nodes: t.rssMbNodes,
        }),
    // The first rate's figures, under the names earlier runs printed.
    lat_p50_ms: first.p50_ms,
    lat_p99_ms: first.p99_ms,
    lat_p999_ms: first.p999_ms,
    lat_breakdown: first.breakdown,
    lat_cpu_us_per_record_client: first.cpu_us_per_record_client,
    lat_cpu_us_per_record_nodes: first.cpu_us_per_record_nodes,
    lat_nodes: first.nodes,
    ...(curve.length > 1 ? { latency_curve: curve } : {}),
    nodes,
    replication_factor: replicationFactor,
    acks: acksText,
    records: t === undefined ? 0 : records,
    record_size: recordSize,
    partitions,
    latency_rate: latencyRate,
  };
}

/** The SDK consumer (assign, from the earliest offset) reads the topic's `records` records; records/s from its first records. */
async function sdkConsumeFromFirstRecord(client: ReturnType<typeof createClient>, topic: string): Promise<number> {
  let first: number | undefined;
  await grpcWorkload(client, acks).consume(topic, partitions, records, consumeStallMs, () => void (first ??= performance.now()));
  return Math.round(records / ((performance.now() - first!) / 1000));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});

/**
 * Publishes `records` records through gregor.v1.Records (1,000 per Publish,
 * SENDS_IN_FLIGHT calls in flight, to one node) and prints its throughput, beside the
 * best SDK produce rate of this run when there is one; then reads them back
 * twice with client.subscribe and twice with the SDK's consumer,
 * alternating, and measures push latency (pushBreakdown).
 */
async function benchRecordsApi(
  client: ReturnType<typeof createClient>,
  address: string,
  pids: readonly number[],
  sdkProduceRps: number | undefined,
  sdkConsumeRunRps: number | undefined,
  cluster: { nodes: readonly { http: string }[] },
): Promise<void> {
  const topic = 'bench-records';
  const configs = { 'min.insync.replicas': String(Math.max(1, replicationFactor - 1)) };
  await client.admin().createTopics([{ topic, numPartitions: partitions, replicationFactor, configs }]);
  log(`publishing ${records} records through gregor.v1.Records, 1000 per Publish`);
  const before = { client: clientCpuSeconds(), nodes: nodesCpuSeconds(pids) };
  const r = await benchRecordsPublish({
    address,
    topic,
    records,
    value: randomBytes(recordSize),
    acks: acks === 'all' ? 'all' : 'leader',
    recordsPerPublish: 1000,
    concurrency: SENDS_IN_FLIGHT,
  });
  if (r.failedRecords > 0) throw new Error(`${r.failedRecords} records failed to publish through gregor.v1.Records`);
  const cpu = cpuDelta(before, pids, records);
  const rps = Math.round(records / r.seconds);
  log(`published ${records} records through gregor.v1.Records in ${r.seconds.toFixed(2)} s`);
  // Subscribe beside the SDK's consumer on the same records, alternating (sdk, subscribe, subscribe, sdk):
  // both read the same topic on the same warm cluster, and neither always goes first.
  const subscribeRps: number[] = [];
  const sdkConsumeRps: number[] = [];
  let sub: SubscribeThroughputResult | undefined;
  let subCpu = { client: 0, nodes: undefined as number | undefined };
  for (const pass of ['sdk', 'subscribe', 'subscribe', 'sdk'] as const) {
    if (pass === 'sdk') {
      log(`consuming the ${records} published records with the SDK consumer (pass ${sdkConsumeRps.length + 1} of 2)`);
      sdkConsumeRps.push(await sdkConsumeFromFirstRecord(client, topic));
      continue;
    }
    log(`subscribing to the ${records} published records (client.subscribe, acking each; pass ${subscribeRps.length + 1} of 2)`);
    let subCpu0 = { client: clientCpuSeconds(), nodes: nodesCpuSeconds(pids) };
    const s = await benchSubscribeThroughput(
      client,
      topic,
      records,
      consumeStallMs,
      (n) => log(`received ${n}/${records}`),
      () => void (subCpu0 = { client: clientCpuSeconds(), nodes: nodesCpuSeconds(pids) }),
      `pass-${subscribeRps.length + 1}`,
    );
    subCpu = cpuDelta(subCpu0, pids, records);
    subscribeRps.push(Math.round(s.received / s.seconds));
    sub = s;
  }
  const pushTopic = 'bench-push';
  await client.admin().createTopics([{ topic: pushTopic, numPartitions: partitions, replicationFactor, configs }]);
  log(`measuring push latency: ${latencyRate} records/s for ${latencySeconds} s`);
  const httpUrls = latencyTrace ? cluster.nodes.map((n) => n.http) : [];
  const pushed = await benchPushLatency(client, pushTopic, partitions, acks, latencyRate, latencySeconds, async () => void (await leaderTraces(httpUrls, pushTopic)));
  const push = pushBreakdown(pushed, await leaderTraces(httpUrls, pushTopic));
  const bestSub = Math.max(...subscribeRps);
  const bestSdk = Math.max(...sdkConsumeRps);
  const line = {
    api: 'records',
    records_publish_rps: rps,
    records_publish_mb_s: Number(((records * recordSize) / r.seconds / 1e6).toFixed(2)),
    records_publish_vs_sdk: sdkProduceRps === undefined ? null : Number((rps / sdkProduceRps).toFixed(2)),
    records_publish_cpu_us_per_record_client: Number(cpu.client.toFixed(2)),
    records_publish_cpu_us_per_record_nodes: cpu.nodes === undefined ? null : Number(cpu.nodes.toFixed(2)),
    // Best of two passes each, alternating on the same records; every pass counted from its first record.
    records_subscribe_rps: bestSub,
    records_subscribe_vs_sdk_consume: Number((bestSub / bestSdk).toFixed(2)),
    records_subscribe_rps_passes: subscribeRps,
    sdk_consume_rps_passes: sdkConsumeRps,
    // Against the SDK consume phase of the main run (a different topic, its first and only pass), as printed before.
    records_subscribe_vs_sdk_consume_phase: sdkConsumeRunRps === undefined ? null : Number((bestSub / sdkConsumeRunRps).toFixed(2)),
    records_subscribe_join_ms: Math.round(sub!.joinMs),
    records_subscribe_cpu_us_per_record_client: Number(subCpu.client.toFixed(2)),
    records_subscribe_cpu_us_per_record_nodes: subCpu.nodes === undefined ? null : Number(subCpu.nodes.toFixed(2)),
    // Push latency (issue #17: "append → subscriber receives"): from_commit is the Subscribe path alone
    // (a record can be pushed once the leader's high watermark passes it); from_append adds the wait for
    // the followers (the produce path's replication, append_to_commit); from_ack and from_send as before.
    push_lat_p50_ms: push.from_send?.p50 ?? null,
    push_lat_p99_ms: push.from_send?.p99 ?? null,
    push_after_ack_p50_ms: push.from_ack?.p50 ?? null,
    push_after_ack_p99_ms: push.from_ack?.p99 ?? null,
    push_latency: push,
    nodes,
    replication_factor: replicationFactor,
    acks: acksText,
    records,
    record_size: recordSize,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  await client.admin().deleteTopics([topic, pushTopic]);
}
