/**
 * kafkajs's transactions through the KAFKA listeners of a real 3-node
 * cluster (issue 14): a transactional producer commits one transaction and
 * aborts another, with offsets sent to the transaction; kafkajs's consumer
 * (read_committed by default) and the SDK's read_committed consumer see
 * only the committed records, the SDK's read_uncommitted one all of them;
 * the group's offset is the committed transaction's; a second producer with
 * the same transactionalId fences the first.
 */
import { Kafka, logLevel } from 'kafkajs';
import { pollUntil } from '@gregor/common';
import type { ConsumerRecord } from '@gregor/client';
import { FAST_FAILOVER, TestCluster } from '../cluster/harness';

describe('kafkajs transactions against Gregor', () => {
  let cluster: TestCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = await TestCluster.start(3, { ...FAST_FAILOVER, 'group.initial.rebalance.delay.ms': '0' });
    kafka = new Kafka({ clientId: 'kafkajs-txn', brokers: cluster.cluster.nodes.map((n) => n.kafka!), logLevel: logLevel.NOTHING });
    await cluster.client.admin().createTopics([{ topic: 'kjs-txn', numPartitions: 2, replicationFactor: 3 }]);
    await cluster.waitForFullIsr('kjs-txn');
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const sdkRead = async (isolationLevel: 'read_committed' | 'read_uncommitted', expected: number): Promise<string[]> => {
    const consumer = cluster.client.consumer({ isolationLevel, maxWaitMs: 100 });
    consumer.assign([0, 1].map((partition) => ({ topic: 'kjs-txn', partition })));
    for (const partition of [0, 1]) consumer.seek({ topic: 'kjs-txn', partition }, 'earliest');
    const seen: ConsumerRecord[] = [];
    try {
      await pollUntil(async () => {
        seen.push(...(await consumer.poll({ timeoutMs: 200 })));
        return seen.length >= expected || undefined;
      }, { timeoutMs: 30_000, what: `${expected} records (${isolationLevel})` });
      seen.push(...(await consumer.poll({ timeoutMs: 300 })));
    } finally {
      await consumer.close();
    }
    return seen.map((r) => r.value!.toString()).sort();
  };

  it('commits, aborts, sends offsets, and fences a zombie', async () => {
    const producer = kafka.producer({ transactionalId: 'kjs-1', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();

    const committed = await producer.transaction();
    await committed.send({ topic: 'kjs-txn', messages: [{ key: 'a', value: 'c1' }, { key: 'b', value: 'c2' }] });
    await committed.sendOffsets({ consumerGroupId: 'kjs-group', topics: [{ topic: 'kjs-txn', partitions: [{ partition: 0, offset: '5' }] }] });
    await committed.commit();

    const aborted = await producer.transaction();
    await aborted.send({ topic: 'kjs-txn', messages: [{ key: 'a', value: 'a1' }, { key: 'b', value: 'a2' }] });
    await aborted.sendOffsets({ consumerGroupId: 'kjs-group', topics: [{ topic: 'kjs-txn', partitions: [{ partition: 0, offset: '9' }] }] });
    await aborted.abort();

    expect(await sdkRead('read_committed', 2)).toEqual(['c1', 'c2']);
    expect(await sdkRead('read_uncommitted', 4)).toEqual(['a1', 'a2', 'c1', 'c2']);

    // kafkajs's own consumer reads committed records only (its default isolation).
    const consumer = kafka.consumer({ groupId: 'kjs-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'kjs-txn', fromBeginning: true });
    const values: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await pollUntil(() => values.length >= 2 || undefined, { timeoutMs: 30_000, what: 'kafkajs to read the committed records' });
    await consumer.disconnect();
    expect(values.sort()).toEqual(['c1', 'c2']);

    // Offsets sent to the committed transaction count; the aborted one's do not.
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'kjs-group', topics: ['kjs-txn'] });
    expect(offsets[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe('5');

    // A new producer with the same transactionalId fences the old one.
    const open = await producer.transaction();
    await open.send({ topic: 'kjs-txn', messages: [{ value: 'zombie' }] });
    const successor = kafka.producer({ transactionalId: 'kjs-1', maxInFlightRequests: 1, idempotent: true });
    await successor.connect();
    const next = await successor.transaction(); // kafkajs runs InitProducerId here: the fence
    await expect(open.commit()).rejects.toThrow();
    await next.send({ topic: 'kjs-txn', messages: [{ value: 'successor' }] });
    await next.commit();
    const after = await sdkRead('read_committed', 3);
    expect(after).toContain('successor');
    expect(after).not.toContain('zombie');
    await admin.disconnect();
    await producer.disconnect().catch(() => undefined);
    await successor.disconnect();
  });
});
