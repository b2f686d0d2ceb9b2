import { GregorError, pollUntil } from '@gregor/common';
import { createClient, type RecordMetadata } from '@gregor/client';
import type { PendingRecord } from '../src/producer/accumulator';
import { WAITING_CALL_OVERHEAD_BYTES, WAITING_RECORD_OVERHEAD_BYTES, WaitingQueue, waitingChargeBytes } from '../src/producer/waiting-queue';
import { wireError, type FakeBroker, type FakeCluster } from './helpers/fake-cluster';
import { FAST_RETRY, useFakeCluster } from './helpers/fake-cluster-suite';

/** Metadata answers LEADER_NOT_AVAILABLE for `topic` (no partitions) until `leaderless.value` is false. */
function withoutLeader(cluster: FakeCluster, broker: FakeBroker, topic: string): { value: boolean } {
  const leaderless = { value: true };
  cluster.interceptor = (call) =>
    call.method === 'Metadata' && leaderless.value
      ? {
          response: {
            clusterId: 'fake',
            controllerId: 1,
            brokers: [{ nodeId: broker.nodeId, host: '127.0.0.1', port: broker.port }],
            topics: [{ name: topic, error: wireError('LEADER_NOT_AVAILABLE', 'no leader yet'), partitions: [] }],
          },
        }
      : undefined;
  return leaderless;
}

/** Watches promises without awaiting them: outcomes[i] stays undefined while promise i is pending. */
function watch<T>(promises: Promise<T>[]): (({ ok: T } | { err: unknown }) | undefined)[] {
  const outcomes: (({ ok: T } | { err: unknown }) | undefined)[] = promises.map(() => undefined);
  promises.forEach((p, i) =>
    p.then(
      (ok) => (outcomes[i] = { ok }),
      (err: unknown) => (outcomes[i] = { err }),
    ),
  );
  return outcomes;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WaitingQueue (pure bound)', () => {
  const rec = (sizeBytes: number, index: number): PendingRecord => ({ sizeBytes, index }) as PendingRecord;

  it('charges size plus overhead, the call overhead once, and gives it all back on shift', () => {
    expect(waitingChargeBytes(rec(100, 0))).toBe(100 + WAITING_RECORD_OVERHEAD_BYTES + WAITING_CALL_OVERHEAD_BYTES);
    expect(waitingChargeBytes(rec(100, 3))).toBe(100 + WAITING_RECORD_OVERHEAD_BYTES);
    const q = new WaitingQueue(10_000);
    q.push(rec(100, 0));
    q.push(rec(50, 1));
    expect(q.bytes).toBe(150 + 2 * WAITING_RECORD_OVERHEAD_BYTES + WAITING_CALL_OVERHEAD_BYTES);
    expect(q.shift()!.sizeBytes).toBe(100);
    expect(q.shift()!.sizeBytes).toBe(50);
    expect(q.bytes).toBe(0);
    expect(q.length).toBe(0);
  });

  it('admits any one call into an empty queue, and beyond that only what fits the limit', () => {
    const q = new WaitingQueue(1000);
    expect(q.admits(1_000_000)).toBe(true);
    q.push(rec(0, 0)); // 700 charged
    expect(q.admits(300)).toBe(true);
    expect(q.admits(301)).toBe(false);
  });
});

