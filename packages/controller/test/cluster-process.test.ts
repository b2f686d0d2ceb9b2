import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pollUntil } from '@gregor/common';
import type { ClusterFile, ClusterNode } from '@gregor/dev-cluster';
import { clusterDown, clusterUp, DEFAULT_NODE_BIN, findFreeBasePort, isAlive, killNode, restartNode } from '@gregor/dev-cluster';
import { loadClientProto, loadControllerProto } from '@gregor/proto';

/*
 * Issue 3 item 9: three combined-mode gregor-node processes (built dist; run
 * `pnpm exec tsc -b packages/node` first), killed with SIGKILL and restarted.
 */

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function unary(stub: Any, method: string, req: unknown, deadlineMs: number): Promise<Any> {
  return new Promise((resolve, reject) => {
    stub[method](req, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: Any) => (err ? reject(err) : resolve(res)));
  });
}

async function withStub<T>(kind: 'client' | 'controller', address: string, fn: (stub: Any) => Promise<T>): Promise<T> {
  const Ctor = kind === 'client' ? loadClientProto().gregor.v1.Gregor : loadControllerProto().gregor.v1.GregorController;
  const stub = new Ctor(address, grpc.credentials.createInsecure());
  try {
    return await fn(stub);
  } finally {
    stub.close();
  }
}

