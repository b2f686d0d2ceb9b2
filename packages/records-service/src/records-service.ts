import type * as grpc from '@grpc/grpc-js';
import { GregorError, silentLogger, type Logger } from '@gregor/common';
import { createClient, type Gregor, type InProcessBroker, type Producer } from '@gregor/client';
import { recordsServiceDefinition, type PublishRequest__Output, type PublishResponse, type ReadRequest__Output, type ReadResponse } from '@gregor/proto';
import { ByteBudget } from './byte-budget';
import { toServiceError } from './grpc-status';
import { checkPartitions, decodePublish, encodePublishResults, type PublishAcks } from './publish';
import { DEFAULT_READ_LIMITS, decodeRead, encodeRead, type ReadLimits } from './read';
import { DEFAULT_SUBSCRIBE_LIMITS, type SubscribeLimits } from './subscribe-open';
import { DEFAULT_SUBSCRIBE_CONSUMER, type SubscribeCall, type SubscribeConsumerSettings } from './subscribe-session';
import { SubscribeStreams } from './subscribe-streams';

export interface RecordsServiceOptions {
  /** Names the in-process client in the brokers' logs and group member lists. */
  clientId?: string;
  logger?: Logger;
  /** Kafka's max.request.size for one Publish (default 1 MiB, the SDK producer's). */
  maxRequestBytes?: number;
  /**
   * Publish bytes (records' estimated size) in flight on this node at once,
   * over every caller; a Publish that would pass it fails at once with
   * RESOURCE_EXHAUSTED / THROTTLING_QUOTA_EXCEEDED (default 64 MiB; one
   * Publish always passes when none is in flight).
   */
  maxInFlightBytes?: number;
  /** Reads (each may long-poll) served at once; more fail with RESOURCE_EXHAUSTED (default 256). */
  maxConcurrentReads?: number;
  readLimits?: ReadLimits;
  /** Subscribe: flow-control defaults and maxima, the stream bound, and how each stream's group consumer runs. */
  subscribe?: { limits?: Partial<SubscribeLimits>; consumer?: Partial<SubscribeConsumerSettings>; openTimeoutMs?: number };
}

/**
 * One producer serves every caller of the node, so its batches fill from
 * many Publishes: batches of 256 KiB and produce requests of 4 MiB (the
 * bench's SDK settings) instead of Kafka's 16 KiB / 1 MiB defaults, which
 * with acks=all on three nodes cost ~5× the node CPU per record (more
 * produce requests, more replica fetches, more acks). A Publish itself
 * stays bounded by maxRequestBytes, checked before the producer sees it.
 */
const SHARED_PRODUCER = { batchSize: 256 * 1024, maxRequestSize: 4 * 1024 * 1024 } as const;

/** What a broker's `services` option takes: served on every client listener. */
export interface RecordsGrpcService {
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

/**
 * gregor.v1.Records on one node. It runs the SDK in-process, bootstrapped
 * from the node's own client listener: Publish goes through one shared
 * idempotent Producer (batching, murmur2 partitioning, routing to leaders,
 * retries — the SDK's one implementation), Read through `client.read`.
 * The gRPC service exists before the broker binds (the broker registers
 * services at construction); `attach` gives it the bound address, and until
 * then (and after `close`) calls fail with UNAVAILABLE.
 *
 * Bounds: max.request.size per Publish, maxInFlightBytes over all Publishes
 * (the producer's own bufferMemory bounds what it holds too), and
 * maxConcurrentReads. At a bound the call fails at once, never queues.
 */
export class RecordsService {
  private readonly logger: Logger;
  private readonly maxRequestBytes: number;
  private readonly inFlight: ByteBudget;
  private readonly maxConcurrentReads: number;
  private readonly readLimits: ReadLimits;
  private client: Gregor | undefined;
  /** acks=all: idempotent (the SDK's default). Created with the client. */
  private producerAll: Producer | undefined;
  /** acks=1 cannot be idempotent (Kafka's rule): a second producer, made on first use. */
  private producerLeader: Producer | undefined;
  private activeReads = 0;
  private closed = false;
  /** Subscribe streams (subscribe-*.ts). */
  private readonly streams: SubscribeStreams;

  constructor(private readonly opts: RecordsServiceOptions = {}) {
    this.logger = opts.logger ?? silentLogger();
    this.maxRequestBytes = opts.maxRequestBytes ?? 1024 * 1024;
    this.inFlight = new ByteBudget(opts.maxInFlightBytes ?? 64 * 1024 * 1024);
    this.maxConcurrentReads = opts.maxConcurrentReads ?? 256;
    this.readLimits = opts.readLimits ?? DEFAULT_READ_LIMITS;
    this.streams = new SubscribeStreams({
      limits: { ...DEFAULT_SUBSCRIBE_LIMITS, ...opts.subscribe?.limits },
      consumer: { ...DEFAULT_SUBSCRIBE_CONSUMER, ...opts.subscribe?.consumer },
      openTimeoutMs: opts.subscribe?.openTimeoutMs ?? 10_000,
      logger: this.logger,
    });
  }

