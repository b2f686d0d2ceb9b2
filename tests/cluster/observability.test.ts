/**
 * Issue 6 items 4-6 on real gregor-node processes: every node's /metrics
 * has the operator metrics and they move (bytes in after producing; after
 * kill -9 of the active controller: a new one, a fenced broker, under-
 * replicated partitions, elections, ISR shrinks), /readyz holds on the
 * survivors, and the nodes' logs tell the failover with exactly one info
 * line per controller election, fencing, leader change and ISR change in
 * the whole cluster; after a restart, one unfencing line and counted ISR
 * expansions.
 * Needs the built dist (`pnpm build`).
 */
import { readFileSync, statSync } from 'node:fs';
import { pollUntil } from '@gregor/common';
import type { ClusterNode } from '@gregor/dev-cluster';
import { TestCluster } from './harness';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, the part this test needs: `name{a="b",…} value`. */
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(node: ClusterNode): Promise<Sample[]> {
  const res = await fetch(`${node.http}/metrics`, { signal: AbortSignal.timeout(5000) });
  expect(res.status).toBe(200);
  return parseMetrics(await res.text());
}

const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((acc, s) => acc + s.value, 0);

const has = (samples: Sample[], name: string): boolean => samples.some((s) => s.name === name);

interface LogLine {
  level: string;
  message: string;
  topic?: unknown;
  partition?: unknown;
}

/** The JSON log lines a node wrote after `from` bytes. */
function logLinesSince(node: ClusterNode, from: number): LogLine[] {
  const text = readFileSync(node.logFile).subarray(from).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        const o = JSON.parse(l) as { level?: unknown; message?: unknown };
        return [{ ...o, level: String(o.level ?? ''), message: String(o.message ?? '') }];
      } catch {
        return [];
      }
    });
}

/** The messages of the log lines a node wrote after `from` bytes. */
function logMessagesSince(node: ClusterNode, from: number): string[] {
  return logLinesSince(node, from).map((l) => l.message);
}

/**
 * Whether a log line is about topic-partition: names it in its message
 * (`partition t-0 leader …`) or carries it in its fields (a broker's
 * `{topic, partition}` or `partition: "t-0"`).
 */
function isAbout(line: LogLine, topic: string, partition: number): boolean {
  return (
    new RegExp(`\\b${topic}-${partition}\\b`).test(line.message) ||
    (line.topic === topic && line.partition === partition) ||
    line.partition === `${topic}-${partition}`
  );
}

