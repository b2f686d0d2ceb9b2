import * as net from 'node:net';
import { GregorError } from '@gregor/common';
import type { ApiDefinition } from '../api';
import type { Encodable } from '../codec-support';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder } from '../frame-decoder';
import { decodeResponseFrame, encodeRequestFrame } from '../messages';

export interface KafkaWireClientOptions {
  /** The request header's client id. Default "gregor-wire-client". */
  clientId?: string | null;
  /** Requests awaiting a response; one more is refused with an error (the caller paces itself). Default 1000. */
  maxInFlight?: number;
  /**
   * How long a response may take, ms (0: no limit). Responses come in
   * request order, so a missing one holds up every later one: at the
   * deadline the connection is closed and all pending requests fail.
   * Default 30000.
   */
  requestTimeoutMs?: number;
  /** Largest response frame accepted. Default 100 MiB. */
  maxFrameBytes?: number;
  /** Called with each response's correlation id as it arrives, before it is decoded (tests check order). */
  onResponse?: (correlationId: number) => void;
  /**
   * Takes a response that is not the oldest pending request's, instead of
   * closing the connection: for tests that write raw frames (writeRaw),
   * whose answers no request awaits.
   */
  onUnmatchedResponse?: (correlationId: number, frame: Buffer) => void;
}

export interface SendOptions {
  /** Read the answer at another version (ApiVersions at an unsupported version is answered as v0). */
  responseVersion?: number;
}

interface Pending {
  readonly correlationId: number;
  readonly api: ApiDefinition<unknown, unknown>;
  readonly version: number;
  readonly deadlineMs: number;
  resolve(body: unknown): void;
  reject(err: Error): void;
}

/**
 * A lean Kafka client connection for benchmarks and tests (not an SDK: no
 * metadata cache, no retries, no batching). One TCP connection, requests
 * encoded with the generated codecs and pipelined: many in flight, each
 * frame handed to the socket as its chunks (header bytes plus spliced
 * record buffers, no concatenation). Kafka answers a connection's requests
 * in order, so pending requests are a FIFO and a response whose
 * correlation id is not the oldest pending one is a protocol error that
 * closes the connection (as Kafka's NetworkClient treats it).
 *
 * Errors are GregorErrors: NETWORK_EXCEPTION when the connection fails or
 * closes (every pending request fails with it), REQUEST_TIMED_OUT at
 * `requestTimeoutMs`, INVALID_REQUEST beyond `maxInFlight` or for a
 * response that does not decode.
 */
