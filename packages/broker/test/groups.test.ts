import * as grpc from '@grpc/grpc-js';
import { pollUntil } from '@gregor/common';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, OFFSETS_TOPIC, partitionForGroup } from '@gregor/group-coordinator';
import { Broker, defaultBrokerConfig } from '@gregor/broker';
import { connect, createTopic, type Client } from './helpers/grpc-client';
import { startHarness, type Harness } from './helpers/harness';
import { TestCluster } from './helpers/cluster';
import { planInternalTopic as planOffsetsTopic } from '../src/coordinator/internal-topic';

const groupConfig = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupMinSessionTimeoutMs: 100, groupInitialRebalanceDelayMs: 0 };
const overrides = { groupCoordinator: groupConfig, offsetsTopicNumPartitions: 4 };

/** Unary call by name, with a client-id header as the SDK sends it. */
function rpc<Res = any>(client: Client, method: string, req: unknown, deadlineMs = 20_000): Promise<Res> {
  const md = new grpc.Metadata();
  md.set('client-id', 'test-client');
  return new Promise((resolve, reject) => {
    (client as any)[method](req, md, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: Res) => (err !== null ? reject(err) : resolve(res)));
  });
}

const errName = (e: { name?: string } | null | undefined): string => e?.name ?? 'NONE';

async function findCoordinator(client: Client, group: string): Promise<any> {
  return pollUntil(
    async () => {
      const r = await rpc(client, 'FindCoordinator', { keyType: 0, keys: [group] });
      const c = r.coordinators[0];
      return errName(c.error) === 'NONE' ? c : undefined;
    },
    { timeoutMs: 20_000, what: `a coordinator for ${group}` },
  );
}

/** Join (two-step, KIP-394) and sync as the only member. */
async function joinAlone(client: Client, group: string): Promise<{ memberId: string; generationId: number }> {
  const join = (memberId: string) =>
    rpc(client, 'JoinGroup', {
      groupId: group,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
    });
  const first = await pollUntil(
    async () => {
      const r = await join('');
      return errName(r.error) === 'COORDINATOR_LOAD_IN_PROGRESS' ? undefined : r;
    },
    { timeoutMs: 20_000, what: 'the coordinator to load' },
  );
  expect(errName(first.error)).toBe('MEMBER_ID_REQUIRED');
  const joined = await join(first.memberId);
  expect(errName(joined.error)).toBe('NONE');
  expect(joined.leader).toBe(first.memberId);
  expect(joined.members.map((m: any) => m.memberId)).toEqual([first.memberId]);
  const synced = await rpc(client, 'SyncGroup', {
    groupId: group,
    generationId: joined.generationId,
    memberId: joined.memberId,
    assignments: [{ memberId: joined.memberId, assignment: Buffer.from('p0') }],
  });
  expect(errName(synced.error)).toBe('NONE');
  expect(synced.assignment.toString()).toBe('p0');
  return { memberId: joined.memberId, generationId: joined.generationId };
}

const commit = (client: Client, group: string, generationId: number, memberId: string, topic: string, offsets: [number, bigint][]) =>
  rpc(client, 'OffsetCommit', {
    groupId: group,
    generationId,
    memberId,
    topics: [{ name: topic, partitions: offsets.map(([partition, o]) => ({ partition, committedOffset: o.toString(), committedLeaderEpoch: -1, committedMetadata: 'm' })) }],
  });

