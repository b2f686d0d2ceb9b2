/**
 * `pnpm bench:partitions [--partitions 10000] [--nodes 3] [--records 100000] [--idle-s 10] [--config k=v,…] [--node-args "…"] [--keep]`
 *
 * Many partitions on a small cluster (issue #18): creates one topic of
 * --partitions partitions (RF min(3, nodes)) on a fresh cluster of real node
 * processes and reports, as one JSON line on stdout:
 * - create_ms: CreateTopics until the controller answered;
 * - hosted_ms: until every node hosts all its replicas (gregor_partitions);
 * - full_isr_ms: until no leader reports an under-replicated partition;
 * - isr_shrinks / isr_expands: ISR changes meanwhile (0 = no flapping);
 * - per node, max_event_loop_delay_ms from creation to full ISRs: the
 *   largest of prom-client's nodejs_eventloop_lag_max_seconds (the max
 *   since the previous scrape, 10 ms resolution included) over the scrapes
 *   of those waits; a stall near the broker session timeout fences the node;
 * - per node, anonymous memory before and after, and the idle cost of a
 *   replica: anonymous bytes per hosted replica, and CPU share of one core
 *   over --idle-s seconds with nothing produced, and meanwhile the bytes
 *   it read and wrote through system calls (/proc/PID/io: mostly its
 *   connections — follower fetches, Raft, the scrapes) and the follower
 *   fetches it answered per second;
 * - produce_rps / consume_rps: --records keyed records (murmur2 spreads them
 *   over every partition) produced with acks=all, then read back from all
 *   partitions by one consumer.
 * Progress on stderr. Not a test: no thresholds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isGregorError, pollUntil } from '@gregor/common';
import { createClient, type Message } from '@gregor/client';
import { clusterDown, clusterUp, findFreeBasePort, type ClusterNode } from '@gregor/dev-cluster';
import { configFlag, intFlag, nodeArgsFlag, parseFlags } from './args';
import { THROUGHPUT_PRODUCER } from './bench-workload';
import { metricSum, scrapeNode, type MetricSample } from './node-metrics';
import { processCpuSeconds, processIoBytes, readProcessMemory } from './proc-stats';

const flags = parseFlags({
  partitions: { type: 'string', default: '10000' },
  nodes: { type: 'string', default: '3' },
  records: { type: 'string', default: '100000' },
  'record-size': { type: 'string', default: '100' },
  'idle-s': { type: 'string', default: '10' },
  /** How long each wait (hosting, full ISR, consume) may take before the run fails. */
  'timeout-s': { type: 'string', default: '180' },
  config: { type: 'string', default: '' },
  /** Extra V8/Node flags for every node process, space-separated. */
  'node-args': { type: 'string', default: '' },
  keep: { type: 'boolean', default: false },
});
const partitions = intFlag('partitions', flags.partitions, 1);
const nodes = intFlag('nodes', flags.nodes, 1);
const records = intFlag('records', flags.records, 0);
const recordSize = intFlag('record-size', flags['record-size'], 1);
const idleSeconds = intFlag('idle-s', flags['idle-s'], 1);
const timeoutMs = intFlag('timeout-s', flags['timeout-s'], 1) * 1000;
const replicationFactor = Math.min(3, nodes);
const MB = 1024 * 1024;

const log = (msg: string): void => void process.stderr.write(`[partitions] ${msg}\n`);

