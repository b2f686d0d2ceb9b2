import { clusterStatusJson, formatClusterStatus, run, table } from '@gregor/cli';
import type { ClusterDescription } from '@gregor/client';
import { GregorError } from '@gregor/common';
import { captureIO } from './helpers';

const HEALTHY: ClusterDescription = {
  clusterId: 'gregor-abc',
  answeredBy: 2,
  metadataOffset: 57n,
  quorum: {
    activeControllerId: 1,
    activeControllerAddress: '127.0.0.1:9192',
    term: 5n,
    commitIndex: 57n,
    logEndOffset: 58n,
    voters: [
      { nodeId: 1, address: '127.0.0.1:9192', isLeader: true, logEndOffset: 58n, lag: 0n, lastContactMsAgo: 0 },
      { nodeId: 2, address: '127.0.0.1:9193', isLeader: false, logEndOffset: 57n, lag: 1n, lastContactMsAgo: 12 },
      { nodeId: 3, address: '127.0.0.1:9194', isLeader: false, logEndOffset: null, lag: null, lastContactMsAgo: null },
    ],
  },
  quorumError: null,
  brokers: [
    { brokerId: 1, host: '127.0.0.1', port: 9092, address: '127.0.0.1:9092', rack: null, fenced: false, brokerEpoch: 12n, leaderPartitions: 3, followerPartitions: 6, outOfSyncPartitions: 0 },
    { brokerId: 3, host: '127.0.0.1', port: 9094, address: '127.0.0.1:9094', rack: 'r3', fenced: true, brokerEpoch: 9007199254740993n, leaderPartitions: 0, followerPartitions: 9, outOfSyncPartitions: 9 },
  ],
};