describe('observability on a real 3-node cluster', () => {
  let cluster: TestCluster;
  const topic = 'observed';

  beforeAll(async () => {
    cluster = await TestCluster.start(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('exports the operator metrics, and metrics, readiness and logs follow a kill -9 of the active controller', async () => {
    await cluster.client.admin().createTopics([{ topic, numPartitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    await cluster.waitForFullIsr(topic);
    const nodes = cluster.cluster.nodes;

    // 1. Names and labels exist on every node. Followers fetch from every
    // leader (long polls, counted when answered) and voters talk Raft: both
    // are counted under their own service.
    await pollUntil(
      async () =>
        (await Promise.all(nodes.map(scrape))).every(
          (s) => sum(s, 'gregor_requests_total', { service: 'replication', api: 'FetchFromLeader' }) > 0 && sum(s, 'gregor_requests_total', { service: 'controller' }) > 0,
        ),
      { timeoutMs: 10_000, what: 'replication and controller requests counted on every node' },
    );
    for (const node of nodes) {
      const samples = await scrape(node);
      for (const name of [
        'gregor_requests_total',
        'gregor_request_duration_seconds_bucket',
        'gregor_partitions',
        'gregor_leader_partitions',
        'gregor_under_replicated_partitions',
        'gregor_under_min_isr_partitions',
        'gregor_isr_shrinks_total',
        'gregor_isr_expands_total',
        'gregor_controller_active',
        'gregor_raft_current_term',
        'gregor_raft_commit_index',
        'gregor_raft_applied_index',
        'gregor_controller_fenced_brokers',
        'gregor_controller_offline_partitions',
        'gregor_controller_leader_elections_total',
        'gregor_node_ready',
        'process_resident_memory_bytes',
      ]) {
        expect({ node: node.id, name, present: has(samples, name) }).toEqual({ node: node.id, name, present: true });
      }
      expect(sum(samples, 'gregor_partitions')).toBe(3);
      expect(sum(samples, 'gregor_node_ready')).toBe(1);
      expect(samples.every((s) => s.labels['node'] === String(node.id))).toBe(true);
    }
    const before = await Promise.all(nodes.map(scrape));
    const actives = nodes.filter((_, i) => sum(before[i]!, 'gregor_controller_active') === 1);
    expect(actives).toHaveLength(1);
    const leaderLag = before.find((s) => sum(s, 'gregor_controller_active') === 1)!.filter((s) => s.name === 'gregor_raft_follower_lag_entries');
    expect(leaderLag.map((s) => s.labels['voter']).sort()).toEqual(nodes.filter((n) => n.id !== actives[0]!.id).map((n) => String(n.id)).sort());

    // 2. Producing moves bytes and records in, per topic.
    const bytesBefore = before.reduce((acc, s) => acc + sum(s, 'gregor_bytes_in_total', { topic }), 0);
    const producer = cluster.client.producer({ acks: 'all', lingerMs: 0 });
    for (let p = 0; p < 3; p++) await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: p })) });
    await pollUntil(
      async () => {
        const after = await Promise.all(nodes.map(scrape));
        return after.reduce((acc, s) => acc + sum(s, 'gregor_bytes_in_total', { topic }), 0) > bytesBefore &&
          after.reduce((acc, s) => acc + sum(s, 'gregor_records_in_total', { topic }), 0) === 30;
      },
      { timeoutMs: 10_000, what: 'bytes and records in to move for the topic' },
    );

    // 3. kill -9 the active controller (it also leads one partition).
    const victim = actives[0]!;
    const survivors = nodes.filter((n) => n.id !== victim.id);
    const logOffsets = new Map(nodes.map((n) => [n.id, statSync(n.logFile).size]));
    const leadersBefore = await cluster.describe(topic);
    await cluster.kill(victim.id);

    const settled = await pollUntil(
      async () => {
        const s = await Promise.all(survivors.map(scrape));
        const ok =
          s.every((x) => sum(x, 'gregor_controller_fenced_brokers') === 1) &&
          s.filter((x) => sum(x, 'gregor_controller_active') === 1).length === 1 &&
          s.reduce((acc, x) => acc + sum(x, 'gregor_under_replicated_partitions'), 0) === 3 &&
          s.reduce((acc, x) => acc + sum(x, 'gregor_leader_partitions'), 0) === 3;
        return ok ? s : undefined;
      },
      { timeoutMs: 30_000, what: 'a new active controller, 1 fenced broker and 3 under-replicated partitions on the survivors' },
    );
    const total = (name: string): number => settled.reduce((acc, x) => acc + sum(x, name), 0);
    expect(total('gregor_controller_leader_elections_total')).toBeGreaterThanOrEqual(1);
    expect(total('gregor_isr_shrinks_total')).toBeGreaterThanOrEqual(1);
    expect(total('gregor_controller_offline_partitions')).toBe(0);
    // A new Raft term on every survivor: the quorum elected a new leader.
    const oldTerm = sum(before[nodes.indexOf(victim)]!, 'gregor_raft_current_term');
    for (const x of settled) expect(sum(x, 'gregor_raft_current_term')).toBeGreaterThan(oldTerm);
    for (const node of survivors) {
      const ready = await fetch(`${node.http}/readyz`);
      expect({ node: node.id, status: ready.status }).toEqual({ node: node.id, status: 200 });
    }

    // 4. The logs of all nodes (the victim's ends at the kill): one line per
    // controller election, fencing, leader change and ISR change. A
    // leadership change is told once in the whole cluster, by the active
    // controller; the brokers' own role lines are at debug.
    const all = nodes.flatMap((n) => logLinesSince(n, logOffsets.get(n.id)!));
    const info = all.filter((l) => l.level === 'info');
    const lines = all.map((l) => l.message);
    const matching = (re: RegExp): string[] => lines.filter((l) => re.test(l));
    expect(matching(/became active controller \(term \d+\)/)).toHaveLength(1);
    expect(matching(new RegExp(`^fenced broker ${victim.id} \\(epoch \\d+\\)`))).toHaveLength(1);
    const leadersAfter = await cluster.describe(topic);
    for (const p of leadersBefore) {
      // Every info line about the partition, whatever it says: exactly one.
      const about = info.filter((l) => isAbout(l, topic, p.partition)).map((l) => l.message);
      expect({ partition: p.partition, lines: about }).toEqual({ partition: p.partition, lines: [expect.stringMatching(new RegExp(`^partition ${topic}-${p.partition} `))] });
      const newLeader = leadersAfter.find((a) => a.partition === p.partition)!.leader;
      if (p.leader === victim.id) {
        expect(about[0]).toMatch(new RegExp(`leader ${victim.id} -> ${String(newLeader)} \\(leader epoch \\d+\\)`));
      } else {
        expect(newLeader).toBe(p.leader);
        expect(about[0]).not.toMatch(/ leader \d+ -> /);
      }
      expect(about[0]).toMatch(/ISR \[[\d,]+\] -> \[[\d,]+\]/);
    }
    expect(leadersBefore.filter((p) => p.leader === victim.id).length).toBeGreaterThanOrEqual(1);
    // The brokers' view of the change (roles taken, ISR proposals) stays at debug.
    expect(matching(/^became (leader|follower)$|^stopped (leading|following)$/)).toHaveLength(0);
    expect(matching(/^ISR changed$|^proposing ISR/)).toHaveLength(0);

    // 5. The victim comes back: one unfencing line, ISR expansions counted, nobody fenced.
    const offsetsBeforeRestart = new Map(nodes.map((n) => [n.id, statSync(n.logFile).size]));
    await cluster.restart(victim.id);
    await cluster.waitForFullIsr(topic);
    await pollUntil(
      async () => {
        const s = await Promise.all(nodes.map(scrape));
        return s.every((x) => sum(x, 'gregor_controller_fenced_brokers') === 0 && sum(x, 'gregor_node_ready') === 1) &&
          s.reduce((acc, x) => acc + sum(x, 'gregor_isr_expands_total'), 0) >= 1;
      },
      { timeoutMs: 30_000, what: 'no fenced broker, every node ready and ISR expansions counted after the restart' },
    );
    const afterRestart = nodes.flatMap((n) => logMessagesSince(n, offsetsBeforeRestart.get(n.id)!));
    expect(afterRestart.filter((l) => new RegExp(`^unfenced broker ${victim.id} \\(epoch \\d+\\)`).test(l))).toHaveLength(1);
    expect(afterRestart.filter((l) => new RegExp(`^partition ${topic}-\\d+ .*ISR \\[[\\d,]+\\] -> \\[[\\d,]*${victim.id}`).test(l)).length).toBeGreaterThanOrEqual(3);
    await producer.close();
  });
});
