import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { GregorError, ManualClock, type Logger } from '@gregor/common';
import type { ReplicaFetchRequest__Output, ReplicaFetchResponse } from '@gregor/proto';
import type { RequestContext } from '../src/api/context';
import type { ReplicaFetchRequest, ReplicaFetchResponse as DomainResponse } from '../src/api/replication';
import type { BrokerCore } from '../src/broker-core';
import type { BrokerObserver } from '../src/observer';
import { FetchStreams, replicationService } from '../src/grpc/replication-service';

/*
 * The leader's end of FetchStream (replication-service.ts) with a scripted
 * broker core and a fake call, so every step is deterministic: one answer
 * per request in order, a request-level failure answered in `error` with
 * the stream kept, the protocol error of a second outstanding request, and
 * the outstanding long poll ended by a half-close, a cancel or the
 * broker's stop.
 */

/** A server duplex call as the handler uses it: events in, writes and the final status out. */
class FakeCall extends EventEmitter {
  readonly metadata = new grpc.Metadata();
  readonly written: ReplicaFetchResponse[] = [];
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

  write(res: ReplicaFetchResponse): boolean {
    this.written.push(res);
    return true;
  }

  end(): void {
    this.ended = true;
    this.status ??= { code: grpc.status.OK, details: 'OK' };
  }

  send(replicaId: number, brokerEpoch = '1'): void {
    const msg: ReplicaFetchRequest__Output = { replicaId, brokerEpoch, maxWaitMs: 500, minBytes: 1, maxBytes: 1024, topics: [] };
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

function serve(core: ScriptedCore, streams = new FetchStreams()): FakeCall {
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

  test('a second request before the answer ends the stream with FAILED_PRECONDITION and the outstanding poll', async () => {
    const core = new ScriptedCore();
    const call = serve(core);
    call.send(2);
    await settle();
    call.send(2);
    await settle();
    expect(call.status?.code).toBe(grpc.status.FAILED_PRECONDITION);
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
    const streams = new FetchStreams();
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
