import { hostMonotonicMs } from '@gregor/common';
import type { Acks, Gregor, SentPartition } from '@gregor/client';
import type { BenchWorkload } from './bench-workload';
import { latencyBreakdown, percentile, round, type Breakdown, type LeaderTrace, type SentBatch, type SentRecord } from './latency-breakdown';

/** One node's /debug/latency window (see @gregor/node's LatencyReport). */
interface NodeReport {
  nodeId: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
  gc: { count: number; totalMs: number; maxMs: number };
  produces: (LeaderTrace & { topic: string })[];
  producesDropped: number;
  followerApplyMs: { count: number; p50: number; p99: number };
}

export interface LatencyPoint {
  rate: number;
  /** Records per second actually sent (the pacing timer may fall behind on a busy machine). */
  sent_rps: number;
  p50_ms: number;
  p99_ms: number;
  p999_ms: number;
  max_ms: number;
  /** Where the time went (gRPC through the SDK only; null for the Kafka workload). */
  breakdown: Breakdown | null;
  /** CPU time per record sent at this rate (warm-up included), µs: the bench process, all nodes together (null without /proc). */
  cpu_us_per_record_client?: number;
  cpu_us_per_record_nodes?: number | null;
  /** Per node during the measurement: event-loop delay and GC pauses. */
  nodes: {
    node: number;
    event_loop_delay_ms: NodeReport['eventLoopDelayMs'];
    gc_count: number;
    gc_total_ms: number;
    gc_max_ms: number;
    /** As a follower: fetch answer with records arrived → appended (then the next fetch tells the leader). */
    follower_apply_ms: { p50: number; p99: number };
  }[];
}

export interface LatencyTarget {
  client: Gregor;
  acks: Acks;
  /** Each node's HTTP base URL (its /debug/latency must be on: `debug.latency.trace`); none: no breakdown. */
  httpUrls: readonly string[];
}

/** Every node's /debug/latency since the last call: the leaders' produce traces of `topic` (the call also starts the next window). */
export async function leaderTraces(urls: readonly string[], topic: string): Promise<LeaderTrace[]> {
  return (await takeReports(urls)).flatMap((r) => r.produces.filter((p) => p.topic === topic));
}

async function takeReports(urls: readonly string[]): Promise<NodeReport[]> {
  return Promise.all(
    urls.map(async (u) => {
      const res = await fetch(`${u}/debug/latency`);
      if (!res.ok) throw new Error(`${u}/debug/latency answered ${res.status}: is debug.latency.trace on?`);
      return (await res.json()) as NodeReport;
    }),
  );
}

/**
 * Sends `rate` records/s for `seconds`, each record alone (linger 0):
 * rate/100 sends every 10 ms, as the bench always has, each timed from its
 * `send` to its ack, after a warm-up of up to 2,000 untimed records at the
 * same pace (a fresh producer's first sends set up metadata, a producer id
 * and connections; the nodes' JIT warms up). Through the SDK (gRPC) it also records when each
 * request left and joins that with the leaders' traces into the
 * breakdown; the Kafka workload gives the totals only.
 */
export async function measureLatency(
  target: LatencyTarget,
  workload: BenchWorkload,
  topic: string,
  value: Buffer,
  rate: number,
  seconds: number,
): Promise<LatencyPoint> {
  const records: SentRecord[] = [];
  const batches: SentBatch[] = [];
  const totals: number[] = [];
  let sendOne: () => Promise<void>;
  let close: () => Promise<void>;
  let recording = false;
  if (workload.protocol === 'grpc') {
    const onRequestSent = (parts: readonly SentPartition[]): void => {
      if (!recording) return;
      const atMs = hostMonotonicMs();
      for (const p of parts) batches.push({ partition: p.partition, recordCount: p.recordCount, atMs });
    };
    const producer = target.client.producer({ acks: target.acks, lingerMs: 0, onRequestSent });
    sendOne = async () => {
      const enqueueMs = hostMonotonicMs();
      const m = await producer.send({ topic, value });
      const ackMs = hostMonotonicMs();
      if (!recording) return;
      totals.push(ackMs - enqueueMs);
      records.push({ partition: m.partition, offset: m.offset, enqueueMs, ackMs });
    };
    close = () => producer.close();
  } else {
    const producer = await workload.producer(topic, value, 'latency');
    sendOne = async () => {
      const start = hostMonotonicMs();
      await producer.send(1);
      if (recording) totals.push(hostMonotonicMs() - start);
    };
    close = () => producer.close();
  }
  const perTick = Math.max(1, Math.round(rate / 100));
  /** Sends `count` at the pace; resolves with the seconds the sending took, once all are acknowledged. */
  const paced = async (count: number): Promise<number> => {
    const pending: Promise<void>[] = [];
    const start = hostMonotonicMs();
    await new Promise<void>((resolve) => {
      let issued = 0;
      const timer = setInterval(() => {
        for (let i = 0; i < perTick && issued < count; i++, issued++) pending.push(sendOne());
        if (issued >= count) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    const seconds = (hostMonotonicMs() - start) / 1000;
    await Promise.all(pending);
    return seconds;
  };
  // Warm-up, not measured: a new producer's first sends fetch metadata, an
  // idempotent producer id and connections, and the nodes' JIT warms up.
  await paced(Math.min(rate, 2000));
  await takeReports(target.httpUrls); // starts the nodes' window
  recording = true;
  const total = rate * seconds;
  const sendSeconds = await paced(total);
  const reports = await takeReports(target.httpUrls);
  await close();
  totals.sort((a, b) => a - b);
  const traces = reports.flatMap((r) => r.produces.filter((p) => p.topic === topic));
  return {
    rate,
    sent_rps: Math.round(total / sendSeconds),
    p50_ms: round(percentile(totals, 50)),
    p99_ms: round(percentile(totals, 99)),
    p999_ms: round(percentile(totals, 99.9)),
    max_ms: round(totals[totals.length - 1] ?? NaN),
    breakdown: workload.protocol === 'grpc' && target.httpUrls.length > 0 ? latencyBreakdown(records, batches, traces) : null,
    nodes: reports.map((r) => ({
      node: r.nodeId,
      event_loop_delay_ms: r.eventLoopDelayMs,
      gc_count: r.gc.count,
      gc_total_ms: round(r.gc.totalMs),
      gc_max_ms: round(r.gc.maxMs),
      follower_apply_ms: { p50: r.followerApplyMs.p50, p99: r.followerApplyMs.p99 },
    })),
  };
}
