import { ManualClock, pollUntil, silentLogger, type Logger } from '@gregor/common';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, OFFSETS_TOPIC } from '@gregor/group-coordinator';
import { batchOf, call, fetchOnce, produce, valuesOf } from './helpers/grpc-client';
import { TestCluster } from './helpers/cluster';

/*
 * Issue 10: a leader cut off from the quorum but still reachable by clients.
 * Three in-process brokers over real gRPC; the test plays the controller
 * (FakeController) and owns session time (ManualClock): node 1 is cut off
 * from metadata and heartbeat answers, the controller fences it and moves
 * leadership to node 2, and only the test's clock decides when node 1's
 * session is over. Before the fix node 1 kept claiming leadership for the
 * whole cut and a waiting acks=all produce ended in REQUEST_TIMED_OUT.
 */

const SESSION_MS = 1500;

function metadataPartition(res: any, topic: string, partition: number): any {
  return res.topics.find((t: any) => t.name === topic)?.partitions.find((p: any) => p.partition === partition);
}

/**
 * Moves session time by `ms` in steps the broker sees one by one (each
 * followed by a Metadata request to it, which samples its quorum contact):
 * one big jump would look like a stall of the broker itself, which does not
 * count as silence.
 */
async function advanceSeenBy(clock: ManualClock, cluster: TestCluster, nodeId: number, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 100) {
    clock.advance(Math.min(100, left));
    await call(cluster.client(nodeId), 'Metadata', { topics: ['cut'] });
  }
}