describe('cluster status formatting', () => {
  it('pads columns to the widest cell, two spaces apart', () => {
    expect(table(['A', 'LONGER'], [['wide cell', 'x'], ['b', '']])).toEqual(['A          LONGER', 'wide cell  x', 'b']);
  });

  it('prints the quorum (leader, term, high watermark, each voter\'s log end, lag, last contact) and the brokers', () => {
    expect(formatClusterStatus(HEALTHY)).toEqual([
      'Cluster gregor-abc (as seen by broker 2 at metadata offset 57)',
      '',
      'Quorum: active controller 1 (127.0.0.1:9192), term 5, high watermark 57, log end 58',
      '  VOTER  ADDRESS         ROLE      LOG END  LAG  LAST CONTACT',
      '  1      127.0.0.1:9192  leader    58       0    -',
      '  2      127.0.0.1:9193  follower  57       1    12 ms ago',
      '  3      127.0.0.1:9194  follower  ?        ?    never',
      '',
      'Brokers:',
      '  ID  ADDRESS         STATE     EPOCH             LEADS  FOLLOWS  OUT OF SYNC',
      '  1   127.0.0.1:9092  unfenced  12                3      6        0',
      '  3   127.0.0.1:9094  fenced    9007199254740993  0      9        9',
    ]);
  });

  it('says why there is no quorum part', () => {
    const down = formatClusterStatus({
      ...HEALTHY,
      quorum: null,
      quorumError: new GregorError('NOT_CONTROLLER', 'no active controller answered DescribeQuorum within 5000 ms'),
    });
    expect(down[2]).toBe('Quorum: unavailable (NOT_CONTROLLER: no active controller answered DescribeQuorum within 5000 ms)');
    expect(down).toContain('Brokers:');
    const single = formatClusterStatus({ ...HEALTHY, metadataOffset: null, quorum: null });
    expect(single[0]).toBe('Cluster gregor-abc (as seen by broker 2)');
    expect(single[2]).toBe('Quorum: none (single-node mode: metadata in a local file)');
  });

  it('--json keeps 64-bit values exact and unknowns null', () => {
    const json = JSON.parse(JSON.stringify(clusterStatusJson(HEALTHY), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    expect(json).toEqual({
      clusterId: 'gregor-abc',
      answeredBy: 2,
      metadataOffset: '57',
      quorum: {
        activeController: { id: 1, address: '127.0.0.1:9192' },
        term: '5',
        highWatermark: '57',
        logEndOffset: '58',
        voters: [
          { id: 1, address: '127.0.0.1:9192', role: 'leader', logEndOffset: '58', lag: '0', lastContactMsAgo: 0 },
          { id: 2, address: '127.0.0.1:9193', role: 'follower', logEndOffset: '57', lag: '1', lastContactMsAgo: 12 },
          { id: 3, address: '127.0.0.1:9194', role: 'follower', logEndOffset: null, lag: null, lastContactMsAgo: null },
        ],
      },
      quorumError: null,
      brokers: [
        { id: 1, address: '127.0.0.1:9092', rack: null, state: 'unfenced', brokerEpoch: '12', leaderPartitions: 3, followerPartitions: 6, outOfSyncPartitions: 0 },
        { id: 3, address: '127.0.0.1:9094', rack: 'r3', state: 'fenced', brokerEpoch: '9007199254740993', leaderPartitions: 0, followerPartitions: 9, outOfSyncPartitions: 9 },
      ],
    });
  });
});

describe('gregor cluster status (in-process, with a stand-in client)', () => {
  let answer: ClusterDescription;
  const bootstraps: string[] = [];
  // The command talks only through admin().describeCluster(); the wire is the client's tests' business.
  const connect = ((opts: { bootstrap: string }) => {
    bootstraps.push(opts.bootstrap);
    return { admin: () => ({ describeCluster: () => Promise.resolve(answer) }), close: () => Promise.resolve() };
  }) as unknown as Parameters<typeof run>[2];

  it('exits 0 with the report on stdout', async () => {
    answer = HEALTHY;
    const c = captureIO();
    const code = await run(['cluster', 'status', '--bootstrap', '127.0.0.1:9999'], c.io, connect);
    expect(code).toBe(0);
    expect(bootstraps).toEqual(['127.0.0.1:9999']);
    expect(c.stdout()).toContain('Quorum: active controller 1 (127.0.0.1:9192), term 5, high watermark 57');
    expect(c.stdout()).toMatch(/ {2}3 {3}127\.0\.0\.1:9094 {2}fenced/);
    expect(c.stderr()).toBe('');
  });

  it('exits 2 when no active controller answered, still printing the brokers; --json carries the error', async () => {
    answer = { ...HEALTHY, quorum: null, quorumError: new GregorError('NOT_CONTROLLER', 'no active controller') };
    const human = captureIO();
    expect(await run(['cluster', 'status'], human.io, connect)).toBe(2);
    expect(human.stdout()).toContain('Quorum: unavailable (NOT_CONTROLLER: no active controller)');
    expect(human.stdout()).toContain('unfenced');
    expect(human.stderr()).toBe('NOT_CONTROLLER: no active controller\n');
    const json = captureIO();
    expect(await run(['cluster', 'status', '--json'], json.io, connect)).toBe(2);
    const parsed = JSON.parse(json.stdout());
    expect(parsed.quorum).toBeNull();
    expect(parsed.quorumError).toEqual({ error: 'NOT_CONTROLLER', code: 41, message: 'NOT_CONTROLLER: no active controller', retriable: true });
    expect(json.stderr()).toBe('');
  });

  it('a failed call exits 2 naming the Kafka error', async () => {
    const failing = (() => ({
      admin: () => ({ describeCluster: () => Promise.reject(new GregorError('NETWORK_EXCEPTION', 'no broker answered')) }),
      close: () => Promise.resolve(),
    })) as unknown as Parameters<typeof run>[2];
    const c = captureIO();
    expect(await run(['cluster', 'status'], c.io, failing)).toBe(2);
    expect(c.stderr()).toBe('NETWORK_EXCEPTION: no broker answered\n');
  });
});
