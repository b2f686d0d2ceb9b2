import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { connect, StorageType, type JetStreamClient, type NatsConnection } from 'nats';
import { hostMonotonicMs, pollUntil } from '@gregor/common';
import { percentile, round } from '../latency-breakdown';

/**
 * The bench's workload on a NATS JetStream cluster (issue #13, "peers side
 * by side"): three nats-server processes on loopback, one stream with
 * `replicas` copies on file storage, one client. Throughput: `records`
 * publishes with up to `window` acks outstanding (JetStream acknowledges
 * each message once a majority of the stream's replicas has it; it has no
 * producer batching), then an ordered consumer reads them back. Latency:
 * the bench's pacing (rate/100 publishes every 10 ms), each timed from
 * publish to its ack. No thresholds, as for the rest of the bench.
 */
export interface NatsPeerOptions {
  dir: string;
  records: number;
  value: Buffer;
  replicas: number;
  latencyRates: readonly number[];
  latencySeconds: number;
  log: (msg: string) => void;
}

const WINDOW = 4096;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Cluster {
  clientUrls: string[];
  processes: ChildProcess[];
}

async function startCluster(dir: string, nodes: number, log: (msg: string) => void): Promise<Cluster> {
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < nodes; i++) {
    clientPorts.push(await freePort());
    routePorts.push(await freePort());
  }
  const processes: ChildProcess[] = [];
  for (let i = 0; i < nodes; i++) {
    const nodeDir = path.join(dir, `nats-${i + 1}`);
    mkdirSync(nodeDir, { recursive: true });
    const routes = routePorts.filter((_, j) => j !== i).map((p) => `"nats-route://127.0.0.1:${p}"`);
    const conf = [
      `server_name: n${i + 1}`,
      `listen: 127.0.0.1:${clientPorts[i]}`,
      `jetstream { store_dir: "${nodeDir}" }`,
      `cluster { name: bench, listen: 127.0.0.1:${routePorts[i]}, routes: [${routes.join(', ')}] }`,
    ].join('\n');
    const confFile = path.join(nodeDir, 'nats.conf');
    writeFileSync(confFile, `${conf}\n`);
    processes.push(spawn('nats-server', ['-c', confFile, '-l', path.join(nodeDir, 'nats.log')], { stdio: 'ignore' }));
  }
  log(`nats: started ${nodes} nats-server processes (client ports ${clientPorts.join(', ')})`);
  return { clientUrls: clientPorts.map((p) => `127.0.0.1:${p}`), processes };
}

async function stopCluster(c: Cluster): Promise<void> {
  await Promise.all(
    c.processes.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.pid === undefined) return resolve();
          p.once('exit', () => resolve());
          p.kill('SIGTERM');
        }),
    ),
  );
}

/** Publishes `count` messages with at most `window` unacknowledged. */
async function publishAll(js: JetStreamClient, subject: string, value: Buffer, count: number, window: number): Promise<void> {
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < count; i++) {
    const p: Promise<unknown> = js.publish(subject, value).then(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= window) await Promise.race(inflight);
  }
  await Promise.all(inflight);
}

async function latencyAt(js: JetStreamClient, subject: string, value: Buffer, rate: number, seconds: number) {
  const totals: number[] = [];
  const pending: Promise<void>[] = [];
  const total = rate * seconds;
  const perTick = Math.max(1, Math.round(rate / 100));
  const t0 = hostMonotonicMs();
  await new Promise<void>((resolve) => {
    let issued = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < perTick && issued < total; i++, issued++) {
        const start = hostMonotonicMs();
        pending.push(js.publish(subject, value).then(() => void totals.push(hostMonotonicMs() - start)));
      }
      if (issued >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const sendSeconds = (hostMonotonicMs() - t0) / 1000;
  await Promise.all(pending);
  totals.sort((a, b) => a - b);
  return {
    rate,
    sent_rps: Math.round(total / sendSeconds),
    p50_ms: round(percentile(totals, 50)),
    p99_ms: round(percentile(totals, 99)),
    p999_ms: round(percentile(totals, 99.9)),
    max_ms: round(totals[totals.length - 1] ?? NaN),
  };
}

/** Runs the workload; the result line's fields mirror the bench's own. */
export async function benchNatsJetStream(o: NatsPeerOptions) {
  const cluster = await startCluster(o.dir, 3, o.log);
  let nc: NatsConnection | undefined;
  try {
    nc = await pollUntil(() => connect({ servers: cluster.clientUrls }).catch(() => undefined), { timeoutMs: 30_000, what: 'a NATS connection' });
    const conn = nc;
    // JetStream answers once the servers have elected a meta leader, a moment after the routes connect.
    await pollUntil(
      async () => {
        const jsm = await conn.jetstreamManager();
        await jsm.streams.add({ name: 'BENCH', subjects: ['bench.>'], num_replicas: o.replicas, storage: StorageType.File });
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `a JetStream stream with ${o.replicas} replicas` },
    );
    const js = nc.jetstream();
    o.log(`nats: publishing ${o.records} messages, ${WINDOW} unacknowledged at most`);
    const t0 = performance.now();
    await publishAll(js, 'bench.t', o.value, o.records, WINDOW);
    const produceSec = (performance.now() - t0) / 1000;
    o.log(`nats: consuming them back (ordered consumer)`);
    const consumer = await js.consumers.get('BENCH');
    const t1 = performance.now();
    const messages = await consumer.consume({ max_messages: 10_000 });
    let got = 0;
    for await (const _m of messages) {
      if (++got >= o.records) break;
    }
    await messages.close();
    const consumeSec = (performance.now() - t1) / 1000;
    const curve = [];
    for (const rate of o.latencyRates) {
      o.log(`nats: measuring latency: ${rate} messages/s for ${o.latencySeconds} s`);
      curve.push(await latencyAt(js, 'bench.lat', o.value, rate, o.latencySeconds));
    }
    const first = curve[0]!;
    return {
      peer: 'nats-jetstream',
      replicas: o.replicas,
      produce_rps: Math.round(o.records / produceSec),
      consume_rps: Math.round(o.records / consumeSec),
      lat_p50_ms: first.p50_ms,
      lat_p99_ms: first.p99_ms,
      lat_p999_ms: first.p999_ms,
      ...(curve.length > 1 ? { latency_curve: curve } : {}),
      records: o.records,
      record_size: o.value.length,
      latency_rate: first.rate,
    };
  } finally {
    await nc?.close();
    await stopCluster(cluster);
  }
}
