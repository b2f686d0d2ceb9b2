import { errorCode } from '@gregor/common';
import { CREATE_TOPICS_API, FETCH_API, PRODUCE_API, type Encodable, type FetchRequest, type FetchResponse } from '@gregor/kafka-protocol';
import { batchOf, valuesOf } from './helpers/grpc-client';
import { startKafkaBroker, type KafkaBroker } from './helpers/kafka-broker';

/**
 * KIP-227 incremental fetch sessions on the KAFKA listener, over a real
 * socket: a full Fetch at epoch 0 opens a session, incremental ones name
 * only what changed and get only partitions with news, and the session
 * errors come back as Kafka's codes.
 */
describe('Kafka front end: incremental fetch sessions (KIP-227)', () => {
  let node: KafkaBroker;
  beforeAll(async () => {
    node = await startKafkaBroker({ fetchSessionCacheSlots: 2 });
    const r = await node.client.send(CREATE_TOPICS_API, 7, { topics: [{ name: 's', numPartitions: 3, replicationFactor: -1 }], timeoutMs: 5000 });
    expect(r.topics[0]!.errorCode).toBe(0);
  });
  afterAll(() => node.stop());

  const partitionData = (partition: number, fetchOffset = 0n) => ({ partition, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 });
  function fetchReq(sessionId: number, sessionEpoch: number, parts: { partition: number; fetchOffset?: bigint }[], forgotten: number[] = []): Encodable<FetchRequest> {
    return {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      sessionId,
      sessionEpoch,
      topics: parts.length === 0 ? [] : [{ topic: 's', partitions: parts.map((p) => partitionData(p.partition, p.fetchOffset)) }],
      forgottenTopicsData: forgotten.length === 0 ? [] : [{ topic: 's', partitions: forgotten }],
    };
  }
  const partitionsOf = (r: FetchResponse) => r.responses.flatMap((t) => t.partitions.map((p) => p.partitionIndex));
  async function produce(partition: number, values: string[]): Promise<void> {
    const r = await node.client.send(PRODUCE_API, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 's', partitionData: [{ index: partition, records: batchOf(values) }] }] });
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  }

  test('a full fetch opens a session; incremental fetches answer only partitions with news; positions move by request', async () => {
    const { client } = node;
    await produce(0, ['a0']);
    const full = await client.send(FETCH_API, 12, fetchReq(0, 0, [{ partition: 0 }, { partition: 1 }, { partition: 2 }]));
    expect(full.errorCode).toBe(0);
    expect(full.sessionId).toBeGreaterThan(0);
    expect(partitionsOf(full)).toEqual([0, 1, 2]);
    const id = full.sessionId;

    // Nothing new anywhere (still at offset 0 of partition 0 — its records come again, so move past them).
    const moved = await client.send(FETCH_API, 12, fetchReq(id, 1, [{ partition: 0, fetchOffset: 1n }]));
    expect(moved).toMatchObject({ errorCode: 0, sessionId: id });
    expect(partitionsOf(moved)).toEqual([]);

    await produce(2, ['c0', 'c1']);
    const news = await client.send(FETCH_API, 12, fetchReq(id, 2, []));
    expect(partitionsOf(news)).toEqual([2]);
    expect(valuesOf(news.responses[0]!.partitions[0]!.records!)).toEqual(['c0', 'c1']);
    expect(news.responses[0]!.partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 2n });

    // Forget partition 2: new records there are no longer answered.
    await client.send(FETCH_API, 12, fetchReq(id, 3, [{ partition: 2, fetchOffset: 2n }]));
    await produce(2, ['c2']);
    await produce(1, ['b0']);
    const afterForget = await client.send(FETCH_API, 12, fetchReq(id, 4, [], [2]));
    expect(partitionsOf(afterForget)).toEqual([1]);
  });

  test('FETCH_SESSION_ID_NOT_FOUND for an unknown session, INVALID_FETCH_SESSION_EPOCH for a wrong epoch; epoch -1 closes the session', async () => {
    const { client } = node;
    const unknown = await client.send(FETCH_API, 12, fetchReq(123456, 1, []));
    expect(unknown).toMatchObject({ errorCode: errorCode('FETCH_SESSION_ID_NOT_FOUND'), sessionId: 0, responses: [] });

    const full = await client.send(FETCH_API, 7, fetchReq(0, 0, [{ partition: 0 }]));
    expect(full.sessionId).toBeGreaterThan(0);
    const wrong = await client.send(FETCH_API, 7, fetchReq(full.sessionId, 5, []));
    expect(wrong).toMatchObject({ errorCode: errorCode('INVALID_FETCH_SESSION_EPOCH'), sessionId: 0, responses: [] });

    const closing = await client.send(FETCH_API, 7, fetchReq(full.sessionId, -1, [{ partition: 0 }]));
    expect(closing).toMatchObject({ errorCode: 0, sessionId: 0 });
    expect(partitionsOf(closing)).toEqual([0]);
    const gone = await client.send(FETCH_API, 7, fetchReq(full.sessionId, 1, []));
    expect(gone.errorCode).toBe(errorCode('FETCH_SESSION_ID_NOT_FOUND'));
  });

  test('at max.incremental.fetch.session.cache.slots a new full fetch gets session id 0 and is still answered in full; Fetch v4–v6 has no sessions', async () => {
    const { client, broker } = node;
    // Two slots; the first test's session holds one (idle far less than the 2 minutes that would let it go).
    const opened: number[] = [];
    for (let i = 0; i < 3; i++) opened.push((await client.send(FETCH_API, 12, fetchReq(0, 0, [{ partition: 1 }]))).sessionId);
    expect(opened[0]).toBeGreaterThan(0);
    expect(opened.slice(1)).toEqual([0, 0]);
    expect(broker.status().kafka).toMatchObject({ fetchSessions: 2, fetchSessionPartitions: 3 });
    const old = await client.send(FETCH_API, 6, fetchReq(0, -1, [{ partition: 1 }]));
    expect(old.errorCode).toBe(0);
    expect(partitionsOf(old)).toEqual([1]);
  });
});
