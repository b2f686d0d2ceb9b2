import { GregorError } from '@gregor/common';
import { encodeRequestFrame, FETCH_API, PRODUCE_API, type FetchRequest } from '@gregor/kafka-protocol';
import type { RequestContext } from '../src/api/context';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from '../src/api/replication';
import { isFollowerFetchFrame, isReplicaFetch, replicaFetch } from '../src/kafka/replica-fetch-adapter';

/*
 * A follower's Fetch on the KAFKA listener is translated to the replication
 * domain call (the one gRPC's FetchFromLeader makes), field by field, and its
 * answer back to Kafka's FetchResponse; consumers' fetches are not touched.
 */

const ctx = { listener: 'KAFKA', clientId: 'gregor-replica-fetcher', clientHost: '/127.0.0.1' } as RequestContext;

function kafkaFetch(over: Partial<FetchRequest>): FetchRequest {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 4096,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: 't',
        topicId: '',
        partitions: [{ partition: 0, currentLeaderEpoch: 4, fetchOffset: 42n, lastFetchedEpoch: 3, logStartOffset: 2n, partitionMaxBytes: 1024, replicaDirectoryId: '' }],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
    ...over,
  };
}

test('replica_id ≥ 0 (or replica_state.replica_id from v15) marks a follower fetch', () => {
  expect(isReplicaFetch(kafkaFetch({}))).toBe(false);
  expect(isReplicaFetch(kafkaFetch({ replicaId: 2 }))).toBe(true);
  expect(isReplicaFetch(kafkaFetch({ replicaState: { replicaId: 3, replicaEpoch: 7n } }))).toBe(true);
});

test('the request reaches the domain call field by field, and the answer comes back as Kafka carries it', async () => {
  const seen: ReplicaFetchRequest[] = [];
  const call = (_ctx: RequestContext, req: ReplicaFetchRequest): Promise<ReplicaFetchResponse> => {
    seen.push(req);
    return Promise.resolve({
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 0, error: null, highWatermark: 40n, logStartOffset: 1n, logEndOffset: 50n, divergingEpoch: null, records: Buffer.from('r') },
            { partition: 1, error: null, highWatermark: 5n, logStartOffset: 0n, logEndOffset: 9n, divergingEpoch: { epoch: 2, endOffset: 6n }, records: Buffer.alloc(0) },
            { partition: 2, error: new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved', { leaderHint: 3 }), highWatermark: -1n, logStartOffset: -1n, logEndOffset: -1n, divergingEpoch: null, records: Buffer.alloc(0) },
          ],
        },
      ],
    });
  };
  const res = await replicaFetch(call, ctx, kafkaFetch({ replicaId: 2 }));
  expect(seen).toEqual([
    {
      replicaId: 2,
      brokerEpoch: -1n,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 4096,
      topics: [{ name: 't', partitions: [{ partition: 0, fetchOffset: 42n, partitionMaxBytes: 1024, currentLeaderEpoch: 4, lastFetchedEpoch: 3, logStartOffset: 2n }] }],
    },
  ]);
  const [p0, p1, p2] = res.responses![0]!.partitions!;
  expect(p0).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 40n, logStartOffset: 1n, abortedTransactions: null });
  expect(p0!.divergingEpoch).toBeUndefined();
  expect(p1!.divergingEpoch).toEqual({ epoch: 2, endOffset: 6n });
  expect(p2).toMatchObject({ errorCode: 6, currentLeader: { leaderId: 3, leaderEpoch: -1 } });
});

test('from v15 the follower and its broker epoch come from replica_state', async () => {
  const seen: ReplicaFetchRequest[] = [];
  await replicaFetch((_c, req) => (seen.push(req), Promise.resolve({ topics: [] })), ctx, kafkaFetch({ replicaState: { replicaId: 3, replicaEpoch: 7n } }));
  expect(seen[0]).toMatchObject({ replicaId: 3, brokerEpoch: 7n });
});

test('a listener that does not serve follower fetches refuses them as a whole', async () => {
  const res = await replicaFetch(undefined, ctx, kafkaFetch({ replicaId: 2 }));
  expect(res).toMatchObject({ errorCode: 35, responses: [] });
});

/** A request frame as the connection sees it: without the 4-byte size prefix. */
function frameOf(chunks: Buffer[]): Buffer {
  return Buffer.concat(chunks).subarray(4);
}

test('a follower fetch frame is told apart before decoding (it is let past the request-bytes budget)', () => {
  const header = { correlationId: 9, clientId: 'x' };
  for (const v of [4, 11, 12]) {
    expect(isFollowerFetchFrame(frameOf(encodeRequestFrame(FETCH_API, v, header, { ...kafkaFetch({ replicaId: 2 }), topics: [], clusterId: null })))).toBe(true);
    expect(isFollowerFetchFrame(frameOf(encodeRequestFrame(FETCH_API, v, header, { ...kafkaFetch({}), topics: [] })))).toBe(false);
  }
  // v15 carries the replica in a tagged field: not recognised, so gated like any request.
  expect(isFollowerFetchFrame(frameOf(encodeRequestFrame(FETCH_API, 15, header, { ...kafkaFetch({ replicaState: { replicaId: 2, replicaEpoch: 1n } }), topics: [] })))).toBe(false);
  expect(isFollowerFetchFrame(frameOf(encodeRequestFrame(PRODUCE_API, 9, header, { acks: -1, timeoutMs: 1000, topicData: [] })))).toBe(false);
  expect(isFollowerFetchFrame(Buffer.from([0, 1, 0]))).toBe(false);
  expect(isFollowerFetchFrame(Buffer.alloc(0))).toBe(false);
});
