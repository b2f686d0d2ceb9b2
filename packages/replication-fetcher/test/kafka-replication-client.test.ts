import * as net from 'node:net';
import { GregorError, pollUntil } from '@gregor/common';
import {
  decodeRequestBody,
  encodeResponseFrame,
  FETCH_API,
  FrameDecoder,
  KafkaWireClient,
  peekRequestHeader,
  type Encodable,
  type FetchRequest,
  type FetchResponse,
} from '@gregor/kafka-protocol';
import { kafkaReplicationClient, REPLICA_FETCH_VERSION, type ReplicaFetchPartitionResponse, type ReplicaFetchRequest, type ReplicationClient } from '../src';

/*
 * The follower's Kafka-protocol fetch client against a scripted leader on a
 * real TCP socket (port 0): what goes on the wire (Fetch v12 with
 * replica_id, offsets and epochs), what comes back in domain types,
 * pipelining on one connection, and the failure paths (deadline, abort,
 * the leader closing, a failed connect) each dropping the connection so
 * that the next fetch opens a new one. No timing assertions: answers are
 * held by the script, not by sleeps.
 */

type Answer = Encodable<FetchResponse> | 'hold' | 'close';

interface FakeLeader {
  address: string;
  requests: FetchRequest[];
  versions: number[];
  connections: number;
  /** Held requests, answerable later in order. */
  held: { socket: net.Socket; correlationId: number; req: FetchRequest }[];
  answer(socket: net.Socket, correlationId: number, body: Encodable<FetchResponse>): void;
  close(): Promise<void>;
}