describe('3 gregor-node processes in combined mode', () => {
  let dir: string;
  let cluster: ClusterFile;

  const alive = (): ClusterNode[] => cluster.nodes.filter((n) => isAlive(n.pid));
  const node = (id: number): ClusterNode => cluster.nodes.find((n) => n.id === id)!;

  /** Restarts node `id` and waits until it is ready; keeps our copy of the cluster file current. */
  async function restart(id: number): Promise<void> {
    const restarted = await restartNode(dir, id, { readyTimeoutMs: 60_000 });
    node(id).pid = restarted.pid;
  }

  /** The node whose controller says it is active, among live ones. */
  async function activeController(): Promise<number | undefined> {
    for (const n of alive()) {
      const q = await withStub('controller', n.controller, (s) => unary(s, 'DescribeQuorum', {}, 1000)).catch(() => undefined);
      if (q?.role === 'active-controller') return n.id;
    }
    return undefined;
  }

  async function createTopic(via: ClusterNode, name: string, partitions = 3, rf = 3): Promise<Any> {
    const res = await withStub('client', via.grpc, (s) =>
      unary(s, 'CreateTopics', { topics: [{ name, numPartitions: partitions, replicationFactor: rf, configs: {} }], timeoutMs: 30_000 }, 40_000),
    );
    return res.topics[0];
  }

  async function metadataOf(n: ClusterNode): Promise<string> {
    const md = await withStub('client', n.grpc, (s) => unary(s, 'Metadata', { topics: [] }, 5000));
    const topics = (md.topics as Any[])
      .map((t) => ({ name: t.name, id: t.topicId, partitions: (t.partitions as Any[]).map((p) => [p.partition, p.leaderId, p.leaderEpoch, p.replicaNodes, p.isrNodes]) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return JSON.stringify(topics);
  }

  /** Every live node reports the same topics, leaders and ISRs. */
  async function expectAgreement(): Promise<string> {
    return pollUntil(
      async () => {
        const views = await Promise.all(alive().map(metadataOf));
        return new Set(views).size === 1 ? views[0] : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'every live node to report the same metadata' },
    );
  }

  beforeAll(async () => {
    if (!existsSync(DEFAULT_NODE_BIN)) throw new Error(`${DEFAULT_NODE_BIN} is missing: run "pnpm exec tsc -b packages/node" first`);
    dir = await mkdtemp(join(tmpdir(), 'gregor-cluster-'));
    cluster = await clusterUp({
      dir,
      nodes: 3,
      basePort: await findFreeBasePort(3),
      // Snapshots every few entries, so a restart exercises snapshot + log.
      config: { 'metadata.snapshot.interval.entries': '5', 'log.level': 'info' },
      readyTimeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    if (cluster !== undefined) await clusterDown(dir, 3000);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('comes up with one active controller; a topic created through any broker is seen alike everywhere', async () => {
    const active = await pollUntil(activeController, { timeoutMs: 10_000, what: 'an active controller' });
    expect([1, 2, 3]).toContain(active);
    const res = await createTopic(node(2), 'first', 3, 3);
    expect(res.error).toBeNull();
    const view = JSON.parse(await expectAgreement()) as Any[];
    const first = view.find((t) => t.name === 'first');
    expect(first.partitions.map((p: Any) => p[1]).sort()).toEqual([1, 2, 3]); // one leader per broker
  });

  it('kill -9 of the active controller: another is elected and creating a topic works again', async () => {
    const killed = (await pollUntil(activeController, { timeoutMs: 10_000, what: 'an active controller' }))!;
    await killNode(dir, killed);
    const next = await pollUntil(async () => {
      const a = await activeController();
      return a !== undefined && a !== killed ? a : undefined;
    }, { timeoutMs: 15_000, what: 'a new active controller' });
    expect(next).not.toBe(killed);
    const survivor = alive()[0]!;
    const res = await createTopic(survivor, 'after-kill', 2, 2);
    expect(res.error).toBeNull();
    await restart(killed);
    const view = JSON.parse(await expectAgreement()) as Any[];
    expect(view.map((t) => t.name)).toEqual(expect.arrayContaining(['first', 'after-kill']));
  });

  it('serves with 1 of 3 down; with 2 down writes fail with a retriable error and nothing is lost; resumes when they return', async () => {
    const [a, b, c] = [1, 2, 3];
    await killNode(dir, a);
    expect((await createTopic(node(c), 'one-down', 1, 1)).error).toBeNull();
    await killNode(dir, b);
    const before = await metadataOf(node(c));
    const res = await createTopic(node(c), 'two-down', 1, 1);
    expect(res.error).not.toBeNull();
    expect(res.error.retriable).toBe(true);
    expect(['NOT_CONTROLLER', 'REQUEST_TIMED_OUT']).toContain(res.error.name);
    // Reads keep working, from the last applied metadata — except for the
    // leaders c names now: without an active controller for a session its
    // metadata is known stale, so it names no other broker as leader (they
    // may have moved), and cut off from the quorum it steps back from what
    // it leads unless a majority of the replicas still fetch from it (a
    // replication-factor-1 partition). Whether that had happened before
    // \`before\` was read or not, nothing else differs.
    const leadersOf = (view: string): number[] => (JSON.parse(view) as Any[]).flatMap((t) => (t.partitions as Any[]).map((p) => p[1] as number));
    const noLeaders = (view: string): string =>
      JSON.stringify((JSON.parse(view) as Any[]).map((t) => ({ ...t, partitions: (t.partitions as Any[]).map((p) => [p[0], -1, ...p.slice(2)]) })));
    const now = await metadataOf(node(c));
    expect(leadersOf(now).filter((l) => l !== -1 && l !== c)).toEqual([]);
    expect(leadersOf(now)).toContain(-1);
    expect(noLeaders(now)).toBe(noLeaders(before));
    // One at a time: restartNode rewrites cluster.json. a + c are a majority already.
    await restart(a);
    await restart(b);
    expect((await createTopic(node(a), 'resumed', 1, 1)).error).toBeNull();
    const view = JSON.parse(await expectAgreement()) as Any[];
    expect(view.map((t) => t.name)).toEqual(expect.arrayContaining(['first', 'after-kill', 'one-down', 'resumed']));
  });

  it('a restarted node rebuilds the same metadata from its snapshot and log', async () => {
    const topicsOf = (view: string) => (JSON.parse(view) as Any[]).map((t) => `${t.name}/${t.id}`);
    const before = topicsOf(await expectAgreement());
    await killNode(dir, 3);
    await restart(3);
    // Leaders and ISRs moved while it was away (its broker was fenced and came
    // back, and replication may be growing ISRs again); the topics are the
    // same, and node 3 agrees with the others (expectAgreement includes it).
    const after = await expectAgreement();
    expect(topicsOf(after)).toEqual(before);
    // It started from a snapshot: its controller came up at a non-zero offset.
    const starts = readFileSync(node(3).logFile, 'utf8')
      .split('\n')
      .map((l) => /metadata log at offset (\d+)/.exec(l)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts[starts.length - 1]).toBeGreaterThan(0);
  });
});
