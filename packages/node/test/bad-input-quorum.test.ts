import * as grpc from '@grpc/grpc-js';
import { pollUntil } from '@gregor/common';
import type { GregorClient } from '@gregor/proto';
import { batchOf, call, connect, readAll } from './helpers/client';
import { startCombinedNodes, useInProcessNodes } from './helpers/in-process-nodes';

type Err = { name: string; code: number; message: string } | null;

/*
 * The bad-input cases of packages/broker/test/bad-input.test.ts, sent to a
 * 3-node cluster whose metadata is the Raft quorum's (the path the dev
 * cluster, docker compose and Kubernetes use): admin requests go through the
 * active controller, produce with acks=all through replication. After each:
 * every node still serves, the quorum still takes writes, and the records
 * written first are intact on the leader.
 */
describe('bad input against a 3-node quorum (in-process)', () => {
  const suite = useInProcessNodes('gregor-bad-quorum-');
  let client: GregorClient;
  let leader: GregorClient;
  const clients: GregorClient[] = [];
  let created = 0;

  beforeAll(async () => {
    await startCombinedNodes(suite.dir, suite.nodes, (_id, { controllerPort }) => ({
      'socket.request.max.bytes': 64 * 1024,
      listeners: `CLIENT://127.0.0.1:0,CONTROLLER://127.0.0.1:${controllerPort}`,
    }));
    for (const n of suite.nodes) clients.push(connect(n.clientAddress!));
    client = clients[0]!;
    const res = await call(client, 'CreateTopics', {
      topics: [{ name: 'safe', numPartitions: 1, replicationFactor: 3, configs: { 'max.message.bytes': '2048' } }],
    });
    expect(res.topics[0].error).toBeNull();
    const md = await pollUntil(
      async () => {
        const m = await call(client, 'Metadata', { topics: ['safe'] });
        return m.topics[0].partitions[0]?.isrNodes.length === 3 ? m : undefined;
      },
      { timeoutMs: 15_000, what: 'safe with an ISR of 3' },
    );
    const leaderId: number = md.topics[0].partitions[0].leaderId;
    leader = clients[suite.nodes.findIndex((n) => n.nodeId === leaderId)]!;
    const p = await call(leader, 'Produce', { acks: -1, timeoutMs: 10_000, topics: [{ name: 'safe', partitions: [{ partition: 0, records: batchOf(['keep1', 'keep2']) }] }] });
    expect(p.topics[0].partitions[0].error).toBeNull();
  }, 60_000);

  afterAll(() => {
    for (const c of clients) c.close();
  });

  afterEach(async () => {
    expect(await readAll(leader, 'safe')).toEqual(['keep1', 'keep2']);
    // Every node answers, and the quorum still takes a metadata write.
    for (const c of clients) expect((await call(c, 'Metadata', { topics: ['safe'] })).topics[0].error).toBeNull();
    const name = `alive-${created++}`;
    const res = await call(clients[created % 3]!, 'CreateTopics', { topics: [{ name, numPartitions: 1, replicationFactor: 3, configs: {} }] });
    expect(res.topics[0].error).toBeNull();
  });

  const produceTo = async (c: GregorClient, records: Buffer, acks = -1): Promise<Err> =>
    (await call(c, 'Produce', { acks, timeoutMs: 10_000, topics: [{ name: 'safe', partitions: [{ partition: 0, records }] }] })).topics[0].partitions[0].error;

  test('CreateTopics: invalid names, shapes and configs get Kafka errors from the controller', async () => {
    const res = await call(client, 'CreateTopics', {
      topics: [
        { name: 'has space', numPartitions: 1, replicationFactor: 1, configs: {} },
        { name: 'x'.repeat(250), numPartitions: 1, replicationFactor: 1, configs: {} },
        { name: 'zero', numPartitions: 0, replicationFactor: 1, configs: {} },
        { name: 'too-many', numPartitions: 1_000_000, replicationFactor: 1, configs: {} },
        { name: 'rf4', numPartitions: 1, replicationFactor: 4, configs: {} },
        { name: 'cfg', numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': 'soon' } },
        { name: 'safe', numPartitions: 1, replicationFactor: 1, configs: {} },
      ],
    });
    expect(res.topics.map((t: { error: Err }) => t.error?.name)).toEqual([
      'INVALID_TOPIC_EXCEPTION',
      'INVALID_TOPIC_EXCEPTION',
      'INVALID_PARTITIONS',
      'INVALID_PARTITIONS',
      'INVALID_REPLICATION_FACTOR',
      'INVALID_CONFIG',
      'TOPIC_ALREADY_EXISTS',
    ]);
    expect(res.topics[4].error.message).toMatch(/3/);
    const md = await call(client, 'Metadata', { topics: ['zero', 'rf4', 'cfg'] });
    expect(md.topics.map((t: { error: Err }) => t.error?.name)).toEqual(['UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_OR_PARTITION']);
  });

  test('CreatePartitions and AlterConfigs with bad values are refused and change nothing', async () => {
    const shrink = await call(client, 'CreatePartitions', { topics: [{ name: 'safe', count: 1 }, { name: 'ghost', count: 2 }] });
    expect(shrink.results.map((r: { error: Err }) => r.error?.name)).toEqual(['INVALID_PARTITIONS', 'UNKNOWN_TOPIC_OR_PARTITION']);
    const alter = await call(client, 'AlterConfigs', {
      resources: [{ resourceType: 'RESOURCE_TYPE_TOPIC', resourceName: 'safe', set: { 'retention.ms': 'never' }, delete: [] }],
    });
    expect(alter.results[0].error.name).toBe('INVALID_CONFIG');
    const md = await call(client, 'Metadata', { topics: ['safe'] });
    expect(md.topics[0].partitions).toHaveLength(1);
  });

  test('produce: MESSAGE_TOO_LARGE, CORRUPT_MESSAGE, INVALID_REQUIRED_ACKS; NOT_LEADER_OR_FOLLOWER on a follower', async () => {
    expect(await produceTo(leader, batchOf(['x'.repeat(4096)]))).toMatchObject({ name: 'MESSAGE_TOO_LARGE', code: 10 });
    const flipped = batchOf(['hello']);
    flipped[flipped.length - 3] ^= 0xff;
    expect(await produceTo(leader, flipped)).toMatchObject({ name: 'CORRUPT_MESSAGE', code: 2 });
    expect(await produceTo(leader, Buffer.from('not a record batch, just some text here'))).toMatchObject({ name: 'CORRUPT_MESSAGE' });
    expect(await produceTo(leader, batchOf(['x']), 2)).toMatchObject({ name: 'INVALID_REQUIRED_ACKS', code: 21 });
    const follower = clients.find((c) => c !== leader)!;
    expect(await produceTo(follower, batchOf(['misdirected']))).toMatchObject({ name: 'NOT_LEADER_OR_FOLLOWER', code: 6 });
  });

  test('fetch out of range is OFFSET_OUT_OF_RANGE; an oversized gRPC message is RESOURCE_EXHAUSTED', async () => {
    const fetch = await call(leader, 'Fetch', {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 0,
      topics: [{ name: 'safe', partitions: [{ partition: 0, fetchOffset: '100', partitionMaxBytes: 0, currentLeaderEpoch: -1 }] }],
    });
    expect(fetch.topics[0].partitions[0].error).toMatchObject({ name: 'OFFSET_OUT_OF_RANGE', code: 1 });
    await expect(produceTo(leader, Buffer.alloc(100 * 1024, 1))).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
  });
});