  /** The definition and handlers to add to a gRPC server. */
  grpcService(): RecordsGrpcService {
    const publish: grpc.handleUnaryCall<PublishRequest__Output, PublishResponse> = (call, callback) => {
      this.publish(call.request).then(
        (res) => callback(null, res),
        (err: unknown) => callback(toServiceError(err)),
      );
    };
    const read: grpc.handleUnaryCall<ReadRequest__Output, ReadResponse> = (call, callback) => {
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      this.read(call.request, abort.signal).then(
        (res) => callback(null, res),
        (err: unknown) => callback(toServiceError(err)),
      );
    };
    return {
      definition: recordsServiceDefinition(),
      implementation: { Publish: publish, Read: read, Subscribe: (call: SubscribeCall) => this.streams.serve(call, this.closed ? undefined : this.client) } as grpc.UntypedServiceImplementation,
    };
  }

  /** What is in flight now, against the bounds (for metrics and tests). */
  status(): { publishBytesInFlight: number; readsInProgress: number } {
    return { publishBytesInFlight: this.inFlight.used, readsInProgress: this.activeReads };
  }

  /**
   * Starts the in-process client against `bootstrap` (the node's own client
   * listener). With `broker`, the Subscribe streams' consumers fetch the
   * node's own partitions from it directly instead of through the listener.
   */
  attach(bootstrap: string, broker?: InProcessBroker): void {
    if (this.closed || this.client !== undefined) return;
    this.client = createClient({ bootstrap, clientId: this.opts.clientId ?? 'gregor-records-service', logger: this.logger, ...(broker !== undefined ? { inProcessBroker: broker } : {}) });
    this.producerAll = this.client.producer({ acks: 'all', ...SHARED_PRODUCER });
    this.logger.info('records service serving (Publish, Subscribe, Read)', { bootstrap, maxRequestBytes: this.maxRequestBytes, maxInFlightBytes: this.inFlight.limitBytes });
  }

  /**
   * Refuses new calls, flushes what the producers hold, closes the client.
   * Waits at most `timeoutMs` for the flush: with the cluster's other nodes
   * gone it could otherwise hold the node's shutdown for the producer's
   * whole delivery timeout (2 minutes); Publishes still in flight then fail
   * with the node. Idempotent.
   */
  async close(timeoutMs = 5000): Promise<void> {
    this.closed = true;
    // Streams first: each commits what was acked and leaves its group while the client still works.
    await this.streams.close();
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      client.close().then(
        () => true,
        (err: unknown) => {
          this.logger.warn('records service: closing the in-process client failed', { error: String(err) });
          return true;
        },
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (!closed) this.logger.warn('records service: producers did not flush in time, closing anyway', { timeoutMs, publishBytesInFlight: this.inFlight.used });
  }

  private live(): Gregor {
    if (this.closed || this.client === undefined) throw new GregorError('BROKER_NOT_AVAILABLE', this.closed ? 'the node is shutting down' : 'the node is starting');
    return this.client;
  }

  private producerFor(acks: PublishAcks): Producer {
    const client = this.live();
    if (acks === 'all') return this.producerAll!;
    this.producerLeader ??= client.producer({ acks: 1, ...SHARED_PRODUCER });
    return this.producerLeader;
  }

  private async publish(req: PublishRequest__Output): Promise<PublishResponse> {
    const call = decodePublish(req, this.maxRequestBytes);
    const producer = this.producerFor(call.acks);
    // Held until the producer has settled every record, even when the caller gave up: that is when its memory is free.
    if (!this.inFlight.tryTake(call.bytes)) {
      throw new GregorError(
        'THROTTLING_QUOTA_EXCEEDED',
        `${this.inFlight.used} bytes of Publish requests are in flight on this node, at most ${this.inFlight.limitBytes} may be: retry after a backoff`,
        { topic: call.topic },
      );
    }
    try {
      checkPartitions(call, await producer.partitionsFor(call.topic));
      return encodePublishResults(await producer.sendEach({ topic: call.topic, messages: call.messages }));
    } finally {
      this.inFlight.release(call.bytes);
    }
  }

  private async read(req: ReadRequest__Output, signal: AbortSignal): Promise<ReadResponse> {
    const args = decodeRead(req, this.readLimits);
    const client = this.live();
    if (this.activeReads >= this.maxConcurrentReads) {
      throw new GregorError('THROTTLING_QUOTA_EXCEEDED', `${this.activeReads} Reads are in progress on this node, at most ${this.maxConcurrentReads}: retry after a backoff`, {
        topic: args.topic,
        partition: args.partition,
      });
    }
    this.activeReads++;
    try {
      return encodeRead(await client.read({ ...args, signal }));
    } finally {
      this.activeReads--;
    }
  }
}
