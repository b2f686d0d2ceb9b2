/**
 * `pnpm bench:soak --gb N [--nodes 1|3] [--retain-gb R] [--record-size B] [--partitions P] [--sample-gb S] [--config k=v,…] [--env K=V,…] [--node-args "…"] [--idle-s S] [--keep]`
 *
 * Produces N GB (10^9 bytes of record values) to a fresh cluster of real
 * node processes as fast as one producer can, with retention on (the topic's
 * retention.bytes is R GB spread over its partitions, retention checked every
 * few seconds), and prints one JSON line on stdout per S GB written: the
 * interval's throughput, produce-acknowledgement latency (p50/p99 of the
 * 1,000-record sends, under full load), the nodes' CPU seconds (and of
 * those their main threads': JavaScript; the rest is LevelDB compaction,
 * reads and writes and GC threads), and for every node its anonymous
 * memory, RSS and file-backed memory (from /proc/PID/smaps_rollup), its data
 * directory's size on disk, and the node's own memory breakdown
 * (gregor_memory_bytes from /metrics). A last line summarises the curve
 * (first / median / max / last of each series), after one more sample of
 * the nodes once they have been at rest for --idle-s seconds (default 15).
 * Progress goes to stderr. Not a
 * test: no thresholds. What to look for: flat throughput and anonymous memory,
 * disk returning to about the retention once it is reached.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type Acks, type Message } from '@gregor/client';
import { clusterDown, clusterUp, findFreeBasePort, type ClusterNode } from '@gregor/dev-cluster';
import { configFlag, intFlag, nodeArgsFlag, parseFlags } from './args';
import { seriesShape } from './bench-summary';
import { THROUGHPUT_PRODUCER } from './bench-workload';
import { scrapeNode } from './node-metrics';
import { mainThreadCpuSeconds, processCpuSeconds, readProcessMemory } from './proc-stats';

const flags = parseFlags({
  gb: { type: 'string', default: '1' },
  nodes: { type: 'string', default: '1' },
  'retain-gb': { type: 'string', default: '2' },
  'record-size': { type: 'string', default: '1000' },
  partitions: { type: 'string', default: '6' },
  'sample-gb': { type: 'string', default: '1' },
  'retention-check-ms': { type: 'string', default: '5000' },
  /** After the last record, sample once more after this many seconds at rest (memory that was only garbage is gone by then). */
  'idle-s': { type: 'string', default: '15' },
  /** Node settings for every node, k=v,… */
  config: { type: 'string', default: '' },
  /** Environment for every node process, K=V,… (e.g. MALLOC_ARENA_MAX=2). */
  env: { type: 'string', default: '' },
  /** Extra V8/Node flags for every node process, space-separated (e.g. "--heapsnapshot-signal=SIGUSR2"). */
  'node-args': { type: 'string', default: '' },
  keep: { type: 'boolean', default: false },
});

const GB = 1e9;
const MB = 1024 * 1024;
const gigabytes = positiveNumber('gb', flags.gb);
const retainGb = positiveNumber('retain-gb', flags['retain-gb']);
const sampleGb = positiveNumber('sample-gb', flags['sample-gb']);
const nodes = intFlag('nodes', flags.nodes, 1);
const recordSize = intFlag('record-size', flags['record-size'], 1);
const partitions = intFlag('partitions', flags.partitions, 1);
const retentionCheckMs = intFlag('retention-check-ms', flags['retention-check-ms'], 1);
const idleSeconds = intFlag('idle-s', flags['idle-s'], 0);
const replicationFactor = Math.min(3, nodes);
const acks: Acks = nodes === 1 ? 1 : 'all';
const CHUNK_RECORDS = 1000;
/** Sends in flight: up to 64, and at most 16 MiB of values (the producer's bufferMemory is 32 MiB). */
const MAX_CHUNKS_IN_FLIGHT = Math.max(1, Math.min(64, Math.floor((16 * MB) / (CHUNK_RECORDS * recordSize))));

function positiveNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive number, got "${text}"\n`);
    process.exit(1);
  }
  return n;
}

const log = (msg: string): void => void process.stderr.write(`[soak] ${msg}\n`);
const mb = (bytes: number | undefined): number | null => (bytes === undefined ? null : Math.round(bytes / MB));

/** Bytes a directory tree takes on disk (allocated blocks, so sparse or preallocated files count as they are). */
function diskBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0; // a file LevelDB just removed
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += diskBytes(p);
    else {
      try {
        total += statSync(p).blocks * 512;
      } catch {
        // removed between readdir and stat (a compacted table)
      }
    }
  }
  return total;
}

/** `gregor_memory_bytes{component="x"}` of a node's /metrics, in MiB per component. */
async function memoryBreakdown(node: ClusterNode): Promise<Record<string, number> | null> {
  const samples = await scrapeNode(node);
  if (samples === undefined) return null;
  const out: Record<string, number> = {};
  for (const s of samples) if (s.name === 'gregor_memory_bytes' && s.labels.component !== undefined) out[s.labels.component] = Math.round(s.value / MB);
  return out;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2));
}

interface Sample {
  gb_written: number;
  seconds: number;
  mb_s: number;
  records_s: number;
  lat_p50_ms: number | null;
  lat_p99_ms: number | null;
  nodes_cpu_s: number | null;
  /** Of nodes_cpu_s, the nodes' main threads (JavaScript); the rest is LevelDB (compaction, reads, writes) and GC threads. */
  nodes_main_thread_cpu_s: number | null;
  nodes: {
    id: number;
    anonymous_mb: number | null;
    rss_mb: number | null;
    file_mb: number | null;
    disk_mb: number;
    memory_mb: Record<string, number> | null;
  }[];
}

async function sampleNodes(cluster: readonly ClusterNode[]): Promise<Sample['nodes']> {
  return Promise.all(
    cluster.map(async (n) => {
      const m = readProcessMemory(n.pid);
      return {
        id: n.id,
        anonymous_mb: mb(m?.anonymousBytes),
        rss_mb: mb(m?.rssBytes),
        file_mb: mb(m?.fileBytes),
        disk_mb: Math.round(diskBytes(n.dataDir) / MB),
        memory_mb: await memoryBreakdown(n),
      };
    }),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gregor-soak-'));
  const basePort = await findFreeBasePort(nodes);
  const env = { ...process.env, ...configFlag(flags.env) };
  log(`starting ${nodes} node(s) in ${dir}`);
  const cluster = await clusterUp({
    dir,
    nodes,
    basePort,
    onProgress: log,
    env,
    execArgv: nodeArgsFlag(flags['node-args']),
    config: { 'log.level': 'warn', 'log.retention.check.interval.ms': String(retentionCheckMs), ...configFlag(flags.config) },
  });
  const client = createClient({ bootstrap: cluster.nodes.map((n) => n.grpc) });
  const samples: Sample[] = [];
  try {
    const topic = 'soak';
    const retentionBytesPerPartition = Math.floor((retainGb * GB) / partitions);
    await client.admin().createTopics([
      {
        topic,
        numPartitions: partitions,
        replicationFactor,
        configs: { 'retention.bytes': String(retentionBytesPerPartition), 'min.insync.replicas': String(Math.max(1, replicationFactor - 1)) },
      },
    ]);
    const producer = client.producer({ acks, ...THROUGHPUT_PRODUCER });
    const value = randomBytes(recordSize);
    const chunk: Message[] = Array.from({ length: CHUNK_RECORDS }, () => ({ value }));
    const totalRecords = Math.ceil((gigabytes * GB) / recordSize);
    const recordsPerSample = Math.max(CHUNK_RECORDS, Math.round((sampleGb * GB) / recordSize / CHUNK_RECORDS) * CHUNK_RECORDS);
    const pids = cluster.nodes.map((n) => n.pid);
    const cpuOf = (of: (pid: number) => number | undefined = processCpuSeconds): number | undefined => pids.reduce<number | undefined>((sum, pid) => {
      const s = of(pid);
      return sum === undefined || s === undefined ? undefined : sum + s;
    }, 0);
    const mainCpuOf = (): number | undefined => cpuOf(mainThreadCpuSeconds);
    log(`producing ${totalRecords} records of ${recordSize} B (${gigabytes} GB), retention.bytes ${retentionBytesPerPartition} per partition × ${partitions}`);
    let acked = 0;
    let intervalStart = performance.now();
    let intervalCpu = cpuOf();
    let intervalMainCpu = mainCpuOf();
    let intervalAcked = 0;
    let latencies: number[] = [];
    const inflight = new Set<Promise<void>>();
    let nextSampleAt = recordsPerSample;
    const takeSample = async (): Promise<void> => {
      const now = performance.now();
      const cpu = cpuOf();
      const mainCpu = mainCpuOf();
      const seconds = (now - intervalStart) / 1000;
      const count = acked - intervalAcked;
      latencies.sort((a, b) => a - b);
      const sample: Sample = {
        gb_written: Number(((acked * recordSize) / GB).toFixed(2)),
        seconds: Number(seconds.toFixed(1)),
        mb_s: Number(((count * recordSize) / 1e6 / seconds).toFixed(1)),
        records_s: Math.round(count / seconds),
        lat_p50_ms: percentile(latencies, 50),
        lat_p99_ms: percentile(latencies, 99),
        nodes_cpu_s: cpu === undefined || intervalCpu === undefined ? null : Number((cpu - intervalCpu).toFixed(1)),
        nodes_main_thread_cpu_s: mainCpu === undefined || intervalMainCpu === undefined ? null : Number((mainCpu - intervalMainCpu).toFixed(1)),
        nodes: await sampleNodes(cluster.nodes),
      };
      samples.push(sample);
      process.stdout.write(`${JSON.stringify(sample)}\n`);
      intervalStart = performance.now();
      intervalCpu = cpuOf();
      intervalMainCpu = mainCpuOf();
      intervalAcked = acked;
      latencies = [];
    };
    const progress = setInterval(() => log(`${((acked * recordSize) / GB).toFixed(2)} / ${gigabytes} GB acknowledged`), 5000);
    try {
      for (let sent = 0; sent < totalRecords; sent += CHUNK_RECORDS) {
        const n = Math.min(CHUNK_RECORDS, totalRecords - sent);
        const start = performance.now();
        const p = producer.send({ topic, messages: n === CHUNK_RECORDS ? chunk : chunk.slice(0, n) }).then(() => {
          acked += n;
          latencies.push(performance.now() - start);
          inflight.delete(p);
        });
        inflight.add(p);
        if (inflight.size >= MAX_CHUNKS_IN_FLIGHT) await Promise.race(inflight);
        if (acked >= nextSampleAt) {
          // Sampling pauses sending for a moment (a few ms): the interval's clock restarts after it.
          nextSampleAt += recordsPerSample;
          await takeSample();
        }
      }
      await Promise.all(inflight);
      if (acked > intervalAcked) await takeSample();
    } finally {
      clearInterval(progress);
      await producer.close();
    }
    const summary = summarize(samples, retentionBytesPerPartition * partitions);
    if (idleSeconds > 0) {
      log(`at rest for ${idleSeconds} s`);
      await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
      const idle = { idle_s: idleSeconds, nodes: await sampleNodes(cluster.nodes) };
      process.stdout.write(`${JSON.stringify(idle)}\n`);
    }
    process.stdout.write(`${JSON.stringify({ summary })}\n`);
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

function summarize(samples: readonly Sample[], retainedBytes: number) {
  const ids = samples[0]?.nodes.map((n) => n.id) ?? [];
  return {
    gb: gigabytes,
    nodes,
    replication_factor: replicationFactor,
    acks: String(acks),
    record_size: recordSize,
    partitions,
    retention_mb_per_replica: Math.round(retainedBytes / MB),
    mb_s: seriesShape(samples.map((s) => s.mb_s)),
    lat_p99_ms: seriesShape(samples.map((s) => s.lat_p99_ms)),
    per_node: ids.map((id) => {
      const of = (pick: (n: Sample['nodes'][number]) => number | null) => seriesShape(samples.map((s) => pick(s.nodes.find((n) => n.id === id)!)));
      return { id, anonymous_mb: of((n) => n.anonymous_mb), rss_mb: of((n) => n.rss_mb), disk_mb: of((n) => n.disk_mb) };
    }),
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
