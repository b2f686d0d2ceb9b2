import * as path from 'node:path';
import { pollUntil, silentLogger } from '@gregor/common';
import { nodeConfig, startNode } from '@gregor/node';
import { call, connect, httpGet } from './helpers/client';
import { startControllerVoters, useInProcessNodes } from './helpers/in-process-nodes';

/*
 * Separate roles in one process: three controller-only voters and one
 * broker-only node that follows the metadata log with FetchMetadata.
 */
describe('controller-only voters and a broker-only node (in-process)', () => {
  const suite = useInProcessNodes('gregor-roles-');
  const { nodes } = suite;

  test('the broker registers through the quorum, serves topics, and its /readyz turns 200', async () => {
    const { quorum: fast } = await startControllerVoters(suite.dir, nodes, { http: true });
    expect(nodes[0]!.broker).toBeUndefined();
    expect(nodes[0]!.controller).toBeDefined();
    const broker = await startNode(
      nodeConfig({ ...fast, 'node.id': 4, 'process.roles': 'broker', 'log.dirs': path.join(suite.dir, 'b4'), listeners: 'CLIENT://127.0.0.1:0,HTTP://127.0.0.1:0' }),
      { logger: silentLogger() },
    );
    nodes.push(broker);
    expect(broker.controller).toBeUndefined();
    expect((await httpGet(`${broker.httpUrl}/readyz`)).status).toBe(200);
    // Controller-only voters are ready once they know a leader.
    await pollUntil(async () => (await httpGet(`${nodes[0]!.httpUrl}/readyz`)).status === 200, { timeoutMs: 5000, what: 'voter 1 ready' });

    const client = connect(broker.clientAddress!);
    try {
      const created = await call(client, 'CreateTopics', { topics: [{ name: 'followed', numPartitions: 2, replicationFactor: 1, configs: {} }] });
      expect(created.topics[0].error).toBeNull();
      const md = await call(client, 'Metadata', { topics: ['followed'] });
      expect(md.brokers.map((b: { nodeId: number }) => b.nodeId)).toEqual([4]);
      expect([1, 2, 3]).toContain(md.controllerId);
      expect(md.topics[0].partitions.map((p: { leaderId: number }) => p.leaderId)).toEqual([4, 4]);
    } finally {
      client.close();
    }
  });
});
