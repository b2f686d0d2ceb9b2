import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pollUntil, silentLogger } from '@gregor/common';
import { nodeConfig, startNode } from '@gregor/node';
import { loadAdminProto, type DescribeClusterResponse__Output } from '@gregor/proto';
import { call, connect } from './helpers/client';
import { startControllerVoters, useInProcessNodes } from './helpers/in-process-nodes';

/*
 * gregor.v1.GregorAdmin DescribeCluster as gregor-node wires it: served on
 * the CLIENT listener, the quorum from the active controller, the brokers
 * from the broker's metadata view.
 */

function describeCluster(address: string, timeoutMs = 0): Promise<DescribeClusterResponse__Output> {
  const Ctor = loadAdminProto().gregor.v1.GregorAdmin;
  const stub = new Ctor(address, grpc.credentials.createInsecure());
  return new Promise<DescribeClusterResponse__Output>((resolve, reject) => {
    stub.DescribeCluster({ timeoutMs }, { deadline: Date.now() + 20_000 }, (err, res) => (err !== null || res === undefined ? reject(err) : resolve(res)));
  }).finally(() => stub.close());
}

describe('DescribeCluster on gregor-node (in-process)', () => {
  const suite = useInProcessNodes('gregor-status-');
  const { nodes } = suite;

  test('single-node mode: no quorum; this broker, unfenced, with the partitions it leads', async () => {
    const node = await startNode(nodeConfig({ 'log.dirs': path.join(suite.dir, 'single'), listeners: 'CLIENT://127.0.0.1:0' }), { logger: silentLogger() });
    nodes.push(node);
    const client = connect(node.clientAddress!);
    try {
      await call(client, 'CreateTopics', { topics: [{ name: 'solo', numPartitions: 2, replicationFactor: 1, configs: {} }] });
    } finally {
      client.close();
    }
    const res = await describeCluster(node.clientAddress!);
    expect(res.error).toBeNull();
    expect(res.clusterId).toBe(node.clusterId);
    // Counted with the other client APIs.
    expect(await node.metrics.registry.metrics()).toMatch(/gregor_requests_total\{service="client",api="DescribeCluster",error="NONE",node="1"\} 1\b/);
    expect(res.quorum).toBeNull();
    expect(res.quorumError).toBeNull();
    expect(res.brokers).toEqual([
      { brokerId: 1, host: '127.0.0.1', port: node.clientPort, rack: '', fenced: false, brokerEpoch: '-1', leaderPartitions: 2, followerPartitions: 0, outOfSyncPartitions: 0 },
    ]);
  });

  test('controller-only voters and a broker-only node: the quorum as the active controller sees it, the broker registered', async () => {
    const { base, quorum: fast } = await startControllerVoters(suite.dir, nodes, { http: false });
    const broker = await startNode(
      nodeConfig({ ...fast, 'node.id': 4, 'process.roles': 'broker', 'log.dirs': path.join(suite.dir, 'b4'), listeners: 'CLIENT://127.0.0.1:0' }),
      { logger: silentLogger() },
    );
    nodes.push(broker);
    const res = await pollUntil(
      async () => {
        const r = await describeCluster(broker.clientAddress!);
        // Every voter's last contact is known once each has answered the leader.
        return r.quorum !== null && r.quorum.voters.every((v) => v.lastContactMsAgo !== '-1') ? r : undefined;
      },
      { timeoutMs: 10_000, what: 'a quorum description with every voter heard from' },
    );
    const q = res.quorum!;
    const active = nodes.find((n) => n.controller?.controller.isActive())!;
    expect(q.activeControllerId).toBe(active.nodeId);
    expect(q.activeControllerAddress).toBe(`127.0.0.1:${base + 100 + active.nodeId - 1}`);
    expect(Number(q.term)).toBeGreaterThan(0);
    expect(BigInt(q.logEndOffset)).toBeGreaterThanOrEqual(BigInt(q.commitIndex));
    expect(q.voters.map((v) => [v.nodeId, v.isLeader])).toEqual([1, 2, 3].map((id) => [id, id === active.nodeId]));
    for (const v of q.voters) expect(BigInt(v.lag)).toBe(BigInt(q.logEndOffset) - BigInt(v.logEndOffset));
    expect(res.brokers.map((b) => [b.brokerId, b.fenced, b.port])).toEqual([[4, false, broker.clientPort]]);
    expect(BigInt(res.brokers[0]!.brokerEpoch)).toBeGreaterThan(0n);
    expect(BigInt(res.metadataOffset)).toBeGreaterThanOrEqual(BigInt(res.brokers[0]!.brokerEpoch));

    // Two voters down: no active controller; the answer still lists the broker, with the reason.
    const others = nodes.filter((n) => n.controller !== undefined && n !== active).slice(0, 1);
    for (const n of [active, ...others]) await n.stop();
    // A graceful stop hands leadership over first: the voter left may lead
    // until CheckQuorum makes it step down (one election timeout).
    const degraded = await pollUntil(
      async () => {
        const r = await describeCluster(broker.clientAddress!, 1500);
        return r.quorum === null ? r : undefined;
      },
      { timeoutMs: 10_000, what: 'the last voter to give up leadership without a quorum' },
    );
    expect(degraded.error).toBeNull();
    expect(degraded.quorum).toBeNull();
    expect(degraded.quorumError).toMatchObject({ name: 'NOT_CONTROLLER', retriable: true });
    expect(degraded.brokers.map((b) => b.brokerId)).toEqual([4]);
  });

  test('auto.leader.rebalance.enable and leader.imbalance.check.interval.seconds are node settings', () => {
    const defaults = nodeConfig({});
    expect(defaults.autoLeaderRebalanceEnable).toBe(true);
    expect(defaults.leaderImbalanceCheckIntervalSeconds).toBe(10);
    const set = nodeConfig({ 'auto.leader.rebalance.enable': 'false', 'leader.imbalance.check.interval.seconds': 2 });
    expect(set.autoLeaderRebalanceEnable).toBe(false);
    expect(set.leaderImbalanceCheckIntervalSeconds).toBe(2);
    expect(() => nodeConfig({ 'leader.imbalance.check.interval.seconds': 0 })).toThrow(/leader\.imbalance\.check\.interval\.seconds/);
  });
});
