/**
 * A partition run: three combined gregor-node processes, each in its own
 * network namespace (NetnsLab), a replicated topic (RF 3,
 * min.insync.replicas 2), a Workload through the SDK from this process, and
 * rounds of network faults (faults.ts). After each round it measures each
 * partition's unavailability and checks safety; finish() stops the nodes and
 * checks their logs on disk once more. Used by tests/partition and by
 * `pnpm bench:partition`.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient, type Gregor } from '@gregor/client';
import { pollUntil } from '@gregor/common';
import { clusterDown, clusterUp, type ClusterFile } from '@gregor/dev-cluster';
import type { Fault, FaultTiming, Roles } from './faults';
import { countFencings } from './fencing-events';
import { NetnsLab } from './netns-lab';
import { readReplicaLogs, recordsOf, snapshotReplicaLogs } from './replica-logs';
import { checkConsumed, checkPartitionLog, replicaDifference, type ReplicaLog } from './safety';
import { longestAckGap } from './unavailability';
import { Workload } from './workload';

export interface PartitionRunOptions {
  nodes?: number;
  partitions?: number;
  timing?: Partial<FaultTiming>;
  /** Node settings on top of the defaults (Kafka key names). */
  nodeConfig?: Readonly<Record<string, string>>;
  /** Progress notes. */
  log?: (message: string) => void;
  /** Keep the cluster directory (node logs) after close(). */
  keepDir?: boolean;
}

/** One line of the report: a round and, per partition, how long it could not take writes. */
export interface RoundReport {
  round: string;
  nodes: Record<string, number>;
  /** First rule in → last rule out (applying and removing rules takes some tens of ms per rule). */
  hold_ms: number;
  /** Fault start → every partition acknowledged a record sent after the heal. */
  recovered_after_ms: number;
  /** Heal → every replica back in every ISR (after a long cut: how soon the cut-off node is whole again). */
  full_isr_after_heal_ms: number;
  /** Broker id → fencings / unfencings from the fault's start until every ISR was full again (more than one per cut is flapping). */
  fenced: Record<string, number>;
  unfenced: Record<string, number>;
  partitions: {
    partition: number;
    leader_before: number | null;
    leader_after: number | null;
    /** Longest stretch of the round with no acknowledged produce to this partition. */
    unavailable_ms: number;
    /** When that stretch began, from the fault's start (after hold_ms: it is the recovery after the heal). */
    unavailable_from_ms: number;
    acked: number;
    failed: number;
  }[];
}

export interface RoundResult {
  report: RoundReport;
  violations: string[];
}

function unavailability(gap: { ms: number; startMs: number }, faultAt: number): { unavailable_ms: number; unavailable_from_ms: number } {
  return { unavailable_ms: Math.round(gap.ms), unavailable_from_ms: Math.round(gap.startMs - faultAt) };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** A log file's text from byte `start` on (bounded: a round's lines, not the whole file); '' when it cannot be read. */
function readFrom(file: string, start: number): string {
  const length = Math.min(Math.max(0, fileSize(file) - start), 64 * 1024 * 1024);
  if (length === 0) return '';
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, start);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export const DEFAULT_TIMING: FaultTiming = { holdMs: 5000, flapCycles: 4, flapHalfMs: 1500 };
const TOPIC = 'partition-test';
/** Bounds on each wait of a run: a cluster that never recovers fails the run with what it waited for. */
const RECOVERY_TIMEOUT_MS = 120_000;
const SETTLE_TIMEOUT_MS = 90_000;
/** Acknowledgements per partition before a fault, so every round starts from a writable cluster. */
const WARM_UP_ACKS = 20;

export class PartitionRun {
  private readonly timing: FaultTiming;
  private closed = false;

  /** One control client per node (waitFullIsr asks each). */
  private readonly perNode = new Map<number, Gregor>();

