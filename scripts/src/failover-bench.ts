/**
 * `pnpm bench:failover [--trials 10] [--cases create,controller,partition,combined]`
 * — measures, on a local 3-node cluster with default settings (or `--config`):
 *  - create-topic latency on a healthy cluster (metadata write through Raft);
 *  - time from kill -9 of the active controller to a new active controller
 *    that accepts a write (a create-topic succeeds);
 *  - time a partition is unavailable for writes after kill -9 of its leader
 *    (kill → the first acks=all produce sent after the kill succeeds);
 *  - time for the restarted broker to rejoin the ISR (restart → full ISR);
 *  - the same unavailability when the killed leader is also the active
 *    controller (combined mode), reported separately: fencing it waits for
 *    a new controller first.
 * Prints one JSON line (a case not run is left out); progress on stderr.
 * `--keep` leaves the cluster's directory (node logs) in place. Not a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient, type Gregor, type NewTopic } from '@gregor/client';
import { GregorError, pollUntil } from '@gregor/common';
import { clusterDown, clusterUp, findFreeBasePort, killNode, restartNode, type ClusterFile } from '@gregor/dev-cluster';
import { configFlag, intFlag, parseFlags } from './args';

const flags = parseFlags({
  trials: { type: 'string', default: '10' },
  keep: { type: 'boolean', default: false },
  /** Node settings for every node, comma-separated key=value pairs (default: the nodes' defaults). */
  config: { type: 'string', default: '' },
  /** Which measurements to take, comma-separated (default all): create,controller,partition,combined. */
  cases: { type: 'string', default: 'create,controller,partition,combined' },
});
const nodeConfig = configFlag(flags.config);
const trials = intFlag('trials', flags.trials, 1);
const CASES = ['create', 'controller', 'partition', 'combined'] as const;
const cases = new Set(flags.cases.split(',').filter((c) => c !== ''));
for (const c of cases) {
  if (!(CASES as readonly string[]).includes(c)) {
    process.stderr.write(`--cases: unknown case "${c}" (known: ${CASES.join(', ')})\n`);
    process.exit(1);
  }
}
const log = (m: string): void => void process.stderr.write(`[failover] ${new Date().toISOString()} ${m}\n`);

function summary(values: number[]): { median_ms: number; max_ms: number; min_ms: number; trials: number } | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return { median_ms: Math.round(s[Math.floor((s.length - 1) / 2)]!), max_ms: Math.round(s[s.length - 1]!), min_ms: Math.round(s[0]!), trials: s.length };
}

function clientFor(cluster: ClusterFile, exclude: number[] = []): Gregor {
  return createClient({ bootstrap: cluster.nodes.filter((n) => !exclude.includes(n.id)).map((n) => n.grpc), requestTimeoutMs: 1000 });
}

/** A create whose first attempt timed out on our side may have been committed: TOPIC_ALREADY_EXISTS is success. */
async function createIfAbsent(client: Gregor, topic: NewTopic, timeoutMs?: number): Promise<void> {
  try {
    await client.admin().createTopics([topic], timeoutMs === undefined ? {} : { timeoutMs });
  } catch (err) {
    if (!(err instanceof GregorError && err.errorName === 'TOPIC_ALREADY_EXISTS')) throw err;
  }
}

async function fullIsr(client: Gregor, topic: string): Promise<boolean> {
  const [t] = await client.admin().describeTopics([topic]);
  return t!.partitions.every((p) => p.leader !== null && p.isr.length === p.replicas.length);
}

/**
 * kill -9 of `leader` under an acks=all producer on `topic`-`partition`:
 * unavailableMs is kill → the first produce sent after the kill succeeding;
 * rejoinMs is restart → full ISR again.
 */
