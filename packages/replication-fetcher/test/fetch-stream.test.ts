import * as grpc from '@grpc/grpc-js';
import { grpcServerOptions, pollUntil } from '@gregor/common';
import { loadReplicationProto, type ReplicaFetchRequest__Output, type ReplicaFetchResponse } from '@gregor/proto';
import { grpcReplicationClient, type ReplicaFetchRequest } from '../src';

/*
 * The follower's FetchStream client against a scripted leader over real
 * gRPC (port 0): fetches share one stream while all goes well; a fetch cut
 * short by its signal or its deadline gives the stream up (its late answer
 * must not be taken for the next fetch's) and the next fetch opens a new
 * one; a leader without FetchStream (an older version) is asked with the
 * unary FetchFromLeader instead.
 */

type StreamCall = grpc.ServerDuplexStream<ReplicaFetchRequest__Output, ReplicaFetchResponse>;

/** An answer with one partition numbered as the request's replica id, so a test can tell answers apart. */
function answerTo(req: ReplicaFetchRequest__Output): ReplicaFetchResponse {
  const partition = { partition: req.replicaId, error: null, highWatermark: '0', logStartOffset: '0', logEndOffset: '0', divergingEpoch: null, records: Buffer.alloc(0) };
  return { error: null, topics: [{ name: 't', partitions: [partition] }] };
}

/** Which request an answer was for (see answerTo). */
async function answeredFor(answer: Promise<{ partition: number }[]>): Promise<number[]> {
  return (await answer).map((p) => p.partition);
}

function request(replicaId: number): ReplicaFetchRequest {
  return { replicaId, brokerEpoch: 1n, maxWaitMs: 0, minBytes: 0, maxBytes: 1024, partitions: [] };
}

async function startLeader(handlers: grpc.UntypedServiceImplementation): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server(grpcServerOptions());
  server.addService(loadReplicationProto().gregor.v1.GregorReplication.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err))),
  );
  return { server, address: `127.0.0.1:${port}` };
}

describe('replication client FetchStream', () => {
  let server: grpc.Server | undefined;
  afterEach(() => server?.forceShutdown());

  it('sends fetches over one stream; a cancelled or timed-out fetch gives the stream up and the next opens a new one', async () => {
    const streams: StreamCall[] = [];
    /** Requests with replica id 0 are never answered (a long poll that does not end by itself). */
    const leader = await startLeader({
      FetchStream: (call: StreamCall) => {
        streams.push(call);
        call.on('data', (req: ReplicaFetchRequest__Output) => {
          if (req.replicaId !== 0) call.write(answerTo(req));
        });
        call.on('end', () => call.end());
      },
      FetchFromLeader: () => {
        throw new Error('the unary call must not be used with a leader that has FetchStream');
      },
    });
    server = leader.server;
    const client = grpcReplicationClient(leader.address);
    try {
      expect(await answeredFor(client.fetch(request(1), 10_000))).toEqual([1]);
      expect(await answeredFor(client.fetch(request(2), 10_000))).toEqual([2]);
      expect(streams).toHaveLength(1);

      const abort = new AbortController();
      const hanging = client.fetch(request(0), 60_000, abort.signal);
      await pollUntil(() => streams.length === 1, { timeoutMs: 10_000, what: 'the stream to be open' });
      abort.abort();
      await expect(hanging).rejects.toMatchObject({ errorName: 'NETWORK_EXCEPTION', retriable: true });
      await pollUntil(() => streams[0]!.cancelled, { timeoutMs: 10_000, what: 'the leader to see the stream cancelled' });

      expect(await answeredFor(client.fetch(request(3), 10_000))).toEqual([3]);
      expect(streams).toHaveLength(2);

      await expect(client.fetch(request(0), 50)).rejects.toMatchObject({ errorName: 'REQUEST_TIMED_OUT' });
      await pollUntil(() => streams[1]!.cancelled, { timeoutMs: 10_000, what: 'the leader to see the timed-out stream cancelled' });
      expect(await answeredFor(client.fetch(request(4), 10_000))).toEqual([4]);
      expect(streams).toHaveLength(3);
    } finally {
      client.close();
    }
  });

  it('a request-level error answers that fetch with the leader\'s code and the stream stays open', async () => {
    let streams = 0;
    const seen: number[] = [];
    const leader = await startLeader({
      FetchStream: (call: StreamCall) => {
        streams++;
        call.on('data', (req: ReplicaFetchRequest__Output) => {
          seen.push(req.replicaId);
          call.write({ error: { code: 6, name: 'NOT_LEADER_OR_FOLLOWER', message: `answer to ${req.replicaId}`, retriable: true, leaderHint: -1 }, topics: [] });
        });
      },
    });
    server = leader.server;
    const client = grpcReplicationClient(leader.address);
    try {
      for (const id of [7, 8, 9]) {
        await expect(client.fetch(request(id), 10_000)).rejects.toMatchObject({ errorName: 'NOT_LEADER_OR_FOLLOWER', message: expect.stringContaining(`answer to ${id}`) });
      }
      expect(seen).toEqual([7, 8, 9]);
      expect(streams).toBe(1);
    } finally {
      client.close();
    }
  });

  it('falls back to the unary FetchFromLeader when the leader does not know FetchStream', async () => {
    let unaryCalls = 0;
    const leader = await startLeader({
      FetchFromLeader: (call: grpc.ServerUnaryCall<ReplicaFetchRequest__Output, ReplicaFetchResponse>, cb: grpc.sendUnaryData<ReplicaFetchResponse>) => {
        unaryCalls++;
        cb(null, answerTo(call.request));
      },
    });
    server = leader.server;
    const client = grpcReplicationClient(leader.address);
    try {
      expect(await answeredFor(client.fetch(request(1), 10_000))).toEqual([1]);
      expect(await answeredFor(client.fetch(request(2), 10_000))).toEqual([2]);
      expect(unaryCalls).toBe(2);
    } finally {
      client.close();
    }
  });
});
