import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient, type Gregor, type PartitionDescription } from '@gregor/client';
import { pollUntil } from '@gregor/common';
import {
  clusterDown,
  clusterUp,
  findFreeBasePort,
  killNode,
  restartNode,
  type ClusterFile,
} from '@gregor/dev-cluster';

/** Settings that make failover fast enough for tests (all documented node keys). */
export const FAST_FAILOVER: Readonly<Record<string, string>> = {
  'broker.heartbeat.interval.ms': '250',
  'broker.session.timeout.ms': '2000',
  'replica.lag.time.max.ms': '3000',
  'log.level': 'info',
};

/** A real cluster of gregor-node processes in a temp dir, torn down by stop(). */
export class TestCluster {
  private constructor(
    readonly dir: string,
    readonly cluster: ClusterFile,
    readonly client: Gregor,
  ) {}

  static async start(nodes: number, config: Record<string, string> = FAST_FAILOVER): Promise<TestCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'gregor-cluster-test-'));
    const basePort = await findFreeBasePort(nodes);
    const cluster = await clusterUp({ dir, nodes, basePort, config, readyTimeoutMs: 90_000 });
    const client = createClient({ bootstrap: cluster.nodes.map((n) => n.grpc), requestTimeoutMs: 5000 });
    return new TestCluster(dir, cluster, client);
  }

  bootstrap(...ids: number[]): string[] {
    return this.cluster.nodes.filter((n) => ids.length === 0 || ids.includes(n.id)).map((n) => n.grpc);
  }

  async describe(topic: string): Promise<PartitionDescription[]> {
    const [t] = await this.client.admin().describeTopics([topic]);
    return t!.partitions;
  }

  /** Waits until the partition has a leader other than `not` and returns it. */
  async waitForLeader(topic: string, partition: number, not: number | null, timeoutMs = 30_000): Promise<PartitionDescription> {
    return pollUntil(
      async () => {
        const p = (await this.describe(topic)).find((d) => d.partition === partition);
        return p !== undefined && p.leader !== null && p.leader !== not ? p : undefined;
      },
      { timeoutMs, what: `a leader other than ${String(not)} for ${topic}-${partition}` },
    );
  }

  /** Waits until every partition of the topic has its full replica set in the ISR. */
  async waitForFullIsr(topic: string, timeoutMs = 60_000): Promise<void> {
    await pollUntil(
      async () => (await this.describe(topic)).every((p) => p.leader !== null && p.isr.length === p.replicas.length),
      { timeoutMs, what: `every partition of ${topic} to have its full ISR` },
    );
  }

  kill(id: number): Promise<unknown> {
    return killNode(this.dir, id);
  }

  restart(id: number): Promise<unknown> {
    return restartNode(this.dir, id, { readyTimeoutMs: 90_000 });
  }

  async stop(): Promise<void> {
    await this.client.close().catch(() => undefined);
    await clusterDown(this.dir, 10_000).catch(() => undefined);
    if (process.env.KEEP_CLUSTER_DIR !== undefined) return;
    if (process.env.CI === 'true') keepLogsForReporter(this.dir);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Under CI a stopped cluster keeps only its nodes' logs, tagged with the
 * test file: tests/cluster-log-reporter.js prints them when that file
 * failed (a flaky failure in CI is otherwise unexplained) and removes them.
 */
function keepLogsForReporter(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.name.endsWith('.log')) rmSync(path.join(dir, entry.name), { recursive: true, force: true });
  }
  writeFileSync(path.join(dir, SUITE_FILE), expect.getState().testPath ?? '');
}

/** The file naming the test file that ran a kept cluster (read by tests/cluster-log-reporter.js). */
const SUITE_FILE = '.test-path';

/**
 * Every value in `topic`'s partitions 0..partitions-1 from the earliest offset, at the given isolation
 * level: polls until at least `atLeast` arrived, then three more polls, so that anything beyond (a
 * duplicate) shows up too. The exactly-once tests compare it with what they wrote.
 */
export async function readAllValues(client: Gregor, topic: string, partitions: number, isolationLevel: 'read_committed' | 'read_uncommitted', atLeast: number): Promise<string[]> {
  const consumer = client.consumer({ isolationLevel, maxWaitMs: 100 });
  consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
  for (let partition = 0; partition < partitions; partition++) consumer.seek({ topic, partition }, 'earliest');
  const values: string[] = [];
  try {
    await pollUntil(
      async () => {
        for (const r of await consumer.poll({ timeoutMs: 300 })) values.push(r.value!.toString());
        return values.length >= atLeast || undefined;
      },
      { timeoutMs: 60_000, what: `${atLeast} output records of ${topic} (${isolationLevel})` },
    );
    for (let i = 0; i < 3; i++) for (const r of await consumer.poll({ timeoutMs: 300 })) values.push(r.value!.toString());
  } finally {
    await consumer.close();
  }
  return values;
}

/** mulberry32: a small seeded PRNG so a failing schedule can be replayed with SEED=n. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