describe('a leader cut off from the quorum, or a broker from the metadata log alone', () => {
  let cluster: TestCluster;
  const clock = new ManualClock();
  // Node 1's log lines (issue 10: "logs tell the story" of losing and regaining the quorum).
  const node1Logger = silentLogger();
  const warn = jest.spyOn(node1Logger, 'warn');
  const info = jest.spyOn(node1Logger, 'info');
  const logged = (spy: jest.SpyInstance, pattern: RegExp): number => spy.mock.calls.filter((c: unknown[]) => pattern.test(String(c[0]))).length;

  beforeAll(async () => {
    cluster = await TestCluster.start(
      3,
      { replicaLagTimeMaxMs: 600_000, brokerSessionTimeoutMs: SESSION_MS },
      { clock, loggerFor: (id): Logger => (id === 1 ? node1Logger : silentLogger()) },
    );
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('stops claiming leadership after one session: NOT_LEADER_OR_FOLLOWER, waiting acks=all fail at once, Metadata shows no leader; after healing it follows the new leader', async () => {
    const created = await call(cluster.client(1), 'CreateTopics', { topics: [{ name: 'cut', numPartitions: 1, replicationFactor: 3, configs: {} }] });
    expect(created.topics[0].error).toBeNull();
    expect(cluster.controller.assignment('cut', 0).leaderId).toBe(1);
    expect((await produce(cluster.client(1), 'cut', 0, batchOf(['before']), -1)).error).toBeNull();

    // The cut: node 1 hears nothing more from the quorum; the controller
    // fences it and elects node 2, whose followers stop fetching from node 1.
    cluster.controller.partition(1);
    cluster.controller.fence(1);
    expect(cluster.controller.assignment('cut', 0).leaderId).toBe(2);
    await pollUntil(() => cluster.broker(2).partitionState('cut', 0)?.role === 'leader' && cluster.broker(3).partitionState('cut', 0)?.leaderId === 2, {
      timeoutMs: 10_000,
      what: 'nodes 2 and 3 to turn to node 2',
    });

    // Within the session node 1 still leads by its own lights: an acks=all
    // produce is appended and waits for followers that will never come.
    await advanceSeenBy(clock, cluster, 1, SESSION_MS - 1);
    const waiting = call(cluster.client(1), 'Produce', {
      acks: -1,
      timeoutMs: 30_000,
      topics: [{ name: 'cut', partitions: [{ partition: 0, records: batchOf(['stranded']) }] }],
    });
    await pollUntil(() => cluster.log(1, 'cut', 0).logEndOffset === 2n, { timeoutMs: 10_000, what: 'the zombie append on node 1' });
    expect(metadataPartition(await call(cluster.client(1), 'Metadata', { topics: ['cut'] }), 'cut', 0)).toMatchObject({ leaderId: 1, error: null });

    // One session without contact, but its followers fetched within it (the
    // last time at the cut, session time stood still until then): a
    // majority of replicas may still take it for the leader, so it keeps
    // the partition a moment longer.
    clock.advance(1);
    expect(metadataPartition(await call(cluster.client(1), 'Metadata', { topics: ['cut'] }), 'cut', 0)).toMatchObject({ leaderId: 1, error: null });
    // A session since the last fetch too: the waiting produce ends at once
    // (not after its 30 s) and nothing claims leadership.
    clock.advance(1);
    const answered = (await waiting).topics[0].partitions[0];
    expect(answered.error).toMatchObject({ name: 'NOT_LEADER_OR_FOLLOWER', retriable: true });
    expect(logged(warn, /^lost contact with the quorum \(last heartbeat answer \d+ ms ago\); stepping back from leadership of \d+ partitions/)).toBe(1);
    expect(logged(info, /^regained contact with the quorum/)).toBe(0);
    const fresh = await produce(cluster.client(1), 'cut', 0, batchOf(['refused']), -1);
    expect(fresh.error).toMatchObject({ name: 'NOT_LEADER_OR_FOLLOWER' });
    expect(cluster.log(1, 'cut', 0).logEndOffset).toBe(2n);
    expect((await fetchOnce(cluster.client(1), 'cut', 0, 0n)).error).toMatchObject({ name: 'NOT_LEADER_OR_FOLLOWER' });
    const md = metadataPartition(await call(cluster.client(1), 'Metadata', { topics: ['cut'] }), 'cut', 0);
    expect(md).toMatchObject({ leaderId: -1, error: { name: 'LEADER_NOT_AVAILABLE', retriable: true } });
    // The rest of the cluster carries on under node 2.
    expect((await produce(cluster.client(2), 'cut', 0, batchOf(['after']), -1)).error).toBeNull();

    // Healing: contact is back once the controller unfences it; node 1
    // follows node 2, dropping its unreplicated append.
    cluster.controller.heal(1);
    cluster.controller.unfence(1);
    await pollUntil(() => cluster.broker(1).partitionState('cut', 0)?.role === 'follower', { timeoutMs: 10_000, what: 'node 1 to follow node 2' });
    // Its log end is 2 before and after the truncation: wait for the bytes.
    await pollUntil(async () => (await cluster.logBytes(1, 'cut', 0)).equals(await cluster.logBytes(2, 'cut', 0)), {
      timeoutMs: 10_000,
      what: "node 1's log to match node 2's",
    });
    expect(valuesOf(await cluster.logBytes(1, 'cut', 0))).toEqual(['before', 'after']);
    expect(metadataPartition(await call(cluster.client(1), 'Metadata', { topics: ['cut'] }), 'cut', 0)).toMatchObject({ leaderId: 2, error: null });
    // One line each way, no more.
    await pollUntil(() => logged(info, /^regained contact with the quorum after \d+ ms/) > 0, { timeoutMs: 10_000, what: 'the "regained contact" line' });
    expect(logged(info, /^regained contact with the quorum/)).toBe(1);
    expect(logged(warn, /^lost contact with the quorum/)).toBe(1);
  });

  test('keeps leading while a majority of the replicas still fetch from it (as during a controller election slower than the session)', async () => {
    const created = await call(cluster.client(1), 'CreateTopics', { topics: [{ name: 'kept', numPartitions: 1, replicationFactor: 3, configs: {} }] });
    expect(created.topics[0].error).toBeNull();
    expect(cluster.controller.assignment('kept', 0).leaderId).toBe(1);
    // No heartbeat answers and no metadata for node 1, but nobody fences it.
    cluster.controller.partition(1);
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) {
      // Each acks=all write needs both followers to fetch it: they fetch at every step of session time.
      await advanceSeenBy(clock, cluster, 1, 100);
      const r = await produce(cluster.client(1), 'kept', 0, batchOf([`k${i}`]), -1);
      expect(r.error).toBeNull();
      acked.push(`k${i}`);
    }
    // Two sessions without contact with the quorum, and the partition stayed writable throughout.
    expect(metadataPartition(await call(cluster.client(1), 'Metadata', { topics: ['kept'] }), 'kept', 0)).toMatchObject({ leaderId: 1, error: null });
    cluster.controller.heal(1);
    expect(valuesOf(await cluster.logBytes(1, 'kept', 0))).toEqual(acked);
  });

  test('a broker whose metadata stays behind (its heartbeats answered) names no leader for partitions other brokers lead once a session behind; the current one once caught up', async () => {
    const created = await call(cluster.client(1), 'CreateTopics', { topics: [{ name: 'moving', numPartitions: 1, replicationFactor: 3, configs: {} }] });
    expect(created.topics[0].error).toBeNull();
    const first = cluster.controller.assignment('moving', 0).leaderId;
    const [observer, next] = [1, 2, 3].filter((id) => id !== first) as [number, number];
    const named = async (): Promise<any> => metadataPartition(await call(cluster.client(observer), 'Metadata', { topics: ['moving'] }), 'moving', 0);
    // The controller's connections to the observer fail; the leadership moves meanwhile.
    cluster.controller.cutMetadata(observer);
    cluster.controller.change('moving', 0, { leaderId: next, bumpLeaderEpoch: true });
    // Behind from here (this Metadata request samples it), for less than a session: the old leader, as before.
    expect(await named()).toMatchObject({ leaderId: first, error: null });
    clock.advance(SESSION_MS - 1);
    expect(await named()).toMatchObject({ leaderId: first, error: null });
    // A session behind: it says it does not know, so clients ask another broker.
    clock.advance(1);
    expect(await named()).toMatchObject({ leaderId: -1, error: { name: 'LEADER_NOT_AVAILABLE', retriable: true } });
    // Its own view of its role is untouched; the broker that is up to date names the new leader.
    expect(metadataPartition(await call(cluster.client(next), 'Metadata', { topics: ['moving'] }), 'moving', 0)).toMatchObject({ leaderId: next, error: null });
    // Caught up: the current leader.
    cluster.controller.heal(observer);
    expect(await named()).toMatchObject({ leaderId: next, error: null });
  });
});

describe('a group coordinator cut off from the quorum', () => {
  let cluster: TestCluster;
  const clock = new ManualClock();
  const groupCoordinator = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupMinSessionTimeoutMs: 100, groupInitialRebalanceDelayMs: 0 };

  beforeAll(async () => {
    cluster = await TestCluster.start(3, { replicaLagTimeMaxMs: 600_000, brokerSessionTimeoutMs: SESSION_MS, groupCoordinator, offsetsTopicNumPartitions: 1 }, { clock });
  });
  afterAll(async () => {
    await cluster.close();
  });

  const findCoordinator = async (nodeId: number, group: string): Promise<any> =>
    (await call(cluster.client(nodeId), 'FindCoordinator', { keyType: 0, keys: [group] })).coordinators[0];
  const heartbeat = async (nodeId: number, group: string, generationId: number, memberId: string): Promise<string> =>
    (await call(cluster.client(nodeId), 'Heartbeat', { groupId: group, generationId, memberId })).error?.name ?? 'NONE';

  test('steps back with its partition: FindCoordinator does not name it, its members are told NOT_COORDINATOR; after healing the new leader is named', async () => {
    const g = 'cut-group';
    const first = await pollUntil(
      async () => {
        const c = await findCoordinator(1, g);
        return c.error === null ? c : undefined;
      },
      { timeoutMs: 20_000, what: 'a coordinator for the group' },
    );
    const coordinator = first.nodeId as number;
    expect(cluster.controller.assignment(OFFSETS_TOPIC, 0).leaderId).toBe(coordinator);
    const join = (memberId: string): Promise<any> =>
      call(cluster.client(coordinator), 'JoinGroup', {
        groupId: g,
        sessionTimeoutMs: 600_000,
        rebalanceTimeoutMs: 10_000,
        memberId,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
      });
    const required = await pollUntil(
      async () => {
        const r = await join('');
        return r.error?.name === 'COORDINATOR_LOAD_IN_PROGRESS' ? undefined : r;
      },
      { timeoutMs: 20_000, what: 'the coordinator to load' },
    );
    expect(required.error?.name).toBe('MEMBER_ID_REQUIRED');
    const joined = await join(required.memberId);
    expect(joined.error).toBeNull();
    expect(await heartbeat(coordinator, g, joined.generationId, joined.memberId)).toBe('NONE');

    // The cut: the controller fences the coordinator and moves the partition.
    cluster.controller.partition(coordinator);
    cluster.controller.fence(coordinator);
    const successor = cluster.controller.assignment(OFFSETS_TOPIC, 0).leaderId;
    expect(successor).not.toBe(coordinator);
    await pollUntil(() => [1, 2, 3].filter((id) => id !== coordinator).every((id) => cluster.broker(id).partitionState(OFFSETS_TOPIC, 0)?.leaderId === successor), {
      timeoutMs: 10_000,
      what: 'the other nodes to turn to the new leader',
    });
    // Within the session the cut-off coordinator still answers as before.
    expect(await heartbeat(coordinator, g, joined.generationId, joined.memberId)).toBe('NONE');
    // A session (and a bit) of silence, seen by it step by step: it steps back.
    for (let left = SESSION_MS + 2; left > 0; left -= 100) {
      clock.advance(Math.min(100, left));
      await call(cluster.client(coordinator), 'Metadata', { topics: [] });
    }
    expect(await findCoordinator(coordinator, g)).toMatchObject({ nodeId: -1, error: { name: 'COORDINATOR_NOT_AVAILABLE' } });
    await pollUntil(async () => (await heartbeat(coordinator, g, joined.generationId, joined.memberId)) === 'NOT_COORDINATOR', {
      timeoutMs: 10_000,
      what: 'the cut-off coordinator to unload the group',
    });

    // Healing: it follows the new leader and names it.
    cluster.controller.heal(coordinator);
    cluster.controller.unfence(coordinator);
    await pollUntil(async () => (await findCoordinator(coordinator, g)).nodeId === successor, { timeoutMs: 10_000, what: 'FindCoordinator to name the new leader' });
    expect(await heartbeat(coordinator, g, joined.generationId, joined.memberId)).toBe('NOT_COORDINATOR');
  });
});
