import { ManualClock, pollUntil } from '@gregor/common';
import type { AppliedEvent, MetadataChange, MetadataEvent } from '../src';
import { ControllerClient, MetadataFollower } from '../src';
import type { TestQuorum } from './quorum-helpers';
import { FAST, HEARTBEAT_INTERVAL_MS, TestBrokers, sessionRound, startQuorum } from './quorum-helpers';

/*
 * Combined mode in-process: each of the 3 nodes runs a controller and a
 * "broker" (a ControllerMetadataSource reading its node's image and
 * heartbeating to the active controller over gRPC).
 *
 * Broker sessions run on a ManualClock: a session expires only when a test
 * moves the clock past broker.session.timeout.ms (sessionRound), so no test
 * waits for wall time to pass and none is fenced by a slow machine.
 */
const SESSION_TIMEOUT_MS = FAST.brokerSessionTimeoutMs!;
/** A quarter session per round: four silent rounds expire a session. */
const ROUND_MS = SESSION_TIMEOUT_MS / 4;

type FenceChange = Extract<MetadataChange, { kind: 'broker-fenced' }>;

/** Every broker-fenced change `node`'s controller applies from now on. */
function recordFences(q: TestQuorum, nodeId: number): FenceChange[] {
  const fences: FenceChange[] = [];
  q.nodes.get(nodeId)!.controller.subscribe((e: AppliedEvent) => {
    for (const c of e.changes) if (c.kind === 'broker-fenced') fences.push(c);
  });
  return fences;
}

