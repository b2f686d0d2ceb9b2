/**
 * Issue 5 item 7: consumer groups on a real 3-node cluster (separate
 * gregor-node processes from the built dist; members are `gregor consume
 * --group` processes). Build first: `pnpm exec tsc -b packages/cli packages/node`.
 *
 * Members print "partition<TAB>offset<TAB>value"; a record counts as
 * processed once its line reached us. Produced values are unique, so
 * "every record exactly once" / "nothing skipped" are set comparisons.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pollUntil, silentLogger } from '@gregor/common';
import { createClient, type GroupDescription, type Gregor, type Producer } from '@gregor/client';
import { clusterDown, clusterUp, DEFAULT_NODE_BIN, findFreeBasePort, killNode, restartNode, type ClusterFile } from '@gregor/dev-cluster';

const CLI_BIN = resolve(__dirname, '../dist/bin.js');
const SESSION_TIMEOUT_MS = 6000;

interface Line {
  partition: number;
  offset: bigint;
  value: string;
}

/** One `gregor consume --group` process. */
class Member {
  readonly lines: Line[] = [];
  private readonly child: ChildProcess;
  private stderr = '';
  private partial = '';
  readonly exited: Promise<number | null>;

  constructor(bootstrap: string, topic: string, group: string, readonly name: string) {
    this.child = spawn(
      process.execPath,
      [
        CLI_BIN,
        'consume',
        topic,
        '--group',
        group,
        '--from-beginning',
        '--print-partition',
        '--print-offset',
        '--bootstrap',
        bootstrap,
        '--consumer-property',
        `session.timeout.ms=${SESSION_TIMEOUT_MS}`,
        '--consumer-property',
        'heartbeat.interval.ms=500',
        '--consumer-property',
        'auto.commit.interval.ms=500',
        '--consumer-property',
        'fetch.max.wait.ms=200',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const text = this.partial + chunk;
      const parts = text.split('\n');
      this.partial = parts.pop()!;
      for (const l of parts) {
        const [p, o, v] = l.split('\t');
        this.lines.push({ partition: Number(p!.replace('Partition:', '')), offset: BigInt(o!.replace('Offset:', '')), value: v! });
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM: the consumer commits what it printed and leaves; SIGKILL: a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (this.alive) this.child.kill(signal);
    const code = await this.exited;
    if (signal === 'SIGTERM' && code !== 0) throw new Error(`member ${this.name} exited ${code}: ${this.stderr}`);
  }

  values(): string[] {
    return this.lines.map((l) => l.value);
  }
}

describe('consumer groups on a real 3-node cluster', () => {
  let dir: string;
  let cluster: ClusterFile;
  let bootstrap: string;
  let client: Gregor;
  let producer: Producer;
  const members: Member[] = [];
  const produced = new Map<string, string[]>(); // topic → values
  const perPartition = new Map<number, number>(); // records produced to each partition of 'orders'

  async function produce(topic: string, n: number, partitions: number): Promise<void> {
    const list = produced.get(topic) ?? [];
    produced.set(topic, list);
    const sends = [];
    for (let i = 0; i < n; i++) {
      const value = `${topic}-${list.length}`;
      list.push(value);
      const partition = list.length % partitions;
      perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
      sends.push(producer.send({ topic, partition, value }));
    }
    await Promise.all(sends);
  }

  const start = (topic: string, group: string, name: string): Member => {
    const m = new Member(bootstrap, topic, group, name);
    members.push(m);
    return m;
  };

  async function describe(group: string): Promise<GroupDescription> {
    const [d] = await client.admin().describeGroups([group]);
    return d!;
  }

  /** Waits until the group is Stable with `n` members whose partition counts are `counts` (sorted). */
  async function stableWith(group: string, counts: number[], timeoutMs = 30_000): Promise<GroupDescription> {
    return pollUntil(
      async () => {
        const d = await describe(group);
        const got = d.members.map((m) => m.assignment.length).sort();
        return d.state === 'Stable' && JSON.stringify(got) === JSON.stringify(counts) ? d : undefined;
      },
      { timeoutMs, intervalMs: 100, what: `group ${group} to be Stable with partition counts ${counts.join(',')}` },
    );
  }

  /** Waits until the members together printed every value produced to `topic`. */
  async function allProcessed(topic: string, of: readonly Member[], timeoutMs = 30_000): Promise<void> {
    await pollUntil(
      () => {
        const seen = new Set(of.flatMap((m) => m.values()));
        return produced.get(topic)!.every((v) => seen.has(v));
      },
      { timeoutMs, intervalMs: 100, what: `every record of ${topic} to be processed` },
    );
  }

  beforeAll(async () => {
    for (const bin of [DEFAULT_NODE_BIN, CLI_BIN]) if (!existsSync(bin)) throw new Error(`${bin} is missing: run "pnpm exec tsc -b packages/cli packages/node" first`);
    dir = await mkdtemp(join(tmpdir(), 'gregor-groups-'));
    cluster = await clusterUp({ dir, nodes: 3, basePort: await findFreeBasePort(3), config: { 'group.initial.rebalance.delay.ms': '0' }, readyTimeoutMs: 60_000 });
    bootstrap = cluster.nodes.map((n) => n.grpc).join(',');
    client = createClient({ bootstrap, logger: silentLogger(), retry: { initialBackoffMs: 50, maxBackoffMs: 500 } });
    producer = client.producer({ acks: 'all', lingerMs: 2 });
    await client.admin().createTopics([{ topic: 'orders', numPartitions: 6, replicationFactor: 3 }]);
  });

  afterAll(async () => {
    await Promise.all(members.map((m) => m.stop('SIGKILL').catch(() => undefined)));
    await producer?.close().catch(() => undefined);
    await client?.close();
    if (cluster !== undefined) await clusterDown(dir, 3000);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test('3 members of one group on 6 partitions get 2 each and together process every record exactly once', async () => {
    const ms = [start('orders', 'g1', 'a'), start('orders', 'g1', 'b'), start('orders', 'g1', 'c')];
    const d = await stableWith('g1', [2, 2, 2]);
    expect(new Set(d.members.flatMap((m) => m.assignment.map((tp) => tp.partition)))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    await produce('orders', 600, 6);
    await allProcessed('orders', ms);
    const all = ms.flatMap((m) => m.values());
    expect(all.length).toBe(600);
    expect(new Set(all).size).toBe(600);
    // Each member read only its own two partitions.
    for (const m of ms) expect(new Set(m.lines.map((l) => l.partition)).size).toBe(2);
  });

  test('a 4th member joins and the partitions spread; nothing is skipped', async () => {
    const ms = members.slice(0, 3);
    ms.push(start('orders', 'g1', 'd'));
    await stableWith('g1', [1, 1, 2, 2]);
    await produce('orders', 400, 6);
    await allProcessed('orders', ms);
    expect(members[3]!.lines.length).toBeGreaterThan(0);
  });

  test('two groups each receive every record', async () => {
    const others = [start('orders', 'g2', 'x'), start('orders', 'g2', 'y')];
    await stableWith('g2', [3, 3]);
    await allProcessed('orders', others);
    const g2 = others.flatMap((m) => m.values());
    expect(new Set(g2).size).toBe(produced.get('orders')!.length);
    await Promise.all(others.map((m) => m.stop('SIGTERM')));
  });

  test('a member killed with SIGKILL: its partitions move after the session timeout, nothing skipped', async () => {
    const ms = members.slice(0, 4);
    const victim = ms[0]!;
    const before = await describe('g1');
    // Produce while the member dies.
    const writing = produce('orders', 300, 6);
    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    await writing;
    const after = await stableWith('g1', [2, 2, 2], SESSION_TIMEOUT_MS + 30_000);
    const movedAfterMs = Date.now() - killedAt;
    expect(after.members).toHaveLength(3);
    expect(before.members).toHaveLength(4);
    await allProcessed('orders', ms);
    // Only partitions the dead member consumed may be read twice (at-least-once).
    const victimPartitions = new Set(victim.lines.map((l) => l.partition));
    const counts = new Map<string, number>();
    for (const l of ms.flatMap((m) => m.lines)) counts.set(l.value, (counts.get(l.value) ?? 0) + 1);
    for (const l of ms.flatMap((m) => m.lines)) if (counts.get(l.value)! > 1) expect(victimPartitions.has(l.partition)).toBe(true);
    console.info(`partitions of the killed member moved ${movedAfterMs} ms after the kill (session timeout ${SESSION_TIMEOUT_MS} ms)`);
  });

  test('the coordinator’s node is killed with SIGKILL mid-stream: the group carries on from its committed offsets, nothing skipped', async () => {
    const ms = members.slice(1, 4);
    const coordinator = (await describe('g1')).coordinator;
    expect(cluster.nodes.map((n) => n.id)).toContain(coordinator);
    let stop = false;
    const writer = (async () => {
      while (!stop) await produce('orders', 30, 6);
    })();
    await pollUntil(() => ms.some((m) => m.lines.length > 0), { timeoutMs: 10_000, what: 'records to flow' });
    await killNode(dir, coordinator);
    // The group's coordinator moves to another node; the members find it.
    const moved = await pollUntil(
      async () => {
        const d = await describe('g1').catch(() => undefined);
        return d !== undefined && d.coordinator !== coordinator && d.state === 'Stable' && d.members.length === 3 ? d : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the group to be Stable with a new coordinator' },
    );
    expect(moved.coordinator).not.toBe(coordinator);
    // Keep writing a little after the move, then everything must arrive.
    const target = produced.get('orders')!.length + 300;
    await pollUntil(() => produced.get('orders')!.length >= target, { timeoutMs: 60_000, what: 'more records after the failover' });
    stop = true;
    await writer;
    await allProcessed('orders', members.slice(0, 4), 60_000);
    const restarted = await restartNode(dir, coordinator, { readyTimeoutMs: 60_000 });
    cluster.nodes.find((n) => n.id === coordinator)!.pid = restarted.pid;
  });

  test('lag reported by `group describe` is produced − committed, per partition and in total', async () => {
    const live = members.slice(1, 4);
    await Promise.all(live.map((m) => m.stop('SIGTERM'))); // close commits what each printed
    await produce('orders', 60, 6);
    const describeJson = await new Promise<string>((resolveOut, reject) => {
      const child = spawn(process.execPath, [CLI_BIN, 'group', 'describe', 'g1', '--json', '--bootstrap', bootstrap], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      child.on('exit', (code) => (code === 0 ? resolveOut(out) : reject(new Error(`group describe exited ${code}: ${err}`))));
    });
    const view = JSON.parse(describeJson) as { state: string; totalLag: string; partitions: { partition: number; committedOffset: string; logEndOffset: string; lag: string }[] };
    expect(view.state).toBe('Empty');
    expect(view.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    let expectedTotal = 0n;
    for (const p of view.partitions) {
      const producedHere = BigInt(perPartition.get(p.partition)!);
      expect(BigInt(p.logEndOffset)).toBe(producedHere);
      // Every member printed up to the end before it stopped: 10 new records per partition are the lag.
      expect(BigInt(p.lag)).toBe(producedHere - BigInt(p.committedOffset));
      expect(BigInt(p.lag)).toBe(10n);
      expectedTotal += producedHere - BigInt(p.committedOffset);
    }
    expect(BigInt(view.totalLag)).toBe(expectedTotal);
    expect(expectedTotal).toBe(60n);
  });
});
