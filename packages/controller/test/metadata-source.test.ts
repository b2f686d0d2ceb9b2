import { pollUntil } from '@gregor/common';
import type { MetadataEvent } from '../src';
import { ControllerClient, MetadataFollower } from '../src';
import type { TestQuorum } from './quorum-helpers';
import { FAST, TestBrokers, startQuorum } from './quorum-helpers';

/*
 * Combined mode in-process: each of the 3 nodes runs a controller and a
 * "broker" (a ControllerMetadataSource reading its node's image and
 * heartbeating to the active controller over gRPC).
 */
describe('ControllerMetadataSource (combined mode, 3 nodes)', () => {
  let q: TestQuorum;
  let brokers: TestBrokers;

  beforeEach(async () => {
    // Small snapshot interval: the log is compacted within a test, as in a long-lived cluster.
    q = await startQuorum(3, { ...FAST, snapshotIntervalEntries: 10, snapshotRetainEntries: 2 });
    brokers = new TestBrokers(q);
    await brokers.registerAll([1, 2, 3]);
  });

  afterEach(async () => {
    await brokers.close();
    await q.close();
  });

  it('registers and unfences every broker; creates topics and serves reads from the local image', async () => {
    const s1 = brokers.sources.get(1)!;
    expect(s1.isFenced).toBe(false);
    expect(s1.brokerEpoch).toBeGreaterThan(0);
    // Each broker's registration resolved on its own node; node 1 sees the others a moment later.
    await pollUntil(() => s1.liveBrokers().length === 3, { timeoutMs: 5000, what: 'node 1 to see three live brokers' });
    expect(s1.liveBrokers().map((b) => b.nodeId)).toEqual([1, 2, 3]);
    const two = brokers.sources.get(2)!;
    expect(s1.liveBrokers()[1]).toEqual({ nodeId: 2, host: '127.0.0.1', port: 9102, listeners: [{ name: 'CLIENT', host: '127.0.0.1', port: 9102 }], brokerEpoch: two.localBrokerEpoch() });
    expect(s1.brokerEndpoint(2)).toEqual(s1.liveBrokers()[1]);
    expect(s1.brokerEndpoint(9)).toBeUndefined();
    const events: MetadataEvent[] = [];
    brokers.sources.get(3)!.subscribe((e) => events.push(e));
    const view = await s1.createTopic({ name: 'orders', numPartitions: 3, replicationFactor: 3, configs: { 'retention.ms': '1000' } });
    expect(view.partitions).toHaveLength(3);
    expect(view.replicationFactor).toBe(3);
    expect(view.configs).toEqual({ 'retention.ms': '1000' });
    await pollUntil(() => brokers.sources.get(3)!.topic('orders'), { timeoutMs: 5000, what: 'node 3 to see the topic' });
    await pollUntil(() => events.some((e) => e.type === 'topic-created' && e.topic.name === 'orders'), { timeoutMs: 5000, what: 'topic-created on node 3' });
    await s1.setTopicConfigs('orders', { 'cleanup.policy': 'compact' });
    expect(s1.topic('orders')!.configs).toEqual({ 'cleanup.policy': 'compact' });
    await s1.createPartitions('orders', 5);
    expect(s1.topic('orders')!.partitions).toHaveLength(5);
    await pollUntil(() => events.some((e) => e.type === 'partition-changed' && e.partitions.includes(4)), { timeoutMs: 5000, what: 'partition-changed for the new partitions' });
    await s1.deleteTopic('orders');
    expect(s1.topic('orders')).toBeUndefined();
    await expect(s1.deleteTopic('orders')).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(s1.createTopic({ name: 'wide', numPartitions: 1, replicationFactor: 4, configs: {} })).rejects.toMatchObject({
      errorName: 'INVALID_REPLICATION_FACTOR',
    });
    const ids = await s1.allocateProducerIds();
    const ids2 = await brokers.sources.get(2)!.allocateProducerIds();
    expect(ids2.firstProducerId).toBe(ids.firstProducerId + BigInt(ids.size));
  });

  it('alterPartition: the leader changes the ISR; stale epochs are refused with Kafka errors', async () => {
    const s1 = brokers.sources.get(1)!;
    const view = await s1.createTopic({ name: 'isr', numPartitions: 3, replicationFactor: 3, configs: {} });
    const p = view.partitions.find((a) => a.leaderId === 1)!;
    const others = p.replicas.filter((r) => r !== 1);
    // Two calls in one turn travel in one RPC; both are answered.
    const [shrunk, stale] = await Promise.allSettled([
      s1.alterPartition('isr', p.partition, { leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, isr: [1, others[0]!] }),
      s1.alterPartition('isr', p.partition, { leaderEpoch: p.leaderEpoch + 1, partitionEpoch: p.partitionEpoch, isr: [1] }),
    ]);
    expect(shrunk.status).toBe('fulfilled');
    const after = (shrunk as PromiseFulfilledResult<{ isr: readonly number[]; partitionEpoch: number; leaderEpoch: number }>).value;
    expect([...after.isr].sort()).toEqual([1, others[0]!].sort());
    expect(after.partitionEpoch).toBe(p.partitionEpoch + 1);
    expect(after.leaderEpoch).toBe(p.leaderEpoch);
    expect((stale as PromiseRejectedResult).reason).toMatchObject({ errorName: 'FENCED_LEADER_EPOCH' });
    // The old partition epoch is stale now.
    await expect(s1.alterPartition('isr', p.partition, { leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, isr: [1] })).rejects.toMatchObject({
      errorName: 'INVALID_REQUEST',
    });
    // Only the leader may ask.
    const notLed = view.partitions.find((a) => a.leaderId !== 1)!;
    await expect(
      s1.alterPartition('isr', notLed.partition, { leaderEpoch: notLed.leaderEpoch, partitionEpoch: notLed.partitionEpoch, isr: [notLed.leaderId] }),
    ).rejects.toMatchObject({ errorName: 'NOT_LEADER_OR_FOLLOWER' });
  });

  it('fences a broker whose heartbeats stop, moves its leaderships, and unfences its next incarnation', async () => {
    const s1 = brokers.sources.get(1)!;
    await s1.createTopic({ name: 't', numPartitions: 6, replicationFactor: 3, configs: {} });
    const events: MetadataEvent[] = [];
    s1.subscribe((e) => events.push(e));
    const victim = q.active()!.nodeId === 3 ? 2 : 3; // keep the active controller's own broker alive
    const oldEpoch = brokers.sources.get(victim)!.brokerEpoch;
    await brokers.sources.get(victim)!.close({ controlledShutdown: false }); // as if the process died
    brokers.sources.delete(victim);
    await pollUntil(() => !s1.liveBrokers().some((b) => b.nodeId === victim), { timeoutMs: 10_000, what: `broker ${victim} to be fenced` });
    const view = s1.topic('t')!;
    for (const p of view.partitions) {
      expect(p.leaderId).not.toBe(victim);
      expect(p.leaderId).not.toBe(-1);
      expect(p.isr).not.toContain(victim);
    }
    expect(events.some((e) => e.type === 'partition-changed')).toBe(true);
    // The broker restarts: a new incarnation registers, catches up, is unfenced.
    const again = brokers.add(victim, 'second-incarnation');
    await again.registerBroker({ nodeId: victim, host: '127.0.0.1', port: 9200 + victim });
    expect(again.brokerEpoch).toBeGreaterThan(oldEpoch);
    await pollUntil(() => s1.liveBrokers().find((b) => b.nodeId === victim), { timeoutMs: 5000, what: 'node 1 to see the broker back' });
    expect(s1.liveBrokers().find((b) => b.nodeId === victim)?.port).toBe(9200 + victim);
  });

  it('moves leadership away at once on controlled shutdown', async () => {
    const s1 = brokers.sources.get(1)!;
    await s1.createTopic({ name: 'c', numPartitions: 3, replicationFactor: 2, configs: {} });
    const leaving = q.active()!.nodeId === 3 ? 2 : 3;
    const led = s1.topic('c')!.partitions.filter((p) => p.leaderId === leaving).length;
    expect(led).toBe(1);
    await brokers.sources.get(leaving)!.close({ controlledShutdown: true });
    brokers.sources.delete(leaving);
    // Well before the session timeout would have done it.
    await pollUntil(() => s1.topic('c')!.partitions.every((p) => p.leaderId !== leaving), { timeoutMs: 1000, what: 'leadership to move' });
    expect(s1.liveBrokers().map((b) => b.nodeId)).not.toContain(leaving);
  });

  it('after a controller failover, brokers that keep heartbeating stay unfenced; the dead node\'s broker is fenced', async () => {
    const first = q.active()!;
    const dead = first.nodeId;
    await brokers.sources.get(dead)!.close({ controlledShutdown: false });
    brokers.sources.delete(dead);
    await q.stop(dead);
    const second = await q.waitForActive(10_000);
    const alive = [1, 2, 3].filter((id) => id !== dead);
    const s = brokers.sources.get(alive[0]!)!;
    await pollUntil(() => !s.liveBrokers().some((b) => b.nodeId === dead), { timeoutMs: 10_000, what: `broker ${dead} to be fenced by the new controller` });
    // Past a whole session timeout after the failover, the live brokers are still unfenced.
    const since = Date.now();
    await pollUntil(() => Date.now() - since > 2 * 1500, { timeoutMs: 10_000, intervalMs: 100, what: 'two session timeouts' });
    expect(second.controller.isActive()).toBe(true);
    expect(s.liveBrokers().map((b) => b.nodeId).sort()).toEqual(alive);
  });

  it('a broker-only node follows the log with MetadataFollower, from a snapshot when compacted', async () => {
    const s1 = brokers.sources.get(1)!;
    for (let i = 0; i < 12; i++) await s1.createTopic({ name: `early-${i}`, numPartitions: 1, replicationFactor: 1, configs: {} });
    // Offset 1 is gone from every voter's log: the follower must start from a snapshot.
    await pollUntil(() => [...q.nodes.values()].every((n) => n.controller.storageView().firstIndex() > 1), { timeoutMs: 5000, what: 'compaction' });
    const client = brokers.track(new ControllerClient({ voters: q.voters, clusterId: 'test-cluster' }));
    const follower = new MetadataFollower({ client, voters: q.voters, pollIntervalMs: 20 });
    const seen: number[] = [];
    follower.subscribe((e) => seen.push(e.offset));
    follower.start();
    try {
      const view = await s1.createTopic({ name: 'late', numPartitions: 2, replicationFactor: 2, configs: {} });
      await pollUntil(() => follower.image.topicByName('late'), { timeoutMs: 5000, what: 'the follower to see the topic' });
      expect(follower.image.topics()).toHaveLength(13);
      expect(follower.image.topicByName('late')!.topicId).toBe(view.topicId);
      expect(seen.length).toBeGreaterThan(0);
      expect(follower.leaderId()).toBe(q.active()!.nodeId);
    } finally {
      await follower.stop();
    }
  });
});