async function startLeader(script: (req: FetchRequest) => Answer): Promise<FakeLeader> {
  const sockets = new Set<net.Socket>();
  const leader: FakeLeader = {
    address: '',
    requests: [],
    versions: [],
    connections: 0,
    held: [],
    answer(socket, correlationId, body) {
      for (const c of encodeResponseFrame(FETCH_API, REPLICA_FETCH_VERSION, correlationId, body)) socket.write(c);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = net.createServer((socket) => {
    leader.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) =>
      decoder.push(chunk, (frame) => {
        const header = peekRequestHeader(frame);
        const req = decodeRequestBody(FETCH_API, header, frame);
        leader.requests.push(req);
        leader.versions.push(header.apiVersion);
        const a = script(req);
        if (a === 'close') socket.destroy();
        else if (a === 'hold') leader.held.push({ socket, correlationId: header.correlationId, req });
        else leader.answer(socket, header.correlationId, a);
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  leader.address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return leader;
}

/** One partition answered as partition = the request's replica id, so answers can be told apart. */
function answerFor(req: FetchRequest, extra: Partial<Encodable<FetchResponse['responses'][number]['partitions'][number]>> = {}): Encodable<FetchResponse> {
  return { responses: [{ topic: 't', partitions: [{ partitionIndex: req.replicaId, highWatermark: 7n, logStartOffset: 0n, records: Buffer.from('rec'), ...extra }] }] };
}

function request(replicaId: number): ReplicaFetchRequest {
  return {
    replicaId,
    brokerEpoch: 5n,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1024,
    partitions: [
      { topic: 't', partition: 0, fetchOffset: 42n, lastFetchedEpoch: 3, currentLeaderEpoch: 4, partitionMaxBytes: 512, logStartOffset: 2n },
      { topic: 'u', partition: 1, fetchOffset: 9n, lastFetchedEpoch: -1, currentLeaderEpoch: 4, partitionMaxBytes: 512, logStartOffset: 0n },
    ],
  };
}

/** A gRPC stand-in that records what it was asked and answers with a log end offset. */
function fakeFallback(): ReplicationClient & { fetches: number; epochQueries: number; closed: boolean } {
  const f = {
    fetches: 0,
    epochQueries: 0,
    closed: false,
    fetch: (): Promise<ReplicaFetchPartitionResponse[]> => {
      f.fetches++;
      const error = GregorError.withoutStack('OFFSET_OUT_OF_RANGE', 'from fallback', {});
      return Promise.resolve([{ topic: 't', partition: 0, error, highWatermark: 7n, logStartOffset: 0n, logEndOffset: 30n, divergingEpoch: undefined, records: Buffer.alloc(0) }]);
    },
    offsetsForLeaderEpoch: () => {
      f.epochQueries++;
      return Promise.resolve([]);
    },
    close: () => {
      f.closed = true;
    },
  };
  return f;
}

const TIMEOUT_MS = 60_000;
const leaders: FakeLeader[] = [];
const clients: ReplicationClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const l of leaders.splice(0)) await l.close();
});

async function setup(script: (req: FetchRequest) => Answer, connect?: (a: string) => Promise<KafkaWireClient>) {
  const leader = await startLeader(script);
  leaders.push(leader);
  const fallback = fakeFallback();
  const client = kafkaReplicationClient(leader.address, fallback, connect !== undefined ? { connect } : {});
  clients.push(client);
  return { leader, fallback, client };
}

test('a fetch goes out as Fetch v12 with the follower fields, full and sessionless', async () => {
  const { leader, client } = await setup((req) => answerFor(req));
  await client.fetch(request(2), TIMEOUT_MS);
  expect(leader.versions).toEqual([REPLICA_FETCH_VERSION]);
  const req = leader.requests[0]!;
  expect(req).toMatchObject({ replicaId: 2, maxWaitMs: 500, minBytes: 1, maxBytes: 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1 });
  expect(req.topics.map((t) => t.topic)).toEqual(['t', 'u']);
  expect(req.topics[0]!.partitions[0]).toMatchObject({ partition: 0, fetchOffset: 42n, lastFetchedEpoch: 3, currentLeaderEpoch: 4, partitionMaxBytes: 512, logStartOffset: 2n });
  expect(req.topics[1]!.partitions[0]).toMatchObject({ partition: 1, fetchOffset: 9n, lastFetchedEpoch: -1 });
});

test('the answer comes back in domain types: high watermark, records, diverging epoch, errors with the leader hint', async () => {
  const { client } = await setup(() => ({
    responses: [
      {
        topic: 't',
        partitions: [
          { partitionIndex: 0, highWatermark: 7n, logStartOffset: 1n, records: Buffer.from('abc') },
          { partitionIndex: 1, highWatermark: 5n, logStartOffset: 0n, divergingEpoch: { epoch: 2, endOffset: 4n } },
          { partitionIndex: 2, errorCode: 6, currentLeader: { leaderId: 3, leaderEpoch: 9 } },
        ],
      },
    ],
  }));
  const [a, b, c] = await client.fetch(request(1), TIMEOUT_MS);
  expect(a).toMatchObject({ topic: 't', partition: 0, error: undefined, highWatermark: 7n, logStartOffset: 1n, divergingEpoch: undefined });
  expect(a!.records.toString()).toBe('abc');
  expect(b!.divergingEpoch).toEqual({ epoch: 2, endOffset: 4n });
  expect(c!.error?.errorName).toBe('NOT_LEADER_OR_FOLLOWER');
  expect(c!.error?.context.leaderHint).toBe(3);
});

test('a request-level error code rejects the fetch with it', async () => {
  const { client } = await setup(() => ({ errorCode: 35, responses: [] }));
  await expect(client.fetch(request(1), TIMEOUT_MS)).rejects.toMatchObject({ errorName: 'UNSUPPORTED_VERSION' });
});

test('fetches are pipelined on one connection and answered in request order', async () => {
  const { leader, client } = await setup(() => 'hold');
  const first = client.fetch(request(1), TIMEOUT_MS);
  const second = client.fetch(request(2), TIMEOUT_MS);
  await pollUntil(() => leader.held.length === 2, { timeoutMs: TIMEOUT_MS, what: 'both fetches at the leader' });
  expect(leader.connections).toBe(1);
  for (const h of leader.held.splice(0)) leader.answer(h.socket, h.correlationId, answerFor(h.req));
  expect((await first).map((p) => p.partition)).toEqual([1]);
  expect((await second).map((p) => p.partition)).toEqual([2]);
});

test('OFFSET_OUT_OF_RANGE is asked again over the fallback, whose answer carries the log end offset', async () => {
  const { client, fallback } = await setup(() => ({ responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 1 }] }] }));
  const [p] = await client.fetch(request(1), TIMEOUT_MS);
  expect(fallback.fetches).toBe(1);
  expect(p).toMatchObject({ logEndOffset: 30n });
});

