import type * as grpc from '@grpc/grpc-js';
import { pollUntil } from '@gregor/common';
import { API_VERSIONS_API, CREATE_TOPICS_API, FETCH_API } from '@gregor/kafka-protocol';
import { RequestBytesBudget } from '../src/request-bytes-budget';
import { messageBytes } from '../src/grpc/request-bytes-interceptor';
import { call, createTopic } from './helpers/grpc-client';
import { startHarness, type Harness } from './helpers/harness';
import { startKafkaBroker, type KafkaBroker } from './helpers/kafka-broker';
import { KafkaTestClient, fetchBody } from './helpers/kafka-client';

describe('RequestBytesBudget', () => {
  it('admits while below the bound (one request may pass it), resumes waiters in order while there is room', () => {
    const b = new RequestBytesBudget(100);
    expect(b.hasRoom()).toBe(true);
    b.charge(150); // one request larger than the bound is admitted: never starved
    expect(b.hasRoom()).toBe(false);
    const resumed: string[] = [];
    b.whenRoom(() => {
      resumed.push('a');
      b.charge(60);
    });
    b.whenRoom(() => {
      resumed.push('b');
      b.charge(60);
    });
    const cancel = b.whenRoom(() => resumed.push('cancelled'));
    b.whenRoom(() => resumed.push('c'));
    cancel();
    expect(b.waiting).toBe(4);
    expect(b.pausedCount).toBe(4);
    b.release(150);
    // a takes 60 (room left), b takes it to 120 (full): c waits.
    expect(resumed).toEqual(['a', 'b']);
    b.release(120);
    expect(resumed).toEqual(['a', 'b', 'c']);
    expect(b.waiting).toBe(0);
    expect(b.usedBytes).toBe(0);
  });

  it('runs a reader at once when there is room, and is unbounded at 0', () => {
    const b = new RequestBytesBudget(0);
    b.charge(1e12);
    let ran = false;
    b.whenRoom(() => (ran = true));
    expect(ran).toBe(true);
    expect(() => b.release(2e12)).toThrow(/released more/);
  });

  it('estimates a decoded message by its bytes fields and strings', () => {
    expect(messageBytes({ topics: [{ name: 'abc', partitions: [{ partition: 1, records: Buffer.alloc(1000) }] }], acks: 1 })).toBe(3 + 8 + 1000 + 8);
  });
});

/** One request fills the bound: a second is not read until the first is answered. */
describe('queued.max.request.bytes on the KAFKA listener', () => {
  let node: KafkaBroker;
  beforeAll(async () => {
    node = await startKafkaBroker({ queuedMaxRequestBytes: 1 });
    const r = await node.client.send(CREATE_TOPICS_API, 7, { topics: [{ name: 'bp', numPartitions: 1, replicationFactor: -1 }], timeoutMs: 5000 });
    expect(r.topics[0]!.errorCode).toBe(0);
  });
  afterAll(() => node.stop());

  test('at the bound another connection is not read; it is once the request holding the bytes ends', async () => {
    const { broker } = node;
    const holder = await KafkaTestClient.connect(broker.kafkaPort!);
    const other = await KafkaTestClient.connect(broker.kafkaPort!);
    try {
      const parked = holder.send(FETCH_API, 12, fetchBody('bp', { maxWaitMs: 60_000, minBytes: 1 })).catch(() => 'closed');
      await pollUntil(async () => broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to park' });
      expect(broker.status().requestBytes.used).toBeGreaterThan(0);
      const versions = other.send(API_VERSIONS_API, 3, {});
      await pollUntil(async () => broker.status().requestBytes.waitingReaders === 1, { timeoutMs: 10_000, what: 'the second connection to wait for room' });
      expect(other.answered).toEqual([]);
      // The parked fetch ends (its client goes away): its bytes come back and the waiting request is read.
      holder.close();
      expect(await parked).toBe('closed');
      expect((await versions).errorCode).toBe(0);
      await pollUntil(async () => broker.status().requestBytes.used === 0, { timeoutMs: 10_000, what: 'every byte given back' });
      expect(broker.status().requestBytes.pausedTotal).toBeGreaterThanOrEqual(1);
    } finally {
      holder.close();
      other.close();
    }
  });

  test("at the bound a follower's Fetch is still read and answered (acks=all produces holding the bytes wait for it)", async () => {
    const { broker } = node;
    const holder = await KafkaTestClient.connect(broker.kafkaPort!);
    const follower = await KafkaTestClient.connect(broker.kafkaPort!);
    try {
      const parked = holder.send(FETCH_API, 12, fetchBody('bp', { maxWaitMs: 60_000, minBytes: 1 })).catch(() => 'closed');
      await pollUntil(async () => broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to park' });
      expect(broker.status().requestBytes.used).toBeGreaterThan(0);
      // Node 5 is no replica of bp-0: the leader reads the fetch and turns it away at once, with the budget still full.
      const res = await follower.send(FETCH_API, 12, { ...fetchBody('bp'), replicaId: 5 });
      expect(res.responses[0]!.partitions[0]!.errorCode).toBe(6);
      expect(broker.status().requestBytes.waitingReaders).toBe(0);
      holder.close();
      expect(await parked).toBe('closed');
    } finally {
      holder.close();
      follower.close();
    }
  });
});

describe('queued.max.request.bytes on the gRPC client API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ queuedMaxRequestBytes: 1 });
    expect((await createTopic(h.client, 'bp')).error).toBeFalsy();
  });
  afterAll(() => h.close());

  test('at the bound a call\'s message is not read; it is once the call holding the bytes is cancelled', async () => {
    let parkedCall!: grpc.ClientUnaryCall;
    const parked = new Promise<grpc.ServiceError | null>((resolve) => {
      parkedCall = (h.client as any).Fetch(
        { maxWaitMs: 60_000, minBytes: 1, maxBytes: 0, topics: [{ name: 'bp', partitions: [{ partition: 0, fetchOffset: '0', partitionMaxBytes: 0, currentLeaderEpoch: -1 }] }] },
        (err: grpc.ServiceError | null) => resolve(err),
      ) as grpc.ClientUnaryCall;
    });
    await pollUntil(async () => h.broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to park' });
    let metadataDone = false;
    const metadata = call(h.client, 'Metadata', { topics: [] }).then((r) => {
      metadataDone = true;
      return r;
    });
    await pollUntil(async () => h.broker.status().requestBytes.waitingReaders === 1, { timeoutMs: 10_000, what: 'the Metadata call to wait for room' });
    expect(metadataDone).toBe(false);
    parkedCall.cancel();
    expect((await parked)?.code).toBe(1); // CANCELLED
    expect((await metadata).brokers.length).toBe(1);
    await pollUntil(async () => h.broker.status().requestBytes.used === 0, { timeoutMs: 10_000, what: 'every byte given back' });
  });
});
