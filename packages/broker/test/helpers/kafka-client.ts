import * as net from 'node:net';
import { FrameDecoder, decodeResponseFrame, encodeRequestFrame, type ApiDefinition, type Encodable, type FetchRequest } from '@gregor/kafka-protocol';

interface Pending {
  readonly api: ApiDefinition<unknown, unknown>;
  readonly version: number;
  resolve(body: unknown): void;
  reject(err: Error): void;
}

/**
 * A minimal Kafka client for tests: one TCP connection, requests encoded
 * with the generated codecs, many in flight, each response matched by its
 * correlation id. Also records the order responses arrived in, and whether
 * the broker closed the connection.
 */
export class KafkaTestClient {
  private readonly pending = new Map<number, Pending>();
  private readonly decoder = new FrameDecoder();
  private nextCorrelationId = 1;
  /** Correlation ids in the order their responses arrived. */
  readonly answered: number[] = [];
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) this.onFrame(frame);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(new Error('connection closed'));
      this.pending.clear();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<KafkaTestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new KafkaTestClient(socket));
      });
      socket.once('error', reject);
    });
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    this.answered.push(correlationId);
    const p = this.pending.get(correlationId);
    if (p === undefined) return;
    this.pending.delete(correlationId);
    try {
      p.resolve(decodeResponseFrame(p.api, p.version, frame).body);
    } catch (err) {
      p.reject(err as Error);
    }
  }

  /** Sends one request; resolves with the decoded response body. */
  send<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: Encodable<Req>, clientId: string | null = 'kafka-test'): Promise<Res> {
    const { promise } = this.sendTracked(api, version, body, clientId);
    return promise;
  }

  /**
   * Like send, also returning the correlation id used. `responseVersion`
   * reads the answer at another version (ApiVersions at an unsupported
   * version is answered as v0, as clients expect).
   */
  sendTracked<Req, Res>(
    api: ApiDefinition<Req, Res>,
    version: number,
    body: Encodable<Req>,
    clientId: string | null = 'kafka-test',
    responseVersion = version,
  ): { correlationId: number; promise: Promise<Res> } {
    const correlationId = this.nextCorrelationId++;
    const promise = new Promise<Res>((resolve, reject) => {
      if (this.closed) {
        reject(new Error('connection closed'));
        return;
      }
      this.pending.set(correlationId, { api: api as ApiDefinition<unknown, unknown>, version: responseVersion, resolve: resolve as (b: unknown) => void, reject });
      for (const c of encodeRequestFrame(api, version, { correlationId, clientId }, body)) this.socket.write(c);
    });
    return { correlationId, promise };
  }

  /** Sends a request that gets no response (acks=0 produce). */
  sendOneWay<Req>(api: ApiDefinition<Req, unknown>, version: number, body: Encodable<Req>): number {
    const correlationId = this.nextCorrelationId++;
    for (const c of encodeRequestFrame(api, version, { correlationId, clientId: 'kafka-test' }, body)) this.socket.write(c);
    return correlationId;
  }

  /** Raw bytes, exactly as given. */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A whole request frame as one Buffer (for tests that cut or mutate it). */
export function requestFrame<Req>(api: ApiDefinition<Req, unknown>, version: number, body: Encodable<Req>, correlationId = 1): Buffer {
  return Buffer.concat(encodeRequestFrame(api, version, { correlationId, clientId: 'kafka-test' }, body));
}

/** A consumer Fetch (v4+) of one partition, no session, 1 MiB budgets; long-polls when `maxWaitMs` and `minBytes` say so. */
export function fetchBody(topic: string, opts: { maxWaitMs?: number; minBytes?: number; fetchOffset?: bigint } = {}): Encodable<FetchRequest> {
  return {
    replicaId: -1,
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 0,
    maxBytes: 1 << 20,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: opts.fetchOffset ?? 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
  };
}
