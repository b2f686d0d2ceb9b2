import { KafkaWireClient, encodeRequestFrame, type ApiDefinition, type Encodable, type FetchRequest } from '@gregor/kafka-protocol';

/**
 * The tests' Kafka client: KafkaWireClient (one pipelined connection,
 * responses matched in request order) plus the order in which responses
 * arrived, for tests of Kafka's in-order answering.
 */
export class KafkaTestClient {
  /** Correlation ids in the order their responses arrived. */
  readonly answered: number[] = [];
  private wire!: KafkaWireClient;

  private constructor() {}

  static async connect(port: number, host = '127.0.0.1'): Promise<KafkaTestClient> {
    const c = new KafkaTestClient();
    // No request timeout: tests hold long-polls and slow readers on purpose, and wait with their own deadlines.
    // Answers to raw frames (writeRaw) match no request: they are only recorded in `answered`.
    c.wire = await KafkaWireClient.connect(`${host}:${port}`, {
      clientId: 'kafka-test',
      requestTimeoutMs: 0,
      onResponse: (id) => c.answered.push(id),
      onUnmatchedResponse: () => undefined,
    });
    return c;
  }

  get socket(): KafkaWireClient['socket'] {
    return this.wire.socket;
  }

  get closed(): boolean {
    return this.wire.closed;
  }

  get closedPromise(): Promise<void> {
    return this.wire.closedPromise;
  }

  /** Sends one request; resolves with the decoded response body. */
  send<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: Encodable<Req>): Promise<Res> {
    return this.wire.send(api, version, body);
  }

  /** Like send, also returning the correlation id used; `responseVersion` reads the answer at another version. */
  sendTracked<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: Encodable<Req>, responseVersion = version): { correlationId: number; promise: Promise<Res> } {
    return this.wire.sendTracked(api, version, body, { responseVersion });
  }

  /** Sends a request that gets no response (acks=0 produce). */
  sendOneWay<Req>(api: ApiDefinition<Req, unknown>, version: number, body: Encodable<Req>): number {
    return this.wire.sendOneWay(api, version, body);
  }

  /** Raw bytes, exactly as given. */
  writeRaw(bytes: Buffer): void {
    this.wire.writeRaw(bytes);
  }

  close(): void {
    this.wire.close();
  }
}

/** A whole request frame as one Buffer (for tests that cut or mutate it). */
export function requestFrame<Req>(api: ApiDefinition<Req, unknown>, version: number, body: Encodable<Req>, correlationId = 1): Buffer {
  return Buffer.concat(encodeRequestFrame(api, version, { correlationId, clientId: 'kafka-test' }, body));
}

/** A consumer Fetch (v4+) of one partition, no session, 1 MiB budgets; long-polls when `maxWaitMs` and `minBytes` say so. */
export function fetchBody(topic: string, opts: { maxWaitMs?: number; minBytes?: number; fetchOffset?: bigint; partition?: number } = {}): Encodable<FetchRequest> {
  return {
    replicaId: -1,
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 0,
    maxBytes: 1 << 20,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: opts.partition ?? 0, fetchOffset: opts.fetchOffset ?? 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
  };
}
