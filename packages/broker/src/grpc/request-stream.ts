import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import { debugTimeline } from '@gregor/common';
import type { RequestContext } from '../api/context';
import { reportRequestFailed } from '../broker-core';
import type { ApiName } from '../observer';
import { GrpcRequestContext } from './request-context';
import type { GrpcFrontEndDeps } from './unary';

/**
 * A broker's open request streams (FetchStream, ProduceStream). A stream
 * never ends by itself — its client keeps it for as long as it talks to
 * this broker — so stopping ends them all (`closeAll`): otherwise the
 * server's graceful shutdown would wait for them, and followers and
 * producers would keep sending to a broker that is going away. Bounded by
 * the server's connections and their HTTP/2 stream limit.
 */
export class RequestStreams {
  private readonly ends = new Set<() => void>();
  private closed = false;

  /** Registers a stream's end; returns its unregistration. A stream opened after closeAll ends at once. */
  track(end: () => void): () => void {
    if (this.closed) {
      end();
      return () => undefined;
    }
    this.ends.add(end);
    return () => void this.ends.delete(end);
  }

  closeAll(): void {
    this.closed = true;
    for (const end of [...this.ends]) end();
    this.ends.clear();
  }
}

/** One RPC served as a stream of requests, each answered by one message. */
export interface RequestStreamSpec<WireReq, Req, Res, WireRes> {
  /** Counted and reported under this API, like its unary twin. */
  api: ApiName;
  /** Requests answered at most this many at a time; one more ends the stream with RESOURCE_EXHAUSTED. */
  maxOutstanding: number;
  decode(msg: WireReq): Req;
  call(ctx: RequestContext, req: Req): Promise<Res>;
  /** The answer to `msg` (which carries whatever the answer must echo, e.g. a correlation id). */
  encode(res: Res, msg: WireReq): WireRes;
  /** The answer to `msg` when it failed as a whole (the unary call fails with a status instead). */
  failure(err: unknown, msg: WireReq): WireRes;
  /** What the debug timeline records of a request (events `<api>.request.received`, `.answer.written`, `.answer.flushed`); none: not recorded. */
  timelineFields?(msg: WireReq): Record<string, unknown>;
}

/**
 * Serves one request stream: each message is decoded and handed to the
 * core as its unary twin would be, in the order the messages arrive, and
 * its answer is written when it is ready. A request that fails as a whole
 * is answered with `spec.failure`; the stream stays open. More than
 * `maxOutstanding` unanswered requests end the stream with
 * RESOURCE_EXHAUSTED (the bound on what one stream may hold). A cancel or
 * a half-close ends the outstanding long polls at once (one context, one
 * abort signal, for the whole stream); a stopping broker ends the stream
 * with UNAVAILABLE (RequestStreams).
 */
export function serveRequestStream<WireReq, Req, Res, WireRes>(
  deps: GrpcFrontEndDeps,
  streams: RequestStreams,
  listener: string,
  call: ServerDuplexStream<WireReq, WireRes>,
  spec: RequestStreamSpec<WireReq, Req, Res, WireRes>,
): void {
  const ctx = new GrpcRequestContext(listener, call, true);
  let outstanding = 0;
  let closed = false;
  let untrack = (): void => undefined;
  const close = (): void => {
    closed = true;
    untrack();
    ctx.abort();
  };
  const fail = (code: status, details: string): void => {
    if (closed) return;
    close();
    call.emit('error', { code, details });
  };
  untrack = streams.track(() => fail(status.UNAVAILABLE, 'the broker is shutting down'));
  call.on('cancelled', close);
  call.on('error', close);
  call.on('end', () => {
    close();
    call.end();
  });
  const answer = (res: WireRes, msg: WireReq): void => {
    outstanding--;
    if (!closed) call.write(res);
    if (debugTimeline.on && spec.timelineFields !== undefined) {
      const fields = spec.timelineFields(msg);
      debugTimeline.event(`${spec.api}.answer.written`, fields);
      // HTTP/2 sends it at the end of this loop turn (a native immediate, run before this one).
      setImmediate(() => debugTimeline.event(`${spec.api}.answer.flushed`, fields));
    }
  };
  call.on('data', (msg: WireReq) => {
    if (closed) return;
    if (outstanding >= spec.maxOutstanding) {
      fail(status.RESOURCE_EXHAUSTED, `${spec.api}: more than ${spec.maxOutstanding} requests outstanding on one stream`);
      return;
    }
    outstanding++;
    if (debugTimeline.on && spec.timelineFields !== undefined) debugTimeline.event(`${spec.api}.request.received`, spec.timelineFields(msg));
    const started = deps.clock.monotonicMs();
    let req: Req;
    try {
      req = spec.decode(msg);
    } catch (err) {
      reportRequestFailed(deps, spec.api, err, deps.clock.monotonicMs() - started);
      answer(spec.failure(err, msg), msg);
      return;
    }
    // The core counts the request and logs a bug; its rejection becomes the answer's error.
    spec.call(ctx, req).then(
      (res) => {
        let encoded: WireRes;
        try {
          encoded = spec.encode(res, msg);
        } catch (err) {
          deps.logger.error('response could not be encoded', { api: spec.api, err: err instanceof Error ? err.stack : String(err) });
          encoded = spec.failure(err, msg);
        }
        answer(encoded, msg);
      },
      (err: unknown) => answer(spec.failure(err, msg), msg),
    );
  });
}
