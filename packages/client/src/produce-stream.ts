import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { assert, GregorError, PRODUCE_STREAM_MAX_OUTSTANDING } from '@gregor/common';
import type { ProduceRequest, ProduceResponse__Output, ProduceStreamRequest, ProduceStreamResponse__Output } from '@gregor/proto';
import { errorFromGrpc, errorFromWire } from './errors';

type StreamCall = grpc.ClientDuplexStream<ProduceStreamRequest, ProduceStreamResponse__Output>;

/** The unary Produce, for brokers without ProduceStream and for requests beyond the stream's bound. */
export type UnaryProduce = (request: ProduceRequest, timeoutMs: number, signal: AbortSignal | undefined) => Promise<ProduceResponse__Output>;

interface Pending {
  readonly call: StreamCall;
  readonly request: ProduceRequest;
  readonly timeoutMs: number;
  readonly timer: NodeJS.Timeout;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  resolve(res: ProduceResponse__Output | Promise<ProduceResponse__Output>): void;
  reject(err: unknown): void;
}

/**
 * Produce requests to one broker over one long-lived ProduceStream
 * (client.proto), each tagged with a correlation id and answered in
 * whatever order the broker finishes them. It exists for latency: a
 * message on an open stream costs a fraction of a unary call (no new
 * HTTP/2 stream, headers, trailers or deadline timer per request), and
 * every produce pays it twice (there and back).
 *
 * Failures look as they do for the unary call: the stream failing fails
 * its unanswered requests (errorFromGrpc, retriable NETWORK_EXCEPTION for a
 * lost connection) and the next request opens a new stream; a request past
 * its deadline fails alone with REQUEST_TIMED_OUT, and one whose signal
 * aborts alone with NETWORK_EXCEPTION (its late answer is dropped; an
 * idempotent producer's retry is deduplicated by the broker). A broker
 * without ProduceStream (UNIMPLEMENTED: an older version) gets the unary
 * call from then on, its unanswered requests resent that way (it handled
 * none of them); a stream ended RESOURCE_EXHAUSTED (a message over the
 * broker's size limit) has its unanswered requests resent as unary calls,
 * so only the oversized one fails, as it would have alone. Requests beyond
 * PRODUCE_STREAM_MAX_OUTSTANDING go unary.
 */
export class ProduceStream {
  private call: StreamCall | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private unsupported = false;

  constructor(
    private readonly open: () => StreamCall,
    private readonly address: string,
    private readonly unary: UnaryProduce,
  ) {}

  send(request: ProduceRequest, timeoutMs: number, signal: AbortSignal | undefined): Promise<ProduceResponse__Output> {
    if (this.unsupported || this.pending.size >= PRODUCE_STREAM_MAX_OUTSTANDING) return this.unary(request, timeoutMs, signal);
    if (signal?.aborted === true) return Promise.reject(this.abortedError());
    const call = this.call ?? this.start();
    const id = this.nextId;
    this.nextId = (this.nextId + 1) >>> 0;
    assert(!this.pending.has(id), 'ProduceStream: correlation id still in use');
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.settle(id)?.reject(this.abortedError());
      const timer = setTimeout(
        () => this.settle(id)?.reject(new GregorError('REQUEST_TIMED_OUT', `broker ${this.address}: no answer in ${timeoutMs} ms`, { broker: this.address, transport: true })),
        timeoutMs,
      );
      this.pending.set(id, { call, request, timeoutMs, timer, signal, onAbort, resolve, reject });
      signal?.addEventListener('abort', onAbort, { once: true });
      call.write({ correlationId: id, request });
    });
  }

  /** Ends the stream; unanswered requests fail as a lost connection. */
  close(): void {
    const call = this.call;
    if (call === undefined) return;
    this.drop(call, new GregorError('NETWORK_EXCEPTION', `connection to ${this.address} is closed`, { broker: this.address, transport: true }));
    call.cancel();
  }

  private start(): StreamCall {
    const call = this.open();
    this.call = call;
    call.on('data', (res: ProduceStreamResponse__Output) => {
      const p = this.settle(res.correlationId);
      if (p === undefined) return; // timed out or abandoned: nobody waits for it
      const error = errorFromWire(res.error, { broker: this.address });
      if (error !== undefined) p.reject(error);
      else if (res.response === null) p.reject(new GregorError('UNKNOWN_SERVER_ERROR', `broker ${this.address}: a ProduceStream answer without a response`, { broker: this.address }));
      else p.resolve(res.response);
    });
    call.on('error', (err: grpc.ServiceError) => {
      // UNIMPLEMENTED: the broker handled none of them. RESOURCE_EXHAUSTED: one
      // message was over the broker's size limit (or the stream over its bound),
      // and which one is not said: each gets its own unary call, so only an
      // oversized one fails (MESSAGE_TOO_LARGE) and the others are retried as
      // after a lost answer (an idempotent producer's are deduplicated).
      if (err.code === status.UNIMPLEMENTED || err.code === status.RESOURCE_EXHAUSTED) {
        if (err.code === status.UNIMPLEMENTED) this.unsupported = true;
        if (this.call === call) this.call = undefined;
        for (const [id, p] of [...this.pending]) if (p.call === call) this.settle(id)!.resolve(this.unary(p.request, p.timeoutMs, p.signal));
        return;
      }
      this.drop(call, errorFromGrpc(err, this.address));
    });
    call.on('end', () => this.drop(call, new GregorError('NETWORK_EXCEPTION', `broker ${this.address} ended the produce stream`, { broker: this.address, transport: true })));
    return call;
  }

  private abortedError(): GregorError {
    return new GregorError('NETWORK_EXCEPTION', 'call aborted', { broker: this.address, transport: true });
  }

  /** Takes an unanswered request out of the map. */
  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (p === undefined) return undefined;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.signal?.removeEventListener('abort', p.onAbort);
    return p;
  }

  /** `call` is over: its unanswered requests fail with `err`, the next request opens a new stream. */
  private drop(call: StreamCall, err: GregorError): void {
    if (this.call === call) this.call = undefined;
    for (const [id, p] of [...this.pending]) if (p.call === call) this.settle(id)!.reject(err);
  }
}
