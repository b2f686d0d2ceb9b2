import * as grpc from '@grpc/grpc-js';
import { createClient } from '@gregor/client';
import { encodeRecordBatch } from '@gregor/record-batch';
import { deadPort, wireError } from './helpers/fake-cluster';
import { FAST_RETRY, useFakeCluster } from './helpers/fake-cluster-suite';

describe('Admin against a fake gRPC cluster', () => {
  const t = useFakeCluster();

  it('creates, lists, describes and deletes topics', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.client = createClient({ bootstrap: b1.address });
    const admin = t.client.admin();
    const created = await admin.createTopics([{ topic: 'b', numPartitions: 3, configs: { 'retention.ms': '1000' } }, { topic: 'a' }]);
    expect(created.map((t) => [t.topic, t.numPartitions])).toEqual([
      ['b', 3],
      ['a', 1],
    ]);
    expect(t.cluster.callsOf('CreateTopics')[0]!.request.topics[1]).toMatchObject({ name: 'a', numPartitions: -1, replicationFactor: -1 });
    expect(await admin.listTopics()).toEqual(['a', 'b']);
    const [desc] = await admin.describeTopics(['b']);
    expect(desc!.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ]);
    await admin.deleteTopics(['a']);
    expect(await admin.listTopics()).toEqual(['b']);
  });

  it('reports per-topic failures with Kafka names, all of them in context.failures', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('exists', 1);
    t.client = createClient({ bootstrap: b1.address });
    const admin = t.client.admin();
    await expect(admin.createTopics([{ topic: 'exists' }])).rejects.toMatchObject({ errorName: 'TOPIC_ALREADY_EXISTS', code: 36 });
    const both = await admin.createTopics([{ topic: 'exists' }, { topic: 'zero', numPartitions: 0 }]).catch((e: unknown) => e);
    expect(both).toMatchObject({ errorName: 'TOPIC_ALREADY_EXISTS', context: { failures: [{ name: 'exists', error: 'TOPIC_ALREADY_EXISTS' }, { name: 'zero', error: 'INVALID_PARTITIONS' }] } });
    await expect(admin.describeTopics(['missing'])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION', context: { topic: 'missing' } });
    await expect(admin.deleteTopics(['missing'])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(admin.createTopics([{ topic: '..' }])).rejects.toMatchObject({ errorName: 'INVALID_TOPIC_EXCEPTION' });
    // "Unknown topic" is an answer: one DeleteTopics call, no retries.
    expect(t.cluster.callsOf('DeleteTopics')).toHaveLength(1);
  });

  it('retries a retriable per-topic error for that topic only', async () => {
    const b1 = await t.cluster.startBroker(1);
    let once = true;
    t.cluster.interceptor = (call) => {
      if (call.method !== 'CreateTopics' || !once) return undefined;
      once = false;
      t.cluster.createTopic('ok', 1);
      return { response: { topics: [{ name: 'ok', numPartitions: 1 }, { name: 'later', error: wireError('NOT_CONTROLLER', 'moving') }] } };
    };
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const created = await t.client.admin().createTopics([{ topic: 'ok' }, { topic: 'later' }]);
    expect(created.map((t) => t.topic)).toEqual(['ok', 'later']);
    const calls = t.cluster.callsOf('CreateTopics');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.request.topics.map((t: { name: string }) => t.name)).toEqual(['later']);
  });

  it('grows topics with createPartitions; its producers see the new partitions at once', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('grow', 1);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const admin = t.client.admin();
    const producer = t.client.producer();
    expect(await producer.send({ topic: 'grow', value: 'before' })).toMatchObject({ partition: 0 });
    await admin.createPartitions([{ topic: 'grow', count: 3 }], { validateOnly: true });
    expect((await admin.describeTopics(['grow']))[0]!.partitions).toHaveLength(1);
    await admin.createPartitions([{ topic: 'grow', count: 3 }]);
    expect(t.cluster.callsOf('CreatePartitions').map((c) => c.request)).toEqual([
      expect.objectContaining({ topics: [{ name: 'grow', count: 3 }], validateOnly: true }),
      expect.objectContaining({ topics: [{ name: 'grow', count: 3 }], validateOnly: false }),
    ]);
    expect(await producer.send({ topic: 'grow', partition: 2, value: 'after' })).toMatchObject({ partition: 2, offset: 0n });
    expect(t.cluster.values('grow', 2)).toEqual(['after']);
  });

  it('createPartitions: per-topic errors with Kafka names; retriable ones retried for that topic only', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('two', 2);
    t.cluster.createTopic('moving', 1);
    let once = true;
    t.cluster.interceptor = (call) => {
      if (call.method !== 'CreatePartitions' || !once) return undefined;
      once = false;
      return { response: { results: [{ name: 'moving', error: wireError('NOT_CONTROLLER', 'moving') }] } };
    };
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const admin = t.client.admin();
    await admin.createPartitions([{ topic: 'moving', count: 2 }]);
    expect(t.cluster.callsOf('CreatePartitions')).toHaveLength(2);
    const both = await admin.createPartitions([{ topic: 'two', count: 2 }, { topic: 'missing', count: 4 }]).catch((e: unknown) => e);
    expect(both).toMatchObject({
      errorName: 'INVALID_PARTITIONS',
      code: 37,
      context: { failures: [{ name: 'two', error: 'INVALID_PARTITIONS' }, { name: 'missing', error: 'UNKNOWN_TOPIC_OR_PARTITION' }] },
    });
    // "Unknown topic" is an answer: that request was not retried.
    expect(t.cluster.callsOf('CreatePartitions')).toHaveLength(3);
    await expect(admin.createPartitions([{ topic: 'two', count: 3 }, { topic: 'two', count: 4 }])).rejects.toMatchObject({ errorName: 'INVALID_REQUEST' });
    expect(t.cluster.callsOf('CreatePartitions')).toHaveLength(3);
  });

  it('describes and alters configs', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('conf', 1, [1], { 'retention.ms': '5000' });
    t.client = createClient({ bootstrap: b1.address });
    const admin = t.client.admin();
    const [before] = await admin.describeConfigs([{ type: 'topic', name: 'conf' }]);
    expect(before!.configs.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '5000', isDefault: false });
    expect(before!.configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete', isDefault: true });
    await admin.alterConfigs([{ type: 'topic', name: 'conf', set: { 'cleanup.policy': 'compact' }, delete: ['retention.ms'] }]);
    const [after] = await admin.describeConfigs([{ type: 'topic', name: 'conf', keys: ['cleanup.policy'] }]);
    expect(after!.configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'compact', isDefault: false });
    expect(after!.configs.find((c) => c.name === 'retention.ms')).toMatchObject({ isDefault: true });
    await expect(admin.alterConfigs([{ type: 'topic', name: 'conf', set: { 'Bad Key': '1' } }])).rejects.toMatchObject({ errorName: 'INVALID_CONFIG' });
    await expect(admin.describeConfigs([{ type: 'topic', name: 'nope' }])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('lists earliest, latest and by-timestamp offsets from the leaders', async () => {
    const b1 = await t.cluster.startBroker(1);
    await t.cluster.startBroker(2);
    t.cluster.createTopic('offs', 2, [1, 2]);
    t.cluster.append('offs', 1, encodeRecordBatch([10n, 20n, 30n].map((timestamp) => ({ value: Buffer.from('x'), timestamp }))));
    t.client = createClient({ bootstrap: b1.address });
    const res = await t.client.admin().listOffsets([
      { topic: 'offs', partition: 0, spec: 'latest' },
      { topic: 'offs', partition: 1, spec: 'earliest' },
      { topic: 'offs', partition: 1, spec: 'latest' },
    ]);
    expect(res.map((r) => r.offset)).toEqual([0n, 0n, 3n]);
    const [byTime] = await t.client.admin().listOffsets([{ topic: 'offs', partition: 1, spec: { timestamp: 15n } }]);
    expect(byTime).toMatchObject({ offset: 1n, timestamp: 20n });
    expect(new Set(t.cluster.callsOf('ListOffsets').map((c) => c.nodeId))).toEqual(new Set([1, 2]));
    await expect(t.client.admin().listOffsets([{ topic: 'offs', partition: 7, spec: 'latest' }])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('lists offsets from the new leader after the old one died, also for a topic it only described', async () => {
    const b1 = await t.cluster.startBroker(1);
    const b2 = await t.cluster.startBroker(2);
    t.cluster.createTopic('tracked', 1, [1]);
    t.cluster.createTopic('described', 1, [2]);
    t.client = createClient({ bootstrap: [b1.address, b2.address], retry: FAST_RETRY, requestTimeoutMs: 2000 });
    // The client's refreshes ask for 'tracked' (its producer's topic); 'described' is only in the cache.
    await t.client.producer().send({ topic: 'tracked', value: 'x' });
    await t.client.admin().describeTopics(['described']);
    t.cluster.stopBroker(2);
    t.cluster.setLeader('described', 0, 1);
    const [latest] = await t.client.admin().listOffsets([{ topic: 'described', partition: 0, spec: 'latest' }], { timeoutMs: 5000 });
    expect(latest).toMatchObject({ topic: 'described', partition: 0, offset: 0n });
  });

  it('returns cluster metadata and fails over past a dead bootstrap broker', async () => {
    const b2 = await t.cluster.startBroker(2);
    t.cluster.createTopic('t', 2, [2]);
    t.client = createClient({ bootstrap: [`127.0.0.1:${await deadPort()}`, b2.address] });
    const md = await t.client.admin().metadata();
    expect(md.brokers.map((b) => b.nodeId)).toEqual([2]);
    expect(md.topics.map((t) => [t.name, t.partitions.length])).toEqual([['t', 2]]);
  });

  it('gives up after its timeout with NETWORK_EXCEPTION when no broker answers', async () => {
    t.client = createClient({ bootstrap: `127.0.0.1:${await deadPort()}`, retry: FAST_RETRY });
    const err = await t.client
      .admin()
      .listTopics({ timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ errorName: 'NETWORK_EXCEPTION', retriable: true });
    expect((err as Error).message).toContain('no broker answered');
  });

  it('maps a gRPC rejection of the request to a Kafka name without retrying', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.interceptor = (call) => (call.method === 'Metadata' ? { status: grpc.status.INVALID_ARGUMENT, details: 'malformed' } : undefined);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    await expect(t.client.admin().listTopics()).rejects.toMatchObject({ errorName: 'INVALID_REQUEST' });
    expect(t.cluster.callsOf('Metadata')).toHaveLength(1);
  });
});