  private constructor(
    readonly lab: NetnsLab,
    readonly dir: string,
    readonly cluster: ClusterFile,
    /** For the workload: SDK defaults, as an application would use them. */
    private readonly client: Gregor,
    /** For the run's own questions (leaders, ISR, offsets): short timeouts. */
    private readonly control: Gregor,
    readonly workload: Workload,
    private readonly opts: PartitionRunOptions,
  ) {
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
  }

  static async start(opts: PartitionRunOptions = {}): Promise<PartitionRun> {
    const nodes = opts.nodes ?? 3;
    const partitions = opts.partitions ?? 6;
    const log = opts.log ?? (() => undefined);
    const lab = await NetnsLab.create(nodes);
    const dir = mkdtempSync(path.join(tmpdir(), 'gregor-partition-'));
    let cluster: ClusterFile | undefined;
    try {
      log(`lab ${lab.run}: nodes at ${lab.subnet}.11..${10 + nodes}, client ${lab.address('client')}; cluster dir ${dir}`);
      cluster = await clusterUp({
        dir,
        nodes,
        placement: (id) => ({ host: lab.address(id), launcher: lab.launcher(id) }),
        config: { 'default.replication.factor': String(Math.min(3, nodes)), 'min.insync.replicas': '2', 'log.level': 'info', ...opts.nodeConfig },
        readyTimeoutMs: 90_000,
        onProgress: log,
      });
      const bootstrap = cluster.nodes.map((n) => n.grpc);
      const client = createClient({ bootstrap, clientId: 'partition-workload' });
      const control = createClient({ bootstrap, clientId: 'partition-control', requestTimeoutMs: 3000, defaultApiTimeoutMs: 10_000 });
      await control.admin().createTopics([{ topic: TOPIC, numPartitions: partitions, replicationFactor: Math.min(3, nodes), configs: { 'min.insync.replicas': '2' } }]);
      const workload = new Workload(client, { topic: TOPIC, partitions, inFlightPerPartition: 3, deliveryTimeoutMs: 60_000 });
      const run = new PartitionRun(lab, dir, cluster, client, control, workload, opts);
      await run.waitFullIsr();
      return run;
    } catch (err) {
      if (cluster !== undefined) await clusterDown(dir, 5000).catch(() => undefined);
      await lab.destroy().catch(() => undefined);
      throw err;
    }
  }

  private log(message: string): void {
    this.opts.log?.(message);
  }

  async roles(): Promise<Roles> {
    const md = await this.control.admin().metadata([TOPIC]);
    const [topic] = await this.control.admin().describeTopics([TOPIC]);
    const leaders = Array.from({ length: this.workload.partitions }, (_, p) => topic!.partitions.find((d) => d.partition === p)?.leader ?? null);
    return { nodes: this.cluster.nodes.map((n) => n.id), controller: md.controllerId, leaders };
  }

  /**
   * Every node's metadata shows every partition with a leader and its full
   * ISR. Asking one node is not enough: a node just back from a cut answers
   * from its image of before the cut — full ISRs, itself among them — while
   * it is still truncating the tail it appended then; a safety check run on
   * that word compared its unreconciled log with the others'.
   */
  private async waitFullIsr(): Promise<void> {
    await pollUntil(
      async () => {
        for (const n of this.cluster.nodes) {
          let c = this.perNode.get(n.id);
          if (c === undefined) this.perNode.set(n.id, (c = createClient({ bootstrap: [n.grpc], clientId: `partition-control-${n.id}`, requestTimeoutMs: 3000, defaultApiTimeoutMs: 10_000 })));
          const [t] = await c.admin().describeTopics([TOPIC]);
          if (!t!.partitions.every((p) => p.leader !== null && p.isr.length === p.replicas.length)) return false;
        }
        return true;
      },
      { timeoutMs: RECOVERY_TIMEOUT_MS, what: `every partition of ${TOPIC} to have a leader and its full ISR` },
    );
  }

