import { createClient, type ConsumerRecord } from '@gregor/client';
import { encodeRecordBatch } from '@gregor/record-batch';
import { FakeCluster, wireError } from './helpers/fake-cluster';
import { FAST_RETRY, useFakeCluster } from './helpers/fake-cluster-suite';

/** Appends `values` as batches of `perBatch` records with timestamps 1000, 1001, … from `firstTs`. */
function seed(cluster: FakeCluster, topic: string, partition: number, values: string[], perBatch: number, firstTs = 1000n): void {
  for (let i = 0; i < values.length; i += perBatch) {
    const chunk = values.slice(i, i + perBatch);
    cluster.append(
      topic,
      partition,
      encodeRecordBatch(chunk.map((v, j) => ({ value: Buffer.from(v), key: Buffer.from(`k${i + j}`), timestamp: firstTs + BigInt(i + j) }))),
    );
  }
}

async function take(iterable: AsyncIterable<ConsumerRecord>, n: number): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  if (n === 0) return out;
  for await (const r of iterable) {
    out.push(r);
    if (out.length === n) break;
  }
  return out;
}

describe('Consumer against a fake gRPC cluster', () => {
  const t = useFakeCluster();

  it('iterates a partition in offset order from the beginning', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('log', 1);
    const values = Array.from({ length: 250 }, (_, i) => `v${i}`);
    seed(t.cluster, 'log', 0, values, 7);
    t.client = createClient({ bootstrap: b1.address });
    const consumer = t.client.consumer({ autoOffsetReset: 'earliest', maxPartitionBytes: 2000 });
    consumer.assign([{ topic: 'log', partition: 0 }]);
    const got = await take(consumer, 250);
    expect(got.map((r) => r.value!.toString())).toEqual(values);
    expect(got.map((r) => r.offset)).toEqual(values.map((_, i) => BigInt(i)));
    expect(got[3]).toMatchObject({ topic: 'log', partition: 0, timestamp: 1003n });
    expect(got[3]!.key!.toString()).toBe('k3');
    expect(await consumer.position({ topic: 'log', partition: 0 })).toBe(250n);
    expect(consumer.highWatermark({ topic: 'log', partition: 0 })).toBe(250n);
  });

  it('seeks to an offset inside a batch and skips the records before it', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('mid', 1);
    seed(t.cluster, 'mid', 0, ['a', 'b', 'c', 'd', 'e', 'f'], 3);
    t.client = createClient({ bootstrap: b1.address });
    const consumer = t.client.consumer();
    consumer.assign([{ topic: 'mid', partition: 0 }]);
    consumer.seek({ topic: 'mid', partition: 0 }, 4n);
    const got = await take(consumer, 2);
    expect(got.map((r) => [r.offset, r.value!.toString()])).toEqual([
      [4n, 'e'],
      [5n, 'f'],
    ]);
    // The fetch returned the whole batch starting at 3; offset 3 was skipped.
    expect(t.cluster.callsOf('Fetch')[0]!.request.topics[0].partitions[0].fetchOffset).toBe('4');
  });

  it('seeks by timestamp, to earliest and to latest', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('ts', 1);
    seed(t.cluster, 'ts', 0, ['a', 'b', 'c', 'd'], 2, 1000n);
    t.client = createClient({ bootstrap: b1.address });
    const consumer = t.client.consumer();
    const tp = { topic: 'ts', partition: 0 };
    consumer.assign([tp]);
    consumer.seek(tp, { timestamp: 1002n });
    expect((await take(consumer, 1))[0]!.value!.toString()).toBe('c');
    consumer.seek(tp, 'earliest');
    expect((await take(consumer, 1))[0]!.value!.toString()).toBe('a');
    consumer.seek(tp, 'latest');
    expect(await consumer.position(tp)).toBe(4n);
    // After the end: a timestamp later than every record means "from the end".
    consumer.seek(tp, { timestamp: 99999n });
    expect(await consumer.position(tp)).toBe(4n);
    seed(t.cluster, 'ts', 0, ['new'], 1, 5000n);
    expect((await take(consumer, 1))[0]).toMatchObject({ offset: 4n });
  });

  it('long-polls: a waiting iterator gets a record as soon as it is produced', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('live', 1);
    t.client = createClient({ bootstrap: b1.address });
    const consumer = t.client.consumer({ maxWaitMs: 10000 });
    consumer.assign([{ topic: 'live', partition: 0 }]);
    expect(await consumer.position({ topic: 'live', partition: 0 })).toBe(0n);
    const next = take(consumer, 1);
    await new Promise((r) => setImmediate(r));
    await t.client.producer({ lingerMs: 0 }).send({ topic: 'live', value: 'hello' });
    const [rec] = await next;
    expect(rec!.value!.toString()).toBe('hello');
    // One long-poll fetch was parked and answered by the produce, not by its 10 s timeout.
    expect(t.cluster.callsOf('Fetch').length).toBeLessThanOrEqual(3);
  });

  it('reads several partitions, each in order, with poll()', async () => {
    const b1 = await t.cluster.startBroker(1);
    const b2 = await t.cluster.startBroker(2);
    t.cluster.createTopic('multi', 3, [1, 2]);
    for (let p = 0; p < 3; p++) seed(t.cluster, 'multi', p, Array.from({ length: 30 }, (_, i) => `${p}:${i}`), 4);
    t.client = createClient({ bootstrap: [b1.address, b2.address] });
    const consumer = t.client.consumer({ autoOffsetReset: 'earliest' });
    consumer.assign([0, 1, 2].map((partition) => ({ topic: 'multi', partition })));
    const got: ConsumerRecord[] = [];
    while (got.length < 90) got.push(...(await consumer.poll({ timeoutMs: 5000 })));
    for (let p = 0; p < 3; p++) {
      expect(got.filter((r) => r.partition === p).map((r) => r.value!.toString())).toEqual(Array.from({ length: 30 }, (_, i) => `${p}:${i}`));
    }
    // Fetches went to both leaders.
    expect(new Set(t.cluster.callsOf('Fetch').map((c) => c.nodeId))).toEqual(new Set([1, 2]));
    expect(await consumer.poll({ timeoutMs: 50 })).toEqual([]);
  });

  it('applies autoOffsetReset on OFFSET_OUT_OF_RANGE, and surfaces it with "none"', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('oor', 1);
    seed(t.cluster, 'oor', 0, ['a', 'b'], 2);
    t.client = createClient({ bootstrap: b1.address });
    const tp = { topic: 'oor', partition: 0 };
    const resetting = t.client.consumer({ autoOffsetReset: 'earliest' });
    resetting.assign([tp]);
    resetting.seek(tp, 100n);
    expect((await take(resetting, 1))[0]!.offset).toBe(0n);
    const strict = t.client.consumer({ autoOffsetReset: 'none' });
    strict.assign([tp]);
    // No race with a short timeout: poll throws the partition's error as soon as the fetch reports it.
    await expect(strict.poll({ timeoutMs: 30_000 })).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    strict.seek(tp, 100n);
    await expect(take(strict, 1)).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    // Seeking again clears the error.
    strict.seek(tp, 1n);
    expect((await take(strict, 1))[0]!.value!.toString()).toBe('b');
  });

  it('refreshes metadata and follows the leader on NOT_LEADER_OR_FOLLOWER', async () => {
    const b1 = await t.cluster.startBroker(1);
    await t.cluster.startBroker(2);
    t.cluster.createTopic('moving', 1, [1]);
    seed(t.cluster, 'moving', 0, ['a'], 1);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const consumer = t.client.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 50 });
    consumer.assign([{ topic: 'moving', partition: 0 }]);
    expect((await take(consumer, 1))[0]!.value!.toString()).toBe('a');
    t.cluster.setLeader('moving', 0, 2);
    seed(t.cluster, 'moving', 0, ['b'], 1);
    expect((await take(consumer, 1))[0]!.value!.toString()).toBe('b');
    expect(t.cluster.callsOf('Fetch').some((c) => c.nodeId === 2)).toBe(true);
  });

  it('keeps retrying retriable fetch errors and surfaces non-retriable ones', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('errs', 1);
    seed(t.cluster, 'errs', 0, ['a'], 1);
    let flaky = 2;
    t.cluster.interceptor = (call) => {
      if (call.method !== 'Fetch') return undefined;
      if (flaky > 0) {
        flaky--;
        return { response: { topics: [{ name: 'errs', partitions: [{ partition: 0, error: wireError('REPLICA_NOT_AVAILABLE', 'x') }] }] } };
      }
      return undefined;
    };
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const consumer = t.client.consumer({ autoOffsetReset: 'earliest' });
    consumer.assign([{ topic: 'errs', partition: 0 }]);
    expect((await take(consumer, 1))[0]!.value!.toString()).toBe('a');
    t.cluster.interceptor = (call) =>
      call.method === 'Fetch' ? { response: { topics: [{ name: 'errs', partitions: [{ partition: 0, error: wireError('TOPIC_AUTHORIZATION_FAILED', 'denied') }] }] } } : undefined;
    await expect(consumer.poll({ timeoutMs: 5000 })).rejects.toMatchObject({ errorName: 'TOPIC_AUTHORIZATION_FAILED', context: { topic: 'errs', partition: 0 } });
  });

  it('pause stops a partition, resume continues it; close ends iteration', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('pp', 2);
    seed(t.cluster, 'pp', 0, ['a0', 'a1'], 1);
    seed(t.cluster, 'pp', 1, ['b0', 'b1'], 1);
    t.client = createClient({ bootstrap: b1.address });
    const consumer = t.client.consumer({ autoOffsetReset: 'earliest' });
    const p0 = { topic: 'pp', partition: 0 };
    consumer.assign([p0, { topic: 'pp', partition: 1 }]);
    consumer.pause([p0]);
    const got = await take(consumer, 2);
    expect(got.map((r) => r.value!.toString())).toEqual(['b0', 'b1']);
    expect(await consumer.poll({ timeoutMs: 100 })).toEqual([]);
    consumer.resume([p0]);
    expect((await take(consumer, 2)).map((r) => r.value!.toString())).toEqual(['a0', 'a1']);
    const ended = take(consumer, 1);
    await consumer.close();
    expect(await ended).toEqual([]);
  });

  it('does not fetch more while a partition has a full buffer (bounded prefetch)', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('bp', 1);
    seed(t.cluster, 'bp', 0, Array.from({ length: 200 }, (_, i) => `${i}`.padStart(100, '0')), 10);
    t.client = createClient({ bootstrap: b1.address });
    const consumer = t.client.consumer({ autoOffsetReset: 'earliest', maxPartitionBytes: 1500 });
    consumer.assign([{ topic: 'bp', partition: 0 }]);
    await take(consumer, 1);
    // Give the fetcher time to prefetch as much as it is allowed to.
    const fetchesBefore = t.cluster.callsOf('Fetch').length;
    await consumer.poll({ maxRecords: 0, timeoutMs: 100 }).catch(() => undefined);
    const fetchesAfter = t.cluster.callsOf('Fetch').length;
    // 200 records of ~1.4 KB batches: without a bound it would fetch them all (≈20 fetches).
    expect(fetchesAfter).toBeLessThanOrEqual(3);
    expect(fetchesAfter).toBeGreaterThanOrEqual(fetchesBefore);
    const rest = await take(consumer, 199);
    expect(rest[198]!.offset).toBe(199n);
  });
});
