import * as grpc from '@grpc/grpc-js';
import { GregorError, grpcServerOptions, silentLogger, systemClock, type Clock, type Logger } from '@gregor/common';
import { loadClientProto, loadReplicationProto } from '@gregor/proto';
import type { BrokerApi } from './api/broker-api';
import { kafkaFirstClientFactory, ReplicaFetcherManager } from '@gregor/replication-fetcher';
import { AppendSignals } from './append-signals';
import type { BrokerConfig, GrpcListenerConfig } from './broker-config';
import { TopicConfigCache, type BrokerContext } from './broker-context';
import { GroupCoordination } from './coordinator/group-coordination';
import { OFFSETS_TOPIC } from '@gregor/group-coordinator';
import { TRANSACTION_STATE_TOPIC } from '@gregor/transaction-coordinator';
import { TransactionCoordination } from './coordinator/transaction-coordination';
import type { ConsumerGroupLag } from './coordinator/group-lag';
import { RemoteHighWatermarks } from './coordinator/remote-high-watermarks';
import { BrokerCore } from './broker-core';
import { FetchPurgatory } from './fetch-purgatory';
import { gregorService } from './grpc/client-service';
import { FETCH_SESSION_EVICTION_MS, type FetchSessionStats } from './fetch-sessions';
import { ReplicaFetchSessions } from './replica/replica-fetch-sessions';
import { requestBytesInterceptor } from './grpc/request-bytes-interceptor';
import { RequestBytesBudget } from './request-bytes-budget';
import { KafkaServer, type KafkaListenerStatus } from './kafka/kafka-server';
import { KAFKA_LISTENER, KAFKA_REPLICATION_LISTENER } from './kafka/request-context';
import { replicationService } from './grpc/replication-service';
import { RequestStreams } from './grpc/request-stream';
import { CLIENT_LISTENER, listenerEndpoint, type ListenerEndpoint, type MetadataSource } from './metadata-source';
import { NOOP_OBSERVER, type BrokerObserver } from './observer';
import { PartitionManager } from './partition-manager';
import { ProducerIdManager } from './producer-id-manager';
import { ProducePurgatory } from './replica/produce-purgatory';
import type { ProduceTrace } from './produce-trace';
import type { LedPartitionCounts } from './replica/led-partition-counts';
import { ReplicaManager, type FollowerFetcher, type ReplicaRoleSnapshot } from './replica/replica-manager';
import { applyCompactionOnce, applyRetentionOnce, PeriodicTask } from './retention';
import type { LogStorePort, PartitionLogPort } from './storage-port';
import { checkTopicDefaults } from './topic-config';

export interface BrokerOptions {
  config: BrokerConfig;
  metadata: MetadataSource;
  store: LogStorePort<PartitionLogPort>;
  logger?: Logger;
  clock?: Clock;
  observer?: BrokerObserver;
  /**
   * The follower side; by default a ReplicaFetcherManager over gRPC that
   * finds leaders through `metadata.brokerEndpoint`.
   */
  fetcher?: FollowerFetcher;
  /**
   * Per-stage timings of produces (issue #13: `debug.latency.trace`);
   * absent, nothing is traced and the hot path pays one check.
   */
  produceTrace?: ProduceTrace;
  /**
   * More gRPC services on every listener (the node adds
   * grpc.health.v1.Health, where load balancers and probes look).
   */
  services?: readonly ExtraGrpcService[];
}

