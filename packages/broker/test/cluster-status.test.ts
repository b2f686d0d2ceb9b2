import * as grpc from '@grpc/grpc-js';
import { GregorError } from '@gregor/common';
import { loadAdminProto, type DescribeClusterResponse__Output } from '@gregor/proto';
import {
  brokerViews,
  createAdminService,
  quorumView,
  type ClusterStatusSource,
  type MetadataSource,
  type QuorumStatus,
  type RegisteredBroker,
  type TopicMetadataView,
} from '../src';

function topic(name: string, partitions: [leader: number, replicas: number[], isr: number[]][]): TopicMetadataView {
  return {
    name,
    topicId: `id-${name}`,
    replicationFactor: partitions[0]?.[1].length ?? 0,
    configs: {},
    partitions: partitions.map(([leaderId, replicas, isr], partition) => ({ partition, leaderId, leaderEpoch: 0, partitionEpoch: 0, replicas, isr })),
  };
}

const QUORUM: QuorumStatus = {
  leaderId: 2,
  leaderAddress: '127.0.0.1:9193',
  term: 7n,
  commitIndex: 40n,
  logEndOffset: 42n,
  voters: [
    { nodeId: 1, address: '127.0.0.1:9192', logEndOffset: 39n, lastContactMsAgo: 120 },
    { nodeId: 2, address: '127.0.0.1:9193', logEndOffset: 42n, lastContactMsAgo: 0 },
    { nodeId: 3, address: '127.0.0.1:9194', logEndOffset: -1n, lastContactMsAgo: -1 },
  ],
};

const BROKERS: RegisteredBroker[] = [
  { nodeId: 3, host: '127.0.0.1', port: 9094, brokerEpoch: 30n, fenced: true },
  { nodeId: 1, host: '127.0.0.1', port: 9092, brokerEpoch: 10n, fenced: false, rack: 'r1' },
  { nodeId: 2, host: '127.0.0.1', port: 9093, brokerEpoch: 20n, fenced: false },
];

const TOPICS = [
  topic('a', [
    [1, [1, 2, 3], [1, 2]],
    [2, [2, 3, 1], [2, 1]],
    [1, [3, 1, 2], [1, 2]],
  ]),
  topic('b', [[-1, [3], [3]]]),
];

describe('cluster status (pure)', () => {
  it('computes each voter\'s lag behind the leader, -1 when unknown', () => {
    const v = quorumView(QUORUM);
    expect(v.voters.map((x) => [x.nodeId, x.lag, x.isLeader])).toEqual([
      [1, 3n, false],
      [2, 0n, true],
      [3, -1n, false],
    ]);
    expect(v.term).toBe(7n);
  });

  it('counts led, followed and out-of-sync partitions per registered broker, sorted by id', () => {
    const v = brokerViews(BROKERS, TOPICS);
    expect(v.map((b) => [b.brokerId, b.fenced, b.brokerEpoch, b.leaderPartitions, b.followerPartitions, b.outOfSyncPartitions])).toEqual([
      [1, false, 10n, 2, 1, 0],
      [2, false, 20n, 1, 2, 0],
      // Leads nothing: out of every ISR of "a", and "b"-0 has no leader.
      [3, true, 30n, 0, 4, 3],
    ]);
    expect(v[0]!.rack).toBe('r1');
  });
});

