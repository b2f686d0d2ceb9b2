import * as grpc from '@grpc/grpc-js';
import { loadAdminProto, type DescribeClusterRequest__Output, type DescribeClusterResponse } from '@gregor/proto';
import { createClient, GregorError } from '../src';
import { parseClusterDescription } from '../src/admin/cluster-description';

/*
 * admin.describeCluster() against a real gRPC server that serves only
 * gregor.v1.GregorAdmin with canned answers.
 */

const ANSWER: DescribeClusterResponse = {
  error: null,
  clusterId: 'gregor-test',
  brokerId: 2,
  metadataOffset: '9007199254740993', // above 2^53: must stay exact
  quorum: {
    activeControllerId: 1,
    activeControllerAddress: '127.0.0.1:9192',
    term: '5',
    commitIndex: '40',
    logEndOffset: '41',
    voters: [
      { nodeId: 1, address: '127.0.0.1:9192', logEndOffset: '41', lag: '0', lastContactMsAgo: '0', isLeader: true },
      { nodeId: 2, address: '127.0.0.1:9193', logEndOffset: '39', lag: '2', lastContactMsAgo: '35', isLeader: false },
      { nodeId: 3, address: '127.0.0.1:9194', logEndOffset: '-1', lag: '-1', lastContactMsAgo: '-1', isLeader: false },
    ],
  },
  quorumError: null,
  brokers: [
    { brokerId: 3, host: '127.0.0.1', port: 9094, rack: '', fenced: true, brokerEpoch: '30', leaderPartitions: 0, followerPartitions: 3, outOfSyncPartitions: 3 },
    { brokerId: 1, host: '::1', port: 9092, rack: 'r1', fenced: false, brokerEpoch: '10', leaderPartitions: 2, followerPartitions: 1, outOfSyncPartitions: 0 },
  ],
};

describe('admin.describeCluster()', () => {
  let server: grpc.Server;
  let port: number;
  let answer: () => DescribeClusterResponse;
  const requests: DescribeClusterRequest__Output[] = [];

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(loadAdminProto().gregor.v1.GregorAdmin.service, {
      DescribeCluster: (call: grpc.ServerUnaryCall<DescribeClusterRequest__Output, DescribeClusterResponse>, cb: grpc.sendUnaryData<DescribeClusterResponse>) => {
        requests.push(call.request);
        cb(null, answer());
      },
    });
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
  });

  beforeEach(() => {
    requests.length = 0;
    answer = () => ANSWER;
  });

  afterAll(() => {
    server.forceShutdown();
  });

  it('converts the answer: bigint offsets and terms, null for unknown, brokers sorted, addresses bracketed for IPv6', async () => {
    const client = createClient({ bootstrap: `127.0.0.1:${port}` });
    try {
      const d = await client.admin().describeCluster({ quorumTimeoutMs: 2500 });
      expect(requests.map((r) => r.timeoutMs)).toEqual([2500]);
      expect(d.clusterId).toBe('gregor-test');
      expect(d.answeredBy).toBe(2);
      expect(d.metadataOffset).toBe(9007199254740993n);
      expect(d.quorumError).toBeNull();
      expect(d.quorum).toMatchObject({ activeControllerId: 1, activeControllerAddress: '127.0.0.1:9192', term: 5n, commitIndex: 40n, logEndOffset: 41n });
      expect(d.quorum!.voters).toEqual([
        { nodeId: 1, address: '127.0.0.1:9192', isLeader: true, logEndOffset: 41n, lag: 0n, lastContactMsAgo: 0 },
        { nodeId: 2, address: '127.0.0.1:9193', isLeader: false, logEndOffset: 39n, lag: 2n, lastContactMsAgo: 35 },
        { nodeId: 3, address: '127.0.0.1:9194', isLeader: false, logEndOffset: null, lag: null, lastContactMsAgo: null },
      ]);
      expect(d.brokers.map((b) => [b.brokerId, b.address, b.rack, b.fenced, b.brokerEpoch, b.leaderPartitions, b.followerPartitions, b.outOfSyncPartitions])).toEqual([
        [1, '[::1]:9092', 'r1', false, 10n, 2, 1, 0],
        [3, '127.0.0.1:9094', null, true, 30n, 0, 3, 3],
      ]);
    } finally {
      await client.close();
    }
  });

  it('moves past a broker that does not answer', async () => {
    const dead = await new Promise<number>((resolve, reject) => {
      const s = new grpc.Server();
      s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => {
        if (err) return reject(err);
        s.forceShutdown(); // the port is free again: nothing answers there
        resolve(p);
      });
    });
    const client = createClient({ bootstrap: [`127.0.0.1:${dead}`, `127.0.0.1:${port}`], retry: { retries: 3, initialBackoffMs: 10, maxBackoffMs: 20 } });
    try {
      const d = await client.admin().describeCluster();
      expect(d.answeredBy).toBe(2);
      expect(requests.map((r) => r.timeoutMs)).toEqual([0]);
    } finally {
      await client.close();
    }
  });

  it('a quorum that could not be described is part of the answer, not a failure', async () => {
    answer = () => ({
      ...ANSWER,
      quorum: null,
      quorumError: { code: 41, name: 'NOT_CONTROLLER', message: 'NOT_CONTROLLER: no active controller answered DescribeQuorum within 5000 ms', retriable: true },
    });
    const client = createClient({ bootstrap: `127.0.0.1:${port}` });
    try {
      const d = await client.admin().describeCluster();
      expect(d.quorum).toBeNull();
      expect(d.quorumError).toBeInstanceOf(GregorError);
      expect(d.quorumError).toMatchObject({ errorName: 'NOT_CONTROLLER', retriable: true, message: 'NOT_CONTROLLER: no active controller answered DescribeQuorum within 5000 ms' });
      expect(d.brokers).toHaveLength(2);
    } finally {
      await client.close();
    }
  });

  it('throws a request-level error (not retriable: asked once)', async () => {
    answer = () => ({ error: { code: 42, name: 'INVALID_REQUEST', message: 'INVALID_REQUEST: bad', retriable: false } });
    const client = createClient({ bootstrap: `127.0.0.1:${port}` });
    try {
      await expect(client.admin().describeCluster()).rejects.toMatchObject({ errorName: 'INVALID_REQUEST' });
      expect(requests).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('single-node answers: no quorum, no epochs, no metadata offset', () => {
    const d = parseClusterDescription({
      error: null,
      clusterId: 'c',
      brokerId: 1,
      metadataOffset: '-1',
      quorum: null,
      quorumError: null,
      brokers: [{ brokerId: 1, host: 'h', port: 1, rack: '', fenced: false, brokerEpoch: '-1', leaderPartitions: 0, followerPartitions: 0, outOfSyncPartitions: 0 }],
    });
    expect(d).toMatchObject({ metadataOffset: null, quorum: null, quorumError: null });
    expect(d.brokers[0]!.brokerEpoch).toBeNull();
  });
});