async function scrapeAll(cluster: readonly ClusterNode[]): Promise<MetricSample[][]> {
  return Promise.all(cluster.map(async (n) => (await scrapeNode(n)) ?? []));
}
const total = (all: MetricSample[][], name: string): number => all.reduce((acc, s) => acc + metricSum(s, name), 0);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gregor-partitions-'));
  const basePort = await findFreeBasePort(nodes);
  log(`starting ${nodes} node(s) in ${dir}`);
  const cluster = await clusterUp({ dir, nodes, basePort, onProgress: log, execArgv: nodeArgsFlag(flags['node-args']), config: { 'log.level': 'warn', ...configFlag(flags.config) } });
  const client = createClient({ bootstrap: cluster.nodes.map((n) => n.grpc) });
  try {
    const anonBefore = cluster.nodes.map((n) => readProcessMemory(n.pid)?.anonymousBytes ?? 0);
    const before = await scrapeAll(cluster.nodes);
    const hostedBefore = before.map((s) => metricSum(s, 'gregor_partitions'));
    const loopMaxMs = cluster.nodes.map(() => 0);
    /** Scrapes every node, keeping each one's largest event-loop delay since the creation started. */
    const scrapeDuringCreate = async (): Promise<MetricSample[][]> => {
      const all = await scrapeAll(cluster.nodes);
      all.forEach((s, i) => (loopMaxMs[i] = Math.max(loopMaxMs[i]!, metricSum(s, 'nodejs_eventloop_lag_max_seconds') * 1000)));
      return all;
    };
    const topic = 'many';
    log(`creating ${partitions} partitions × RF ${replicationFactor}`);
    const t0 = performance.now();
    let createRetried = false;
    try {
      await client.admin().createTopics([{ topic, numPartitions: partitions, replicationFactor, configs: { 'min.insync.replicas': String(Math.max(1, replicationFactor - 1)) } }], { timeoutMs });
    } catch (err) {
      // The SDK retried an attempt that timed out but went through: the topic is there.
      if (!isGregorError(err) || err.errorName !== 'TOPIC_ALREADY_EXISTS') throw err;
      createRetried = true;
      log(`the first CreateTopics attempt timed out and its retry found the topic: ${err.message}`);
    }
    const createMs = performance.now() - t0;
    log(`created in ${Math.round(createMs)} ms; waiting for every replica to be hosted`);
    const replicas = partitions * replicationFactor;
    await pollUntil(
      async () => {
        const hosted = (await scrapeDuringCreate()).reduce((acc, s, i) => acc + metricSum(s, 'gregor_partitions') - hostedBefore[i]!, 0);
        return hosted >= replicas;
      },
      // Not faster: a scrape of 10,000 partitions' gauges is work for the nodes too.
      { timeoutMs, intervalMs: 500, what: `all ${replicas} replicas hosted` },
    );
    const hostedMs = performance.now() - t0;
    log(`hosted after ${Math.round(hostedMs)} ms; waiting for full ISRs`);
    await pollUntil(async () => total(await scrapeDuringCreate(), 'gregor_under_replicated_partitions') === 0, {
      timeoutMs,
      intervalMs: 500,
      what: 'no under-replicated partition',
    });
    const fullIsrMs = performance.now() - t0;
    const afterCreate = await scrapeDuringCreate();
    const shrinks = total(afterCreate, 'gregor_isr_shrinks_total') - total(before, 'gregor_isr_shrinks_total');
    const expands = total(afterCreate, 'gregor_isr_expands_total') - total(before, 'gregor_isr_expands_total');

    log(`idle for ${idleSeconds} s`);
    // Scrapes outside the CPU and I/O window: a scrape of 10,000 partitions is work and bytes of its own.
    const idleBefore = await scrapeAll(cluster.nodes);
    const cpu0 = cluster.nodes.map((n) => processCpuSeconds(n.pid));
    const io0 = cluster.nodes.map((n) => processIoBytes(n.pid));
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const cpu1 = cluster.nodes.map((n) => processCpuSeconds(n.pid));
    const io1 = cluster.nodes.map((n) => processIoBytes(n.pid));
    const idleAfter = await scrapeAll(cluster.nodes);
    /** Follower fetches a node answered per second while idle (each one long-polls up to replica.fetch.wait.max.ms). */
    const fetchesPerS = (i: number): number => {
      const count = (s: MetricSample[]) => metricSum(s, 'gregor_requests_total', { service: 'replication', api: 'FetchFromLeader' });
      return Number(((count(idleAfter[i]!) - count(idleBefore[i]!)) / idleSeconds).toFixed(1));
    };
    const perNode = cluster.nodes.map((n, i) => {
      const anon = readProcessMemory(n.pid)?.anonymousBytes ?? 0;
      const hosted = metricSum(afterCreate[i]!, 'gregor_partitions') - hostedBefore[i]!;
      const c0 = cpu0[i];
      const c1 = cpu1[i];
      return {
        id: n.id,
        replicas: hosted,
        max_event_loop_delay_ms: Math.round(loopMaxMs[i]!),
        anonymous_mb_before: Math.round(anonBefore[i]! / MB),
        anonymous_mb_after: Math.round(anon / MB),
        bytes_per_replica: hosted > 0 ? Math.round((anon - anonBefore[i]!) / hosted) : null,
        idle_cpu_share: c0 === undefined || c1 === undefined ? null : Number(((c1 - c0) / idleSeconds).toFixed(3)),
        idle_io_kb_per_s: io0[i] === undefined || io1[i] === undefined ? null : Math.round((io1[i]! - io0[i]!) / idleSeconds / 1024),
        idle_fetches_per_s: fetchesPerS(i),
        // Followers' KIP-227 sessions on this leader and their partitions after the idle spell (0 with the cache slots at 0).
        replica_fetch_session_partitions: metricSum(idleAfter[i]!, 'gregor_replica_fetch_session_partitions'),
      };
    });

    let produceRps: number | null = null;
    let consumeRps: number | null = null;
    if (records > 0) {
      log(`producing ${records} keyed records (acks=all) over all partitions`);
      const producer = client.producer({ acks: 'all', ...THROUGHPUT_PRODUCER });
      const value = Buffer.alloc(recordSize, 7);
      const t1 = performance.now();
      const inflight = new Set<Promise<void>>();
      for (let sent = 0; sent < records; sent += 1000) {
        const messages: Message[] = Array.from({ length: Math.min(1000, records - sent) }, (_, i) => ({ key: Buffer.from(String(sent + i)), value }));
        const p = producer.send({ topic, messages }).then(() => void inflight.delete(p));
        inflight.add(p);
        if (inflight.size >= 16) await Promise.race(inflight);
      }
      await Promise.all(inflight);
      produceRps = Math.round(records / ((performance.now() - t1) / 1000));
      await producer.close();
      log(`consuming them back from all ${partitions} partitions`);
      const consumer = client.consumer({ maxBytes: 16 * MB, maxPartitionBytes: MB, maxWaitMs: 100 });
      try {
        consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
        for (let partition = 0; partition < partitions; partition++) consumer.seek({ topic, partition }, 'earliest');
        const t2 = performance.now();
        let consumed = 0;
        const deadline = t2 + timeoutMs;
        while (consumed < records) {
          if (performance.now() > deadline) throw new Error(`consumed ${consumed} of ${records} records in ${timeoutMs} ms`);
          consumed += (await consumer.poll({ timeoutMs: 1000 })).length;
        }
        consumeRps = Math.round(records / ((performance.now() - t2) / 1000));
      } finally {
        await consumer.close();
      }
    }
    const result = {
      partitions,
      nodes,
      replication_factor: replicationFactor,
      create_ms: Math.round(createMs),
      create_retried: createRetried,
      hosted_ms: Math.round(hostedMs),
      full_isr_ms: Math.round(fullIsrMs),
      isr_shrinks: shrinks,
      isr_expands: expands,
      // ISR changes while idle: a cluster that churns (leaders stepping back under load) is not idle, and its idle figures say so.
      idle_isr_changes: total(idleAfter, 'gregor_isr_shrinks_total') + total(idleAfter, 'gregor_isr_expands_total') - total(idleBefore, 'gregor_isr_shrinks_total') - total(idleBefore, 'gregor_isr_expands_total'),
      per_node: perNode,
      records,
      produce_rps: produceRps,
      consume_rps: consumeRps,
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
  process.stderr.write(`partitions bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