export class KafkaWireClient {
  private readonly decoder: FrameDecoder;
  /** Requests awaiting a response, oldest first (a queue without O(n) shifts). */
  private pending: Pending[] = [];
  private pendingHead = 0;
  private nextCorrelationId = 1;
  private readonly clientId: string | null;
  private readonly maxInFlight: number;
  private readonly requestTimeoutMs: number;
  private readonly onResponse: ((correlationId: number) => void) | undefined;
  private readonly onUnmatchedResponse: ((correlationId: number, frame: Buffer) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closeReason: string | undefined;
  /** Resolves when the socket has closed, for whatever reason. */
  readonly closedPromise: Promise<void>;

  private constructor(
    readonly socket: net.Socket,
    readonly address: string,
    opts: KafkaWireClientOptions,
  ) {
    this.clientId = opts.clientId === undefined ? 'gregor-wire-client' : opts.clientId;
    this.maxInFlight = opts.maxInFlight ?? 1000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.onResponse = opts.onResponse;
    this.onUnmatchedResponse = opts.onUnmatchedResponse;
    this.decoder = new FrameDecoder({ maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES });
    socket.setNoDelay(true);
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk, (frame) => this.onFrame(frame));
      } catch (err) {
        this.fail(`bad response frame: ${(err as Error).message}`);
      }
    });
    socket.on('error', (err) => this.fail(`socket error: ${err.message}`));
    socket.on('close', () => this.fail('connection closed by the broker'));
  }

  /** Connects to "host:port" (or a port on 127.0.0.1). */
  static connect(address: string | number, opts: KafkaWireClientOptions = {}): Promise<KafkaWireClient> {
    const { host, port } = parseAddress(address);
    const label = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.off('error', onError);
        resolve(new KafkaWireClient(socket, label, opts));
      });
      const onError = (err: Error): void => reject(new GregorError('NETWORK_EXCEPTION', `cannot connect to ${label}: ${err.message}`, { address: label }, err));
      socket.once('error', onError);
    });
  }

  /** Requests awaiting a response. */
  get inFlight(): number {
    return this.pending.length - this.pendingHead;
  }

  /** True once the connection failed or was closed. */
  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  /** Sends one request; resolves with the decoded response body. */
  send<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: Encodable<Req>, opts: SendOptions = {}): Promise<Res> {
    return this.sendTracked(api, version, body, opts).promise;
  }

  /** Like send, also returning the request's correlation id. */
  sendTracked<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: Encodable<Req>, opts: SendOptions = {}): { correlationId: number; promise: Promise<Res> } {
    const correlationId = this.takeCorrelationId();
    const promise = new Promise<Res>((resolve, reject) => {
      if (this.closeReason !== undefined) {
        reject(this.networkError(this.closeReason));
        return;
      }
      if (this.inFlight >= this.maxInFlight) {
        reject(new GregorError('INVALID_REQUEST', `${this.maxInFlight} requests already in flight to ${this.address} (maxInFlight)`, { address: this.address }));
        return;
      }
      // Encode before queueing: a body the version cannot carry throws here and nothing is sent.
      const chunks = encodeRequestFrame(api, version, { correlationId, clientId: this.clientId }, body);
      const deadlineMs = this.requestTimeoutMs > 0 ? performance.now() + this.requestTimeoutMs : Number.POSITIVE_INFINITY;
      this.pending.push({
        correlationId,
        api: api as ApiDefinition<unknown, unknown>,
        version: opts.responseVersion ?? version,
        deadlineMs,
        resolve: resolve as (b: unknown) => void,
        reject,
      });
      this.writeChunks(chunks);
      this.armTimer();
    });
    return { correlationId, promise };
  }

  /** Sends a request that gets no response (Produce with acks=0); returns its correlation id. */
  sendOneWay<Req>(api: ApiDefinition<Req, unknown>, version: number, body: Encodable<Req>): number {
    if (this.closeReason !== undefined) throw this.networkError(this.closeReason);
    const correlationId = this.takeCorrelationId();
    this.writeChunks(encodeRequestFrame(api, version, { correlationId, clientId: this.clientId }, body));
    return correlationId;
  }

  /** Raw bytes, exactly as given (tests of bad input). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Closes the connection; pending requests fail with NETWORK_EXCEPTION. */
  close(): void {
    this.fail('closed by the client');
  }

  private takeCorrelationId(): number {
    const id = this.nextCorrelationId;
    this.nextCorrelationId = id === 0x7fffffff ? 1 : id + 1;
    return id;
  }

  private writeChunks(chunks: Buffer[]): void {
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!);
      return;
    }
    // One writev for the frame's chunks.
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }

  private onFrame(frame: Buffer): void {
    if (frame.length < 4) {
      this.fail(`a response frame of ${frame.length} bytes has no correlation id`);
      return;
    }
    const correlationId = frame.readInt32BE(0);
    this.onResponse?.(correlationId);
    const head = this.pending[this.pendingHead];
    if (head === undefined || head.correlationId !== correlationId) {
      if (this.onUnmatchedResponse !== undefined) {
        this.onUnmatchedResponse(correlationId, frame);
        return;
      }
      this.fail(`response with correlation id ${correlationId}, expected ${head === undefined ? 'none' : head.correlationId} (responses must come in request order)`);
      return;
    }
    this.shiftPending();
    let body: unknown;
    try {
      body = decodeResponseFrame(head.api, head.version, frame).body;
    } catch (err) {
      head.reject(new GregorError('INVALID_REQUEST', `${head.api.name} v${head.version} response from ${this.address} does not decode: ${(err as Error).message}`, {}, err));
      return;
    }
    head.resolve(body);
  }

  private shiftPending(): void {
    this.pending[this.pendingHead++] = undefined as unknown as Pending;
    if (this.pendingHead === this.pending.length) {
      this.pending = [];
      this.pendingHead = 0;
    } else if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  /** One timer for the oldest request: later ones cannot be answered before it. */
  private armTimer(): void {
    if (this.timer !== undefined || this.closeReason !== undefined) return;
    const head = this.pending[this.pendingHead];
    if (head === undefined || head.deadlineMs === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const oldest = this.pending[this.pendingHead];
      if (oldest === undefined) return;
      if (performance.now() >= oldest.deadlineMs) {
        const err = new GregorError('REQUEST_TIMED_OUT', `${oldest.api.name} to ${this.address}: no response in ${this.requestTimeoutMs} ms`, { address: this.address });
        this.shiftPending();
        oldest.reject(err);
        this.fail(`a request timed out (${this.requestTimeoutMs} ms)`);
        return;
      }
      this.armTimer();
    }, Math.max(1, head.deadlineMs - performance.now()));
    this.timer.unref();
  }

  private networkError(reason: string): GregorError {
    return new GregorError('NETWORK_EXCEPTION', `${this.address}: ${reason}`, { address: this.address });
  }

  private fail(reason: string): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const pending = this.pending.slice(this.pendingHead);
    this.pending = [];
    this.pendingHead = 0;
    const err = this.networkError(reason);
    for (const p of pending) p.reject(err);
    this.socket.destroy();
  }
}

function parseAddress(address: string | number): { host: string; port: number } {
  if (typeof address === 'number') return { host: '127.0.0.1', port: address };
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new GregorError('INVALID_REQUEST', `"${address}" is not host:port`, { address });
  }
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}