describe('ControllerMetadataSource (combined mode, 3 nodes)', () => {
  let q: TestQuorum;
  let brokers: TestBrokers;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    // Small snapshot interval: the log is compacted within a test, as in a long-lived cluster.
    // Session time is the ManualClock's, but Raft keeps real time: an election
    // timeout of 1.5 s (not FAST's 0.5 s) keeps a CPU-starved CI machine from
    // moving the controller in the middle of a test's session rounds — a new
    // controller gives every broker a fresh session and, with the clock
    // standing still, the fence a test waits for would never come.
    q = await startQuorum(3, { ...FAST, electionTimeoutMs: 1500, snapshotIntervalEntries: 10, snapshotRetainEntries: 2, clock });
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
      errorName: 'INVALID_UPDATE_VERSION',
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
    const fences = recordFences(q, q.active()!.nodeId);
    const oldEpoch = brokers.sources.get(victim)!.brokerEpoch;
    await brokers.sources.get(victim)!.close({ controlledShutdown: false }); // as if the process died
    brokers.sources.delete(victim);
    const alive = [1, 2, 3].filter((id) => id !== victim);
    // Session time passes in rounds in which the others heartbeat and the victim does not.
    for (let round = 0; round < 8 && fences.length === 0; round++) {
      await sessionRound(q, clock, ROUND_MS, alive);
      if (round < 3) expect(fences).toEqual([]); // less than a session timeout of silence
    }
    await pollUntil(() => fences.length > 0, { timeoutMs: 10_000, what: `broker ${victim}'s fence record to commit` });
    expect(fences.map((f) => f.broker.brokerId)).toEqual([victim]);
    expect(fences[0]!.reason).toMatch(/^no heartbeat for \d+ ms \(broker.session.timeout.ms=1500\)$/);
    await pollUntil(() => !s1.liveBrokers().some((b) => b.nodeId === victim), { timeoutMs: 10_000, what: `node 1 to see broker ${victim} fenced` });
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
    const active = q.active()!;
    const leaving = active.nodeId === 3 ? 2 : 3;
    const led = s1.topic('c')!.partitions.filter((p) => p.leaderId === leaving).length;
    expect(led).toBe(1);
    const fences = recordFences(q, active.nodeId);
    // The session clock does not move: only the controlled shutdown can fence it.
    await brokers.sources.get(leaving)!.close({ controlledShutdown: true });
    brokers.sources.delete(leaving);
    // close() returns once the active controller has committed the fence and the leader moves with it.
    expect(fences.map((f) => [f.broker.brokerId, f.reason])).toEqual([[leaving, 'controlled shutdown']]);
    expect(active.controller.image.topicByName('c')!.partitions.every((p) => p.leader !== leaving)).toBe(true);
    await pollUntil(() => s1.topic('c')!.partitions.every((p) => p.leaderId !== leaving), { timeoutMs: 10_000, what: 'node 1 to see the leadership move' });
    expect(s1.liveBrokers().map((b) => b.nodeId)).not.toContain(leaving);
  });

  it('after a controller failover, brokers that keep heartbeating stay unfenced; the dead node\'s broker is fenced', async () => {
    const first = q.active()!;
    const dead = first.nodeId;
    await brokers.sources.get(dead)!.close({ controlledShutdown: false });
    brokers.sources.delete(dead);
    await q.stop(dead);
    const second = await q.waitForActive(10_000);
    const fences = recordFences(q, second.nodeId);
    const alive = [1, 2, 3].filter((id) => id !== dead);
    const epochs = alive.map((id) => brokers.sources.get(id)!.brokerEpoch);
    // Three session timeouts of session time on the new controller, in
    // rounds in which the live brokers heartbeat (to it) and the dead one cannot.
    for (let round = 0; round < 12; round++) await sessionRound(q, clock, ROUND_MS, alive);
    await pollUntil(() => fences.length > 0, { timeoutMs: 10_000, what: `broker ${dead}'s fence record to commit` });
    // The committed log says it: the dead node's broker was fenced, once, and no live broker was.
    expect(fences.map((f) => f.broker.brokerId)).toEqual([dead]);
    expect(second.controller.isActive()).toBe(true);
    const s = brokers.sources.get(alive[0]!)!;
    await pollUntil(() => !s.liveBrokers().some((b) => b.nodeId === dead), { timeoutMs: 10_000, what: `node ${alive[0]} to see broker ${dead} fenced` });
    expect(s.liveBrokers().map((b) => b.nodeId).sort()).toEqual(alive);
    expect(alive.map((id) => brokers.sources.get(id)!.brokerEpoch)).toEqual(epochs);
  });

  it("a new active controller fences no healthy broker for a session plus a heartbeat interval (KAFKA-15019), its predecessor's once silent for a session", async () => {
    const first = q.active()!;
    const dead = first.nodeId;
    // `late` is a healthy broker whose heartbeats have not reached the new
    // controller yet (still spent on the old one); `alive` heartbeats all along.
    const [late, alive] = [1, 2, 3].filter((id) => id !== dead) as [number, number];
    for (const id of [dead, late]) {
      await brokers.sources.get(id)!.close({ controlledShutdown: false });
      brokers.sources.delete(id);
    }
    // The session clock stands still from here to the takeover: the dead
    // node's last Raft message reached the survivors at the takeover's time.
    const lastHeard = clock.monotonicMs();
    await q.stop(dead);
    const second = await q.waitForActive(10_000);
    expect(second.controller.lastHeardFromMs(dead)).toBe(lastHeard);
    const fences = recordFences(q, second.nodeId);
    const graceMs = second.controller.takeoverGraceMs;
    expect(graceMs).toBe(SESSION_TIMEOUT_MS + HEARTBEAT_INTERVAL_MS);
    expect(second.controller.sessions.expiresAtMs(dead)).toBe(lastHeard + SESSION_TIMEOUT_MS);
    expect(second.controller.sessions.expiresAtMs(late)).toBe(lastHeard + graceMs);
    // Less than a session of silence, in rounds: nobody is fenced yet.
    let silentMs = 0;
    while (silentMs + ROUND_MS < SESSION_TIMEOUT_MS) {
      silentMs += ROUND_MS;
      expect(await sessionRound(q, clock, ROUND_MS, [alive])).toEqual([]);
    }
    expect(fences).toEqual([]);
    // A session after the dead node's last Raft message: it is fenced, the healthy late one is not.
    // (The fences are read from the log: the controller's own timer may start them before a round's check does.)
    silentMs += ROUND_MS;
    expect(silentMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS);
    expect(silentMs).toBeLessThan(graceMs);
    await sessionRound(q, clock, ROUND_MS, [alive]);
    await pollUntil(() => fences.length >= 1, { timeoutMs: 10_000, what: `broker ${dead}'s fence record to commit` });
    expect(fences.map((f) => f.broker.brokerId)).toEqual([dead]);
    expect(second.controller.sessions.hasLiveSession(late, clock.monotonicMs())).toBe(true);
    // Past the grace, silence is silence: the late one is fenced too, the heartbeating one is not.
    await sessionRound(q, clock, ROUND_MS, [alive]);
    await pollUntil(() => fences.length >= 2, { timeoutMs: 10_000, what: `broker ${late}'s fence record to commit` });
    expect(fences.map((f) => f.broker.brokerId)).toEqual([dead, late]);
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