  /** Waits until every partition acknowledged `count` more records, or one sent after `sentAfterMs`. */
  private async waitAcks(what: string, cond: { count?: number; sentAfterMs?: number }): Promise<void> {
    const w = this.workload;
    const base = Array.from({ length: w.partitions }, (_, p) => w.partition(p).ackTimesMs.length);
    await pollUntil(
      () =>
        base.every((n, p) => {
          const s = w.partition(p);
          return (cond.count === undefined || s.ackTimesMs.length >= n + cond.count) && (cond.sentAfterMs === undefined || s.lastAckedSentAtMs >= cond.sentAfterMs);
        }),
      { timeoutMs: RECOVERY_TIMEOUT_MS, what, intervalMs: 5 },
    );
  }

  /** One round: warm up, fault, heal, recover, measure, check. */
  async round(fault: Fault): Promise<RoundResult> {
    const w = this.workload;
    await this.waitFullIsr();
    w.resume();
    await this.waitAcks(`${WARM_UP_ACKS} acknowledgements per partition before ${fault.name}`, { count: WARM_UP_ACKS });
    const before = await this.roles();
    const picked = fault.pick(before);
    const counts = Array.from({ length: w.partitions }, (_, p) => ({ acked: w.partition(p).acked.size, failed: w.partition(p).failed }));
    this.log(`round ${fault.name}: ${JSON.stringify(picked)} (controller ${before.controller}, leaders ${before.leaders.join(',')})`);
    const logStarts = this.cluster.nodes.map((n) => fileSize(n.logFile));
    const faultAt = performance.now();
    await fault.run(this.lab, picked, this.timing);
    const healedAt = performance.now();
    this.log(`round ${fault.name}: healed after ${Math.round(healedAt - faultAt)} ms; waiting for every partition to take a write again`);
    await this.waitAcks(`every partition to acknowledge a record sent after the heal of ${fault.name}`, { sentAfterMs: healedAt });
    const recoveredAt = performance.now();
    await this.waitFullIsr();
    const fullIsrAt = performance.now();
    const fencings = countFencings(this.cluster.nodes.map((n, i) => readFrom(n.logFile, logStarts[i]!)).join('\n'));
    const after = await this.roles();
    await w.pause(SETTLE_TIMEOUT_MS);
    for (const e of w.consumerErrors.splice(0)) this.log(`round ${fault.name}: the consumer's poll failed: ${e}`);
    const report: RoundReport = {
      round: fault.name,
      nodes: picked,
      hold_ms: Math.round(healedAt - faultAt),
      recovered_after_ms: Math.round(recoveredAt - faultAt),
      full_isr_after_heal_ms: Math.round(fullIsrAt - healedAt),
      ...fencings,
      partitions: Array.from({ length: w.partitions }, (_, p) => ({
        partition: p,
        leader_before: before.leaders[p]!,
        leader_after: after.leaders[p]!,
        ...unavailability(longestAckGap(w.partition(p).ackTimesMs, faultAt, recoveredAt), faultAt),
        acked: w.partition(p).acked.size - counts[p]!.acked,
        failed: w.partition(p).failed - counts[p]!.failed,
      })),
    };
    return { report, violations: await this.checkRunning() };
  }

  /**
   * Safety while the nodes run (the workload paused): the consumer reads up to
   * the high watermark; every replica's log (snapshot) is identical; the log
   * holds every acknowledged record once, in order, and what was consumed.
   */
  private async checkRunning(): Promise<string[]> {
    const w = this.workload;
    const ends = await this.control.admin().listOffsets(Array.from({ length: w.partitions }, (_, partition) => ({ topic: TOPIC, partition, spec: 'latest' as const })));
    await w.waitConsumed(
      Array.from({ length: w.partitions }, (_, p) => ends.find((e) => e.partition === p)!.offset),
      SETTLE_TIMEOUT_MS,
    );
    let logs: Map<number, ReplicaLog>[] = [];
    let difference: { kind: string; detail: string } | undefined;
    // Followers may be one fetch behind the leader: look again until they are
    // not, unless the replicas diverge (then no later look can make that right).
    try {
      await pollUntil(
        async () => {
          logs = await Promise.all(this.cluster.nodes.map((n) => snapshotReplicaLogs(n.pid, n.dataDir, n.id, TOPIC)));
          difference = this.firstDifference(logs);
          return difference === undefined || difference.kind === 'divergence';
        },
        { timeoutMs: SETTLE_TIMEOUT_MS, what: 'a snapshot of every replica', intervalMs: 200 },
      );
    } catch (err) {
      // Still lagging (reported below), or no snapshot could be read at all.
      if (difference === undefined) return [(err as Error).message];
    }
    return [...(difference === undefined ? [] : [`replicas differ: ${difference.detail}`]), ...this.checkLogs(logs)];
  }

