import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { GregorError, ManualClock, PRODUCE_STREAM_MAX_OUTSTANDING, type Logger } from '@gregor/common';
import type { ProduceStreamResponse, ReplicaFetchRequest__Output, ReplicaFetchResponse } from '@gregor/proto';
import type { BrokerApi } from '../src/api/broker-api';
import type { RequestContext } from '../src/api/context';
import type { ProduceRequest, ProduceResponse } from '../src/api/produce';
import type { ReplicaFetchRequest, ReplicaFetchResponse as DomainResponse } from '../src/api/replication';
import type { BrokerCore } from '../src/broker-core';
import type { BrokerObserver } from '../src/observer';
import { gregorService } from '../src/grpc/client-service';
import { replicationService } from '../src/grpc/replication-service';
import { RequestStreams } from '../src/grpc/request-stream';

/*
 * The broker's request streams (request-stream.ts) with a scripted broker
 * core and a fake call, so every step is deterministic. FetchStream: one
 * answer per request in order, a request-level failure answered in `error`
 * with the stream kept, the bound of one outstanding request, and the
 * outstanding long poll ended by a half-close, a cancel or the broker's
 * stop. ProduceStream: answers under their correlation ids in the order
 * they finish, and its bound.
 */

/** A server duplex call as the handler uses it: events in, writes and the final status out. */
class FakeCall<Res = ReplicaFetchResponse> extends EventEmitter {
  readonly metadata = new grpc.Metadata();
  readonly written: Res[] = [];
  ended = false;
  status: { code: number; details: string } | undefined;

  constructor() {
    super();
    // As grpc-js does: an emitted error becomes the status.
    this.on('error', (err: { code: number; details: string }) => {
      this.status = err;
      this.ended = true;
    });
  }

  getPeer(): string {
    return 'ipv4:127.0.0.1:5555';
  }

  write(res: Res): boolean {
    this.written.push(res);
    return true;
  }

  end(): void {
    this.ended = true;
    this.status ??= { code: grpc.status.OK, details: 'OK' };
  }

  send(replicaId: number, brokerEpoch = '1'): void {
    const msg: ReplicaFetchRequest__Output = { replicaId, brokerEpoch, maxWaitMs: 500, minBytes: 1, maxBytes: 1024, topics: [], session: null };
    this.emit('data', msg);
  }
}

/** A core whose fetches wait until the test answers them or their signal aborts. */
class ScriptedCore {
  readonly asked: { req: ReplicaFetchRequest; signal: AbortSignal | undefined; answer: (r: DomainResponse) => void; fail: (e: unknown) => void }[] = [];

  fetchFromLeader(rc: RequestContext, req: ReplicaFetchRequest): Promise<DomainResponse> {
    return new Promise((answer, fail) => {
      this.asked.push({ req, signal: rc.signal, answer, fail });
      rc.signal?.addEventListener('abort', () => answer({ topics: [] }), { once: true });
    });
  }
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
const observer = { requestCompleted: () => undefined } as unknown as BrokerObserver;

function serve(core: ScriptedCore, streams = new RequestStreams()): FakeCall {
  const handlers = replicationService(core as unknown as BrokerCore, 'CLIENT', { logger: silent, observer, clock: new ManualClock() }, streams);
  const call = new FakeCall();
  (handlers.FetchStream as (c: unknown) => void)(call);
  return call;
}

/** Lets the handler's promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const answerFor = (replicaId: number): DomainResponse => ({ topics: [{ name: `t${replicaId}`, partitions: [] }] });

describe('FetchStream (leader side)', () => {
  test('answers each request with one message, in order, on the same stream', async () => {
    const core = new ScriptedCore();
    const call = serve(core);
    for (const id of [2, 3, 2]) {
      call.send(id);
      await settle();
      core.asked.at(-1)!.answer(answerFor(id));
      await settle();
    }
    expect(core.asked.map((a) => a.req.replicaId)).toEqual([2, 3, 2]);
    expect(call.written.map((w) => w.topics![0]!.name)).toEqual(['t2', 't3', 't2']);
    expect(call.ended).toBe(false);
  });

  test('a request that fails as a whole is answered in `error` with its Kafka code; the next request is served', async () => {
    const core = new ScriptedCore();
    const call = serve(core);
    call.send(2, 'not-a-number');
    await settle();
    expect(core.asked).toHaveLength(0);
    expect(call.written[0]).toMatchObject({ error: { name: 'INVALID_REQUEST', code: 42 }, topics: [] });
    call.send(2);
    await settle();
    core.asked[0]!.fail(new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved', { leaderHint: 3 }));
    await settle();
    expect(call.written[1]).toMatchObject({ error: { name: 'NOT_LEADER_OR_FOLLOWER', leaderHint: 3 } });
    call.send(2);
    await settle();
    core.asked[1]!.answer(answerFor(2));
    await settle();
    expect(call.written).toHaveLength(3);
    expect(call.ended).toBe(false);
  });

  test('a second request before the answer ends the stream with RESOURCE_EXHAUSTED and the outstanding poll', async () => {
    const core = new ScriptedCore();
    const call = serve(core);
    call.send(2);
    await settle();
    call.send(2);
    await settle();
    expect(call.status?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(core.asked[0]!.signal?.aborted).toBe(true);
    // The poll's answer is not written to the ended stream.
    expect(call.written).toEqual([]);
  });

  test.each([
    ['a half-close', (call: FakeCall) => call.emit('end'), grpc.status.OK],
    ['a cancel', (call: FakeCall) => call.emit('cancelled'), undefined],
  ])('%s ends the outstanding long poll at once', async (_what, end, code) => {
    const core = new ScriptedCore();
    const call = serve(core);
    call.send(2);
    await settle();
    expect(core.asked[0]!.signal?.aborted).toBe(false);
    end(call);
    await settle();
    expect(core.asked[0]!.signal?.aborted).toBe(true);
    expect(call.written).toEqual([]);
    expect(call.status?.code).toBe(code);
  });

  test("the broker's stop ends every open stream with UNAVAILABLE, and a stream opened later at once", async () => {
    const core = new ScriptedCore();
    const streams = new RequestStreams();
    const waiting = serve(core, streams);
    const between = serve(core, streams);
    waiting.send(2);
    await settle();
    streams.closeAll();
    await settle();
    expect(core.asked[0]!.signal?.aborted).toBe(true);
    for (const call of [waiting, between]) expect(call.status?.code).toBe(grpc.status.UNAVAILABLE);
    expect(serve(core, streams).status?.code).toBe(grpc.status.UNAVAILABLE);
  });
});

/** A broker API whose produces wait until the test answers them; every other method is unused. */
class ScriptedProduceApi {
  readonly asked: { req: ProduceRequest; answer: (r: ProduceResponse) => void }[] = [];

