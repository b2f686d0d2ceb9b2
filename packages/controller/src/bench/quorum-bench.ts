/* Benchmark, not a test: `node packages/controller/dist/bench/quorum-bench.js [--trials N] [--creates N]`.
 *
 * Three in-process controllers over real gRPC on loopback with the default
 * timings (100 ms ticks, election timeout 1000–2000 ms), LevelDB with fsync
 * in a temp dir. Measures:
 * - failover: stop the active controller as a crash would (no leadership
 *   hand-over), then time until (a) another node is active and (b) a
 *   CreateTopics sent through ControllerClient succeeds;
 * - create-topic latency on a healthy quorum (1 partition, RF 3).
 * Prints one JSON line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from '@gregor/common';
import { ControllerClient } from '../controller-client';
import type { BoundServer, ControllerNode } from '../controller-node';
import { bindControllerServer, startControllerNode } from '../controller-node';
import type { VoterAddress } from '../quorum-controller';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function summary(values: number[]): { n: number; median: number; p90: number; max: number; min: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { n: s.length, min: Math.round(s[0]!), median: Math.round(at(0.5)), p90: Math.round(at(0.9)), max: Math.round(s[s.length - 1]!) };
}

async function main(): Promise<void> {
  const trials = arg('trials', 10);
  const creates = arg('creates', 50);
  const dir = await mkdtemp(join(tmpdir(), 'gregor-quorum-bench-'));
  const voters: VoterAddress[] = [];
  const bound = new Map<number, BoundServer>();
  for (let id = 1; id <= 3; id++) {
    const b = await bindControllerServer('127.0.0.1', 0);
    bound.set(id, b);
    voters.push({ id, host: '127.0.0.1', port: b.port });
  }
  const nodes = new Map<number, ControllerNode>();
  const start = async (id: number): Promise<void> => {
    const server = bound.get(id) ?? (await bindControllerServer('127.0.0.1', voters[id - 1]!.port));
    bound.delete(id);
    nodes.set(id, await startControllerNode({ nodeId: id, clusterId: 'bench', voters, dataDir: join(dir, `n${id}`), server }));
  };
  for (let id = 1; id <= 3; id++) await start(id);
  const client = new ControllerClient({ voters, clusterId: 'bench', retryDeadlineMs: 30_000 });
  const active = () => pollUntil(() => [...nodes.values()].find((n) => n.controller.isActive()), { timeoutMs: 30_000, intervalMs: 2, what: 'an active controller' });
  try {
    await active();
    for (let b = 1; b <= 3; b++) {
      const { brokerEpoch } = await client.registerBroker({ brokerId: b, incarnationId: `bench-${b}`, listeners: [], rack: null });
      await client.heartbeat({ brokerId: b, brokerEpoch, metadataOffset: brokerEpoch, wantFence: false, wantShutdown: false });
    }
    const createMs: number[] = [];
    for (let i = 0; i < creates; i++) {
      const t0 = performance.now();
      const out = await client.createTopics([{ name: `latency-${i}`, numPartitions: 1, replicationFactor: 3, configs: {} }]);
      if (out.results[0]!.error !== undefined) throw out.results[0]!.error;
      createMs.push(performance.now() - t0);
    }

    const electedMs: number[] = [];
    const writableMs: number[] = [];
    for (let t = 0; t < trials; t++) {
      // Keep brokers' sessions alive is not needed: no broker heartbeats here,
      // and fencing does not block topic creation of RF 1.
      const victim = (await active()).nodeId;
      const t0 = performance.now();
      await nodes.get(victim)!.stop({ transferLeadership: false });
      nodes.delete(victim);
      const elected = pollUntil(() => [...nodes.values()].find((n) => n.controller.isActive()), { timeoutMs: 30_000, intervalMs: 2, what: 'a new active controller' }).then(
        () => performance.now() - t0,
      );
      const out = await client.createTopics([{ name: `failover-${t}`, numPartitions: 1, replicationFactor: 1, configs: {} }]);
      if (out.results[0]!.error !== undefined) throw out.results[0]!.error;
      writableMs.push(performance.now() - t0);
      electedMs.push(await elected);
      await start(victim);
      // Let the restarted node catch up before the next trial.
      const target = (await active()).controller.image.offset;
      await pollUntil(() => nodes.get(victim)!.controller.image.offset >= target, { timeoutMs: 30_000, what: 'the restarted node to catch up' });
    }
    process.stdout.write(
      `${JSON.stringify({
        bench: 'controller-quorum',
        config: { tickMs: 100, electionTimeoutMs: '1000-2000', voters: 3, transport: 'grpc loopback', storage: 'leveldb fsync' },
        createTopicMs: summary(createMs),
        failover: { newActiveControllerMs: summary(electedMs), firstWriteAcceptedMs: summary(writableMs) },
      })}\n`,
    );
  } finally {
    client.close();
    await Promise.all([...nodes.values()].map((n) => n.stop({ transferLeadership: false })));
    for (const b of bound.values()) b.server.forceShutdown();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`quorum-bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