export interface ExtraGrpcService {
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

/** What metrics read on each scrape: hosted and led partitions, waiting requests. */
export interface BrokerStatus {
  hostedPartitions: number;
  /** Kafka's ReplicaManager gauges over the partitions led here. */
  led: LedPartitionCounts;
  waitingFetches: number;
  waitingProduces: number;
  /** The KAFKA listener's connections; absent when it is not configured. */
  kafka?: KafkaListenerStatus;
  /** Client request bytes in flight against `queued.max.request.bytes` (<= 0: unbounded), readers waiting for room, waits since start. */
  requestBytes: { used: number; max: number; waitingReaders: number; pausedTotal: number };
  /** Followers' incremental fetch sessions (KIP-227) this leader holds, and the partitions in them. */
  replicaFetchSessions: { sessions: number; partitions: number };
}

function replicaSessionStatus(s: FetchSessionStats): BrokerStatus['replicaFetchSessions'] {
  return { sessions: s.sessions, partitions: s.partitions };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One bound gRPC listener: its server, and what the broker registers for it. */
interface ServedListener {
  readonly config: GrpcListenerConfig;
  readonly server: grpc.Server;
  boundPort: number;
}

/** CLIENT first, then the extra listeners; names unique, the inter-broker one among them. */
function listenersOf(config: BrokerConfig): GrpcListenerConfig[] {
  const client: GrpcListenerConfig = {
    name: CLIENT_LISTENER,
    host: config.host,
    port: config.port,
    ...(config.advertisedHost !== undefined ? { advertisedHost: config.advertisedHost } : {}),
    ...(config.advertisedPort !== undefined ? { advertisedPort: config.advertisedPort } : {}),
  };
  const all = [client, ...config.extraListeners];
  const names = all.map((l) => l.name);
  if (new Set(names).size !== names.length) throw new GregorError('INVALID_CONFIG', `listener names must be unique, got ${names.join(', ')}`);
  if (!names.includes(config.interBrokerListenerName)) {
    throw new GregorError('INVALID_CONFIG', `inter.broker.listener.name ${config.interBrokerListenerName} is not one of the listeners (${names.join(', ')})`);
  }
  return all;
}

/**
 * The client API server of one node: binds its gRPC listeners (CLIENT, and
 * e.g. INTERNAL for replication), serves every RPC of gregor.v1.Gregor on
 * each, runs retention, and shuts down in order (stop accepting, answer
 * waiting fetches, finish in-flight writes). It owns neither storage nor
 * metadata: the node opens and closes those.
 */
export class Broker {
  private readonly listeners: readonly ServedListener[];
  private readonly requestStreams = new RequestStreams();
  /** The KAFKA listener, when configured (bound in start). */
  private kafka: KafkaServer | undefined;
  /** `queued.max.request.bytes`: request bytes in flight over the gRPC and KAFKA front ends together. */
  readonly requestBytes: RequestBytesBudget;
  private readonly ctx: BrokerContext;
  private readonly core: BrokerCore;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly retention: PeriodicTask;
  private readonly cleaner: PeriodicTask;
  private readonly replicas: ReplicaManager;
  /** Leaders' high watermarks of committed partitions led elsewhere, for consumer lag. */
  private readonly remoteHighWatermarks: RemoteHighWatermarks;
  private readonly remoteHighWatermarkRefresh: PeriodicTask;
  private stopping = false;
  private serving = false;
  private stopped: Promise<void> | undefined;

  private constructor(private readonly opts: BrokerOptions) {
    const logger = opts.logger ?? silentLogger();
    const clock = opts.clock ?? systemClock;
    const config = opts.config;
    const purgatory = new FetchPurgatory(config.fetchMaxWaitingRequests);
    const producePurgatory = new ProducePurgatory(config.produceMaxWaitingPartitions);
    const endpointOf = (id: number, listener: string): string | undefined => {
      const b = opts.metadata.brokerEndpoint(id);
      const e = b === undefined ? undefined : listenerEndpoint(b, listener);
      return e === undefined ? undefined : hostPort(e.host, e.port);
    };
    const leaderAddress = (id: number): string | undefined => endpointOf(id, config.interBrokerListenerName);
    const fetcher =
      opts.fetcher ??
      new ReplicaFetcherManager({
        replicaId: config.nodeId,
        leaderAddress,
        brokerEpoch: () => opts.metadata.localBrokerEpoch(),
        ...(config.replicaFetchTransport === 'kafka' ? { clientFactory: kafkaFirstClientFactory((id) => endpointOf(id, KAFKA_REPLICATION_LISTENER), logger) } : {}),
        config: {
          partitionMaxBytes: config.replicaFetchMaxBytes,
          responseMaxBytes: config.replicaFetchResponseMaxBytes,
          maxWaitMs: config.replicaFetchWaitMaxMs,
          minBytes: config.replicaFetchMinBytes,
          backoffMs: config.replicaFetchBackoffMs,
          requestTimeoutMs: config.replicaSocketTimeoutMs,
        },
        logger,
        clock,
        ...(opts.produceTrace !== undefined ? { onApplied: opts.produceTrace.followerApplied } : {}),
      });
    this.replicas = new ReplicaManager({
      config,
      metadata: opts.metadata,
      partitions: new PartitionManager<PartitionLogPort>(opts.store, opts.metadata, logger),
      fetcher,
      fetchPurgatory: purgatory,
      producePurgatory,
      clock,
      logger,
      ...(opts.observer !== undefined ? { observer: opts.observer } : {}),
      ...(opts.produceTrace !== undefined ? { produceTrace: opts.produceTrace } : {}),
    });
    const topicDefaults = checkTopicDefaults(config.topicDefaults);
    const replicas = this.replicas;
    const groups = new GroupCoordination(config, opts.metadata, () => this.ctx, logger, clock, (a) => replicas.advertisedLeader(OFFSETS_TOPIC, a));
    // A broker cut off from the quorum stops coordinating the groups of the partitions it stepped back from.
    const transactions = new TransactionCoordination(config, opts.metadata, () => this.ctx, logger, clock, leaderAddress, (a) =>
      replicas.advertisedLeader(TRANSACTION_STATE_TOPIC, a),
    );
    replicas.onLeadershipClaimsChanged(() => {
      groups.leadershipClaimsChanged();
      transactions.leadershipClaimsChanged();
    });
    this.ctx = {
      groups,
      transactions,
      config,
      topicDefaults,
      metadata: opts.metadata,
      store: opts.store,
      replicas: this.replicas,
      purgatory,
      producePurgatory,
      producerIds: new ProducerIdManager(() => opts.metadata.allocateProducerIds(), logger),
      // One held batch per partition of a waiting produce; the acks=all bound is a fair match.
      appendSignals: new AppendSignals(config.produceMaxWaitingPartitions),
      clock,
      logger,
      observer: opts.observer ?? NOOP_OBSERVER,
      topicConfigs: new TopicConfigCache(topicDefaults),
      replicaFetchSessions: new ReplicaFetchSessions({ maxSessions: config.fetchSessionCacheSlots, evictionMs: FETCH_SESSION_EVICTION_MS }, clock),
      produceTrace: opts.produceTrace,
      isStopping: () => this.stopping,
      track: (work) => this.track(work),
    };
    this.retention = new PeriodicTask(this.ctx, 'retention check', opts.config.retentionCheckIntervalMs, applyRetentionOnce);
    this.cleaner = new PeriodicTask(this.ctx, 'log cleaner pass', opts.config.logCleanerBackoffMs, applyCompactionOnce);
    this.remoteHighWatermarks = new RemoteHighWatermarks({
      selfId: config.nodeId,
      refreshIntervalMs: config.consumerLagRefreshIntervalMs,
      leaderOf: (topic, partition) => opts.metadata.topic(topic)?.partitions[partition]?.leaderId,
      leaderAddress,
      clock,
      logger,
    });
    this.remoteHighWatermarkRefresh = new PeriodicTask(this.ctx, 'consumer-lag high watermark refresh', config.consumerLagRefreshIntervalMs, () =>
      this.remoteHighWatermarks.refresh(),
    );
    // Kafka serves every API on every listener; so does Gregor. What a
    // listener changes is the addresses its Metadata and FindCoordinator
    // answers give out: those of the same listener on the other brokers.
    this.core = new BrokerCore(this.ctx);
    this.requestBytes = new RequestBytesBudget(config.queuedMaxRequestBytes);
    const frontEnd = { logger, observer: this.ctx.observer, clock };
    this.listeners = listenersOf(config).map((l) => {
      const server = new grpc.Server({
        ...grpcServerOptions({
          'grpc.max_receive_message_length': opts.config.socketRequestMaxBytes,
          'grpc.max_send_message_length': -1,
        }),
        interceptors: [requestBytesInterceptor(this.requestBytes)],
      });
      // The gRPC front end: decode → the broker core → encode.
      server.addService(loadClientProto().gregor.v1.Gregor.service, gregorService(this.core, l.name, frontEnd, this.requestStreams));
      server.addService(loadReplicationProto().gregor.v1.GregorReplication.service, replicationService(this.core, l.name, frontEnd, this.requestStreams));
      for (const s of opts.services ?? []) server.addService(s.definition, s.implementation);
      return { config: l, server, boundPort: 0 };
    });
  }

  /**
   * Binds the listener, registers with metadata, then takes the role of
   * every hosted partition (leaders open their logs, followers start
   * fetching) before it reports serving.
   */
  static async start(opts: BrokerOptions): Promise<Broker> {
    const broker = new Broker(opts);
    try {
      for (const l of broker.listeners) {
        l.boundPort = await new Promise<number>((resolve, reject) => {
          l.server.bindAsync(hostPort(l.config.host, l.config.port), grpc.ServerCredentials.createInsecure(), (err, bound) =>
            err === null ? resolve(bound) : reject(err),
          );
        });
      }
      broker.kafka = await broker.startKafkaListener();
    } catch (err) {
      for (const l of broker.listeners) l.server.forceShutdown();
      await broker.kafka?.stop(0);
      throw err;
    }
    const advertised: ListenerEndpoint[] = broker.listeners.map((l) => ({
      name: l.config.name,
      host: l.config.advertisedHost ?? l.config.host,
      port: l.config.advertisedPort !== undefined && l.config.advertisedPort !== 0 ? l.config.advertisedPort : l.boundPort,
    }));
    const kafkaConfig = opts.config.kafkaListener;
    if (broker.kafka !== undefined && kafkaConfig !== undefined) {
      const kafka = {
        host: kafkaConfig.advertisedHost ?? kafkaConfig.host,
        port: kafkaConfig.advertisedPort !== undefined && kafkaConfig.advertisedPort !== 0 ? kafkaConfig.advertisedPort : broker.kafka.port,
      };
      advertised.push({ name: KAFKA_LISTENER, ...kafka }, { name: KAFKA_REPLICATION_LISTENER, ...kafka });
    }
    const client = advertised[0]!;
    await opts.metadata.registerBroker({ nodeId: opts.config.nodeId, host: client.host, port: client.port, listeners: advertised });
    await broker.replicas.start();
    broker.retention.start();
    broker.cleaner.start();
    broker.ctx.groups.start();
    broker.ctx.transactions.start();
    broker.remoteHighWatermarkRefresh.start();
    broker.serving = true;
    broker.ctx.logger.info('broker serving', {
      listeners: {
        ...Object.fromEntries(broker.listeners.map((l) => [l.config.name, hostPort(l.config.host, l.boundPort)])),
        ...(broker.kafka !== undefined ? { [KAFKA_LISTENER]: hostPort(opts.config.kafkaListener!.host, broker.kafka.port) } : {}),
      },
      interBrokerListener: opts.config.interBrokerListenerName,
    });
    return broker;
  }

  /** The Kafka front end on the KAFKA listener (src/kafka/): the same broker core. */
  private async startKafkaListener(): Promise<KafkaServer | undefined> {
    const config = this.opts.config;
    if (config.kafkaListener === undefined) return undefined;
    return KafkaServer.listen({
      host: config.kafkaListener.host,
      port: config.kafkaListener.port,
      maxConnections: config.maxConnections,
      limits: {
        maxFrameBytes: config.socketRequestMaxBytes,
        maxInflightRequests: config.kafkaMaxInflightRequestsPerConnection,
        maxBufferedBytes: config.kafkaMaxBufferedBytesPerConnection,
        idleTimeoutMs: config.connectionsMaxIdleMs,
      },
      requestBytes: this.requestBytes,
      fetchSessions: { maxSessions: config.fetchSessionCacheSlots, evictionMs: FETCH_SESSION_EVICTION_MS },
      api: this.core,
      replicaFetch: (rc, req) => this.core.fetchFromLeader(rc, req),
      logger: this.ctx.logger,
      observer: this.ctx.observer,
      clock: this.ctx.clock,
    });
  }

  /**
   * The protocol-neutral API every front end calls (the gRPC services here;
   * the Kafka listener): one method per request type.
   */
  get api(): BrokerApi {
    return this.core;
  }

  /** The CLIENT listener's bound port. */
  get port(): number {
    return this.listeners[0]!.boundPort;
  }

  /** "host:port" of the client listener. */
  get address(): string {
    return hostPort(this.opts.config.host, this.port);
  }

  /** Bound port of each listener by name (port 0 resolved), KAFKA included when configured. */
  get listenerPorts(): Readonly<Record<string, number>> {
    return {
      ...Object.fromEntries(this.listeners.map((l) => [l.config.name, l.boundPort])),
      ...(this.kafka !== undefined ? { [KAFKA_LISTENER]: this.kafka.port } : {}),
    };
  }

  /** The KAFKA listener's bound port; undefined when it is not configured. */
  get kafkaPort(): number | undefined {
    return this.kafka?.port;
  }

  /** The KAFKA listener's connections (metrics, tests; no I/O); undefined when it is not configured. */
  kafkaStatus(): KafkaListenerStatus | undefined {
    return this.kafka?.status();
  }

  get isServing(): boolean {
    return this.serving && !this.stopping;
  }

  get waitingFetches(): number {
    return this.ctx.purgatory.size;
  }

  /** acks=all produce partitions waiting for replication. */
  get waitingProduces(): number {
    return this.ctx.producePurgatory.size;
  }

  /** Produce requests holding an idempotent batch that arrived ahead of its predecessors. */
  get heldProduces(): number {
    return this.ctx.appendSignals.size;
  }

  /** This broker's role and positions for a partition, undefined when it hosts none. */
  partitionState(topic: string, partition: number): ReplicaRoleSnapshot | undefined {
    return this.replicas.describe(topic, partition);
  }

  /**
   * Consumer-group lag of the groups this broker coordinates (metrics; no
   * I/O, bounded), from the leader's high watermark: this broker's own for
   * partitions it leads, else the last one fetched from the leader (a
   * follower's HW trails the leader's; partitions with no replica here have
   * none). A partition whose leader has not answered within 3× the refresh
   * interval has no series.
   */
  consumerGroupLags(): ConsumerGroupLag[] {
    return this.ctx.groups.groupLags((topic, partition) => {
      const local = this.replicas.describe(topic, partition);
      return local?.role === 'leader' ? local.highWatermark : this.remoteHighWatermarks.get(topic, partition);
    });
  }

  /** One refresh of the remote high watermarks consumer lag uses, now (tests; the periodic task does the same). */
  refreshRemoteHighWatermarks(): Promise<number> {
    return this.remoteHighWatermarks.refresh();
  }

  /** A snapshot for metrics: cheap (no I/O), safe to call on every scrape. */
  status(): BrokerStatus {
    const { hostedPartitions, led } = this.replicas.status((topic) => {
      const view = this.ctx.metadata.topic(topic);
      return view === undefined ? 1 : this.ctx.topicConfigs.get(view).minInsyncReplicas;
    });
    return {
      hostedPartitions,
      led,
      waitingFetches: this.ctx.purgatory.size,
      waitingProduces: this.ctx.producePurgatory.size,
      ...(this.kafka !== undefined ? { kafka: this.kafka.status() } : {}),
      requestBytes: { used: this.requestBytes.usedBytes, max: this.requestBytes.maxBytes, waitingReaders: this.requestBytes.waiting, pausedTotal: this.requestBytes.pausedCount },
      replicaFetchSessions: replicaSessionStatus(this.ctx.replicaFetchSessions.stats()),
    };
  }

  /** One retention pass now (tests; the periodic task does the same). */
  runRetention(): Promise<number> {
    return applyRetentionOnce(this.ctx);
  }

  /** One compaction pass now over the compacted partitions hosted here (tests; the cleaner does the same). */
  runCompaction(): Promise<number> {
    return applyCompactionOnce(this.ctx);
  }

  stop(): Promise<void> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<void> {
    const log = this.ctx.logger;
    this.stopping = true;
    this.serving = false;
    log.info('broker stopping: no new fetches will wait');
    await this.retention.stop();
    await this.cleaner.stop();
    // Cancel first: a refresh waiting on a dead leader must not hold up the stop.
    this.remoteHighWatermarks.close();
    await this.remoteHighWatermarkRefresh.stop();
    // Waiting JoinGroups answer NOT_COORDINATOR now (members go find the
    // next coordinator); commits being written end with the produces below.
    const groupsStopped = Promise.all([this.ctx.groups.stop(), this.ctx.transactions.stop()]);
    const waiting = this.ctx.purgatory.size;
    const producing = this.ctx.producePurgatory.size;
    this.ctx.purgatory.wakeAll();
    // acks=all waiters answer NOT_LEADER_OR_FOLLOWER: the client retries on the next leader.
    this.ctx.producePurgatory.notifyAll();
    // Followers' FetchStreams and producers' ProduceStreams would keep talking to this broker (and hold up the graceful shutdown).
    this.requestStreams.closeAll();
    log.info('answered waiting fetches and produces', { fetches: waiting, produces: producing });
    const kafkaStopped = this.kafka?.stop(this.opts.config.shutdownGraceMs);
    await Promise.all([
      kafkaStopped,
      ...this.listeners.map(
        ({ server, config }) =>
          new Promise<void>((resolve) => {
            const force = setTimeout(() => {
              log.warn('in-flight calls did not finish in time; cutting them', { listener: config.name, graceMs: this.opts.config.shutdownGraceMs });
              server.forceShutdown();
              resolve();
            }, this.opts.config.shutdownGraceMs);
            server.tryShutdown(() => {
              clearTimeout(force);
              resolve();
            });
          }),
      ),
    ]);
    log.info('client listeners closed');
    await Promise.allSettled([...this.inflight]);
    await groupsStopped;
    await this.replicas.stop();
    log.info('broker stopped', { inflightWritesFlushed: true });
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    const forget = (): void => {
      this.inflight.delete(work);
    };
    work.then(forget, forget);
    return work;
  }
}