  produce(_rc: RequestContext, req: ProduceRequest): Promise<ProduceResponse> {
    return new Promise((answer) => this.asked.push({ req, answer }));
  }
}

function serveProduce(api: ScriptedProduceApi): FakeCall<ProduceStreamResponse> {
  const unused = new Proxy(api, { get: (target, name) => (name in target ? (target as any)[name] : () => Promise.reject(new Error('unused'))) });
  const handlers = gregorService(unused as unknown as BrokerApi, 'CLIENT', { logger: silent, observer, clock: new ManualClock() }, new RequestStreams());
  const call = new FakeCall<ProduceStreamResponse>();
  (handlers.ProduceStream as (c: unknown) => void)(call);
  return call;
}

const produceOf = (partition: number) => ({ acks: -1, timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partition, records: Buffer.alloc(0) }] }] });
const produced = (partition: number): ProduceResponse => ({
  topics: [{ name: 't', partitions: [{ partition, error: null, baseOffset: BigInt(partition), logAppendTimeMs: -1n, logStartOffset: 0n }] }],
});

describe('ProduceStream (broker side)', () => {
  test('answers each request with its correlation id as soon as it is done, whatever the order', async () => {
    const api = new ScriptedProduceApi();
    const call = serveProduce(api);
    for (const [id, partition] of [[7, 0], [8, 1], [9, 2]] as const) call.emit('data', { correlationId: id, request: produceOf(partition) });
    await settle();
    expect(api.asked.map((a) => a.req.topics[0]!.partitions[0]!.partition)).toEqual([0, 1, 2]);
    api.asked[2]!.answer(produced(2));
    api.asked[0]!.answer(produced(0));
    await settle();
    api.asked[1]!.answer(produced(1));
    await settle();
    expect(call.written.map((w) => [w.correlationId, w.response?.topics?.[0]?.partitions?.[0]?.baseOffset])).toEqual([
      [9, '2'],
      [7, '0'],
      [8, '1'],
    ]);
  });

  test('a message without a request is answered INVALID_REQUEST under its correlation id', async () => {
    const call = serveProduce(new ScriptedProduceApi());
    call.emit('data', { correlationId: 3, request: null });
    await settle();
    expect(call.written).toEqual([{ correlationId: 3, response: null, error: expect.objectContaining({ name: 'INVALID_REQUEST', code: 42 }) }]);
  });

  test(`more than ${PRODUCE_STREAM_MAX_OUTSTANDING} unanswered requests end the stream with RESOURCE_EXHAUSTED`, async () => {
    const api = new ScriptedProduceApi();
    const call = serveProduce(api);
    for (let id = 0; id < PRODUCE_STREAM_MAX_OUTSTANDING; id++) call.emit('data', { correlationId: id, request: produceOf(0) });
    await settle();
    expect(call.status).toBeUndefined();
    call.emit('data', { correlationId: PRODUCE_STREAM_MAX_OUTSTANDING, request: produceOf(0) });
    expect(call.status?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(api.asked).toHaveLength(PRODUCE_STREAM_MAX_OUTSTANDING);
  });
});
