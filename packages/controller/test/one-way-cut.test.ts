import type { TcpFaultProxy } from '@gregor/common';
import { ManualClock, nodeId, pollUntil, startTcpFaultProxy } from '@gregor/common';
import type { TestQuorum } from './quorum-helpers';
import { FAST, TestBrokers, startQuorum } from './quorum-helpers';

/*
 * Issue 10: a one-way cut from the active controller to a voter — node 1's
 * connections to node 2 pass through a TCP proxy that then drops every
 * byte, while node 2's connections to node 1 work. Raft reaches node 2 only
 * over node 1's connections, so node 2's Raft hears nothing; its broker's
 * heartbeats are answered, so it is never fenced. Before the fix its image
 * stopped: an ISR shrink it asked for was committed but never seen
 * (AlterPartition failed with REQUEST_TIMED_OUT after 10 s, and on real
 * nodes its partitions stayed unwritable for the whole cut). Now the broker
 * fetches the missing entries from the controller that answers its
 * heartbeats, over its own connection (metadata-catch-up).
 *
 * Sessions run on a ManualClock nobody moves: nobody is fenced here.
 */
describe('a one-way cut from the active controller to a voter (3 nodes in process)', () => {
  let q: TestQuorum;
  let brokers: TestBrokers;
  let proxy: TcpFaultProxy | undefined;
  const fatal: unknown[] = [];

  beforeEach(async () => {
    fatal.length = 0;
    q = await startQuorum(
      3,
      // Snapshots every few entries: node 2's image runs ahead of its Raft log during the cut, and must not be snapshotted there.
      { ...FAST, snapshotIntervalEntries: 4, snapshotRetainEntries: 2, clock: new ManualClock(), onFatal: (err) => void fatal.push(err) },
      async (id, voters) => {
        if (id !== 1) return voters;
        const two = voters.find((v) => v.id === 2)!;
        proxy = await startTcpFaultProxy('127.0.0.1', two.port);
        return voters.map((v) => (v.id === 2 ? { ...v, port: proxy!.port } : v));
      },
    );
    // Node 1 must be the active controller (the one whose connections are cut).
    const active = await q.waitForActive();
    if (active.nodeId !== 1) {
      active.driver.transferLeadership(nodeId(1));
      await pollUntil(() => q.nodes.get(1)!.controller.isActive(), { timeoutMs: 15_000, what: 'node 1 to become the active controller' });
    }
    brokers = new TestBrokers(q);
    await brokers.registerAll([1, 2, 3]);
  });

  afterEach(async () => {
    await brokers.close();
    await q.close();
    await proxy?.close();
  });

  it("the cut-off voter's broker still sees its own ISR shrink and every later write; its Raft log catches up after the heal", async () => {
    const s1 = brokers.sources.get(1)!;
    const s2 = brokers.sources.get(2)!;
    const view = await s1.createTopic({ name: 'cut', numPartitions: 3, replicationFactor: 3, configs: {} });
    await s2.waitForOffset(s1.appliedOffset());
    const led = s2.topic('cut')!.partitions.find((p) => p.leaderId === 2) ?? view.partitions[0]!;
    expect(led.leaderId).toBe(2);
    const node2 = q.nodes.get(2)!.controller;

    proxy!.blackHoleAll();
    // Node 2's Raft loses its leader (it hears nothing), yet its broker knows the active controller: the one answering its heartbeats.
    await pollUntil(() => node2.leaderId() === -1, { timeoutMs: 10_000, what: "node 2's Raft to lose its leader" });
    expect(s2.controllerId()).toBe(1);

    // The scenario of the issue: the leader drops the follower that cannot fetch (node 1) from the ISR.
    const shrunk = await s2.alterPartition('cut', led.partition, { leaderEpoch: led.leaderEpoch, partitionEpoch: led.partitionEpoch, isr: [2, 3] });
    expect([...shrunk.isr].sort()).toEqual([2, 3]);
    // Later writes reach node 2's image too, past several snapshot intervals of entries its Raft log does not have.
    for (let i = 0; i < 6; i++) await s1.createTopic({ name: `during-${i}`, numPartitions: 1, replicationFactor: 3, configs: {} });
    await pollUntil(() => s2.topic('during-5') !== undefined, { timeoutMs: 10_000, what: "node 2's image to show the topics created during the cut" });
    const raftApplied = node2.raftStatus()!.applied;
    expect(s2.appliedOffset()).toBeGreaterThan(raftApplied);
    expect(node2.storageView().snapshot().metadata.index).toBeLessThanOrEqual(raftApplied);

    // Heal: new connections pass again (the frozen one is found dead by keepalive), and Raft feeds node 2 itself.
    proxy!.heal();
    const leaderEnd = q.nodes.get(1)!.controller.image.offset;
    await pollUntil(() => node2.raftStatus()!.applied >= leaderEnd, { timeoutMs: 30_000, what: "node 2's Raft log to catch up after the heal" });
    await s1.createTopic({ name: 'after', numPartitions: 1, replicationFactor: 3, configs: {} });
    await pollUntil(() => s2.topic('after') !== undefined && node2.leaderId() === 1, { timeoutMs: 10_000, what: 'node 2 to follow node 1 again' });
    expect(node2.image.topicByName('during-3')).toBeDefined();
    expect(fatal).toEqual([]);
  }, 90_000);
});
