import { pollUntil } from '@gregor/common';
import { decodeRecordBatches, TimestampType } from '@gregor/record-batch';
import { batchOf, call, createTopic, fetchOnce, listOffset, offsetsOf, produce, valuesOf } from './helpers/grpc-client';
import { startHarness, type Harness } from './helpers/harness';

describe('broker client API (in-process, port 0)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('create topic, then Metadata describes it with this node as leader', async () => {
    const created = await createTopic(h.client, 'orders', 3);
    expect(created.error).toBeNull();
    expect(created.numPartitions).toBe(3);
    expect(created.topicId).toMatch(/^[0-9a-f-]{36}$/);
    const md = await call(h.client, 'Metadata', { topics: ['orders'] });
    expect(md.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: h.broker.port, rack: '' }]);
    expect(md.controllerId).toBe(1);
    expect(md.clusterId).toBe(h.metadata.clusterId);
    expect(md.topics[0].topicId).toBe(created.topicId);
    expect(md.topics[0].partitions.map((p: any) => [p.partition, p.leaderId, p.isrNodes])).toEqual([
      [0, 1, [1]],
      [1, 1, [1]],
      [2, 1, [1]],
    ]);
    const all = await call(h.client, 'Metadata', { topics: [] });
    expect(all.topics.map((t: any) => t.name)).toEqual(['orders']);
  });

  test('produce with acks 1, -1 and 0, then fetch everything in order', async () => {
    await createTopic(h.client, 't');
    const r1 = await produce(h.client, 't', 0, batchOf(['a', 'b']), 1);
    expect(r1.error).toBeNull();
    expect(r1.baseOffset).toBe('0');
    const r2 = await produce(h.client, 't', 0, Buffer.concat([batchOf(['c']), batchOf(['d', 'e'])]), -1);
    expect(r2.error).toBeNull();
    expect(r2.baseOffset).toBe('2');
    expect(h.store.appendCalls).toBe(2);
    const r3 = await produce(h.client, 't', 0, batchOf(['f']), 0);
    expect(r3.error).toBeNull();
    expect(r3.baseOffset).toBe('-1');
    const fetched = await pollUntil(
      async () => {
        const f = await fetchOnce(h.client, 't', 0, 0n);
        return f.highWatermark === '6' ? f : undefined;
      },
      { timeoutMs: 10_000, what: 'the acks=0 record to become visible' },
    );
    expect(fetched.error).toBeNull();
    expect(valuesOf(fetched.records)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(offsetsOf(fetched.records)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    const from3 = await fetchOnce(h.client, 't', 0, 3n);
    // Whole batches: the first may start before the fetch offset.
    expect(offsetsOf(from3.records)[0]).toBeLessThanOrEqual(3n);
    expect(offsetsOf(from3.records)).toContain(5n);
  });

  test('one produce request to several partitions is one storage write', async () => {
    await createTopic(h.client, 'multi', 2);
    const res = await call(h.client, 'Produce', {
      acks: 1,
      topics: [{ name: 'multi', partitions: [{ partition: 0, records: batchOf(['x']) }, { partition: 1, records: batchOf(['y', 'z']) }] }],
    });
    expect(res.topics[0].partitions.map((p: any) => [p.partition, p.error, p.baseOffset])).toEqual([
      [0, null, '0'],
      [1, null, '0'],
    ]);
    expect(h.store.appendCalls).toBe(1);
  });

  test('fetch byte budgets: max_bytes across partitions, at least one batch for the first', async () => {
    await createTopic(h.client, 'budget', 2);
    const big = batchOf(['x'.repeat(1000)]);
    await produce(h.client, 'budget', 0, big);
    await produce(h.client, 'budget', 1, batchOf(['y'.repeat(1000)]));
    const both = (maxBytes: number) =>
      call(h.client, 'Fetch', {
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes,
        topics: [{ name: 'budget', partitions: [0, 1].map((partition) => ({ partition, fetchOffset: '0', partitionMaxBytes: 0, currentLeaderEpoch: -1 })) }],
      });
    const sizes = async (maxBytes: number) => (await both(maxBytes)).topics[0].partitions.map((p: any) => p.records.length);
    expect(await sizes(big.length * 3)).toEqual([big.length, big.length]);
    expect(await sizes(big.length + 10)).toEqual([big.length, 0]);
    expect(await sizes(10)).toEqual([big.length, 0]);
  });

  test('a waiting fetch wakes up on produce and answers with the data', async () => {
    await createTopic(h.client, 'lp');
    let settled: any;
    const pending = fetchOnce(h.client, 'lp', 0, 0n, { maxWaitMs: 60_000, minBytes: 1 }).then((r) => (settled = r));
    await pollUntil(() => h.broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to wait' });
    await produce(h.client, 'lp', 0, batchOf(['wake']));
    // The wait is 60 s; the fetch must answer long before, because of the produce.
    await pollUntil(() => settled !== undefined, { timeoutMs: 15_000, what: 'the waiting fetch to answer' });
    await pending;
    expect(valuesOf(settled.records)).toEqual(['wake']);
    expect(h.broker.waitingFetches).toBe(0);
  });

  test('a waiting fetch with min_bytes keeps waiting until enough bytes arrived', async () => {
    await createTopic(h.client, 'mb');
    const one = batchOf(['x']);
    let settled: any;
    void fetchOnce(h.client, 'mb', 0, 0n, { maxWaitMs: 60_000, minBytes: one.length * 2 + 1 }).then((r) => (settled = r));
    await pollUntil(() => h.broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to wait' });
    await produce(h.client, 'mb', 0, batchOf(['x']));
    await produce(h.client, 'mb', 0, batchOf(['y']));
    expect(settled).toBeUndefined();
    expect(h.broker.waitingFetches).toBe(1);
    await produce(h.client, 'mb', 0, batchOf(['z']));
    await pollUntil(() => settled !== undefined, { timeoutMs: 15_000, what: 'the fetch to answer' });
    expect(valuesOf(settled.records)).toEqual(['x', 'y', 'z']);
  });

  test('a cancelled waiting fetch leaves the waiting set', async () => {
    await createTopic(h.client, 'cancel');
    const pending = (h.client as any).Fetch(
      {
        maxWaitMs: 60_000,
        minBytes: 1,
        maxBytes: 0,
        topics: [{ name: 'cancel', partitions: [{ partition: 0, fetchOffset: '0', partitionMaxBytes: 0, currentLeaderEpoch: -1 }] }],
      },
      () => undefined,
    );
    await pollUntil(() => h.broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to wait' });
    pending.cancel();
    await pollUntil(() => h.broker.waitingFetches === 0, { timeoutMs: 10_000, what: 'the cancelled fetch to leave' });
    expect((await produce(h.client, 'cancel', 0, batchOf(['after']))).error).toBeNull();
  });

  test('a waiting fetch times out with empty records', async () => {
    await createTopic(h.client, 'idle');
    const res = await fetchOnce(h.client, 'idle', 0, 0n, { maxWaitMs: 150, minBytes: 1 });
    expect(res.error).toBeNull();
    expect(res.records.length).toBe(0);
    expect(res.highWatermark).toBe('0');
    expect(h.broker.waitingFetches).toBe(0);
  });

  test('ListOffsets: earliest, latest (= HW) and by timestamp', async () => {
    await createTopic(h.client, 'lo');
    await produce(h.client, 'lo', 0, batchOf(['a', 'b'], 1000n));
    await produce(h.client, 'lo', 0, batchOf(['c'], 5000n));
    expect((await listOffset(h.client, 'lo', 0, -2n)).offset).toBe('0');
    expect((await listOffset(h.client, 'lo', 0, -1n)).offset).toBe('3');
    const byTime = await listOffset(h.client, 'lo', 0, 4000n);
    expect(byTime.error).toBeNull();
    expect(byTime.offset).toBe('2');
    expect(byTime.timestamp).toBe('5000');
    expect((await listOffset(h.client, 'lo', 0, 9999n)).offset).toBe('-1');
    expect((await listOffset(h.client, 'lo', 0, -7n)).error.name).toBe('INVALID_REQUEST');
    expect((await listOffset(h.client, 'lo', 4, -1n)).error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  test('DescribeConfigs and incremental AlterConfigs', async () => {
    await createTopic(h.client, 'cfg', 1, { 'retention.ms': '1234' });
    const describe = async (names: string[] = []): Promise<any[]> =>
      (await call(h.client, 'DescribeConfigs', { resources: [{ resourceType: 'RESOURCE_TYPE_TOPIC', resourceName: 'cfg', configNames: names }] }))
        .results[0].configs;
    const before = await describe();
    expect(before.find((e) => e.name === 'retention.ms')).toMatchObject({ value: '1234', isDefault: false });
    expect(before.find((e) => e.name === 'max.message.bytes')).toMatchObject({ value: '1048588', isDefault: true });
    const alter = await call(h.client, 'AlterConfigs', {
      resources: [{ resourceType: 'RESOURCE_TYPE_TOPIC', resourceName: 'cfg', set: { 'max.message.bytes': '2000' }, delete: ['retention.ms'] }],
    });
    expect(alter.results[0].error).toBeNull();
    const after = await describe(['retention.ms', 'max.message.bytes']);
    expect(after).toEqual([
      { name: 'retention.ms', value: '604800000', isDefault: true, readOnly: false },
      { name: 'max.message.bytes', value: '2000', isDefault: false, readOnly: false },
    ]);
    const bad = await call(h.client, 'AlterConfigs', {
      resources: [{ resourceType: 'RESOURCE_TYPE_TOPIC', resourceName: 'cfg', set: { 'retention.ms': 'forever' }, delete: [] }],
    });
    expect(bad.results[0].error.name).toBe('INVALID_CONFIG');
    expect(bad.results[0].error.message).toContain('retention.ms');
    const dry = await call(h.client, 'AlterConfigs', {
      validateOnly: true,
      resources: [{ resourceType: 'RESOURCE_TYPE_TOPIC', resourceName: 'cfg', set: { 'retention.bytes': '5' }, delete: [] }],
    });
    expect(dry.results[0].error).toBeNull();
    expect((await describe(['retention.bytes']))[0].isDefault).toBe(true);
    const unknown = await call(h.client, 'DescribeConfigs', { resources: [{ resourceType: 'RESOURCE_TYPE_TOPIC', resourceName: 'nope', configNames: [] }] });
    expect(unknown.results[0].error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    // The new limit applies to the next produce.
    const big = await produce(h.client, 'cfg', 0, batchOf(['x'.repeat(3000)]));
    expect(big.error.name).toBe('MESSAGE_TOO_LARGE');
  });

  test('DeleteTopics removes the topic and its log; a waiting fetch on it answers', async () => {
    await createTopic(h.client, 'doomed', 2);
    await produce(h.client, 'doomed', 0, batchOf(['x']));
    let settled: any;
    void fetchOnce(h.client, 'doomed', 1, 0n, { maxWaitMs: 60_000 }).then((r) => (settled = r));
    await pollUntil(() => h.broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to wait' });
    const res = await call(h.client, 'DeleteTopics', { topicNames: ['doomed', 'never-was'] });
    expect(res.topics.map((t: any) => [t.name, t.error?.name ?? null])).toEqual([
      ['doomed', null],
      ['never-was', 'UNKNOWN_TOPIC_OR_PARTITION'],
    ]);
    await pollUntil(() => settled !== undefined, { timeoutMs: 15_000, what: 'the waiting fetch to answer' });
    expect(settled.error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    await pollUntil(() => h.store.getPartition('doomed', 0) === undefined, { timeoutMs: 10_000, what: 'the log to be deleted' });
    expect((await produce(h.client, 'doomed', 0, batchOf(['y']))).error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    // The name can be used again, for a new (empty) topic.
    const again = await createTopic(h.client, 'doomed', 1);
    expect(again.error).toBeNull();
    expect((await fetchOnce(h.client, 'doomed', 0, 0n)).records.length).toBe(0);
  });

  test('LogAppendTime topics get the broker time written into each batch', async () => {
    await createTopic(h.client, 'lat', 1, { 'message.timestamp.type': 'LogAppendTime' });
    const before = Date.now();
    const res = await produce(h.client, 'lat', 0, batchOf(['a', 'b'], 5n));
    const stamped = BigInt(res.logAppendTimeMs);
    expect(stamped).toBeGreaterThanOrEqual(BigInt(before));
    const fetched = await fetchOnce(h.client, 'lat', 0, 0n);
    const [batch] = decodeRecordBatches(fetched.records);
    expect(batch!.header.maxTimestamp).toBe(stamped);
    expect(batch!.header.attributes & 0x08).toBe(TimestampType.LogAppendTime << 3);
  });

  test('stop answers a waiting fetch at once', async () => {
    await createTopic(h.client, 'bye');
    let settled: any;
    void fetchOnce(h.client, 'bye', 0, 0n, { maxWaitMs: 60_000 }).then(
      (r) => (settled = r),
      (e) => (settled = e),
    );
    await pollUntil(() => h.broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to wait' });
    await h.broker.stop();
    await pollUntil(() => settled !== undefined, { timeoutMs: 15_000, what: 'the fetch to answer' });
    expect(settled.records.length).toBe(0);
    expect(h.broker.isServing).toBe(false);
  });
});

describe('broker limits and background work', () => {
  test('the waiting set is bounded: beyond it a fetch answers at once', async () => {
    const h = await startHarness({ fetchMaxWaitingRequests: 1 });
    try {
      await createTopic(h.client, 'b');
      void fetchOnce(h.client, 'b', 0, 0n, { maxWaitMs: 60_000 }).catch(() => undefined);
      await pollUntil(() => h.broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the first fetch to wait' });
      const second = await fetchOnce(h.client, 'b', 0, 0n, { maxWaitMs: 60_000 });
      expect(second.error).toBeNull();
      expect(second.records.length).toBe(0);
      expect(h.broker.waitingFetches).toBe(1);
    } finally {
      await h.close();
    }
  });

  test('retention removes batches older than retention.ms', async () => {
    const h = await startHarness({}, { nowMs: () => 1_000_000, monotonicMs: () => performance.now() });
    try {
      await createTopic(h.client, 'old', 1, { 'retention.ms': '10000' });
      await createTopic(h.client, 'keep', 1, { 'retention.ms': '-1' });
      await produce(h.client, 'old', 0, batchOf(['ancient'], 1_000n));
      await produce(h.client, 'old', 0, batchOf(['fresh'], 995_000n));
      await produce(h.client, 'keep', 0, batchOf(['ancient'], 1_000n));
      expect(await h.broker.runRetention()).toBe(2);
      expect((await listOffset(h.client, 'old', 0, -2n)).offset).toBe('1');
      expect((await listOffset(h.client, 'keep', 0, -2n)).offset).toBe('0');
    } finally {
      await h.close();
    }
  });

  test('the periodic retention task runs on its own', async () => {
    const h = await startHarness({ retentionCheckIntervalMs: 20 }, { nowMs: () => 1_000_000, monotonicMs: () => performance.now() });
    try {
      await createTopic(h.client, 'old', 1, { 'retention.ms': '10' });
      await produce(h.client, 'old', 0, batchOf(['ancient'], 1_000n));
      await pollUntil(async () => (await listOffset(h.client, 'old', 0, -2n)).offset === '1', { timeoutMs: 10_000, what: 'retention to run' });
    } finally {
      await h.close();
    }
  });
});