test('OffsetsForLeaderEpoch goes to the fallback; close closes both', async () => {
  const { client, fallback } = await setup((req) => answerFor(req));
  await client.offsetsForLeaderEpoch(1, [], TIMEOUT_MS);
  expect(fallback.epochQueries).toBe(1);
  client.close();
  expect(fallback.closed).toBe(true);
  await expect(client.fetch(request(1), TIMEOUT_MS)).rejects.toMatchObject({ errorName: 'NETWORK_EXCEPTION' });
});

test('a fetch past its deadline fails with REQUEST_TIMED_OUT and drops the connection; the next one reconnects', async () => {
  let hold = true;
  const { leader, client } = await setup((req) => (hold ? 'hold' : answerFor(req)));
  // A deadline of 1 ms cannot be met: the leader holds the request.
  await expect(client.fetch(request(1), 1)).rejects.toMatchObject({ errorName: 'REQUEST_TIMED_OUT' });
  hold = false;
  const answer = await client.fetch(request(2), TIMEOUT_MS);
  expect(answer.map((p) => p.partition)).toEqual([2]);
  expect(leader.connections).toBe(2);
});

test('an aborted fetch fails as cancelled and drops the connection; its late answer cannot reach the next fetch', async () => {
  const { leader, client } = await setup(() => 'hold');
  const abort = new AbortController();
  const first = client.fetch(request(1), TIMEOUT_MS, abort.signal);
  await pollUntil(() => leader.held.length === 1, { timeoutMs: TIMEOUT_MS, what: 'the first fetch at the leader' });
  abort.abort();
  await expect(first).rejects.toMatchObject({ errorName: 'NETWORK_EXCEPTION', context: { cancelled: true } });
  const second = client.fetch(request(2), TIMEOUT_MS);
  await pollUntil(() => leader.held.length === 2, { timeoutMs: TIMEOUT_MS, what: 'the second fetch at the leader' });
  const [old, next] = leader.held;
  // The first request's socket is gone: answering it reaches nobody.
  leader.answer(old!.socket, old!.correlationId, answerFor(old!.req));
  leader.answer(next!.socket, next!.correlationId, answerFor(next!.req));
  expect((await second).map((p) => p.partition)).toEqual([2]);
  expect(leader.connections).toBe(2);
});

test('the leader closing the connection fails the fetch with NETWORK_EXCEPTION; the next one reconnects', async () => {
  let close = true;
  const { leader, client } = await setup((req) => (close ? 'close' : answerFor(req)));
  await expect(client.fetch(request(1), TIMEOUT_MS)).rejects.toMatchObject({ errorName: 'NETWORK_EXCEPTION' });
  close = false;
  expect((await client.fetch(request(2), TIMEOUT_MS)).map((p) => p.partition)).toEqual([2]);
  expect(leader.connections).toBe(2);
});

test('a failed connect fails the fetch with NETWORK_EXCEPTION and is tried again by the next fetch', async () => {
  let attempts = 0;
  const { client } = await setup(
    (req) => answerFor(req),
    (address) => {
      attempts++;
      return attempts === 1 ? Promise.reject(new GregorError('NETWORK_EXCEPTION', 'refused')) : KafkaWireClient.connect(address, { requestTimeoutMs: 0 });
    },
  );
  await expect(client.fetch(request(1), TIMEOUT_MS)).rejects.toMatchObject({ errorName: 'NETWORK_EXCEPTION' });
  expect((await client.fetch(request(2), TIMEOUT_MS)).map((p) => p.partition)).toEqual([2]);
  expect(attempts).toBe(2);
});

test("the leader's KAFKA address is looked up for each new connection: none registered, the fetch goes over the fallback", async () => {
  const leader = await startLeader((req) => answerFor(req));
  leaders.push(leader);
  const fallback = fakeFallback();
  let registered: string | undefined;
  const client = kafkaReplicationClient(() => registered, fallback);
  clients.push(client);
  const [viaFallback] = await client.fetch(request(1), TIMEOUT_MS);
  expect(viaFallback).toMatchObject({ logEndOffset: 30n });
  expect(fallback.fetches).toBe(1);
  // The leader registers it (restarted as a version that serves follower fetches): the next fetch connects there.
  registered = leader.address;
  expect((await client.fetch(request(2), TIMEOUT_MS)).map((p) => p.partition)).toEqual([2]);
  expect(fallback.fetches).toBe(1);
  expect(leader.connections).toBe(1);
});