describe('group coordinator on one broker', () => {
  let h: Harness;
  let restarted: { broker: Broker; client: Client } | undefined;
  beforeAll(async () => {
    h = await startHarness(overrides);
    await createTopic(h.client, 'orders', 2);
  });
  afterAll(async () => {
    restarted?.client.close();
    await restarted?.broker.stop();
    await h.close();
  });

  test('FindCoordinator creates the compacted, internal __consumer_offsets and names this broker', async () => {
    const c = await findCoordinator(h.client, 'g1');
    expect(c).toMatchObject({ key: 'g1', nodeId: 1, port: h.broker.port });
    const md = await rpc(h.client, 'Metadata', { topics: [OFFSETS_TOPIC] });
    expect(md.topics[0]).toMatchObject({ name: OFFSETS_TOPIC, isInternal: true });
    expect(md.topics[0].partitions).toHaveLength(4);
    const cfg = await rpc(h.client, 'DescribeConfigs', { resources: [{ resourceType: 'RESOURCE_TYPE_TOPIC', resourceName: OFFSETS_TOPIC, configNames: ['cleanup.policy'] }] });
    expect(cfg.results[0].configs[0].value).toBe('compact');
    const bad = await rpc(h.client, 'FindCoordinator', { keyType: 5, keys: ['txn'] });
    expect(errName(bad.coordinators[0].error)).toBe('INVALID_REQUEST');
  });

  test('a member’s whole life over gRPC: join, sync, heartbeat, commit, fetch, describe, list, leave, delete', async () => {
    const g = 'life';
    await findCoordinator(h.client, g);
    const { memberId, generationId } = await joinAlone(h.client, g);
    expect(errName((await rpc(h.client, 'Heartbeat', { groupId: g, generationId, memberId })).error)).toBe('NONE');
    expect(errName((await rpc(h.client, 'Heartbeat', { groupId: g, generationId: generationId + 1, memberId })).error)).toBe('ILLEGAL_GENERATION');

    const c = await commit(h.client, g, generationId, memberId, 'orders', [[0, 42n], [1, 7n]]);
    expect(c.topics[0].partitions.map((p: any) => errName(p.error))).toEqual(['NONE', 'NONE']);
    const unknown = await commit(h.client, g, generationId, memberId, 'nope', [[0, 1n]]);
    expect(errName(unknown.topics[0].partitions[0].error)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const fetched = await rpc(h.client, 'OffsetFetch', { groupId: g, topics: [] });
    expect(fetched.topics[0].partitions.map((p: any) => [p.partition, p.committedOffset, p.metadata])).toEqual([
      [0, '42', 'm'],
      [1, '7', 'm'],
    ]);

    const d = await rpc(h.client, 'DescribeGroups', { groups: [g, 'never-seen'] });
    expect(d.groups[0]).toMatchObject({ groupId: g, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(d.groups[0].members[0]).toMatchObject({ memberId, clientId: 'test-client', clientHost: '/127.0.0.1' });
    expect(d.groups[0].members[0].memberAssignment.toString()).toBe('p0');
    expect(d.groups[1]).toMatchObject({ groupId: 'never-seen', groupState: 'Dead' });
    const l = await rpc(h.client, 'ListGroups', { statesFilter: ['stable'] });
    expect(l.groups.map((x: any) => x.groupId)).toContain(g);

    // A commit from outside the group is refused while it has members…
    const admin = await commit(h.client, g, -1, '', 'orders', [[0, 0n]]);
    expect(errName(admin.topics[0].partitions[0].error)).toBe('UNKNOWN_MEMBER_ID');
    expect(errName((await rpc(h.client, 'DeleteGroups', { groups: [g] })).results[0].error)).toBe('NON_EMPTY_GROUP');
    const left = await rpc(h.client, 'LeaveGroup', { groupId: g, members: [{ memberId }] });
    expect(errName(left.members[0].error)).toBe('NONE');
    // …and accepted once it is empty (the reset-offsets path).
    const reset = await commit(h.client, g, -1, '', 'orders', [[0, 0n]]);
    expect(errName(reset.topics[0].partitions[0].error)).toBe('NONE');
    const deleted = await rpc(h.client, 'DeleteGroups', { groups: [g, 'never-seen'] });
    expect(deleted.results.map((r: any) => [r.groupId, errName(r.error)])).toEqual([
      [g, 'NONE'],
      ['never-seen', 'GROUP_ID_NOT_FOUND'],
    ]);
    expect((await rpc(h.client, 'OffsetFetch', { groupId: g, topics: [] })).topics).toEqual([]);
  });

  test('deleting a topic drops the offsets groups committed for it', async () => {
    const g = 'topic-gone';
    await findCoordinator(h.client, g);
    await createTopic(h.client, 'short-lived', 1);
    const r = await commit(h.client, g, -1, '', 'short-lived', [[0, 5n]]);
    expect(errName(r.topics[0].partitions[0].error)).toBe('NONE');
    expect((await rpc(h.client, 'OffsetFetch', { groupId: g, topics: [] })).topics).toHaveLength(1);
    await rpc(h.client, 'DeleteTopics', { topicNames: ['short-lived'], timeoutMs: 5000 });
    await pollUntil(async () => (await rpc(h.client, 'OffsetFetch', { groupId: g, topics: [] })).topics.length === 0, {
      timeoutMs: 10_000,
      what: 'the offsets of the deleted topic to go',
    });
    const listed = await rpc(h.client, 'ListGroups', {});
    expect(listed.groups.map((x: any) => x.groupId)).not.toContain(g);
  });

  test('clients cannot produce to __consumer_offsets', async () => {
    await findCoordinator(h.client, 'x');
    const r = await rpc(h.client, 'Produce', { acks: 1, timeoutMs: 1000, topics: [{ name: OFFSETS_TOPIC, partitions: [{ partition: 0, records: Buffer.alloc(0) }] }] });
    expect(errName(r.topics[0].partitions[0].error)).toBe('INVALID_TOPIC_EXCEPTION');
  });

  test('offsets and groups survive a broker restart (loaded from the partition)', async () => {
    const g = 'durable';
    await findCoordinator(h.client, g);
    const { memberId, generationId } = await joinAlone(h.client, g);
    await commit(h.client, g, generationId, memberId, 'orders', [[1, 99n]]);
    h.client.close();
    await h.broker.stop();
    const broker = await Broker.start({ config: defaultBrokerConfig({ retentionCheckIntervalMs: 3_600_000, ...overrides }), metadata: h.metadata, store: h.store });
    restarted = { broker, client: connect(`127.0.0.1:${broker.port}`) };
    h.client = restarted.client;
    const fetched = await pollUntil(
      async () => {
        const r = await rpc(h.client, 'OffsetFetch', { groupId: g, topics: [{ name: 'orders', partitions: [1] }] });
        return errName(r.error) === 'NONE' ? r : undefined;
      },
      { timeoutMs: 20_000, what: 'the group to load after restart' },
    );
    expect(fetched.topics[0].partitions[0].committedOffset).toBe('99');
    // The member carries on in its generation.
    expect(errName((await rpc(h.client, 'Heartbeat', { groupId: g, generationId, memberId })).error)).toBe('NONE');
  });
});

describe('group coordinator across three brokers', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(3, overrides);
    await rpc(cluster.client(1), 'CreateTopics', { topics: [{ name: 'events', numPartitions: 3, replicationFactor: 3 }] });
  });
  afterAll(async () => cluster.close());

  test('the leader of the group’s partition coordinates; when leadership moves the new leader loads the group and takes over', async () => {
    const g = 'moving';
    const c = await findCoordinator(cluster.client(1), g);
    const p = partitionForGroup(g, 4);
    const leader = cluster.controller.assignment(OFFSETS_TOPIC, p).leaderId;
    expect(c.nodeId).toBe(leader);
    expect(cluster.controller.assignment(OFFSETS_TOPIC, p).replicas).toHaveLength(3);
    const coordinator = cluster.client(leader);
    const { memberId, generationId } = await joinAlone(coordinator, g);
    const done = await commit(coordinator, g, generationId, memberId, 'events', [[2, 1234n]]);
    expect(errName(done.topics[0].partitions[0].error)).toBe('NONE');
    // Another broker is not the coordinator.
    const other = [1, 2, 3].find((id) => id !== leader)!;
    expect(errName((await rpc(cluster.client(other), 'Heartbeat', { groupId: g, generationId, memberId })).error)).toBe('NOT_COORDINATOR');

    // The commit was replicated (acks=all): move leadership to `other`.
    cluster.controller.change(OFFSETS_TOPIC, p, { leaderId: other });
    const moved = await pollUntil(
      async () => {
        const r = await rpc(cluster.client(1), 'FindCoordinator', { keyType: 0, keys: [g] });
        return r.coordinators[0].nodeId === other ? r.coordinators[0] : undefined;
      },
      { timeoutMs: 20_000, what: 'FindCoordinator to name the new leader' },
    );
    expect(moved.nodeId).toBe(other);
    expect(errName((await rpc(coordinator, 'Heartbeat', { groupId: g, generationId, memberId })).error)).toBe('NOT_COORDINATOR');
    const hb = await pollUntil(
      async () => {
        const r = await rpc(cluster.client(other), 'Heartbeat', { groupId: g, generationId, memberId });
        return errName(r.error) === 'COORDINATOR_LOAD_IN_PROGRESS' || errName(r.error) === 'NOT_COORDINATOR' ? undefined : r;
      },
      { timeoutMs: 20_000, what: 'the new coordinator to load' },
    );
    expect(errName(hb.error)).toBe('NONE');
    const fetched = await rpc(cluster.client(other), 'OffsetFetch', { groupId: g, topics: [{ name: 'events', partitions: [2] }] });
    expect(fetched.topics[0].partitions[0].committedOffset).toBe('1234');
  });
});