  private firstDifference(logs: readonly Map<number, ReplicaLog>[]): { kind: string; detail: string } | undefined {
    for (let p = 0; p < this.workload.partitions; p++) {
      const replicas = logs.map((l) => l.get(p)).filter((r): r is ReplicaLog => r !== undefined);
      if (replicas.length < Math.min(3, logs.length)) return { kind: 'lag', detail: `partition ${p} has ${replicas.length} replicas on disk` };
      const d = replicaDifference(p, replicas);
      if (d !== undefined) return d;
    }
    return undefined;
  }

  /** Checks one replica's copy of each partition (the others were compared with it) against the workload. */
  private checkLogs(logs: readonly Map<number, ReplicaLog>[]): string[] {
    const w = this.workload;
    const out = [...w.consumerViolations];
    for (let p = 0; p < w.partitions; p++) {
      const replica = logs.map((l) => l.get(p)).find((r) => r !== undefined);
      if (replica === undefined) {
        out.push(`partition ${p}: no replica found on disk`);
        continue;
      }
      const records = recordsOf(replica);
      const s = w.partition(p);
      out.push(...checkPartitionLog(p, records, s.acked, s.nextSeq), ...checkConsumed(p, s.consumed, records));
    }
    return out;
  }

  /** Stops the workload and the nodes, then checks every replica on disk. */
  async finish(): Promise<string[]> {
    await this.workload.close();
    await this.client.close().catch(() => undefined);
    await this.control.close().catch(() => undefined);
    await Promise.all([...this.perNode.values()].map((c) => c.close().catch(() => undefined)));
    await clusterDown(this.dir, 15_000);
    const logs = await Promise.all(this.cluster.nodes.map((n) => readReplicaLogs(n.dataDir, n.id, TOPIC)));
    const difference = this.firstDifference(logs);
    const w = this.workload;
    const count = (pick: (p: number) => number): number => Array.from({ length: w.partitions }, (_, p) => pick(p)).reduce((a, b) => a + b, 0);
    this.log(
      `at the end: ${count((p) => w.partition(p).nextSeq)} records sent, ${count((p) => w.partition(p).acked.size)} acknowledged, ` +
        `${count((p) => w.partition(p).failed)} failed, ${count((p) => w.partition(p).consumed.length)} consumed; ` +
        `replicas on disk: ${logs.map((l, i) => `node ${this.cluster.nodes[i]!.id} ${[...l.values()].reduce((n, r) => n + r.batches.length, 0)} batches`).join(', ')}`,
    );
    return [...(difference === undefined ? [] : [`replicas differ after stop: ${difference.detail}`]), ...this.checkLogs(logs)];
  }

  /** Tears everything down (idempotent): workload, clients, nodes, namespaces, the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.workload.close().catch(() => undefined);
    await this.client.close().catch(() => undefined);
    await this.control.close().catch(() => undefined);
    await Promise.all([...this.perNode.values()].map((c) => c.close().catch(() => undefined)));
    await clusterDown(this.dir, 5000).catch(() => undefined);
    await this.lab.destroy();
    if (this.opts.keepDir === true) this.log(`kept ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}