describe('Producer waiting queue bound (fake cluster)', () => {
  const t = useFakeCluster();

  it('holds a bounded number of unawaited sends while no leader exists, rejects the rest at once, then completes the accepted ones in order', async () => {
    const b1 = await t.cluster.startBroker(1);
    const leaderless = withoutLeader(t.cluster, b1, 'orphan');
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const bufferMemory = 64 * 1024;
    const producer = t.client.producer({ bufferMemory, maxBlockMs: 60_000, lingerMs: 0 });
    const total = 5000;
    const sends = Array.from({ length: total }, (_, i) => producer.send({ topic: 'orphan', value: `v${i}` }));
    const outcomes = watch(sends);
    await settle();

    // Each waiting single send is charged at least the two overheads, so at most this many fit.
    const maxWaiting = Math.floor(bufferMemory / (WAITING_RECORD_OVERHEAD_BYTES + WAITING_CALL_OVERHEAD_BYTES)) + 1;
    const waiting = producer.waitingRecordCount;
    expect(waiting).toBeGreaterThan(0);
    expect(waiting).toBeLessThanOrEqual(maxWaiting);
    // The accepted sends are the first ones and still pending; every later one was rejected before any metadata arrived.
    expect(outcomes.slice(0, waiting).every((o) => o === undefined)).toBe(true);
    const rejected = outcomes.slice(waiting);
    expect(rejected).toHaveLength(total - waiting);
    for (const o of rejected) {
      expect(o).toBeDefined();
      expect('err' in o!).toBe(true);
    }
    const err = (rejected[0] as { err: unknown }).err;
    expect(err).toBeInstanceOf(GregorError);
    expect(err).toMatchObject({ errorName: 'THROTTLING_QUOTA_EXCEEDED', retriable: true, context: { topic: 'orphan' } });
    expect((err as Error).message).toContain('metadata of topic "orphan"');

    // Sends keep being rejected while the queue is full; it does not grow.
    await expect(producer.send({ topic: 'orphan', value: 'late' })).rejects.toMatchObject({ errorName: 'THROTTLING_QUOTA_EXCEEDED' });
    expect(producer.waitingRecordCount).toBe(waiting);

    // The leader appears: the accepted sends complete, in send order, and nothing rejected was written.
    t.cluster.createTopic('orphan', 1);
    leaderless.value = false;
    const metas = (await Promise.all(sends.slice(0, waiting))) as RecordMetadata[];
    expect(metas.map((m) => m.offset)).toEqual(Array.from({ length: waiting }, (_, i) => BigInt(i)));
    expect(t.cluster.values('orphan', 0)).toEqual(Array.from({ length: waiting }, (_, i) => `v${i}`));
    expect(producer.waitingRecordCount).toBe(0);
    // With the queue drained, sends are accepted again.
    expect((await producer.send({ topic: 'orphan', value: 'after' })).offset).toBe(BigInt(waiting));
  });

  it('rejects a batch send that does not fit as a whole, and admits a large one into an empty queue', async () => {
    const b1 = await t.cluster.startBroker(1);
    const leaderless = withoutLeader(t.cluster, b1, 'batchy');
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ bufferMemory: 20_000, maxBlockMs: 60_000, lingerMs: 0 });
    const value = 'x'.repeat(100);
    // 100 records of ~340 charged bytes: more than the 20 KB bound, but the queue is empty, so it waits.
    const big = producer.send({ topic: 'batchy', messages: Array.from({ length: 100 }, (_, i) => ({ value: `${i}:${value}` })) });
    const bigOutcome = watch([big]);
    await settle();
    expect(producer.waitingRecordCount).toBe(100);
    // A second call, even of one record, finds the queue over its bound: rejected at once, nothing of it queued.
    await expect(producer.send({ topic: 'batchy', messages: [{ value: 'a' }, { value: 'b' }] })).rejects.toMatchObject({
      errorName: 'THROTTLING_QUOTA_EXCEEDED',
      context: { topic: 'batchy', waitingRecords: 100 },
    });
    expect(producer.waitingRecordCount).toBe(100);
    expect(bigOutcome[0]).toBeUndefined();

    t.cluster.createTopic('batchy', 1);
    leaderless.value = false;
    const metas = await big;
    expect(metas.map((m) => m.offset)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
    expect(t.cluster.values('batchy', 0)).toHaveLength(100);
  });

  it('bounds sends waiting for bufferMemory too, naming bufferMemory in the error', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('slow', 1);
    t.client = createClient({ bootstrap: b1.address });
    const producer = t.client.producer({ bufferMemory: 4000, maxBlockMs: 60_000, lingerMs: 0 });
    // Metadata first, so that the sends below wait for memory only.
    expect((await producer.send({ topic: 'slow', value: 'first' })).offset).toBe(0n);
    const { release, held } = t.cluster.holdProduces();
    const value = 'v'.repeat(1000);
    // Three ~1 KB records fill the 4 KB buffer; then ~1.7 KB is charged per waiting send against 4 KB: two more wait.
    const sends = Array.from({ length: 10 }, () => producer.send({ topic: 'slow', value }));
    const outcomes = watch(sends);
    let rejected: { err: unknown }[];
    try {
      await pollUntil(() => held() >= 1, { timeoutMs: 5000, what: 'a produce request to be held' });
      await settle();
      expect(producer.waitingRecordCount).toBe(2);
      rejected = outcomes.filter((o): o is { err: unknown } => o !== undefined && 'err' in o);
      expect(rejected).toHaveLength(5);
      expect(rejected[0]!.err).toMatchObject({ errorName: 'THROTTLING_QUOTA_EXCEEDED', message: expect.stringContaining('wait for bufferMemory') });
    } finally {
      release();
    }
    await pollUntil(() => outcomes.every((o) => o !== undefined), { timeoutMs: 10_000, what: 'every send to settle' });
    const ok = outcomes.filter((o): o is { ok: RecordMetadata } => o !== undefined && 'ok' in o);
    expect(ok.length + rejected.length).toBe(10);
    // The accepted ones are a prefix of the calls and were written in order.
    expect(outcomes.slice(0, ok.length).every((o) => o !== undefined && 'ok' in o)).toBe(true);
    expect(ok.map((o) => o.ok.offset)).toEqual(Array.from({ length: ok.length }, (_, i) => BigInt(i + 1)));
    expect(ok).toHaveLength(5);
    expect(t.cluster.values('slow', 0)).toHaveLength(1 + ok.length);
  });
});
