import * as grpc from '@grpc/grpc-js';
import { batchOf, call, createTopic, fetchOnce, listOffset, produce, valuesOf } from './helpers/grpc-client';
import { startHarness, type Harness } from './helpers/harness';

/**
 * Issue 2 item 8: each bad input gets Kafka's error code and a clear
 * message; afterwards the broker still serves and earlier data is intact.
 */
describe('bad input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ socketRequestMaxBytes: 64 * 1024 });
    await createTopic(h.client, 'safe', 1, { 'max.message.bytes': '2048' });
    await produce(h.client, 'safe', 0, batchOf(['keep1', 'keep2']));
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(async () => {
    const f = await fetchOnce(h.client, 'safe', 0, 0n);
    expect(f.error).toBeNull();
    expect(valuesOf(f.records)).toEqual(['keep1', 'keep2']);
  });

  test.each([[''], ['.'], ['..'], ['has space'], ['a/b'], ['ü'], ['x'.repeat(250)]])('invalid topic name %j', async (name) => {
    const created = await call(h.client, 'CreateTopics', { topics: [{ name, numPartitions: 1, replicationFactor: 1, configs: {} }] });
    expect(created.topics[0].error.name).toBe('INVALID_TOPIC_EXCEPTION');
    expect(created.topics[0].error.code).toBe(17);
    expect(created.topics[0].error.retriable).toBe(false);
    const md = await call(h.client, 'Metadata', { topics: [name], allowAutoTopicCreation: true });
    expect(md.topics[0].error.name).toBe('INVALID_TOPIC_EXCEPTION');
  });

  test('unknown topic: produce, fetch, list offsets, metadata (auto-create off)', async () => {
    const p = await produce(h.client, 'ghost', 0, batchOf(['x']));
    expect(p.error).toMatchObject({ name: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true });
    expect((await fetchOnce(h.client, 'ghost', 0, 0n)).error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect((await listOffset(h.client, 'ghost', 0, -1n)).error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const md = await call(h.client, 'Metadata', { topics: ['ghost'], allowAutoTopicCreation: true });
    expect(md.topics[0].error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(h.metadata.topic('ghost')).toBeUndefined();
    expect((await produce(h.client, 'safe', 9, batchOf(['x']))).error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  test.each([
    [0, 1, 'INVALID_PARTITIONS'],
    [-7, 1, 'INVALID_PARTITIONS'],
    [1_000_000, 1, 'INVALID_PARTITIONS'],
    [1, 3, 'INVALID_REPLICATION_FACTOR'],
    [1, 0, 'INVALID_REPLICATION_FACTOR'],
  ])('create with %d partitions and replication factor %d → %s', async (numPartitions, replicationFactor, expected) => {
    const res = await call(h.client, 'CreateTopics', { topics: [{ name: 'shape', numPartitions, replicationFactor, configs: {} }] });
    expect(res.topics[0].error.name).toBe(expected);
    expect(h.metadata.topic('shape')).toBeUndefined();
  });

  test('create: existing topic, bad config, duplicate in request, validate_only', async () => {
    const res = await call(h.client, 'CreateTopics', {
      topics: [
        { name: 'safe', numPartitions: 1, replicationFactor: 1, configs: {} },
        { name: 'cfg', numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': 'soon' } },
        { name: 'cfg2', numPartitions: 1, replicationFactor: 1, configs: { 'segment.jiggle': '1' } },
        { name: 'twice', numPartitions: 1, replicationFactor: 1, configs: {} },
        { name: 'twice', numPartitions: 1, replicationFactor: 1, configs: {} },
      ],
    });
    expect(res.topics.map((t: any) => t.error?.name)).toEqual([
      'TOPIC_ALREADY_EXISTS',
      'INVALID_CONFIG',
      'INVALID_CONFIG',
      'INVALID_REQUEST',
      'INVALID_REQUEST',
    ]);
    expect(res.topics[1].error.message).toContain('retention.ms');
    expect(res.topics[2].error.message).toContain('segment.jiggle');
    const dry = await call(h.client, 'CreateTopics', {
      validateOnly: true,
      topics: [{ name: 'dry', numPartitions: -1, replicationFactor: -1, configs: {} }],
    });
    expect(dry.topics[0]).toMatchObject({ error: null, numPartitions: 1, replicationFactor: 1 });
    expect(h.metadata.topic('dry')).toBeUndefined();
  });

  test('a batch over max.message.bytes is MESSAGE_TOO_LARGE', async () => {
    const res = await produce(h.client, 'safe', 0, batchOf(['x'.repeat(4096)]));
    expect(res.error).toMatchObject({ name: 'MESSAGE_TOO_LARGE', code: 10 });
  });

  test('a batch with a flipped byte is CORRUPT_MESSAGE', async () => {
    const batch = batchOf(['hello', 'world']);
    batch[batch.length - 3] ^= 0xff;
    const res = await produce(h.client, 'safe', 0, batch);
    expect(res.error).toMatchObject({ name: 'CORRUPT_MESSAGE', code: 2 });
  });

  test('garbage bytes, a truncated batch and no batch at all are rejected', async () => {
    expect((await produce(h.client, 'safe', 0, Buffer.from('definitely not a record batch at all, just text'))).error.name).toBe('CORRUPT_MESSAGE');
    const batch = batchOf(['hello']);
    expect((await produce(h.client, 'safe', 0, batch.subarray(0, batch.length - 1))).error.name).toBe('CORRUPT_MESSAGE');
    expect((await produce(h.client, 'safe', 0, Buffer.alloc(0))).error.name).toBe('INVALID_RECORD');
  });

  test('one bad partition does not fail the good one in the same request', async () => {
    await createTopic(h.client, 'mixed', 2);
    const bad = batchOf(['x']);
    bad[bad.length - 1] ^= 1;
    const res = await call(h.client, 'Produce', {
      acks: 1,
      topics: [{ name: 'mixed', partitions: [{ partition: 0, records: batchOf(['good']) }, { partition: 1, records: bad }] }],
    });
    expect(res.topics[0].partitions.map((p: any) => p.error?.name ?? null)).toEqual([null, 'CORRUPT_MESSAGE']);
    expect(valuesOf((await fetchOnce(h.client, 'mixed', 0, 0n)).records)).toEqual(['good']);
    expect((await fetchOnce(h.client, 'mixed', 1, 0n)).records.length).toBe(0);
  });

  test('fetch out of range is OFFSET_OUT_OF_RANGE', async () => {
    expect((await fetchOnce(h.client, 'safe', 0, 100n)).error).toMatchObject({ name: 'OFFSET_OUT_OF_RANGE', code: 1 });
    expect((await fetchOnce(h.client, 'safe', 0, -5n)).error.name).toBe('OFFSET_OUT_OF_RANGE');
  });

  test('invalid acks is INVALID_REQUIRED_ACKS and nothing is written', async () => {
    const before = h.store.appendCalls;
    const res = await produce(h.client, 'safe', 0, batchOf(['x']), 2);
    expect(res.error).toMatchObject({ name: 'INVALID_REQUIRED_ACKS', code: 21 });
    expect(h.store.appendCalls).toBe(before);
  });

  test('a partition named twice in one produce is INVALID_REQUEST for the second', async () => {
    const res = await call(h.client, 'Produce', {
      acks: 1,
      topics: [{ name: 'twice-p', partitions: [] }, { name: 'mixed', partitions: [{ partition: 0, records: batchOf(['d1']) }, { partition: 0, records: batchOf(['d2']) }] }],
    });
    expect(res.topics[1].partitions.map((p: any) => p.error?.name ?? null)).toEqual([null, 'INVALID_REQUEST']);
  });

  test('a stale or future leader epoch is fenced', async () => {
    const res = await call(h.client, 'Fetch', {
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 0,
      topics: [{ name: 'safe', partitions: [{ partition: 0, fetchOffset: '0', partitionMaxBytes: 0, currentLeaderEpoch: 3 }] }],
    });
    expect(res.topics[0].partitions[0].error.name).toBe('UNKNOWN_LEADER_EPOCH');
  });

  test('config resources: unknown type and other brokers are INVALID_REQUEST', async () => {
    const res = await call(h.client, 'DescribeConfigs', {
      resources: [
        { resourceType: 'RESOURCE_TYPE_UNKNOWN', resourceName: 'x', configNames: [] },
        { resourceType: 'RESOURCE_TYPE_BROKER', resourceName: '42', configNames: [] },
      ],
    });
    expect(res.results.map((r: any) => r.error.name)).toEqual(['INVALID_REQUEST', 'INVALID_REQUEST']);
    const alter = await call(h.client, 'AlterConfigs', {
      resources: [{ resourceType: 'RESOURCE_TYPE_TOPIC', resourceName: 'safe', set: {}, delete: ['not.a.key'] }],
    });
    expect(alter.results[0].error.name).toBe('INVALID_CONFIG');
  });

  test('a gRPC message over socket.request.max.bytes is RESOURCE_EXHAUSTED', async () => {
    const huge = Buffer.alloc(100 * 1024, 1);
    await expect(produce(h.client, 'safe', 0, huge)).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
  });

  test('a malformed protobuf payload fails that call only', async () => {
    const garbage = Buffer.from([0x1a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const err = await new Promise<grpc.ServiceError | null>((resolve) => {
      h.client.makeUnaryRequest(
        '/gregor.v1.Gregor/Produce',
        () => garbage,
        (b: Buffer) => b,
        {},
        (e) => resolve(e),
      );
    });
    expect(err).not.toBeNull();
    expect(err!.code).not.toBe(grpc.status.OK);
  });

  test('a storage failure is KAFKA_STORAGE_ERROR and later writes work again', async () => {
    h.store.failAppends = true;
    try {
      const res = await produce(h.client, 'mixed', 1, batchOf(['lost']));
      expect(res.error).toMatchObject({ name: 'KAFKA_STORAGE_ERROR', retriable: true });
    } finally {
      h.store.failAppends = false;
    }
    expect((await produce(h.client, 'mixed', 1, batchOf(['ok']))).error).toBeNull();
  });
});

describe('auto-creation', () => {
  test('on: Metadata creates a missing topic when the request allows it', async () => {
    const h = await startHarness({ autoCreateTopicsEnable: true, numPartitions: 2 });
    try {
      const refused = await call(h.client, 'Metadata', { topics: ['auto'], allowAutoTopicCreation: false });
      expect(refused.topics[0].error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
      const md = await call(h.client, 'Metadata', { topics: ['auto'], allowAutoTopicCreation: true });
      expect(md.topics[0].error).toBeNull();
      expect(md.topics[0].partitions).toHaveLength(2);
      expect((await produce(h.client, 'auto', 1, batchOf(['x']))).error).toBeNull();
    } finally {
      await h.close();
    }
  });
});
