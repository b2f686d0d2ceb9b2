import * as grpc from '@grpc/grpc-js';
import { pollUntil } from '@gregor/common';
import { DEFAULT_GROUP_COORDINATOR_CONFIG } from '@gregor/group-coordinator';
import { TestCluster } from './helpers/cluster';
import { batchOf, produce, type Client } from './helpers/grpc-client';

/** One __consumer_offsets partition, so one broker coordinates every group. */
const overrides = {
  groupCoordinator: { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupMinSessionTimeoutMs: 100, groupInitialRebalanceDelayMs: 0 },
  offsetsTopicNumPartitions: 1,
};

function rpc<Res = any>(client: Client, method: string, req: unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as any)[method](req, { deadline: Date.now() + 20_000 }, (err: grpc.ServiceError | null, res: Res) => (err !== null ? reject(err) : resolve(res)));
  });
}

const errName = (e: { name?: string } | null | undefined): string => e?.name ?? 'NONE';

interface LagSetUp {
  coordinator: number;
  other: number;
  /** Partition of `topic` led (RF 1) by the other broker, and by the coordinator. */
  remote: number;
  local: number;
  lagOf: (partition: number) => bigint | undefined;
}

async function produceN(cluster: TestCluster, topic: string, partition: number, n: number): Promise<void> {
  const leader = cluster.controller.assignment(topic, partition).leaderId;
  const r = await produce(cluster.client(leader), topic, partition, batchOf(Array.from({ length: n }, (_, i) => `v${i}`)));
  expect(errName(r.error)).toBe('NONE');
}

/**
 * A two-partition RF 1 topic (one partition on each broker); 5 records on
 * each, `group` commits 3 on the remote one and 2 on the local one, then 4
 * and 1 more records arrive: lags 6 and 4.
 */
async function setUpLag(cluster: TestCluster, group: string, topic: string): Promise<LagSetUp> {
  const coordinator = await pollUntil(
    async () => {
      const c = (await rpc(cluster.client(1), 'FindCoordinator', { keyType: 0, keys: [group] })).coordinators[0];
      return errName(c.error) === 'NONE' ? (c.nodeId as number) : undefined;
    },
    { timeoutMs: 20_000, what: `a coordinator for ${group}` },
  );
  const other = coordinator === 1 ? 2 : 1;
  const created = await rpc(cluster.client(1), 'CreateTopics', { topics: [{ name: topic, numPartitions: 2, replicationFactor: 1 }] });
  expect(errName(created.topics[0].error)).toBe('NONE');
  const leaderOf = (p: number) => cluster.controller.assignment(topic, p).leaderId;
  const remote = [0, 1].find((p) => leaderOf(p) === other)!;
  const local = [0, 1].find((p) => leaderOf(p) === coordinator)!;
  expect(cluster.controller.assignment(topic, remote).replicas).toEqual([other]);
  expect(cluster.broker(coordinator).partitionState(topic, remote)).toBeUndefined();

  await produceN(cluster, topic, remote, 5);
  await produceN(cluster, topic, local, 5);
  await pollUntil(
    async () => {
      const r = await rpc(cluster.client(coordinator), 'OffsetCommit', {
        groupId: group,
        generationId: -1,
        memberId: '',
        topics: [
          {
            name: topic,
            partitions: [
              { partition: remote, committedOffset: '3', committedLeaderEpoch: -1, committedMetadata: '' },
              { partition: local, committedOffset: '2', committedLeaderEpoch: -1, committedMetadata: '' },
            ],
          },
        ],
      });
      return r.topics[0].partitions.every((p: any) => errName(p.error) === 'NONE') ? r : undefined;
    },
    { timeoutMs: 20_000, what: 'the offset commit to succeed' },
  );
  await produceN(cluster, topic, remote, 4);
  await produceN(cluster, topic, local, 1);
  const lagOf = (p: number) => cluster.broker(coordinator).consumerGroupLags().find((l) => l.group === group && l.topic === topic && l.partition === p)?.lag;
  return { coordinator, other, remote, local, lagOf };
}

describe('consumer-group lag for partitions the coordinator does not host (refreshed by hand)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    // The test refreshes by hand: the periodic refresh must not be what passes it.
    cluster = await TestCluster.start(2, { ...overrides, consumerLagRefreshIntervalMs: 3_600_000 });
  });
  afterAll(async () => cluster.close());

  test("the coordinator reports the remote leader's HW − committed offset, and its own HW where it leads", async () => {
    const { coordinator, remote, local, lagOf } = await setUpLag(cluster, 'lagging', 'spread');
    // Before any refresh the coordinator knows no HW for the remote partition: no series, rather than a wrong one.
    expect(lagOf(remote)).toBeUndefined();
    expect(lagOf(local)).toBe(6n - 2n);
    const lag = await pollUntil(
      async () => {
        await cluster.broker(coordinator).refreshRemoteHighWatermarks();
        return lagOf(remote);
      },
      { timeoutMs: 20_000, what: `a lag series for spread-${remote} on broker ${coordinator}` },
    );
    expect(lag).toBe(9n - 3n);
    expect(lagOf(local)).toBe(4n);

    // The remote leader moves on; the next refresh follows it.
    await produceN(cluster, 'spread', remote, 2);
    await pollUntil(
      async () => {
        await cluster.broker(coordinator).refreshRemoteHighWatermarks();
        return lagOf(remote) === 8n;
      },
      { timeoutMs: 20_000, what: `the lag of spread-${remote} to reach 8` },
    );
  });
});

describe('consumer-group lag: the broker runs the refresh itself', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(2, { ...overrides, consumerLagRefreshIntervalMs: 50 });
  });
  afterAll(async () => cluster.close());

  test('without any call from the test, the remote series appears', async () => {
    const { remote, lagOf } = await setUpLag(cluster, 'periodic', 'spread2');
    const lag = await pollUntil(() => lagOf(remote), { timeoutMs: 20_000, what: `the periodic refresh to fill spread2-${remote}` });
    expect(lag).toBe(6n);
  });
});
