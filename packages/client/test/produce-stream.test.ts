import * as grpc from '@grpc/grpc-js';
import { grpcServerOptions, pollUntil } from '@gregor/common';
import {
  loadClientProto,
  type ProduceRequest__Output,
  type ProduceResponse,
  type ProduceStreamRequest__Output,
  type ProduceStreamResponse,
} from '@gregor/proto';
import { BrokerConnection } from '../src/broker-connection';

/*
 * The SDK's ProduceStream (produce-stream.ts) against a scripted broker over
 * real gRPC (port 0): answers are matched to their requests by correlation
 * id whatever their order; a request past its deadline or aborted fails
 * alone and the stream goes on; a failed stream fails its unanswered
 * requests (retriable) and the next request opens a new stream; a broker
 * without ProduceStream is asked with unary Produce calls.
 */

type StreamCall = grpc.ServerDuplexStream<ProduceStreamRequest__Output, ProduceStreamResponse>;

/** A produce of one partition numbered `n`; the scripted broker answers with base offset n * 10. */
function request(n: number) {
  return { acks: -1, timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partition: n, records: Buffer.alloc(0) }] }] };
}

function answerTo(req: ProduceRequest__Output): ProduceResponse {
  const n = req.topics[0]!.partitions[0]!.partition;
  return { topics: [{ name: 't', partitions: [{ partition: n, error: null, baseOffset: String(n * 10), logAppendTimeMs: '-1', logStartOffset: '0' }] }] };
}

const baseOffsetOf = async (res: Promise<{ topics: { partitions: { baseOffset: string }[] }[] }>): Promise<string> => (await res).topics[0]!.partitions[0]!.baseOffset;

async function startBroker(handlers: grpc.UntypedServiceImplementation, maxReceiveBytes = -1): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server(grpcServerOptions({ 'grpc.max_receive_message_length': maxReceiveBytes }));
  server.addService(loadClientProto().gregor.v1.Gregor.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err))),
  );
  return { server, address: `127.0.0.1:${port}` };
}

describe('SDK ProduceStream', () => {
  let server: grpc.Server | undefined;
  let conn: BrokerConnection | undefined;
  afterEach(() => {
    conn?.close();
    server?.forceShutdown();
  });

  it('matches answers to requests by correlation id when they come back in another order', async () => {
    const held: { call: StreamCall; msg: ProduceStreamRequest__Output }[] = [];
    let streams = 0;
    const broker = await startBroker({
      ProduceStream: (call: StreamCall) => {
        streams++;
        call.on('data', (msg: ProduceStreamRequest__Output) => held.push({ call, msg }));
      },
    });
    server = broker.server;
    conn = new BrokerConnection(broker.address, { clientId: 'test', requestTimeoutMs: 10_000 });
    const answers = [1, 2, 3].map((n) => baseOffsetOf(conn!.produce(request(n))));
    await pollUntil(() => held.length === 3, { timeoutMs: 10_000, what: 'three requests at the broker' });
    for (const { call, msg } of [...held].reverse()) call.write({ correlationId: msg.correlationId, response: answerTo(msg.request!), error: null });
    expect(await Promise.all(answers)).toEqual(['10', '20', '30']);
    expect(streams).toBe(1);
  });

  it('a request that times out or is aborted fails alone; a whole-request error is that request\'s; the stream goes on', async () => {
    let streams = 0;
    const broker = await startBroker({
      ProduceStream: (call: StreamCall) => {
        streams++;
        call.on('data', (msg: ProduceStreamRequest__Output) => {
          const n = msg.request!.topics[0]!.partitions[0]!.partition;
          if (n === 0) return; // never answered
          if (n === 9) call.write({ correlationId: msg.correlationId, response: null, error: { code: 42, name: 'INVALID_REQUEST', message: 'INVALID_REQUEST: bad', retriable: false } });
          else call.write({ correlationId: msg.correlationId, response: answerTo(msg.request!), error: null });
        });
      },
    });
    server = broker.server;
    conn = new BrokerConnection(broker.address, { clientId: 'test', requestTimeoutMs: 10_000 });
    await expect(conn.produce(request(0), { timeoutMs: 50 })).rejects.toMatchObject({ errorName: 'REQUEST_TIMED_OUT', retriable: true });
    const abort = new AbortController();
    const aborted = conn.produce(request(0), { signal: abort.signal });
    abort.abort();
    await expect(aborted).rejects.toMatchObject({ errorName: 'NETWORK_EXCEPTION', retriable: true });
    await expect(conn.produce(request(9))).rejects.toMatchObject({ errorName: 'INVALID_REQUEST', message: 'INVALID_REQUEST: bad' });
    expect(await baseOffsetOf(conn.produce(request(4)))).toBe('40');
    expect(streams).toBe(1);
  });

  it('a failed stream fails its unanswered requests (retriable) and the next request opens a new stream', async () => {
    const streams: StreamCall[] = [];
    const broker = await startBroker({
      ProduceStream: (call: StreamCall) => {
        streams.push(call);
        call.on('data', (msg: ProduceStreamRequest__Output) => {
          if (msg.request!.topics[0]!.partitions[0]!.partition === 0) call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'going away' });
          else call.write({ correlationId: msg.correlationId, response: answerTo(msg.request!), error: null });
        });
      },
    });
    server = broker.server;
    conn = new BrokerConnection(broker.address, { clientId: 'test', requestTimeoutMs: 10_000 });
    await expect(conn.produce(request(0))).rejects.toMatchObject({ errorName: 'NETWORK_EXCEPTION', retriable: true });
    expect(await baseOffsetOf(conn.produce(request(5)))).toBe('50');
    expect(streams).toHaveLength(2);
  });

  it('falls back to unary Produce calls with a broker that does not know ProduceStream', async () => {
    let unaryCalls = 0;
    const broker = await startBroker({
      Produce: (call: grpc.ServerUnaryCall<ProduceRequest__Output, ProduceResponse>, cb: grpc.sendUnaryData<ProduceResponse>) => {
        unaryCalls++;
        cb(null, answerTo(call.request));
      },
    });
    server = broker.server;
    conn = new BrokerConnection(broker.address, { clientId: 'test', requestTimeoutMs: 10_000 });
    expect(await Promise.all([1, 2].map((n) => baseOffsetOf(conn!.produce(request(n)))))).toEqual(['10', '20']);
    expect(await baseOffsetOf(conn.produce(request(3)))).toBe('30');
    expect(unaryCalls).toBe(3);
  });

  it('a message over the broker\'s size limit fails alone (MESSAGE_TOO_LARGE); the others on its stream are resent and answered', async () => {
    let unaryCalls = 0;
    const broker = await startBroker(
      {
        // Holds every stream request: the small one is still unanswered when the big one ends the stream.
        ProduceStream: (call: StreamCall) => call.on('data', () => undefined),
        Produce: (call: grpc.ServerUnaryCall<ProduceRequest__Output, ProduceResponse>, cb: grpc.sendUnaryData<ProduceResponse>) => {
          unaryCalls++;
          cb(null, answerTo(call.request));
        },
      },
      1000,
    );
    server = broker.server;
    conn = new BrokerConnection(broker.address, { clientId: 'test', requestTimeoutMs: 10_000 });
    const small = baseOffsetOf(conn.produce(request(1)));
    const big = { ...request(2), topics: [{ name: 't', partitions: [{ partition: 2, records: Buffer.alloc(5000) }] }] };
    await expect(conn.produce(big)).rejects.toMatchObject({ errorName: 'MESSAGE_TOO_LARGE' });
    expect(await small).toBe('10');
    expect(unaryCalls).toBe(1);
  });
});
