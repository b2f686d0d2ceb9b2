import { pollUntil, silentLogger } from '@gregor/common';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { call, connect } from './helpers/client';
import { startCombinedNodes, useInProcessNodes } from './helpers/in-process-nodes';

type Coordinators = { coordinators: { error: { name: string; message: string } | null; nodeId: number }[] };

/*
 * __consumer_offsets is sized by the cluster, not by who is up at first use
 * (Kafka's offsets.topic.replication.factor): with one of three brokers down
 * FindCoordinator answers retriable COORDINATOR_NOT_AVAILABLE and the topic
 * is not created; once the broker is back it is created with RF 3.
 */
describe('__consumer_offsets with a broker down at first use (3 in-process nodes)', () => {
  const suite = useInProcessNodes('gregor-offsets-size-');

  test('waits for every registered broker, then gets replication factor 3', async () => {
    const { settingsOf } = await startCombinedNodes(suite.dir, suite.nodes, (_id, { controllerPort }) => ({
      listeners: `CLIENT://127.0.0.1:0,CONTROLLER://127.0.0.1:${controllerPort}`,
    }));
    const third = suite.nodes.find((n) => n.nodeId === 3)!;
    // Node 3 goes (a controlled shutdown: fenced, still registered).
    await third.stop();
    suite.nodes.splice(suite.nodes.indexOf(third), 1);

    const client = connect(suite.nodes[0]!.clientAddress!);
    try {
      const waiting = await pollUntil(
        async () => {
          const c = (await call<Coordinators>(client, 'FindCoordinator', { keyType: 0, keys: ['g'] })).coordinators[0]!;
          return c.error?.name === 'COORDINATOR_NOT_AVAILABLE' && /waiting for 3 brokers/.test(c.error.message) ? c : undefined;
        },
        { timeoutMs: 15_000, what: 'COORDINATOR_NOT_AVAILABLE naming the 3 brokers it waits for' },
      );
      expect(waiting.nodeId).toBe(-1);
      const md = await call(client, 'Metadata', { topics: ['__consumer_offsets'] });
      expect(md.topics[0].error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');

      // Node 3 comes back with the same data dir and settings.
      const restarted: RunningNode = await startNode(nodeConfig(settingsOf(3)), { logger: silentLogger() });
      suite.nodes.push(restarted);
      await pollUntil(
        async () => (await call<Coordinators>(client, 'FindCoordinator', { keyType: 0, keys: ['g'] })).coordinators[0]!.error === null,
        { timeoutMs: 30_000, what: 'a coordinator for g once node 3 is back' },
      );
      const created = await call(client, 'Metadata', { topics: ['__consumer_offsets'] });
      expect(created.topics[0].error).toBeNull();
      expect(new Set(created.topics[0].partitions.map((p: { replicaNodes: number[] }) => p.replicaNodes.length))).toEqual(new Set([3]));
    } finally {
      client.close();
    }
  });
});
