/**
 * `pnpm bench [--nodes N] [--replication-factor R] [--acks 0|1|all] [--records N]`
 *
 * Starts a local cluster (real node processes) in a temp dir, produces N
 * records of --record-size bytes from one producer as fast as it can, consumes
 * them back, then measures produce latency at a fixed modest rate. Prints one
 * JSON line on stdout; progress goes to stderr. Not a test: no thresholds.
 * `--api records` also publishes N records through gregor.v1.Records (1,000
 * per Publish, to node 1) and prints that throughput beside the SDK's, then
 * subscribes to them (client.subscribe, acking each) and measures push
 * latency (send → subscriber) at --latency-rate.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type Acks, type Message } from '@gregor/client';
import { clusterDown, clusterUp, findFreeBasePort } from '@gregor/dev-cluster';
import { intFlag, parseFlags } from './args';
import { benchRecordsPublish } from './records-bench';
import { benchPushLatency, benchSubscribeThroughput } from './subscribe-bench';

const flags = parseFlags({
  nodes: { type: 'string', default: '1' },
  'replication-factor': { type: 'string' },
  acks: { type: 'string' },
  records: { type: 'string', default: '1000000' },
  'record-size': { type: 'string', default: '100' },
  partitions: { type: 'string', default: '6' },
  'latency-rate': { type: 'string', default: '1000' },
  'latency-seconds': { type: 'string', default: '5' },
  /** Fail when the consume phase reads nothing for this long. */
  'consume-stall-ms': { type: 'string', default: '30000' },
  keep: { type: 'boolean', default: false },
  /** Write a V8 CPU profile of every node process into this folder. */
  'profile-dir': { type: 'string' },
  /** Extra V8/Node flags for every node process, space-separated (e.g. "--trace-gc"). */
  'node-args': { type: 'string' },
  /** `records`: also publish through gregor.v1.Records, side by side with the SDK path. */
  api: { type: 'string', default: 'sdk' },
});

const nodes = intFlag('nodes', flags.nodes, 1);
const replicationFactor = intFlag('replication-factor', flags['replication-factor'] ?? String(Math.min(3, nodes)), 1);
const acksText = flags.acks ?? (nodes === 1 ? '1' : 'all');
const records = intFlag('records', flags.records, 1);
const recordSize = intFlag('record-size', flags['record-size'], 0);
const partitions = intFlag('partitions', flags.partitions, 1);
const latencyRate = intFlag('latency-rate', flags['latency-rate'], 1);
const latencySeconds = intFlag('latency-seconds', flags['latency-seconds'], 1);
const consumeStallMs = intFlag('consume-stall-ms', flags['consume-stall-ms'], 1);
if (!['0', '1', 'all', '-1'].includes(acksText)) {
  process.stderr.write(`--acks must be 0, 1 or all, got "${acksText}"\n`);
  process.exit(1);
}
if (!['sdk', 'records'].includes(flags.api)) {
  process.stderr.write(`--api must be sdk or records, got "${flags.api}"\n`);
  process.exit(1);
}
const acks: Acks = acksText === 'all' || acksText === '-1' ? 'all' : (Number(acksText) as 0 | 1);

const log = (msg: string): void => {
  process.stderr.write(`[bench] ${msg}\n`);
};