async function leaderKillTrial(
  dir: string,
  cluster: ClusterFile,
  admin: Gregor,
  topic: string,
  partition: number,
  leader: number,
  value: string,
): Promise<{ unavailableMs: number; rejoinMs: number }> {
  const producerClient = clientFor(cluster, [leader]);
  const producer = producerClient.producer({ acks: 'all', lingerMs: 0, deliveryTimeoutMs: 60_000 });
  await producer.send({ topic, partition, value: 'warm-up' });
  let killedAt = Infinity;
  let recoveredAt = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const sentAt = performance.now();
      try {
        await producer.send({ topic, partition, value });
        if (sentAt > killedAt && recoveredAt === 0) recoveredAt = performance.now();
      } catch {
        /* retried inside the SDK until deliveryTimeoutMs; a failure just means the next send */
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 200));
  log(`kill -9 node ${leader} (leader of ${topic}-${partition})`);
  killedAt = performance.now();
  await killNode(dir, leader);
  await pollUntil(() => recoveredAt > 0, { timeoutMs: 60_000, what: 'a produce to succeed after the leader was killed', intervalMs: 5 });
  const unavailableMs = recoveredAt - killedAt;
  running = false;
  await loop;
  await producerClient.close();
  const restartAt = performance.now();
  await restartNode(dir, leader);
  await pollUntil(() => fullIsr(admin, topic), { timeoutMs: 60_000, what: 'the restarted broker to rejoin the ISR', intervalMs: 20 });
  return { unavailableMs, rejoinMs: performance.now() - restartAt };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gregor-failover-'));
  const cluster = await clusterUp({ dir, nodes: 3, basePort: await findFreeBasePort(3), onProgress: log, config: nodeConfig });
  const admin = clientFor(cluster);
  try {
    // 1. Metadata write latency on a healthy cluster.
    const createMs: number[] = [];
    for (let i = 0; i < (cases.has('create') ? 20 : 0); i++) {
      const t0 = performance.now();
      await createIfAbsent(admin, { topic: `latency-${i}`, numPartitions: 3, replicationFactor: 3 });
      createMs.push(performance.now() - t0);
    }
    if (createMs.length > 0) log(`create topic: ${JSON.stringify(summary(createMs))}`);

    // 2. Active controller failover.
    const controllerMs: number[] = [];
    for (let t = 0; t < (cases.has('controller') ? trials : 0); t++) {
      const victim = (await admin.admin().metadata()).controllerId;
      const survivors = clientFor(cluster, [victim]);
      const t0 = performance.now();
      await killNode(dir, victim);
      await pollUntil(
        async () => {
          await createIfAbsent(survivors, { topic: `after-controller-kill-${t}`, numPartitions: 1, replicationFactor: 2 }, 1000);
          return true;
        },
        { timeoutMs: 60_000, what: 'a create-topic after the controller was killed', intervalMs: 10 },
      );
      controllerMs.push(performance.now() - t0);
      await survivors.close();
      log(`controller trial ${t + 1}: killed node ${victim}, new controller accepted a write after ${Math.round(controllerMs[t]!)} ms`);
      await restartNode(dir, victim);
    }

    // 3. Partition leader failover under an acks=all producer, and ISR rejoin:
    // the killed leader is not the active controller (that is case 4).
    // Preferred leaders spread the partitions over the nodes, so one
    // partition of each kind is there once leaders are back in place.
    const nodeIds = cluster.nodes.map((n) => n.id);
    const topic = 'failover';
    await createIfAbsent(admin, { topic, numPartitions: nodeIds.length, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    const pickLeader = (wantController: boolean) =>
      pollUntil(
        async () => {
          if (!(await fullIsr(admin, topic))) return undefined;
          const controllerId = (await admin.admin().metadata()).controllerId;
          const [desc] = await admin.admin().describeTopics([topic]);
          const p = desc!.partitions.find((x) => x.leader !== null && (x.leader === controllerId) === wantController);
          return p === undefined ? undefined : { partition: p.partition, leader: p.leader!, controllerId };
        },
        { timeoutMs: 60_000, what: `a partition ${wantController ? '' : 'not '}led by the active controller, with a full ISR` },
      );
    const unavailableMs: number[] = [];
    const rejoinMs: number[] = [];
    for (let t = 0; t < (cases.has('partition') ? trials : 0); t++) {
      const { partition, leader, controllerId } = await pickLeader(false);
      const r = await leaderKillTrial(dir, cluster, admin, topic, partition, leader, `t${t}`);
      unavailableMs.push(r.unavailableMs);
      rejoinMs.push(r.rejoinMs);
      log(
        `partition trial ${t + 1}: killed node ${leader} (leader of ${topic}-${partition}; controller ${controllerId}); writes resumed after ${Math.round(r.unavailableMs)} ms; ` +
          `rejoined ISR ${Math.round(r.rejoinMs)} ms after restart`,
      );
    }

    // 4. The combined case: the killed node leads the partition and is the
    // active controller, so fencing it waits for a new controller, which
    // gives every broker a whole session first (the takeover grace).
    const combinedMs: number[] = [];
    for (let t = 0; t < (cases.has('combined') ? trials : 0); t++) {
      const { partition, leader } = await pickLeader(true);
      const r = await leaderKillTrial(dir, cluster, admin, topic, partition, leader, `c${t}`);
      combinedMs.push(r.unavailableMs);
      log(`combined trial ${t + 1}: killed node ${leader} (leader of ${topic}-${partition} and active controller); writes resumed after ${Math.round(r.unavailableMs)} ms`);
    }

    process.stdout.write(
      `${JSON.stringify({
        create_topic: summary(createMs),
        controller_failover: summary(controllerMs),
        partition_unavailable: summary(unavailableMs),
        partition_unavailable_leader_is_controller: summary(combinedMs),
        isr_rejoin_after_restart: summary(rejoinMs),
      })}\n`,
    );
  } finally {
    await admin.close();
    if (!flags.keep) {
      await clusterDown(dir, 10_000);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`failover bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
