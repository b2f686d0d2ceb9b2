import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '@gregor/cli';
import { pollUntil } from '@gregor/common';
import { clusterDown, clusterUp, DEFAULT_NODE_BIN, findFreeBasePort, isAlive, killNode, restartNode, type ClusterFile } from '@gregor/dev-cluster';
import { captureIO } from './helpers';

/*
 * `gregor cluster status` against 3 real gregor-node processes in combined
 * mode (built dist: `pnpm exec tsc -b packages/cli packages/node` first):
 * the quorum and brokers while healthy, after kill -9 of the active
 * controller, and leaders spreading again once it is back (preferred
 * leader election, checked every second here).
 */

interface StatusJson {
  clusterId: string;
  quorum: null | {
    activeController: { id: number; address: string };
    term: string;
    highWatermark: string;
    voters: { id: number; role: string; logEndOffset: string | null; lag: string | null; lastContactMsAgo: number | null }[];
  };
  quorumError: null | { error: string };
  brokers: { id: number; address: string; state: string; brokerEpoch: string; leaderPartitions: number; followerPartitions: number }[];
}

describe('gregor cluster status on 3 gregor-node processes', () => {
  let dir: string;
  let cluster: ClusterFile;

  const bootstrap = (): string =>
    cluster.nodes
      .filter((n) => isAlive(n.pid))
      .map((n) => n.grpc)
      .join(',');

  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const c = captureIO();
    const code = await run([...argv, '--bootstrap', bootstrap()], c.io);
    return { code, stdout: c.stdout(), stderr: c.stderr() };
  }

  async function status(): Promise<StatusJson> {
    const r = await cli('cluster', 'status', '--json');
    if (r.code !== 0) throw new Error(`cluster status exited ${r.code}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as StatusJson;
  }

  /** Leader of each partition of `topic`, and whether it is the preferred (first) replica. */
  async function leaders(topic: string): Promise<{ leader: number | null; preferred: number }[]> {
    const r = await cli('topic', 'describe', topic, '--json');
    if (r.code !== 0) throw new Error(`topic describe exited ${r.code}: ${r.stderr}`);
    const [t] = JSON.parse(r.stdout) as { partitions: { leader: number | null; replicas: number[] }[] }[];
    return t!.partitions.map((p) => ({ leader: p.leader, preferred: p.replicas[0]! }));
  }

  beforeAll(async () => {
    if (!existsSync(DEFAULT_NODE_BIN)) throw new Error(`${DEFAULT_NODE_BIN} is missing: run "pnpm exec tsc -b packages/cli packages/node" first`);
    dir = await mkdtemp(join(tmpdir(), 'gregor-cluster-status-'));
    cluster = await clusterUp({
      dir,
      nodes: 3,
      basePort: await findFreeBasePort(3),
      config: { 'leader.imbalance.check.interval.seconds': '1' },
      readyTimeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    if (cluster !== undefined) await clusterDown(dir, 3000);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('reports 3 voters with an active controller and 3 unfenced brokers', async () => {
    const s = await pollUntil(
      async () => {
        const x = await status();
        return x.quorum !== null && x.quorum.voters.every((v) => v.lastContactMsAgo !== null && v.logEndOffset !== null) ? x : undefined;
      },
      { timeoutMs: 20_000, what: 'every voter to be heard from by the active controller' },
    );
    const q = s.quorum!;
    expect(q.voters.map((v) => v.id)).toEqual([1, 2, 3]);
    expect(q.voters.filter((v) => v.role === 'leader').map((v) => v.id)).toEqual([q.activeController.id]);
    expect(cluster.nodes.find((n) => n.id === q.activeController.id)!.controller).toBe(q.activeController.address);
    expect(Number(q.term)).toBeGreaterThan(0);
    expect(s.brokers.map((b) => [b.id, b.address, b.state])).toEqual(cluster.nodes.map((n) => [n.id, n.grpc, 'unfenced']));

    const human = await cli('cluster', 'status');
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`Quorum: active controller ${q.activeController.id} (${q.activeController.address}), term `);
    expect(human.stdout).toMatch(/VOTER +ADDRESS +ROLE +LOG END +LAG +LAST CONTACT/);
  });

  it('after kill -9 of the active controller: a new one, the dead broker fenced; after its restart, leaders spread back to it', async () => {
    expect((await cli('topic', 'create', 'spread', '--partitions', '3', '--replication-factor', '3')).code).toBe(0);
    // Placement makes each broker the preferred leader of one partition.
    const before = await pollUntil(async () => {
      const l = await leaders('spread');
      return l.every((p) => p.leader === p.preferred) ? l : undefined;
    }, { timeoutMs: 10_000, what: 'spread to be led by its preferred replicas' });
    expect(new Set(before.map((p) => p.leader)).size).toBe(3);

    const killed = (await status()).quorum!.activeController.id;
    await killNode(dir, killed);
    const after = await pollUntil(
      async () => {
        const s = await status();
        const dead = s.brokers.find((b) => b.id === killed);
        return s.quorum !== null && s.quorum.activeController.id !== killed && dead?.state === 'fenced' && dead.leaderPartitions === 0 ? s : undefined;
      },
      { timeoutMs: 30_000, what: `a new active controller and broker ${killed} fenced` },
    );
    // The new active controller never heard from the dead voter in its term: its log end and lag are unknown, not 0.
    expect(after.quorum!.voters.find((v) => v.id === killed)).toMatchObject({ role: 'follower', logEndOffset: null, lag: null });
    expect(after.brokers.filter((b) => b.state === 'unfenced').map((b) => b.id)).toEqual([1, 2, 3].filter((id) => id !== killed));
    expect(after.brokers.reduce((n, b) => n + b.leaderPartitions, 0)).toBe(3);
    expect((await leaders('spread')).some((p) => p.leader !== p.preferred)).toBe(true);
    const human = await cli('cluster', 'status');
    expect(human.stdout).toMatch(new RegExp(`\\n  ${killed} +\\S+ +fenced `));
    expect(human.stdout).toMatch(new RegExp(`\\n  ${killed} +\\S+ +follower +\\? +\\? `));

    const restarted = await restartNode(dir, killed, { readyTimeoutMs: 60_000 });
    cluster.nodes.find((n) => n.id === killed)!.pid = restarted.pid;
    const spread = await pollUntil(
      async () => {
        const s = await status();
        return s.brokers.every((b) => b.state === 'unfenced' && b.leaderPartitions === 1) ? s : undefined;
      },
      { timeoutMs: 40_000, what: `broker ${killed} back and leading its preferred partition again` },
    );
    expect(spread.brokers.map((b) => b.id)).toEqual([1, 2, 3]);
    expect(await leaders('spread')).toEqual(before);
    // The active controller logged the move back: one line in the whole cluster, with the reason.
    const logs = cluster.nodes.map((n) => readFileSync(n.logFile, 'utf8')).join('\n');
    const moves = logs.split('\n').filter((l) => l.includes('preferred leader election') && l.includes(`-> ${killed} `));
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatch(/partition spread-\d leader \d -> \d \(leader epoch \d+\)/);
  });
});
