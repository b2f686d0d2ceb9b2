import * as grpc from '@grpc/grpc-js';
import { pollUntil, silentLogger } from '@gregor/common';
import { createClient, partitionForKey } from '@gregor/client';
import { CompressionType, compressionOf, readBatchHeader } from '@gregor/record-batch';
import { BrokerConnection } from '../src/broker-connection';
import { deadPort, wireError } from './helpers/fake-cluster';
import { FAST_RETRY, useFakeCluster } from './helpers/fake-cluster-suite';

describe('Producer against a fake gRPC cluster', () => {
  const t = useFakeCluster();

  it('sends a record and resolves to its topic, partition and offset', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('orders', 1);
    t.client = createClient({ bootstrap: b1.address });
    const producer = t.client.producer();
    const first = await producer.send({ topic: 'orders', value: 'a' });
    const rest = await producer.send({ topic: 'orders', messages: [{ value: 'b' }, { value: 'c', headers: { h: 'v' } }] });
    expect(first).toMatchObject({ topic: 'orders', partition: 0, offset: 0n });
    expect(rest.map((m) => m.offset)).toEqual([1n, 2n]);
    expect(t.cluster.values('orders', 0)).toEqual(['a', 'b', 'c']);
  });

  it('routes keys with murmur2 and puts every partition of a leader in one Produce request', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('keyed', 4);
    t.client = createClient({ bootstrap: b1.address });
    const producer = t.client.producer({ lingerMs: 60000 });
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    const acks = keys.map((key) => producer.send({ topic: 'keyed', key, value: key }));
    await producer.flush();
    const metas = await Promise.all(acks);
    metas.forEach((m, i) => expect(m.partition).toBe(partitionForKey(Buffer.from(keys[i]!), 4)));
    const produces = t.cluster.callsOf('Produce');
    expect(produces).toHaveLength(1);
    expect(produces[0]!.request.topics[0].partitions).toHaveLength(new Set(metas.map((m) => m.partition)).size);
    for (let p = 0; p < 4; p++) expect(t.cluster.values('keyed', p)).toEqual(keys.filter((k) => partitionForKey(Buffer.from(k), 4) === p));
  });

  it('onRequestSent reports each Produce request as it leaves: its partitions and record counts', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('traced', 2);
    t.client = createClient({ bootstrap: b1.address });
    const sent: { topic: string; partition: number; recordCount: number }[][] = [];
    const producer = t.client.producer({ lingerMs: 60000, onRequestSent: (parts) => void sent.push(parts.map((p) => ({ ...p }))) });
    const acks = [0, 0, 1, 0].map((partition, i) => producer.send({ topic: 'traced', partition, value: `v${i}` }));
    expect(sent).toEqual([]); // lingering: nothing left yet
    await producer.flush();
    await Promise.all(acks);
    expect(sent).toHaveLength(t.cluster.callsOf('Produce').length);
    const counts = new Map<number, number>();
    for (const parts of sent) for (const p of parts) counts.set(p.partition, (counts.get(p.partition) ?? 0) + p.recordCount);
    expect(Object.fromEntries(counts)).toEqual({ 0: 3, 1: 1 });
    expect(sent.flat().every((p) => p.topic === 'traced')).toBe(true);
  });

  it('batches records that arrive within linger into few requests', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('batched', 1);
    t.client = createClient({ bootstrap: b1.address });
    const producer = t.client.producer({ lingerMs: 20 });
    const metas = await Promise.all(Array.from({ length: 500 }, (_, i) => producer.send({ topic: 'batched', value: `v${i}` })));
    expect(metas.map((m) => m.offset)).toEqual(Array.from({ length: 500 }, (_, i) => BigInt(i)));
    // 500 tiny records sent in one tick fit in one 16 KiB batch… or a few.
    expect(t.cluster.callsOf('Produce').length).toBeLessThanOrEqual(3);
  });

  it('sticks null-key records to one partition per batch (KIP-480)', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('sticky', 3);
    t.client = createClient({ bootstrap: b1.address });
    const producer = t.client.producer({ lingerMs: 60000, batchSize: 1000 });
    const acks = Array.from({ length: 60 }, (_, i) => producer.send({ topic: 'sticky', value: `${i}`.padStart(20, '0') }));
    await producer.flush();
    const metas = await Promise.all(acks);
    // Consecutive records share a partition in runs (one batch each), not round-robin.
    let switches = 0;
    for (let i = 1; i < metas.length; i++) if (metas[i]!.partition !== metas[i - 1]!.partition) switches++;
    expect(switches).toBeGreaterThan(0);
    expect(switches).toBeLessThan(10);
    expect(new Set(metas.map((m) => m.partition)).size).toBeGreaterThan(1);
  });

  it.each([
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ] as const)('compresses with %s when asked (attributes codec bits = %d)', async (compression, codec) => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('zipped', 1);
    t.client = createClient({ bootstrap: b1.address });
    const producer = t.client.producer({ compression });
    await producer.send({ topic: 'zipped', messages: Array.from({ length: 20 }, (_, i) => ({ value: `${i}`.padEnd(200, 'x') })) });
    const batch = t.cluster.topics.get('zipped')!.partitions[0]!.batches[0]!;
    expect(compressionOf(readBatchHeader(batch).attributes)).toBe(codec);
    expect(batch.length).toBeLessThan(2000);
    expect(t.cluster.values('zipped', 0)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(200, 'x')));
  });

  it('refuses an unknown compression with a ConfigError naming the choices', () => {
    t.client = createClient({ bootstrap: '127.0.0.1:1' });
    expect(() => t.client!.producer({ compression: 'brotli' as never })).toThrow(/compression.*none, gzip, snappy, lz4, zstd/);
  });

  it('refreshes metadata on NOT_LEADER_OR_FOLLOWER and retries at the new leader', async () => {
    const b1 = await t.cluster.startBroker(1);
    await t.cluster.startBroker(2);
    t.cluster.createTopic('moving', 1, [1]);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer();
    await producer.send({ topic: 'moving', value: 'before' });
    t.cluster.setLeader('moving', 0, 2);
    const meta = await producer.send({ topic: 'moving', value: 'after' });
    expect(meta.offset).toBe(1n);
    const produces = t.cluster.callsOf('Produce');
    expect(produces.map((c) => c.nodeId)).toEqual([1, 1, 2]);
    expect(t.cluster.callsOf('Metadata').length).toBeGreaterThanOrEqual(2);
    expect(t.cluster.values('moving', 0)).toEqual(['before', 'after']);
  });

  it('fails over to the next bootstrap broker when the first is down', async () => {
    const b2 = await t.cluster.startBroker(2);
    t.cluster.createTopic('failover', 1, [2]);
    t.client = createClient({ bootstrap: [`127.0.0.1:${await deadPort()}`, b2.address], retry: FAST_RETRY });
    const meta = await t.client.producer().send({ topic: 'failover', value: 'x' });
    expect(meta.offset).toBe(0n);
  });

  // The second case is what hung a streams instance after kill -9 of a
  // leader: the runtime describes its internal topics with the admin client
  // (same client) and then produces to them; refreshes ask for tracked
  // topics only, and nothing tracked them, so their leader stayed the dead one.
  it.each([
    ['a topic the producer looked up itself', false],
    ['a topic only the admin client described', true],
  ])('moves on when the leader dies: refresh from another broker, send to the new leader (%s)', async (_what, describedFirst) => {
    const b1 = await t.cluster.startBroker(1);
    const b2 = await t.cluster.startBroker(2);
    t.cluster.createTopic('other', 1, [2]);
    t.cluster.createTopic('ha', 1, [1]);
    t.client = createClient({ bootstrap: [b1.address, b2.address], retry: FAST_RETRY, requestTimeoutMs: 2000 });
    // From here on the client's refreshes name the topics it tracks ('other'), not every topic.
    await t.client.producer().send({ topic: 'other', value: 'x' });
    if (describedFirst) await t.client.admin().describeTopics(['ha']);
    const producer = t.client.producer({ deliveryTimeoutMs: 10_000 });
    await producer.send({ topic: 'ha', value: 'one' });
    t.cluster.stopBroker(1);
    t.cluster.setLeader('ha', 0, 2);
    const meta = await producer.send({ topic: 'ha', value: 'two' });
    expect(meta.offset).toBe(1n);
    expect(t.cluster.values('ha', 0)).toEqual(['one', 'two']);
  });

  it('says so when records wait for a leader it has no broker for (fenced, gone), then moves on', async () => {
    const b1 = await t.cluster.startBroker(1);
    const b2 = await t.cluster.startBroker(2);
    t.cluster.createTopic('gone', 1, [1]);
    const logger = silentLogger();
    const info = jest.spyOn(logger, 'info');
    t.client = createClient({ bootstrap: [b1.address, b2.address], retry: FAST_RETRY, requestTimeoutMs: 2000, logger });
    const producer = t.client.producer({ deliveryTimeoutMs: 20_000 });
    await producer.send({ topic: 'gone', value: 'one' });
    t.cluster.stopBroker(1); // metadata still names node 1 leader, but lists no broker 1
    const two = producer.send({ topic: 'gone', value: 'two' });
    two.catch(() => undefined); // awaited below; a failed wait must not leave it unhandled
    const said = (): boolean => info.mock.calls.some((args: unknown[]) => String(args[0]).startsWith('records wait for metadata') && (args[1] as { node?: number } | undefined)?.node === 1);
    await pollUntil(() => said(), { timeoutMs: 15_000, what: 'the producer to say its records wait for a leader it has no broker for' });
    t.cluster.setLeader('gone', 0, 2);
    expect((await two).offset).toBe(1n);
  });

  it('retries retriable errors with backoff and keeps order', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('flaky', 1);
    let failures = 2;
    t.cluster.interceptor = (call) => {
      if (call.method !== 'Produce' || failures === 0) return undefined;
      failures--;
      return { response: { topics: [{ name: 'flaky', partitions: [{ partition: 0, error: wireError('NOT_ENOUGH_REPLICAS', 'isr too small') }] }] } };
    };
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ lingerMs: 0 });
    const metas = await Promise.all(['a', 'b', 'c'].map((value) => producer.send({ topic: 'flaky', value })));
    expect(metas.map((m) => m.offset)).toEqual([0n, 1n, 2n]);
    expect(t.cluster.values('flaky', 0)).toEqual(['a', 'b', 'c']);
    expect(t.cluster.callsOf('Produce').length).toBeGreaterThanOrEqual(3);
  });

  it('does not retry non-retriable errors', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('strict', 1);
    t.cluster.interceptor = (call) =>
      call.method === 'Produce' ? { response: { topics: [{ name: 'strict', partitions: [{ partition: 0, error: wireError('MESSAGE_TOO_LARGE', 'over max.message.bytes') }] }] } } : undefined;
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    await expect(t.client.producer().send({ topic: 'strict', value: 'x' })).rejects.toMatchObject({ errorName: 'MESSAGE_TOO_LARGE', context: { topic: 'strict', partition: 0 } });
    expect(t.cluster.callsOf('Produce')).toHaveLength(1);
  });

  it('gives up at deliveryTimeoutMs with the last error named', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('stuck', 1);
    t.cluster.interceptor = (call) =>
      call.method === 'Produce' ? { response: { topics: [{ name: 'stuck', partitions: [{ partition: 0, error: wireError('NOT_ENOUGH_REPLICAS', 'isr') }] }] } } : undefined;
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY, requestTimeoutMs: 200 });
    const err = await t.client
      .producer({ deliveryTimeoutMs: 300, lingerMs: 0 })
      .send({ topic: 'stuck', value: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ errorName: 'REQUEST_TIMED_OUT' });
    expect((err as Error).message).toContain('NOT_ENOUGH_REPLICAS');
  });

  it('a Produce call ends by its batch\'s delivery deadline: a leader that never answers fails the send within deliveryTimeoutMs', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('silent', 1);
    const { held } = t.cluster.holdProduces();
    // No slow-leader check: the call's own deadline is what must end it.
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY, slowLeaderCheckMs: 0, requestTimeoutMs: 1000 });
    const producer = t.client.producer({ lingerMs: 0, deliveryTimeoutMs: 1200 });
    const call = jest.spyOn(BrokerConnection.prototype, 'call');
    try {
      const err = await producer.send({ topic: 'silent', value: 'x' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ errorName: 'REQUEST_TIMED_OUT' });
      expect((err as Error).message).toContain('expired');
      const produces = call.mock.calls.filter(([method]) => method === 'Produce');
      expect(produces.length).toBeGreaterThanOrEqual(1);
      // requestTimeoutMs + 1 s (2000 ms) would outlive the batch: the deadline is what is left of its 1200 ms.
      for (const [, , opts] of produces) expect(opts?.timeoutMs).toBeLessThanOrEqual(1200);
      expect(held()).toBe(produces.length);
      await producer.flush();
    } finally {
      call.mockRestore();
    }
  });

  it('fails clearly for an unknown topic, an invalid name and a bad partition', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('two', 2);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ maxBlockMs: 300 });
    await expect(producer.send({ topic: 'nope', value: 'x' })).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(producer.send({ topic: 'bad name!', value: 'x' })).rejects.toMatchObject({ errorName: 'INVALID_TOPIC_EXCEPTION' });
    await expect(producer.send({ topic: 'two', value: 'x', partition: 2 })).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect((await producer.send({ topic: 'two', value: 'x', partition: 1 })).partition).toBe(1);
  });

  it('applies back-pressure at bufferMemory: waits up to maxBlockMs, then fails clearly', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('slow', 1);
    t.client = createClient({ bootstrap: b1.address });
    // Metadata first: before it, these sends would wait for metadata, and only bufferMemory's worth of them may wait.
    await t.client.producer().send({ topic: 'slow', value: 'warm-up' });
    // Hold every produce answer until the test opens the gate.
    const { release, held } = t.cluster.holdProduces();
    const value = 'v'.repeat(1000);
    const failing = t.client.producer({ bufferMemory: 2500, maxBlockMs: 100, lingerMs: 0 });
    const a = failing.send({ topic: 'slow', value });
    const b = failing.send({ topic: 'slow', value });
    // Two ~1 KB records fill the 2.5 KB buffer; the third cannot get memory in 100 ms.
    await expect(failing.send({ topic: 'slow', value })).rejects.toMatchObject({
      errorName: 'REQUEST_TIMED_OUT',
      message: expect.stringContaining('bufferMemory'),
    });
    const waiting = t.client.producer({ bufferMemory: 2500, maxBlockMs: 30000, lingerMs: 0 });
    const c = [0, 1, 2].map(() => waiting.send({ topic: 'slow', value }));
    await pollUntil(() => held() >= 2, { timeoutMs: 5000, what: 'both producers to have a request held' });
    // The third send of `waiting` has not been appended: memory is still full.
    expect(t.cluster.values('slow', 0)).toHaveLength(1);
    release();
    const metas = await Promise.all([a, b, ...c]);
    expect(metas).toHaveLength(5);
    expect(t.cluster.values('slow', 0)).toHaveLength(6);
  });

  it('turns a gRPC failure of the whole call into a retriable NETWORK_EXCEPTION and recovers', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('net', 1);
    let failures = 1;
    t.cluster.interceptor = (call) => (call.method === 'Produce' && failures-- > 0 ? { status: grpc.status.UNAVAILABLE, details: 'injected outage' } : undefined);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    expect((await t.client.producer().send({ topic: 'net', value: 'x' })).offset).toBe(0n);
    expect(t.cluster.callsOf('Produce')).toHaveLength(2);
  });
});

