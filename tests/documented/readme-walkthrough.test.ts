/**
 * The README's "talk to it with the CLI" walkthrough, as a user types it
 * (issue 11): the CLI as child processes run in a directory holding the
 * dev cluster in .gregor/cluster, with no --bootstrap and no --dir, so the
 * defaults are what is tested. On a 3-node dev cluster:
 *   - a topic created without flags has 3 replicas (the dev cluster's
 *     defaults), so after `dev-cluster kill 2` every partition has a leader,
 *     acks=all produce works and the group resumes;
 *   - partitions that do have no leader (a replication-factor-1 topic on the
 *     dead node): `group describe` answers with "-" and names them, and
 *     `produce` names "no leader" and the partitions;
 *   - after `restart 2` and `kill 1` the CLI still answers without
 *     --bootstrap (its default is every node of the dev cluster).
 * Needs the built dist (`pnpm build`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil, runProcess, type ProcessResult } from '@gregor/common';
import { findFreeBasePort, isAlive, type ClusterFile } from '@gregor/dev-cluster';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'packages/cli/dist/bin.js');

interface TopicJson {
  name: string;
  partitions: { partition: number; leader: number | null; replicas: number[]; isr: number[] }[];
}

describe('the README walkthrough on a 3-node dev cluster, with the CLI defaults', () => {
  let home: string;
  const pids = new Set<number>();
  // No GREGOR_CLI_BOOTSTRAP from the environment: the default is under test.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'GREGOR_CLI_BOOTSTRAP'));

  const gregor = (args: string[], stdin?: string): Promise<ProcessResult> =>
    runProcess(process.execPath, [CLI, ...args], { cwd: home, env, timeoutMs: 90_000, ...(stdin !== undefined ? { stdin } : {}) });
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const res = await gregor(args, stdin);
    if (res.code !== 0) throw new Error(`gregor ${args.join(' ')} exited ${res.code}:\n${res.stderr}${res.stdout}`);
    return res.stdout;
  };
  const describeTopic = async (topic: string): Promise<TopicJson> => (JSON.parse(await ok(['topic', 'describe', topic, '--json'])) as TopicJson[])[0]!;
  const clusterFile = (): ClusterFile => JSON.parse(readFileSync(path.join(home, '.gregor', 'cluster', 'cluster.json'), 'utf8')) as ClusterFile;

  beforeAll(() => {
    for (const bin of [CLI, path.join(ROOT, 'packages/node/dist/bin.js')]) if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first`);
    home = mkdtempSync(path.join(tmpdir(), 'gregor-walkthrough-'));
  });

  afterAll(async () => {
    if (existsSync(path.join(home, '.gregor', 'cluster', 'cluster.json'))) {
      for (const n of clusterFile().nodes) pids.add(n.pid);
      await gregor(['dev-cluster', 'down']).catch(() => undefined);
    }
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('fails over when node 2 dies, answers partially where a partition has no leader, and finds the cluster without flags', async () => {
    // dev-cluster up: --dir defaults to ./.gregor/cluster.
    await ok(['dev-cluster', 'up', '--base-port', String(await findFreeBasePort(3))]);
    for (const n of clusterFile().nodes) pids.add(n.pid);

    // Item 1: no --replication-factor, yet 3 replicas per partition.
    await ok(['topic', 'create', 'orders', '--partitions', '6']);
    const created = await describeTopic('orders');
    expect(created.partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3, 3, 3, 3]);
    await ok(['produce', 'orders'], '1\n2\n3\n4\n5\n');
    expect((await ok(['consume', 'orders', '--group', 'billing', '--from-beginning', '--max-messages', '5'])).split('\n').filter(Boolean).sort()).toEqual(['1', '2', '3', '4', '5']);
    // As the README: grow the topic (the new partitions have no committed offset for billing).
    await ok(['topic', 'alter', 'orders', '--partitions', '12']);
    // A topic whose partitions each live on one node only, and a group that read it.
    // One replica is below the cluster's min.insync.replicas (2): the CLI warns, and the topic gets its own.
    const lonely = await gregor(['topic', 'create', 'lonely', '--replication-factor', '1']);
    expect(lonely.code).toBe(0);
    expect(lonely.stderr).toContain('warning: replication factor 1 is below min.insync.replicas 2: produce with acks=all (the default) will fail with NOT_ENOUGH_REPLICAS');
    await ok(['topic', 'create', 'solo', '--partitions', '3', '--replication-factor', '1', '--config', 'min.insync.replicas=1']);
    await ok(['produce', 'solo', '--key-separator', ':'], 'a:1\nb:2\nc:3\nd:4\ne:5\nf:6\n');
    await ok(['consume', 'solo', '--group', 'solo-readers', '--from-beginning', '--max-messages', '6']);
    const soloOnNode2 = (await describeTopic('solo')).partitions.filter((p) => p.replicas[0] === 2).map((p) => p.partition);
    expect(soloOnNode2.length).toBeGreaterThan(0);

    expect(await ok(['dev-cluster', 'kill', '2'])).toMatch(/^Killed node 2 \(pid \d+\)\./);
    const failedOver = await pollUntil(
      async () => {
        const t = await describeTopic('orders');
        return t.partitions.every((p) => p.leader !== null && p.leader !== 2 && !p.isr.includes(2)) ? t : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'every partition of orders to be led by node 1 or 3, with 2 out of its ISR' },
    );
    expect(failedOver.partitions.map((p) => p.isr.length)).toEqual(Array(12).fill(2));
    // acks=all still works (ISR 2 = min.insync.replicas), and the group resumes after what it read.
    await ok(['produce', 'orders'], '6\n7\n8\n9\n10\n');
    expect((await ok(['consume', 'orders', '--group', 'billing', '--from-beginning', '--max-messages', '5'])).split('\n').filter(Boolean).sort()).toEqual(['10', '6', '7', '8', '9']);
    expect(await ok(['group', 'describe', 'billing'])).toMatch(/Total lag: 0$/m);

    // Item 6: the partitions of solo that lived on node 2 have no leader: "-" and named, exit 0.
    await pollUntil(async () => (await describeTopic('solo')).partitions.some((p) => p.leader === null), { timeoutMs: 30_000, what: 'solo to lose its leader on node 2' });
    const group = await gregor(['group', 'describe', 'solo-readers']);
    expect(group.code).toBe(0);
    for (const p of soloOnNode2) expect(group.stdout).toMatch(new RegExp(`\\nsolo\\s+${p}\\s+\\d+\\s+-\\s+-`));
    expect(group.stdout).toMatch(new RegExp(`not counting ${soloOnNode2.length} partition\\(s\\) whose log end is unknown: ${soloOnNode2.map((p) => `solo-${p}: no leader`).join(', ')}`));
    const groupJson = JSON.parse(await ok(['group', 'describe', 'solo-readers', '--json'])) as { logEndUnknown: string[] };
    expect(groupJson.logEndUnknown).toEqual(soloOnNode2.map((p) => `solo-${p}: no leader`));

    // Item 7: records to those partitions fail, summarised by cause and partition.
    const produced = await gregor(['produce', 'solo', '--key-separator', ':', '--timeout-ms', '3000'], 'a:1\nb:2\nc:3\nd:4\ne:5\nf:6\n');
    expect(produced.code).toBe(2);
    const names = soloOnNode2.map((p) => `solo-${p}`).join(', ');
    expect(produced.stderr).toMatch(new RegExp(`^LEADER_NOT_AVAILABLE: no leader for ${names} `, 'm'));
    expect(produced.stderr).toMatch(new RegExp(`^Produced \\d of 6 record\\(s\\) to solo; \\d failed:\\n  LEADER_NOT_AVAILABLE: \\d record\\(s\\) to ${names}$`, 'm'));

    // Node 2 back; then node 1 gone: the CLI's default bootstrap is every node, so it still answers.
    await ok(['dev-cluster', 'restart', '2']);
    for (const n of clusterFile().nodes) pids.add(n.pid);
    await pollUntil(async () => (await describeTopic('orders')).partitions.every((p) => p.isr.length === 3), { timeoutMs: 60_000, intervalMs: 500, what: 'node 2 back in every ISR of orders' });
    await ok(['dev-cluster', 'kill', '1']);
    expect((await ok(['topic', 'list'])).split('\n')).toEqual(expect.arrayContaining(['orders', 'solo']));
    expect(await ok(['dev-cluster', 'status'])).toMatch(/\n1 +\d+ +down /);
    await ok(['dev-cluster', 'down']);
  }, 300_000);
});