describe('__consumer_offsets is sized by registered brokers, not the ones up at first use', () => {
  test('planOffsetsTopic: RF = min(configured, registered); created only once that many are live', () => {
    const rf = (configured: number, registered: number, live: number) => {
      const p = planOffsetsTopic(configured, registered, live);
      return p.create ? p.replicationFactor : p.error.errorName;
    };
    expect(rf(3, 1, 1)).toBe(1); // a single node keeps working with the default of 3
    expect(rf(3, 2, 2)).toBe(2);
    expect(rf(3, 5, 3)).toBe(3); // two down of five: enough for RF 3
    expect(rf(3, 3, 2)).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(rf(1, 3, 1)).toBe(1);
    expect(rf(3, 0, 0)).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(rf(3, 1, 2)).toBe(2); // a view that lists a live broker before its registration
  });

  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(3, overrides);
  });
  afterAll(async () => cluster.close());

  test('with one of three registered brokers fenced, FindCoordinator waits (COORDINATOR_NOT_AVAILABLE) and creates nothing; once it is back the topic gets RF 3', async () => {
    cluster.controller.fence(3);
    const waiting = await rpc(cluster.client(1), 'FindCoordinator', { keyType: 0, keys: ['early'] });
    const err = waiting.coordinators[0].error;
    expect(errName(err)).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(err.retriable).toBe(true);
    expect(err.message).toMatch(/waiting for 3 brokers.*2 live of 3 registered/);
    // Asked again (clients retry), and on another broker: still not created.
    const again = await rpc(cluster.client(2), 'FindCoordinator', { keyType: 0, keys: ['early'] });
    expect(errName(again.coordinators[0].error)).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(cluster.controller.view(OFFSETS_TOPIC)).toBeUndefined();

    cluster.controller.unfence(3);
    const c = await findCoordinator(cluster.client(1), 'early');
    expect([1, 2, 3]).toContain(c.nodeId);
    const view = cluster.controller.view(OFFSETS_TOPIC)!;
    expect(view.replicationFactor).toBe(3);
    expect(view.partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3, 3]);
  });
});
