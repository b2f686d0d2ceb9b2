import type * as net from 'node:net';
import { isGregorError, type Clock, type Logger } from '@gregor/common';
import {
  FrameDecoder,
  apiName,
  decodeRequestBody,
  encodeResponseFrame,
  isKafkaProtocolError,
  peekRequestHeader,
  unsupportedApiVersionsResponse,
  type RequestHeaderInfo,
} from '@gregor/kafka-protocol';
import type { BrokerApi } from '../api/broker-api';
import type { FetchSessionCache } from '../fetch-sessions';
import { isFollowerFetchFrame, type ReplicaFetchCall } from './replica-fetch-adapter';
import type { RequestBytesBudget } from '../request-bytes-budget';
import { reportRequestFailed } from '../broker-core';
import type { BrokerObserver } from '../observer';
import { KafkaRequestContext } from './request-context';
import { SERVED_APIS, apiVersionsBody, type ServedApi } from './served-apis';

/** Per-connection bounds (see KafkaServerConfig for the node keys and defaults). */
export interface KafkaConnectionLimits {
  /** `socket.request.max.bytes`: a larger size prefix closes the connection. */
  readonly maxFrameBytes: number;
  /** Requests read but not yet answered; at the bound the socket is not read. */
  readonly maxInflightRequests: number;
  /** Bytes of requests in flight plus responses the kernel has not taken; at the bound the socket is not read. */
  readonly maxBufferedBytes: number;
  /** `connections.max.idle.ms`: a connection with nothing in flight and no traffic this long is closed. */
  readonly idleTimeoutMs: number;
}

export interface KafkaConnectionDeps {
  readonly api: BrokerApi;
  readonly logger: Logger;
  readonly observer: BrokerObserver;
  readonly clock: Clock;
  readonly limits: KafkaConnectionLimits;
  /** The listener's incremental fetch sessions (KIP-227): any connection may use any session. */
  readonly fetchSessions: FetchSessionCache;
  /** The node-wide bound on request bytes in flight (`queued.max.request.bytes`), shared with gRPC. */
  readonly requestBytes: RequestBytesBudget;
  /** Followers' Fetch (KafkaListenerState.replicaFetch). */
  readonly replicaFetch?: ReplicaFetchCall;
}

/** One request in request order: answered (chunks, or null for no response) or not yet. */
interface Slot {
  done: boolean;
  chunks: Buffer[] | null;
  readonly requestBytes: number;
  /** Bytes charged to the node's budget for it, given back once answered. */
  budgetBytes: number;
}

/**
 * One client connection on the KAFKA listener. Frames are decoded as they
 * arrive and handled concurrently (many requests in flight, as Kafka's
 * clients pipeline them), but answered strictly in request order: each
 * request takes a slot in a queue, and answered slots are written from the
 * head only. acks=0 produces take a slot that writes nothing.
 *
 * Bounds: at `maxInflightRequests` unanswered requests, or
 * `maxBufferedBytes` of requests in flight plus responses the peer has not
 * read, no further frame is dispatched and the socket is paused (TCP
 * back-pressure reaches the client); frames of the last read wait, undecoded,
 * until both fall below. A client that never reads its responses therefore
 * costs at most `maxBufferedBytes` plus its in-flight requests' answers plus
 * one socket read, then sits paused until `connections.max.idle.ms` closes
 * it. Node-wide, a frame is dispatched only while the node is below
 * `queued.max.request.bytes` of requests in flight (RequestBytesBudget,
 * shared with gRPC); at the bound the connection stops reading, with at
 * most the frames of its last read waiting, and resumes when answers
 * anywhere release bytes.
 *
 * Bad input closes the connection with a debug line (Kafka's answer to a
 * request it cannot parse): a size prefix over `socket.request.max.bytes`
 * or negative, a header or body that does not decode, an unknown API key, a
 * version outside the served range — except ApiVersions at an unknown
 * version, which gets Kafka's v0 UNSUPPORTED_VERSION answer (KIP-511), and
 * Produce v0–v2 (UNSUPPORTED_VERSION per partition).
 */