describe('GregorAdmin DescribeCluster over gRPC', () => {
  let server: grpc.Server;
  let port: number;
  let quorumAnswer: () => Promise<QuorumStatus>;
  let deadlines: number[];
  let clusterStatus: ClusterStatusSource | undefined;

  const metadata = {
    clusterId: 'test-cluster',
    liveBrokers: () => [{ nodeId: 1, host: '127.0.0.1', port: 9092 }],
    topics: () => TOPICS,
  } as unknown as MetadataSource;

  function call(timeoutMs = 0): Promise<DescribeClusterResponse__Output> {
    const Ctor = loadAdminProto().gregor.v1.GregorAdmin;
    const stub = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new Promise<DescribeClusterResponse__Output>((resolve, reject) => {
      stub.DescribeCluster({ timeoutMs }, { deadline: Date.now() + 10_000 }, (err, res) => (err !== null || res === undefined ? reject(err) : resolve(res)));
    }).finally(() => stub.close());
  }

  beforeAll(async () => {
    clusterStatus = {
      describeQuorum: (deadlineMs) => {
        deadlines.push(deadlineMs);
        return quorumAnswer();
      },
      registeredBrokers: () => BROKERS,
      metadataOffset: () => 41n,
    };
    server = new grpc.Server();
    // The deps object is read per call, so tests can switch modes.
    const deps = {
      nodeId: 2,
      metadata,
      get clusterStatus() {
        return clusterStatus;
      },
      defaultTimeoutMs: 1234,
      maxTimeoutMs: 5000,
    };
    const svc = createAdminService(deps);
    server.addService(svc.definition, svc.implementation);
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
  });

  beforeEach(() => {
    deadlines = [];
    quorumAnswer = () => Promise.resolve(QUORUM);
  });

  afterAll(() => {
    server.forceShutdown();
  });

  it('answers the quorum and the brokers, 64-bit values as decimal strings', async () => {
    const res = await call();
    expect(res.error).toBeNull();
    expect(res.clusterId).toBe('test-cluster');
    expect(res.brokerId).toBe(2);
    expect(res.metadataOffset).toBe('41');
    expect(res.quorumError).toBeNull();
    expect(res.quorum).toMatchObject({ activeControllerId: 2, activeControllerAddress: '127.0.0.1:9193', term: '7', commitIndex: '40', logEndOffset: '42' });
    expect(res.quorum!.voters.map((v) => [v.nodeId, v.logEndOffset, v.lag, v.lastContactMsAgo, v.isLeader])).toEqual([
      [1, '39', '3', '120', false],
      [2, '42', '0', '0', true],
      [3, '-1', '-1', '-1', false],
    ]);
    expect(res.brokers.map((b) => [b.brokerId, b.fenced, b.brokerEpoch, b.leaderPartitions, b.followerPartitions, b.rack])).toEqual([
      [1, false, '10', 2, 1, 'r1'],
      [2, false, '20', 1, 2, ''],
      [3, true, '30', 0, 4, ''],
    ]);
  });

  it('passes the request timeout to the quorum lookup: default for 0, capped at the maximum', async () => {
    await call(0);
    await call(700);
    await call(60_000);
    expect(deadlines).toEqual([1234, 700, 5000]);
  });

  it('reports a quorum without an active controller in quorum_error, with the brokers still listed', async () => {
    quorumAnswer = () => Promise.reject(new GregorError('NOT_CONTROLLER', 'no active controller answered DescribeQuorum within 1234 ms'));
    const res = await call();
    expect(res.error).toBeNull();
    expect(res.quorum).toBeNull();
    expect(res.quorumError).toMatchObject({ name: 'NOT_CONTROLLER', retriable: true, code: 41 });
    expect(res.brokers.map((b) => b.brokerId)).toEqual([1, 2, 3]);
  });

  it('single-node mode: no quorum, the live brokers from metadata, unfenced with no epoch', async () => {
    const saved = clusterStatus;
    clusterStatus = undefined;
    try {
      const res = await call();
      expect(res.quorum).toBeNull();
      expect(res.quorumError).toBeNull();
      expect(res.metadataOffset).toBe('-1');
      expect(res.brokers).toEqual([
        { brokerId: 1, host: '127.0.0.1', port: 9092, rack: '', fenced: false, brokerEpoch: '-1', leaderPartitions: 2, followerPartitions: 1, outOfSyncPartitions: 0 },
      ]);
      expect(deadlines).toEqual([]);
    } finally {
      clusterStatus = saved;
    }
  });
});
