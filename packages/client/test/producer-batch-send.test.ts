import { pollUntil } from '@gregor/common';
import { createClient, partitionForKey, type Message, type RecordMetadata } from '@gregor/client';
import { wireError } from './helpers/fake-cluster';
import { FAST_RETRY, useFakeCluster } from './helpers/fake-cluster-suite';

/**
 * send({ topic, messages }): one Delivery (one promise) per call. These pin
 * what callers see: metadata in message order, one rejection for a failing
 * call, flush() waiting for every record, and a bad message failing the call
 * before anything of it is queued.
 */
describe('Producer batch send against a fake gRPC cluster', () => {
  const t = useFakeCluster();

  it('resolves to every record metadata in message order, across partitions', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('spread', 4);
    t.client = createClient({ bootstrap: b1.address });
    const producer = t.client.producer({ lingerMs: 0 });
    const keys = Array.from({ length: 200 }, (_, i) => `k${i % 37}`);
    const metas = await producer.send({ topic: 'spread', messages: keys.map((key, i) => ({ key, value: `v${i}` })) });
    expect(metas).toHaveLength(keys.length);
    const next = new Map<number, bigint>();
    metas.forEach((m, i) => {
      expect(m.topic).toBe('spread');
      expect(m.partition).toBe(partitionForKey(Buffer.from(keys[i]!), 4));
      // Within a partition, offsets follow message order with no gaps.
      expect(m.offset).toBe(next.get(m.partition) ?? 0n);
      next.set(m.partition, m.offset + 1n);
    });
    for (let p = 0; p < 4; p++) {
      expect(t.cluster.values('spread', p)).toEqual(metas.flatMap((m, i) => (m.partition === p ? [`v${i}`] : [])));
    }
  });

  it('a call whose records partly fail rejects once, with the first error; the rest still settle and free their memory', async () => {
    const b1 = await t.cluster.startBroker(1);
    await t.cluster.startBroker(2);
    t.cluster.createTopic('mixed', 2, [1, 2]);
    // Partition 1 (led by node 2) refuses everything for good (INVALID_RECORD is not retriable).
    t.cluster.interceptor = (call) =>
      call.method === 'Produce' && call.nodeId === 2
        ? { response: { topics: [{ name: 'mixed', partitions: [{ partition: 1, error: wireError('INVALID_RECORD', 'refused') }] }] } }
        : undefined;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
      // Room for four 1 KB records, or one 4 KB one only if the failed records gave their memory back.
      const producer = t.client.producer({ lingerMs: 0, bufferMemory: 5000, maxBlockMs: 1000 });
      const value = 'x'.repeat(1000);
      const messages: Message[] = [0, 1, 0, 1].map((partition) => ({ partition, value }));
      await expect(producer.send({ topic: 'mixed', messages })).rejects.toMatchObject({ errorName: 'INVALID_RECORD', context: { topic: 'mixed', partition: 1 } });
      await producer.flush();
      expect(t.cluster.values('mixed', 0)).toHaveLength(2);
      const again = await producer.send({ topic: 'mixed', messages: [{ partition: 0, value: 'y'.repeat(4000) }] });
      expect(again.map((m) => m.offset)).toEqual([2n]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('flush() waits until every record of earlier calls has settled, not just some of each call', async () => {
    const b1 = await t.cluster.startBroker(1);
    await t.cluster.startBroker(2);
    t.cluster.createTopic('held', 2, [1, 2]);
    // Partition 0 (node 1) answers at once; partition 1 (node 2) is held until the gate opens.
    const { release, held } = t.cluster.holdProduces((call) => call.nodeId === 2);
    t.client = createClient({ bootstrap: b1.address });
    const producer = t.client.producer({ lingerMs: 60000 });
    let settled: RecordMetadata[][] = [];
    const sends = [0, 1, 2].map((i) =>
      producer.send({ topic: 'held', messages: [{ partition: i % 2, value: `a${i}` }, { partition: (i + 1) % 2, value: `b${i}` }] }).then((m) => void settled.push(m)),
    );
    let flushed = false;
    const flushing = producer.flush().then(() => (flushed = true));
    await pollUntil(() => held() >= 1 && t.cluster.values('held', 0).length === 3, { timeoutMs: 5000, what: 'partition 0 written and partition 1 held' });
    // Every call has a record acknowledged on partition 0 and one held on partition 1.
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    expect(settled).toHaveLength(0);
    release();
    await flushing;
    expect(settled).toHaveLength(3);
    await Promise.all(sends);
    settled = [];
    // A flush with nothing outstanding returns at once.
    await producer.flush();
    expect(settled).toHaveLength(0);
  });

  it('an invalid message anywhere in a call rejects it and queues none of its records', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('strict', 2);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ lingerMs: 0, maxRequestSize: 10_000 });
    const good = (i: number): Message => ({ value: `ok${i}` });
    const cases: [Message, string][] = [
      [{ value: 42 as unknown as string }, 'INVALID_RECORD'],
      [{ key: {} as unknown as string, value: 'v' }, 'INVALID_RECORD'],
      [{ value: 'v', timestamp: 1.5 }, 'INVALID_TIMESTAMP'],
      [{ value: 'v'.repeat(20_000) }, 'MESSAGE_TOO_LARGE'],
      [{ value: 'v', partition: 0.5 }, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ];
    for (const [bad, errorName] of cases) {
      const messages = [0, 1, 2, 3, 4].map(good).concat([bad], [6, 7, 8, 9].map(good));
      await expect(producer.send({ topic: 'strict', messages })).rejects.toMatchObject({ errorName });
    }
    await expect(producer.send({ topic: 'bad topic!', messages: [good(0)] })).rejects.toMatchObject({ errorName: 'INVALID_TOPIC_EXCEPTION' });
    // The first bad message in order is the one reported.
    await expect(producer.send({ topic: 'strict', messages: [good(0), { value: 'v', timestamp: 0.5 }, { value: 1 as unknown as string }] })).rejects.toMatchObject({ errorName: 'INVALID_TIMESTAMP' });
    // Nothing was queued: a later call's records are the first in both partitions (anything queued
    // before them, waiting for metadata or not, would have been appended and sent ahead of them).
    const metas = await producer.send({ topic: 'strict', messages: [{ value: 'first', partition: 0 }, { value: 'first', partition: 1 }] });
    expect(metas.map((m) => [m.partition, m.offset])).toEqual([[0, 0n], [1, 0n]]);
    expect(t.cluster.values('strict', 0)).toEqual(['first']);
    expect(t.cluster.values('strict', 1)).toEqual(['first']);
    expect(await producer.send({ topic: 'strict', messages: [] })).toEqual([]);
    await producer.close();
    await expect(producer.send({ topic: 'strict', messages: [good(0)] })).rejects.toMatchObject({ errorName: 'INVALID_REQUEST' });
  });

  it('a partition beyond the topic (known only from metadata) rejects the call; the call\'s other records are still sent', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('two', 2);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ lingerMs: 0 });
    await expect(producer.send({ topic: 'two', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 5 }, { value: 'c', partition: 1 }] })).rejects.toMatchObject({
      errorName: 'UNKNOWN_TOPIC_OR_PARTITION',
      context: { topic: 'two', partition: 5 },
    });
    await producer.flush();
    expect(t.cluster.values('two', 0)).toEqual(['a']);
    expect(t.cluster.values('two', 1)).toEqual(['c']);
  });
});