export class KafkaConnection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Slot[] = [];
  /**
   * Frames read but not yet dispatched, because the connection was at its
   * bound when they arrived (one socket read can hold hundreds of small
   * requests). Views of the chunks read; reading stops while any wait.
   */
  private readonly frames: Buffer[] = [];
  private framesHead = 0;
  private inflightRequestBytes = 0;
  /** Bytes of the frame being dispatched, charged to the node's budget and not yet owned by a slot. */
  private unslottedBudgetBytes = 0;
  /** Set while waiting for room in the node's budget. */
  private cancelBudgetWait: (() => void) | undefined;
  private readonly abort = new AbortController();
  private readonly clientHost: string;
  private paused = false;
  private dispatching = false;
  private closed = false;
  private draining = false;
  readonly closedPromise: Promise<void>;

  /**
   * `onActivity` is told of every read and every answer written (the
   * server's least-recently-active order for `max.connections`).
   */
  constructor(
    private readonly socket: net.Socket,
    private readonly deps: KafkaConnectionDeps,
    private readonly onActivity: () => void = () => undefined,
  ) {
    this.decoder = new FrameDecoder({ maxFrameBytes: deps.limits.maxFrameBytes });
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    socket.setNoDelay(true);
    socket.setTimeout(deps.limits.idleTimeoutMs);
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.dispatch());
    socket.on('timeout', () => {
      if (this.queue.length === 0) this.close(`idle for ${deps.limits.idleTimeoutMs} ms (connections.max.idle.ms)`);
    });
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => {
      this.closed = true;
      this.abort.abort();
      this.cancelBudgetWait?.();
      this.cancelBudgetWait = undefined;
    });
  }

  /** Requests read and not yet answered (tests, metrics). */
  get inflightRequests(): number {
    return this.queue.length;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Graceful close on shutdown: read nothing more, answer what is in flight,
   * flush, close. After `graceMs` the socket is destroyed whatever is left.
   */
  drain(graceMs: number): Promise<void> {
    if (!this.closed) {
      this.draining = true;
      this.updateReading();
      const force = setTimeout(() => this.close('shutdown grace period over'), graceMs);
      force.unref();
      void this.closedPromise.then(() => clearTimeout(force));
      this.maybeFinishDrain();
    }
    return this.closedPromise;
  }

  private onData(chunk: Buffer): void {
    this.onActivity();
    try {
      this.decoder.push(chunk, (frame) => this.frames.push(frame));
    } catch (err) {
      this.close(`bad frame: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.dispatch();
  }

  /**
   * Handles waiting frames in order while the connection is within its
   * bounds, then reads the socket or not. Re-entered when a request is
   * answered synchronously: the outer call carries on.
   */
  private dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.framesWaiting && !this.closed && !this.draining && !this.overBounds()) {
        const frame = this.frames[this.framesHead]!;
        // A follower's fetch is never held back: acks=all produces holding the budget wait for it (as on gRPC, request-bytes-interceptor.ts).
        const ungated = isFollowerFetchFrame(frame);
        if (!ungated && !this.deps.requestBytes.hasRoom()) {
          this.waitForBudget();
          break;
        }
        this.frames[this.framesHead++] = EMPTY;
        if (!ungated) {
          this.deps.requestBytes.charge(frame.length);
          this.unslottedBudgetBytes = frame.length;
        }
        this.onFrame(frame);
        // A frame answered without a slot (closed for bad input) gives its bytes back at once.
        if (this.unslottedBudgetBytes > 0) this.deps.requestBytes.release(this.unslottedBudgetBytes);
        this.unslottedBudgetBytes = 0;
      }
      if (!this.framesWaiting) {
        this.frames.length = 0;
        this.framesHead = 0;
      }
    } finally {
      this.dispatching = false;
    }
    this.updateReading();
  }

  private onFrame(frame: Buffer): void {
    const started = this.deps.clock.monotonicMs();
    let header: RequestHeaderInfo;
    try {
      header = peekRequestHeader(frame);
    } catch (err) {
      this.close(`request header could not be read: ${describe(err)}`);
      return;
    }
    const served = SERVED_APIS.get(header.apiKey);
    if (served === undefined || header.api === undefined) {
      this.close(`unknown or unserved API key ${header.apiKey} (${apiName(header.apiKey)})`);
      return;
    }
    if (served.adapter === 'api-versions') {
      this.answerApiVersions(served, header, frame, started);
      return;
    }
    const v = header.apiVersion;
    if (v > served.maxVersion || v < served.minVersion) {
      this.close(`${served.def.name} v${v} is not served (${served.minVersion}-${served.maxVersion})`);
      return;
    }
    let body: unknown;
    try {
      body = decodeRequestBody(served.def, header, frame);
    } catch (err) {
      reportRequestFailed(this.deps, served.metricName, err, this.deps.clock.monotonicMs() - started);
      this.close(`${served.def.name} v${v} request could not be decoded: ${describe(err)}`);
      return;
    }
    const slot = this.enqueue(frame.length);
    const ctx = new KafkaRequestContext(header.clientId, this.clientHost, this.abort.signal);
    served.adapter(this.deps.api, ctx, v, body, this.deps).then(
      (res) => {
        let chunks: Buffer[] | null = null;
        if (res !== null) {
          try {
            chunks = encodeResponseFrame(served.def, v, header.correlationId, res);
          } catch (err) {
            this.deps.logger.error('kafka response could not be encoded', { api: served.def.name, version: v, err: err instanceof Error ? err.stack : String(err) });
            this.releaseBudget(slot);
            this.close('response could not be encoded');
            return;
          }
        }
        this.complete(slot, chunks);
      },
      (err: unknown) => {
        // The broker core already counted it (and logged it if it was a bug).
        this.releaseBudget(slot);
        this.close(`${served.def.name} v${v} request refused as a whole: ${describe(err)}`, !isGregorError(err));
      },
    );
  }

  /** ApiVersions never reaches the broker: the answer is the served table (or, at an unserved version, Kafka's v0 error answer). */
  private answerApiVersions(served: ServedApi, header: RequestHeaderInfo, frame: Buffer, started: number): void {
    const v = header.apiVersion;
    const slot = this.enqueue(frame.length);
    if (v < served.minVersion || v > served.maxVersion) {
      this.deps.observer.requestCompleted('ApiVersions', 'UNSUPPORTED_VERSION', this.deps.clock.monotonicMs() - started);
      this.complete(slot, unsupportedApiVersionsResponse(header.correlationId, served));
      return;
    }
    try {
      decodeRequestBody(served.def, header, frame);
    } catch (err) {
      reportRequestFailed(this.deps, 'ApiVersions', err, this.deps.clock.monotonicMs() - started);
      this.close(`ApiVersions v${v} request could not be decoded: ${describe(err)}`);
      return;
    }
    this.deps.observer.requestCompleted('ApiVersions', 'NONE', this.deps.clock.monotonicMs() - started);
    this.complete(slot, encodeResponseFrame(served.def, v, header.correlationId, apiVersionsBody()));
  }

  private waitForBudget(): void {
    if (this.cancelBudgetWait !== undefined) return;
    this.cancelBudgetWait = this.deps.requestBytes.whenRoom(() => {
      this.cancelBudgetWait = undefined;
      this.dispatch();
    });
  }

  private enqueue(requestBytes: number): Slot {
    const slot: Slot = { done: false, chunks: null, requestBytes, budgetBytes: this.unslottedBudgetBytes };
    this.unslottedBudgetBytes = 0;
    this.queue.push(slot);
    this.inflightRequestBytes += requestBytes;
    return slot;
  }

  private complete(slot: Slot, chunks: Buffer[] | null): void {
    slot.done = true;
    slot.chunks = chunks;
    this.inflightRequestBytes -= slot.requestBytes;
    this.releaseBudget(slot);
    this.flush();
  }

  /** Gives a request's bytes back to the node's budget, once (answered, or its connection closed under it). */
  private releaseBudget(slot: Slot): void {
    if (slot.budgetBytes === 0) return;
    const bytes = slot.budgetBytes;
    slot.budgetBytes = 0;
    this.deps.requestBytes.release(bytes);
  }

  /** Writes answered requests from the head of the queue, in one writev. */
  private flush(): void {
    if (this.closed) return;
    let corked = false;
    while (this.queue.length > 0 && this.queue[0]!.done) {
      const slot = this.queue.shift()!;
      if (slot.chunks === null) continue;
      if (!corked) {
        this.socket.cork();
        corked = true;
      }
      for (const c of slot.chunks) this.socket.write(c);
    }
    if (corked) {
      this.socket.uncork();
      this.onActivity();
    }
    this.dispatch();
    this.maybeFinishDrain();
  }

  private overBounds(): boolean {
    const l = this.deps.limits;
    return this.queue.length >= l.maxInflightRequests || this.inflightRequestBytes + this.socket.writableLength >= l.maxBufferedBytes;
  }

  private get framesWaiting(): boolean {
    return this.framesHead < this.frames.length;
  }

  /** Reads the socket only while nothing waits to be dispatched and the connection is within its bounds. */
  private updateReading(): void {
    if (this.closed) return;
    const pause = this.draining || this.framesWaiting || this.overBounds();
    if (pause && !this.paused) this.socket.pause();
    else if (!pause && this.paused) this.socket.resume();
    this.paused = pause;
  }

  private maybeFinishDrain(): void {
    if (this.draining && !this.closed && this.queue.length === 0) {
      this.socket.end(() => this.socket.destroy());
    }
  }

  /** Closes at once (bad input, idle, errors): a debug line, or a warning when `unexpected`. */
  close(reason: string, unexpected = false): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelBudgetWait?.();
    this.cancelBudgetWait = undefined;
    this.abort.abort();
    const fields = { client: this.clientHost, port: this.socket.remotePort, reason, inflight: this.queue.length };
    if (unexpected) this.deps.logger.warn('kafka connection closed', fields);
    else this.deps.logger.debug('kafka connection closed', fields);
    this.socket.destroy();
  }
}

const EMPTY = Buffer.alloc(0);

function describe(err: unknown): string {
  if (isKafkaProtocolError(err) || isGregorError(err)) return err.message;
  return err instanceof Error ? err.message : String(err);
}
