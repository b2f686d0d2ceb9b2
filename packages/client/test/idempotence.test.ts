import * as grpc from '@grpc/grpc-js';
import { ConfigError, GregorError, pollUntil } from '@gregor/common';
import { createClient, ProducerBatch, type PendingRecord } from '@gregor/client';
import { readBatchHeader, type BatchHeader } from '@gregor/record-batch';
import { IdempotenceState } from '../src/producer/idempotence';
import { resolveProducerOptions } from '../src/producer/options';
import { wireError } from './helpers/fake-cluster';
import { FAST_RETRY, useFakeCluster } from './helpers/fake-cluster-suite';

function batchOf(topic: string, partition: number, records: number): ProducerBatch {
  const b = new ProducerBatch(topic, partition, 0);
  for (let i = 0; i < records; i++) b.records.push({} as PendingRecord);
  return b;
}

describe('IdempotenceState (pure sequence bookkeeping)', () => {
  const ready = (maxInFlight = 5): IdempotenceState => {
    const s = new IdempotenceState(maxInFlight);
    s.setProducer({ producerId: 42n, epoch: 0 });
    return s;
  };

  test('sequences per partition follow the record counts and wrap at 2^31 - 1', () => {
    const s = ready();
    const a = batchOf('t', 0, 3);
    const b = batchOf('t', 0, 2);
    const c = batchOf('t', 1, 1);
    for (const x of [a, b, c]) s.assign(x);
    expect([a.baseSequence, b.baseSequence, c.baseSequence]).toEqual([0, 3, 0]);
    expect([a.producerId, a.producerEpoch]).toEqual([42n, 0]);
    // Near the wrap (the state is private: set the next sequence as if 2^31 - 2 records had gone).
    const w = ready();
    const first = batchOf('w', 0, 1);
    w.assign(first);
    w.acknowledged(first);
    (w as unknown as { partitions: Map<string, { nextSequence: number }> }).partitions.get(first.key)!.nextSequence = 0x7fff_fffe;
    const across = batchOf('w', 0, 3);
    const after = batchOf('w', 0, 1);
    w.assign(across);
    w.assign(after);
    expect([across.baseSequence, after.baseSequence]).toEqual([0x7fff_fffe, 1]);
  });

  test('a partition starts new batches only while fewer than maxInFlight are unresolved; retries go oldest first', () => {
    const s = ready(3);
    const batches = [0, 1, 2].map(() => batchOf('t', 0, 1));
    for (const b of batches) {
      expect(s.canSendHead(batchOf('t', 0, 1))).toBe(true);
      s.assign(b);
    }
    expect(s.canSendHead(batchOf('t', 0, 1))).toBe(false);
    expect(s.canSendHead(batchOf('t', 1, 1))).toBe(true);
    // All three failed and wait to be retried: only the oldest may go.
    expect(batches.map((b) => s.canSendHead(b))).toEqual([true, false, false]);
    s.acknowledged(batches[0]!);
    expect(batches.slice(1).map((b) => s.canSendHead(b))).toEqual([true, false]);
    expect(s.canSendHead(batchOf('t', 0, 1))).toBe(true);
  });

  test('batches acknowledged after an open one still count: the leader must still remember the open one when it is retried', () => {
    const s = ready(3);
    const [a, b, c] = [0, 1, 2].map(() => batchOf('t', 0, 1)) as [ProducerBatch, ProducerBatch, ProducerBatch];
    for (const x of [a, b, c]) s.assign(x);
    // gRPC answers in any order: b and c are acknowledged while a's answer (lost) is still on its way.
    s.acknowledged(b);
    s.acknowledged(c);
    expect(s.canSendHead(batchOf('t', 0, 1))).toBe(false);
    s.acknowledged(a);
    expect(s.canSendHead(batchOf('t', 0, 1))).toBe(true);
  });

  test('OUT_OF_ORDER behind an unresolved batch is retried; on the oldest it is a gap', () => {
    const s = ready();
    const [a, b] = [batchOf('t', 0, 1), batchOf('t', 0, 1)];
    s.assign(a);
    s.assign(b);
    const ooo = new GregorError('OUT_OF_ORDER_SEQUENCE_NUMBER', 'gap');
    expect(s.mayRetry(b, ooo)).toBe(true);
    expect(s.mayRetry(a, ooo)).toBe(false);
    expect(s.mayRetry(a, new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved'))).toBe(true);
    expect(s.mayRetry(a, new GregorError('INVALID_PRODUCER_EPOCH', 'fenced'))).toBe(false);
    expect(s.mayRetry(a, new GregorError('MESSAGE_TOO_LARGE', 'big'))).toBe(false);
  });

  test('a batch refused outright as the newest gives its sequence back; no epoch bump', () => {
    const s = ready();
    const a = batchOf('t', 0, 2);
    s.assign(a);
    s.failed(a, new GregorError('MESSAGE_TOO_LARGE', 'big'), true);
    expect(s.maybeBumpEpoch()).toBeUndefined();
    const b = batchOf('t', 0, 1);
    s.assign(b);
    expect([b.baseSequence, b.producerEpoch]).toEqual([0, 0]);
  });

  test('a batch failing for good breaks the sequence: new batches wait, the epoch is bumped once the rest resolved', () => {
    const s = ready();
    const [a, b, other] = [batchOf('t', 0, 1), batchOf('t', 0, 1), batchOf('u', 0, 1)];
    for (const x of [a, b, other]) s.assign(x);
    s.failed(a, new GregorError('REQUEST_TIMED_OUT', 'expired'), false);
    // b can never follow a in this epoch: an out-of-order answer now fails it.
    expect(s.mayRetry(b, new GregorError('OUT_OF_ORDER_SEQUENCE_NUMBER', 'gap'))).toBe(false);
    expect(s.canSendHead(batchOf('u', 0, 1))).toBe(false);
    expect(s.maybeBumpEpoch()).toBeUndefined(); // b and other still open
    s.failed(b, new GregorError('OUT_OF_ORDER_SEQUENCE_NUMBER', 'gap'), true);
    s.acknowledged(other);
    expect(s.maybeBumpEpoch()).toBe('bumped');
    expect(s.producer).toEqual({ producerId: 42n, epoch: 1 });
    const next = batchOf('t', 0, 1);
    expect(s.canSendHead(next)).toBe(true);
    s.assign(next);
    expect([next.producerEpoch, next.baseSequence]).toEqual([1, 0]);
  });

  test('at the last epoch a bump asks for a new producer id', () => {
    const s = new IdempotenceState(5);
    s.setProducer({ producerId: 1n, epoch: 0x7fff });
    const a = batchOf('t', 0, 1);
    s.assign(a);
    s.failed(a, new GregorError('INVALID_PRODUCER_EPOCH', 'fenced'), true);
    expect(s.maybeBumpEpoch()).toBe('needs-producer-id');
    expect(s.needsProducerId).toBe(true);
    expect(s.canSendHead(batchOf('t', 0, 1))).toBe(false);
  });
});

describe('idempotence options (Kafka rules)', () => {
  const client = { requestTimeoutMs: 30000, retry: { retries: 10, initialBackoffMs: 10, maxBackoffMs: 100 } };

  test('on by default with acks=all; turned off by acks 0/1 or maxInFlight > 5 when not asked for', () => {
    expect(resolveProducerOptions({}, client).idempotent).toBe(true);
    expect(resolveProducerOptions({ acks: 1 }, client).idempotent).toBe(false);
    expect(resolveProducerOptions({ acks: 0 }, client).idempotent).toBe(false);
    expect(resolveProducerOptions({ maxInFlight: 10 }, client).idempotent).toBe(false);
    expect(resolveProducerOptions({ idempotent: false }, client).idempotent).toBe(false);
  });

  test('asked for explicitly, a conflicting setting is a ConfigError naming it', () => {
    expect(() => resolveProducerOptions({ idempotent: true, acks: 1 }, client)).toThrow(ConfigError);
    expect(() => resolveProducerOptions({ idempotent: true, acks: 0 }, client)).toThrow(/acks/);
    expect(() => resolveProducerOptions({ idempotent: true, maxInFlight: 6 }, client)).toThrow(/maxInFlight/);
    expect(() => resolveProducerOptions({ idempotent: true, retry: { retries: 0 } }, client)).toThrow(/retries/);
    expect(resolveProducerOptions({ idempotent: true, acks: 'all', maxInFlight: 5 }, client).idempotent).toBe(true);
  });
});

describe('idempotent Producer against a fake gRPC cluster', () => {
  const t = useFakeCluster();

  const headers = (topic: string, partition: number): BatchHeader[] =>
    t.cluster.topics.get(topic)!.partitions[partition]!.batches.map((b) => readBatchHeader(b));

  it('gets a producer id once and stamps batches with it and per-partition sequences', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('seq', 2);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ lingerMs: 0 });
    // Two sends in one tick share a batch (linger 0 still waits for the sender's next turn).
    for (let i = 0; i < 3; i++) await Promise.all([`a${i}`, `b${i}`].map((value) => producer.send({ topic: 'seq', partition: 0, value })));
    await producer.send({ topic: 'seq', partition: 1, value: 'c' });
    expect(t.cluster.callsOf('InitProducerId')).toHaveLength(1);
    expect(headers('seq', 0).map((h) => [h.producerId, h.producerEpoch, h.baseSequence])).toEqual([
      [100n, 0, 0],
      [100n, 0, 2],
      [100n, 0, 4],
    ]);
    expect(headers('seq', 1).map((h) => h.baseSequence)).toEqual([0]);
  });

  it('InitProducerId is retried on retriable errors', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('init', 1);
    let refusals = 2;
    t.cluster.interceptor = (call) =>
      call.method === 'InitProducerId' && refusals-- > 0 ? { response: { error: wireError('COORDINATOR_LOAD_IN_PROGRESS', 'no block yet'), producerId: '-1', producerEpoch: -1 } } : undefined;
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    expect((await t.client.producer().send({ topic: 'init', value: 'x' })).offset).toBe(0n);
    expect(t.cluster.callsOf('InitProducerId')).toHaveLength(3);
  });

  it('a lost response is retried with the same bytes and the record is in the log once, at the offset reported', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('lost', 1);
    let lose = 1;
    t.cluster.interceptor = (call) => (call.method === 'Produce' && lose-- > 0 ? { loseResponse: true } : undefined);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ lingerMs: 0 });
    const meta = await producer.send({ topic: 'lost', messages: [{ value: 'once' }, { value: 'twice?' }] });
    expect(meta.map((m) => m.offset)).toEqual([0n, 1n]);
    const produces = t.cluster.callsOf('Produce');
    expect(produces).toHaveLength(2);
    expect(Buffer.compare(produces[0]!.request.topics[0].partitions[0].records, produces[1]!.request.topics[0].partitions[0].records)).toBe(0);
    expect(t.cluster.values('lost', 0)).toEqual(['once', 'twice?']);
    expect((await producer.send({ topic: 'lost', value: 'next' })).offset).toBe(2n);
  });

  it('keeps up to maxInFlight batches of one partition in flight, and no more', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('window', 1);
    const { release } = t.cluster.holdProduces();
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ lingerMs: 0, batchSize: 100, maxInFlight: 4 });
    const sends = Array.from({ length: 12 }, (_, i) => producer.send({ topic: 'window', value: `v${i}`.padEnd(80, '.') }));
    await pollUntil(() => t.cluster.callsOf('Produce').length >= 4, { timeoutMs: 5000, what: '4 produce requests in flight' });
    // Give the sender loop many turns (more sends wake it) to overrun the window before checking it did not.
    for (let i = 0; i < 20; i++) {
      sends.push(producer.send({ topic: 'window', value: `w${i}`.padEnd(80, '.') }));
      await new Promise((r) => setImmediate(r));
    }
    expect(t.cluster.callsOf('Produce')).toHaveLength(4);
    release();
    const metas = await Promise.all(sends);
    expect(metas.map((m) => m.offset)).toEqual(Array.from({ length: 32 }, (_, i) => BigInt(i)));
    const expected = [...Array.from({ length: 12 }, (_, i) => `v${i}`), ...Array.from({ length: 20 }, (_, i) => `w${i}`)].map((v) => v.padEnd(80, '.'));
    expect(t.cluster.values('window', 0)).toEqual(expected);
  });

  it('when an early batch fails retriably, the later ones in flight come back out of order and are retried in order', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('order', 1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    t.cluster.interceptor = (call) => {
      if (call.method !== 'Produce') return undefined;
      if (first) {
        first = false;
        // The first batch is refused (not written) once the others are in flight too.
        return { waitFor: gate.then(() => undefined) };
      }
      return undefined;
    };
    // Replace the fake's answer for the very first produce with a retriable error.
    const realAppend = t.cluster.append.bind(t.cluster);
    let refused = false;
    t.cluster.append = (topic, partition, records) => {
      if (!refused) {
        refused = true;
        return 'NOT_ENOUGH_REPLICAS';
      }
      return realAppend(topic, partition, records);
    };
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ lingerMs: 0, batchSize: 100 });
    const sends = Array.from({ length: 5 }, (_, i) => producer.send({ topic: 'order', value: `o${i}`.padEnd(80, '.') }));
    await pollUntil(() => t.cluster.callsOf('Produce').length >= 5, { timeoutMs: 5000, what: 'five batches sent' });
    release();
    const metas = await Promise.all(sends);
    expect(metas.map((m) => m.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(t.cluster.values('order', 0)).toEqual(Array.from({ length: 5 }, (_, i) => `o${i}`.padEnd(80, '.')));
    expect(headers('order', 0).map((h) => h.baseSequence)).toEqual([0, 1, 2, 3, 4]);
  });

  it('a real gap fails that batch, bumps the epoch and carries on from sequence 0', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('gap', 1);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    const producer = t.client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'gap', value: 'a' });
    let refuse = 1;
    t.cluster.interceptor = (call) =>
      call.method === 'Produce' && refuse-- > 0
        ? { response: { topics: [{ name: 'gap', partitions: [{ partition: 0, error: wireError('OUT_OF_ORDER_SEQUENCE_NUMBER', 'broker lost state'), baseOffset: '-1' }] }] } }
        : undefined;
    await expect(producer.send({ topic: 'gap', value: 'b' })).rejects.toMatchObject({ errorName: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect((await producer.send({ topic: 'gap', value: 'c' })).offset).toBe(1n);
    expect(headers('gap', 0).map((h) => [h.producerEpoch, h.baseSequence])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(t.cluster.callsOf('InitProducerId')).toHaveLength(1);
  });

  it('non-idempotent producers (acks=1) send no producer id and need no InitProducerId', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('plain', 1);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    await t.client.producer({ acks: 1 }).send({ topic: 'plain', value: 'p' });
    expect(headers('plain', 0).map((h) => [h.producerId, h.baseSequence])).toEqual([[-1n, -1]]);
    expect(t.cluster.callsOf('InitProducerId')).toHaveLength(0);
  });

  it('a transport failure of InitProducerId on every broker is retried until one answers', async () => {
    const b1 = await t.cluster.startBroker(1);
    t.cluster.createTopic('down', 1);
    let failures = 2;
    t.cluster.interceptor = (call) => (call.method === 'InitProducerId' && failures-- > 0 ? { status: grpc.status.UNAVAILABLE, details: 'injected' } : undefined);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    expect((await t.client.producer().send({ topic: 'down', value: 'x' })).offset).toBe(0n);
  });
});