/** CPU seconds (user + system, all threads) a process has used so far; undefined where /proc is not readable. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100;

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

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gregor-bench-'));
  const basePort = await findFreeBasePort(nodes);
  log(`starting ${nodes} node(s) in ${dir}`);
  const execArgv = [
    ...(flags['profile-dir'] !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(flags['profile-dir'])}`] : []),
    ...(flags['node-args']?.split(/\s+/).filter((a) => a !== '') ?? []),
  ];
  const cluster = await clusterUp({ dir, nodes, basePort, onProgress: log, config: { 'log.level': 'warn' }, execArgv });
  const client = createClient({ bootstrap: cluster.nodes.map((n) => n.grpc) });
  try {
    const topic = 'bench';
    await client.admin().createTopics([{ topic, numPartitions: partitions, replicationFactor }]);

    // Throughput: one producer, records sent in chunks so the SDK batches freely.
    const value = randomBytes(recordSize);
    const chunk: Message[] = Array.from({ length: 1000 }, () => ({ value }));
    const producer = client.producer({ acks, lingerMs: 5, batchSize: 256 * 1024, maxRequestSize: 4 * 1024 * 1024, maxInFlight: 5 });
    let acked = 0;
    const progress = setInterval(() => log(`produced ${acked}/${records}`), 1000);
    const pids = cluster.nodes.map((n) => n.pid);
    const cpu0 = { client: clientCpuSeconds(), nodes: nodesCpuSeconds(pids) };
    const t0 = performance.now();
    const inflight = new Set<Promise<void>>();
    for (let sent = 0; sent < records; sent += chunk.length) {
      const n = Math.min(chunk.length, records - sent);
      const p = producer.send({ topic, messages: n === chunk.length ? chunk : chunk.slice(0, n) }).then(() => {
        acked += n;
        inflight.delete(p);
      });
      inflight.add(p);
      if (inflight.size >= 64) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    await producer.flush();
    const produceSec = (performance.now() - t0) / 1000;
    const nodesCpu1 = nodesCpuSeconds(pids);
    // CPU spent per record produced, in microseconds: where the 2 cores go.
    const produceCpu = {
      client: ((clientCpuSeconds() - cpu0.client) / records) * 1e6,
      nodes: nodesCpu1 === undefined || cpu0.nodes === undefined ? undefined : ((nodesCpu1 - cpu0.nodes) / records) * 1e6,
    };
    clearInterval(progress);
    log(`produced ${records} records in ${produceSec.toFixed(2)} s`);

    // Consume everything back from the beginning.
    const consumer = client.consumer({ maxBytes: 16 * 1024 * 1024, maxWaitMs: 100 });
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    for (let partition = 0; partition < partitions; partition++) consumer.seek({ topic, partition }, 'earliest');
    let consumed = 0;
    const t1 = performance.now();
    const consumeProgress = setInterval(() => log(`consumed ${consumed}/${records}`), 1000);
    // Bounded by progress, not by a total time (10M records legitimately take
    // long): a consumer that gets nothing for consumeStallMs fails the bench
    // instead of polling forever for records that will not come.
    let lastProgressMs = performance.now();
    while (consumed < records) {
      const got = (await consumer.poll({ timeoutMs: 1000 })).length;
      consumed += got;
      if (got > 0) lastProgressMs = performance.now();
      else if (performance.now() - lastProgressMs > consumeStallMs) {
        clearInterval(consumeProgress);
        await consumer.close();
        throw new Error(
          `consume stalled: read ${consumed} of ${records} acknowledged records, then nothing for ${consumeStallMs} ms ` +
            `(--consume-stall-ms); rerun with --keep to keep the cluster and its node logs`,
        );
      }
    }
    const consumeSec = (performance.now() - t1) / 1000;
    clearInterval(consumeProgress);
    await consumer.close();
    log(`consumed ${consumed} records in ${consumeSec.toFixed(2)} s`);

    // Latency at a fixed modest rate: each record sent alone, linger 0.
    const latencyProducer = client.producer({ acks, lingerMs: 0 });
    const latencies: number[] = [];
    const total = latencyRate * latencySeconds;
    const perTick = Math.max(1, Math.round(latencyRate / 100));
    const pending: Promise<void>[] = [];
    log(`measuring latency: ${latencyRate} records/s for ${latencySeconds} s`);
    await new Promise<void>((resolve) => {
      let issued = 0;
      const timer = setInterval(() => {
        for (let i = 0; i < perTick && issued < total; i++, issued++) {
          const start = performance.now();
          pending.push(latencyProducer.send({ topic, value }).then(() => void latencies.push(performance.now() - start)));
        }
        if (issued >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    await Promise.all(pending);
    latencies.sort((a, b) => a - b);

    let recordsApi: Record<string, number | null> = {};
    if (flags.api === 'records') {
      if (acks === 0) throw new Error('--api records needs --acks 1 or all (Publish answers with offsets)');
      await client.admin().createTopics([{ topic: 'bench-records', numPartitions: partitions, replicationFactor }]);
      log(`publishing ${records} records through gregor.v1.Records, 1000 per Publish`);
      const rcpu0 = { client: clientCpuSeconds(), nodes: nodesCpuSeconds(pids) };
      const r = await benchRecordsPublish({
        address: cluster.nodes[0]!.grpc,
        topic: 'bench-records',
        records,
        value,
        acks: acks === 'all' ? 'all' : 'leader',
        recordsPerPublish: 1000,
        concurrency: 32,
      });
      if (r.failedRecords > 0) throw new Error(`${r.failedRecords} records failed to publish through gregor.v1.Records`);
      const rnodes = nodesCpuSeconds(pids);
      recordsApi = {
        records_publish_rps: Math.round(records / r.seconds),
        records_publish_mb_s: Number(((records * recordSize) / r.seconds / 1e6).toFixed(2)),
        records_publish_vs_sdk: Number((produceSec / r.seconds).toFixed(2)),
        records_publish_cpu_us_per_record_client: Number((((clientCpuSeconds() - rcpu0.client) / records) * 1e6).toFixed(2)),
        records_publish_cpu_us_per_record_nodes: rnodes === undefined || rcpu0.nodes === undefined ? null : Number((((rnodes - rcpu0.nodes) / records) * 1e6).toFixed(2)),
      };
      log(`published ${records} records through gregor.v1.Records in ${r.seconds.toFixed(2)} s`);
      log(`subscribing to the ${records} published records (client.subscribe, acking each)`);
      const sub = await benchSubscribeThroughput(client, 'bench-records', records, consumeStallMs, (n) => log(`received ${n}/${records}`));
      await client.admin().createTopics([{ topic: 'bench-push', numPartitions: partitions, replicationFactor }]);
      log(`measuring push latency: ${latencyRate} records/s for ${latencySeconds} s`);
      const push = await benchPushLatency(client, 'bench-push', partitions, acks, latencyRate, latencySeconds);
      recordsApi = {
        ...recordsApi,
        records_subscribe_rps: Math.round(sub.received / sub.seconds),
        records_subscribe_vs_sdk_consume: Number((consumeSec / sub.seconds).toFixed(2)),
        push_lat_p50_ms: Number(percentile(push, 50).toFixed(2)),
        push_lat_p99_ms: Number(percentile(push, 99).toFixed(2)),
      };
    }

    const result = {
      produce_rps: Math.round(records / produceSec),
      produce_mb_s: Number(((records * recordSize) / produceSec / 1e6).toFixed(2)),
      produce_cpu_us_per_record_client: Number(produceCpu.client.toFixed(2)),
      produce_cpu_us_per_record_nodes: produceCpu.nodes === undefined ? null : Number(produceCpu.nodes.toFixed(2)),
      ...recordsApi,
      consume_rps: Math.round(records / consumeSec),
      lat_p50_ms: Number(percentile(latencies, 50).toFixed(2)),
      lat_p99_ms: Number(percentile(latencies, 99).toFixed(2)),
      nodes,
      replication_factor: replicationFactor,
      acks: acksText,
      records,
      record_size: recordSize,
      partitions,
      latency_rate: latencyRate,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await client.close();
    if (flags.keep) {
      log(`cluster left running in ${dir}`);
    } else {
      await clusterDown(dir, 10_000);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
