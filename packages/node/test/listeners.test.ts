import * as net from 'node:net';
import { pollUntil } from '@gregor/common';
import { findFreeBasePort } from '@gregor/dev-cluster';
import type { RunningNode } from '@gregor/node';
import { batchOf, call, connect } from './helpers/client';
import { startCombinedNodes, useInProcessNodes } from './helpers/in-process-nodes';

/**
 * A "published port": forwards each connection to `target`, counting the
 * bytes that come back from it. It stands for the address clients outside
 * the cluster network use (docker's port publishing, a NAT, a load balancer).
 */
class CountingForward {
  bytesFromTarget = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((client) => {
    const upstream = net.connect(this.target);
    this.sockets.add(client).add(upstream);
    upstream.on('data', (chunk: Buffer) => {
      this.bytesFromTarget += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

type Md = { brokers: { nodeId: number; host: string; port: number }[]; topics: { partitions: { leaderId: number }[] }[] };
const byId = (md: Md): Record<number, number> => Object.fromEntries(md.brokers.map((b) => [b.nodeId, b.port]));

/*
 * Kafka's listeners: each node serves the API on CLIENT (advertised as an
 * address only clients use, here a counting forward) and on INTERNAL (the
 * address brokers use, inter.broker.listener.name=INTERNAL). Metadata and
 * FindCoordinator answer with the listener the request came in on, and
 * followers replicate over INTERNAL.
 */
describe('CLIENT and INTERNAL listeners (3 in-process nodes)', () => {
  const suite = useInProcessNodes('gregor-listeners-');
  const nodes: RunningNode[] = suite.nodes;
  const forwards: CountingForward[] = [];

  afterAll(async () => {
    for (const f of forwards) await f.stop();
  });

  test('clients get CLIENT addresses, brokers INTERNAL ones, and replication stays on INTERNAL', async () => {
    // CLIENT ports are fixed before the nodes start, so each forward knows its target.
    const clientBase = await findFreeBasePort(3);
    const ids = [1, 2, 3];
    const clientPort = (id: number): number => clientBase + id - 1;
    const published: Record<number, number> = {};
    for (const id of ids) {
      const f = new CountingForward({ host: '127.0.0.1', port: clientPort(id) });
      forwards.push(f);
      published[id] = await f.start();
    }
    await startCombinedNodes(suite.dir, nodes, (id, { controllerPort }) => ({
      listeners: `CLIENT://127.0.0.1:${clientPort(id)},INTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:${controllerPort}`,
      'advertised.listeners': `CLIENT://127.0.0.1:${published[id]}`,
      'inter.broker.listener.name': 'INTERNAL',
    }));
    const internal: Record<number, number> = Object.fromEntries(nodes.map((n) => [n.nodeId, n.broker!.listenerPorts['INTERNAL']!]));
    expect(new Set(Object.values(internal)).size).toBe(3);

    const outside = connect(`127.0.0.1:${published[1]}`);
    const inside = connect(`127.0.0.1:${internal[2]}`);
    try {
      await pollUntil(async () => (await call<Md>(outside, 'Metadata', { topics: [] })).brokers.length === 3, { timeoutMs: 10_000, what: 'three live brokers' });
      expect(byId(await call<Md>(outside, 'Metadata', { topics: [] }))).toEqual(published);
      expect(byId(await call<Md>(inside, 'Metadata', { topics: [] }))).toEqual(internal);

      // Metadata lists registered brokers; the controller places replicas on unfenced ones only, and
      // under load a broker may still be (or again be) fenced for a moment: RF 3 then waits for it.
      const created = await pollUntil(async () => {
        const res = await call(outside, 'CreateTopics', { topics: [{ name: 'replicated', numPartitions: 1, replicationFactor: 3, configs: {} }] });
        return res.topics[0].error?.name === 'INVALID_REPLICATION_FACTOR' ? undefined : res;
      }, { timeoutMs: 30_000, what: 'three unfenced brokers to place the topic on' });
      expect(created.topics[0].error).toBeNull();
      const leaderId = (await call<Md>(outside, 'Metadata', { topics: ['replicated'] })).topics[0]!.partitions[0]!.leaderId;
      expect(ids).toContain(leaderId);
      const toLeader = connect(`127.0.0.1:${published[leaderId]}`);
      let produced = 0;
      try {
        const value = 'x'.repeat(1000);
        for (let i = 0; i < 8; i++) {
          const records = batchOf(Array.from({ length: 250 }, () => value));
          produced += records.length;
          const res = await call(toLeader, 'Produce', { acks: -1, timeoutMs: 15_000, topics: [{ name: 'replicated', partitions: [{ partition: 0, records }] }] });
          expect(res.topics[0].partitions[0].error).toBeNull();
        }
      } finally {
        toLeader.close();
      }
      // acks=all answered: both followers hold every record.
      for (const n of nodes) expect(n.broker!.partitionState('replicated', 0)?.logEndOffset).toBe(2000n);
      // ~2 MB went in through the leader's CLIENT forward. Had followers
      // fetched over CLIENT, twice that would have come back out through it.
      const outOfForwards = forwards.reduce((sum, f) => sum + f.bytesFromTarget, 0);
      expect(produced).toBeGreaterThan(1_900_000);
      expect(outOfForwards).toBeLessThan(produced / 4);

      // FindCoordinator names the coordinator by the listener asked on.
      type Fc = { coordinators: { error: unknown; nodeId: number; port: number }[] };
      const find = async (client: ReturnType<typeof connect>): Promise<Fc['coordinators'][number]> => {
        let answer: Fc['coordinators'][number] | undefined;
        await pollUntil(
          async () => {
            answer = (await call<Fc>(client, 'FindCoordinator', { keyType: 0, keys: ['g'] })).coordinators[0];
            return answer?.error === null;
          },
          { timeoutMs: 15_000, what: 'a coordinator for group g' },
        );
        return answer!;
      };
      const fromOutside = await find(outside);
      expect(fromOutside.port).toBe(published[fromOutside.nodeId]);
      const fromInside = await find(inside);
      expect(fromInside.port).toBe(internal[fromInside.nodeId]);
    } finally {
      outside.close();
      inside.close();
    }
  });
});
