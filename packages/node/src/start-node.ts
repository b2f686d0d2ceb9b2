import { mkdir } from 'node:fs/promises';
import type * as http from 'node:http';
import { createLogger, debugTimeline, systemClock, type Clock, type Logger } from '@gregor/common';
import { Broker, CLIENT_LISTENER, LocalMetadataStore, createAdminService, defaultBrokerConfig, fetchInProcess, type BrokerConfig, type MetadataSource } from '@gregor/broker';
import type { ControllerNode } from '@gregor/controller';
import { RecordsService } from '@gregor/records-service';
import { LogStore } from '@gregor/storage';
import { closeServer, createHttpServer, listen } from './http-server';
import { LatencyProbe } from './latency-probe';
import { NodeMetrics } from './metrics';
import { startQuorumRole, type QuorumRole } from './controller-role';
import { GrpcHealth } from './grpc-health';
import type { NodeConfig } from './node-config';
import { decideReadiness, type Readiness } from './readiness';

export interface StartNodeOptions {
  /** Defaults to a winston logger at the config's level with the node id. */
  logger?: Logger;
  clock?: Clock;
}

export interface RunningNode {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly dataDir: string;
  /** host:port of the gRPC client listener as bound (port 0 resolved). */
  readonly clientAddress: string | undefined;
  readonly clientPort: number | undefined;
  /** host:port of the KAFKA listener as bound, when configured. */
  readonly kafkaAddress: string | undefined;
  /** http://host:port of the HTTP listener, when configured. */
  readonly httpUrl: string | undefined;
  readonly broker: Broker | undefined;
  /** The Raft controller, when this node is a voter (controller.quorum.voters set). */
  readonly controller: ControllerNode | undefined;
  readonly metrics: NodeMetrics;
  isReady(): boolean;
  /** isReady() with the reasons when not (what /readyz prints). */
  readiness(): Readiness;
  /** Stop accepting, answer waiting fetches, flush, close storage. Idempotent. */
  stop(): Promise<void>;
}

function kafkaListenerOf(config: NodeConfig, advertised: { advertisedHost?: string; advertisedPort?: number }): Pick<BrokerConfig, 'kafkaListener'> {
  const l = config.listeners.find((x) => x.name === 'KAFKA');
  return l === undefined ? {} : { kafkaListener: { host: l.host, port: l.port, ...advertised } };
}

export function brokerConfigFor(config: NodeConfig, clientHost: string, clientPort: number): BrokerConfig {
  const advertisedOf = (name: string): { advertisedHost?: string; advertisedPort?: number } => {
    const a = config.advertisedListeners.find((l) => l.name === name);
    return a === undefined ? {} : { advertisedHost: a.host, advertisedPort: a.port };
  };
  return defaultBrokerConfig({
    nodeId: config.nodeId,
    host: clientHost,
    port: clientPort,
    ...advertisedOf('CLIENT'),
    extraListeners: config.listeners.filter((l) => l.name === 'INTERNAL').map((l) => ({ name: l.name, host: l.host, port: l.port, ...advertisedOf(l.name) })),
    interBrokerListenerName: config.interBrokerListenerName,
    ...kafkaListenerOf(config, advertisedOf('KAFKA')),
    maxConnections: config.maxConnections,
    fetchSessionCacheSlots: config.fetchSessionCacheSlots,
    queuedMaxRequestBytes: config.queuedMaxRequestBytes,
    connectionsMaxIdleMs: config.connectionsMaxIdleMs,
    numPartitions: config.numPartitions,
    defaultReplicationFactor: config.defaultReplicationFactor,
    autoCreateTopicsEnable: config.autoCreateTopicsEnable,
    socketRequestMaxBytes: config.socketRequestMaxBytes,
    fetchMaxWaitingRequests: config.fetchMaxWaitingRequests,
    retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
    logCleanerBackoffMs: config.logCleanerBackoffMs,
    replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
    replicaFetchMaxBytes: config.replicaFetchMaxBytes,
    replicaFetchResponseMaxBytes: config.replicaFetchResponseMaxBytes,
    replicaFetchWaitMaxMs: config.replicaFetchWaitMaxMs,
    replicaFetchMinBytes: config.replicaFetchMinBytes,
    replicaFetchBackoffMs: config.replicaFetchBackoffMs,
    replicaSocketTimeoutMs: config.replicaSocketTimeoutMs,
    replicaFetchTransport: config.replicaFetchTransport,
    brokerSessionTimeoutMs: config.brokerSessionTimeoutMs,
    offsetsTopicNumPartitions: config.offsetsTopicNumPartitions,
    offsetsTopicReplicationFactor: config.offsetsTopicReplicationFactor,
    offsetsCommitTimeoutMs: config.offsetsCommitTimeoutMs,
    transactionStateLogNumPartitions: config.transactionStateLogNumPartitions,
    transactionStateLogReplicationFactor: config.transactionStateLogReplicationFactor,
    transactionCoordinator: {
      ...defaultBrokerConfig().transactionCoordinator,
      maxTransactionTimeoutMs: config.transactionMaxTimeoutMs,
      transactionalIdExpirationMs: config.transactionalIdExpirationMs,
    },
    transactionAbortTimedOutTransactionCleanupIntervalMs: config.transactionAbortTimedOutTransactionCleanupIntervalMs,
    transactionPartitionVerificationEnable: config.transactionPartitionVerificationEnable,
    groupCoordinator: {
      ...defaultBrokerConfig().groupCoordinator,
      groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      groupMaxSize: config.groupMaxSize,
      offsetMetadataMaxBytes: config.offsetMetadataMaxBytes,
      offsetsRetentionMs: config.offsetsRetentionMs,
      offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
    },
    topicDefaults: {
      'retention.ms': String(config.logRetentionMs),
      'retention.bytes': String(config.logRetentionBytes),
      'max.message.bytes': String(config.messageMaxBytes),
      'min.insync.replicas': String(config.minInsyncReplicas),
      'unclean.leader.election.enable': String(config.uncleanLeaderElectionEnable),
      'delete.retention.ms': String(config.logCleanerDeleteRetentionMs),
      'min.cleanable.dirty.ratio': String(config.logCleanerMinCleanableRatio),
    },
    describedBrokerConfigs: config.raw,
  });
}

/**
 * Wires one node: storage and metadata under log.dirs, the broker on the
 * CLIENT listener, health and metrics on HTTP. With controller.quorum.voters
 * set, metadata comes from the Raft quorum (a voter on the CONTROLLER
 * listener when process.roles includes controller); without, from a local
 * metadata file (single-node mode).
 */
export async function startNode(config: NodeConfig, options: StartNodeOptions = {}): Promise<RunningNode> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, nodeId: config.nodeId });
  const clock = options.clock ?? systemClock;
  const metrics = new NodeMetrics(config.nodeId);
  const latency = config.debugLatencyTrace ? new LatencyProbe(config.nodeId) : undefined;
  if (config.debugLatencyTimelineDir !== '') debugTimeline.enable(config.debugLatencyTimelineDir);
  logger.info('gregor-node starting', { roles: config.roles, dataDir: config.dataDir });
  const quorumMode = config.quorumVoters.length > 0;
  if (!quorumMode && config.roles.includes('controller')) {
    logger.info('controller.quorum.voters is empty: single-node mode, metadata in a local file');
  }
  for (const l of config.listeners.filter((x) => x.name === 'CONTROLLER' && !quorumMode)) {
    logger.info('listener accepted but not served yet', { listener: l.name, port: l.port });
  }

  let quorum: QuorumRole | undefined;
  let metadata: MetadataSource | undefined;
  let clusterId: string | undefined;
  let store: LogStore | undefined;
  let broker: Broker | undefined;
  let httpServer: http.Server | undefined;
  let httpUrl: string | undefined;
  let unsubscribeMetadata: (() => void) | undefined;
  // The step under way until every role is up; /readyz names it.
  let starting: string | undefined = 'opening the HTTP listener';
  let stopping = false;
  const readiness = (): Readiness =>
    decideReadiness({
      starting,
      stopping,
      broker: broker === undefined ? undefined : { serving: broker.isServing },
      ...(quorum === undefined ? { quorum: undefined, controllerLeaderKnown: undefined } : quorum.readinessInput()),
    });
  const isReady = (): boolean => readiness().ready;
  metrics.attachReadiness(isReady);
  const health = new GrpcHealth(isReady);
  // gregor.v1.Records (issue #17): the SDK run in-process for callers with
  // nothing but generated stubs; it dials this node's own client listener
  // once that is bound.
  const recordsClientId = `gregor-node-${config.nodeId}-records`;
  const records = new RecordsService({ clientId: recordsClientId, logger: logger.child({ component: 'records' }), ...config.records });
  try {
    // HTTP first: /healthz means "the process is alive", so it (and /metrics)
    // must answer while start-up waits for a quorum or recovers storage, or
    // an orchestrator would kill a node that is only slow to start. /readyz
    // answers 503 "starting: <step>" until the broker serves.
    const httpListener = config.listeners.find((l) => l.name === 'HTTP');
    if (httpListener !== undefined) {
      httpServer = createHttpServer({ readiness, registry: metrics.registry, logger, ...(latency !== undefined ? { latency } : {}) });
      const port = await listen(httpServer, httpListener.host, httpListener.port);
      httpUrl = `http://${httpListener.host.includes(':') ? `[${httpListener.host}]` : httpListener.host || '127.0.0.1'}:${port}`;
      logger.info('http listener open (/readyz answers 503 until start-up is done)', { http: httpUrl });
    }
    await mkdir(config.dataDir, { recursive: true });
    if (quorumMode) {
      starting = 'joining the controller quorum and applying the committed metadata log';
      quorum = await startQuorumRole(config, logger, clock, metrics.controllerRequests);
      if (quorum.controller !== undefined) metrics.attachController(quorum.controller);
      metadata = quorum.metadata;
      clusterId = quorum.clusterId;
    } else {
      starting = 'opening the local metadata file';
      const local = await LocalMetadataStore.open({
        dir: config.dataDir,
        nodeId: config.nodeId,
        ...(config.clusterId !== undefined ? { clusterId: config.clusterId } : {}),
        logger,
      });
      metadata = local;
      clusterId = local.clusterId;
    }
    // Per-topic series go with their topic (Kafka removes BrokerTopicMetrics on deletion too).
    unsubscribeMetadata = metadata?.subscribe((e) => {
      if (e.type === 'topic-deleted') metrics.forgetTopic(e.name);
    });
    const client = config.listeners.find((l) => l.name === 'CLIENT');
    if (config.roles.includes('broker') && client !== undefined && metadata !== undefined) {
      starting = 'opening storage (recovering the partition logs)';
      store = await LogStore.open({
        dataDir: config.dataDir,
        logger,
        clock,
        syncWrites: config.logSyncWrites,
        tailCacheBytes: config.logTailCacheBytes,
        maxQueuedBytes: config.logWriteQueueMaxBytes,
        leveldb: config.logStore,
        producerIdExpirationMs: config.producerIdExpirationMs,
      });
      const openStore = store;
      metrics.attachStore(() => openStore.memory());
      starting = quorumMode ? 'starting the broker (registering with the active controller)' : 'starting the broker';
      broker = await Broker.start({
        config: brokerConfigFor(config, client.host, client.port),
        metadata,
        store,
        logger,
        clock,
        observer: metrics,
        ...(latency !== undefined ? { produceTrace: latency.produceTrace } : {}),
        services: [
          health.service(),
          records.grpcService(),
          createAdminService({
            nodeId: config.nodeId,
            metadata,
            ...(quorum?.clusterStatus !== undefined ? { clusterStatus: quorum.clusterStatus } : {}),
            logger,
            observer: metrics,
            clock,
          }),
        ],
      });
      const started = broker;
      records.attach(dialAddress(client.host, started.port), {
        nodeId: config.nodeId,
        fetch: (req, signal) => fetchInProcess(started.api, req, { listener: CLIENT_LISTENER, clientId: recordsClientId, clientHost: '/127.0.0.1', signal }),
      });
      metrics.attachBroker(() => started.status());
      metrics.setConsumerGroupLagSource({ consumerGroupLags: () => started.consumerGroupLags() });
    }
    starting = undefined;
    if (broker !== undefined) health.start();
  } catch (err) {
    stopping = true;
    health.close();
    unsubscribeMetadata?.();
    await records.close();
    await broker?.stop();
    if (httpServer !== undefined) await closeServer(httpServer);
    latency?.stop();
    await store?.close();
    await quorum?.stop();
    throw err;
  }
  // Every path through the try above set it, or threw.
  const startedClusterId: string = clusterId;

  let stopped: Promise<void> | undefined;
  const node: RunningNode = {
    nodeId: config.nodeId,
    clusterId: startedClusterId,
    dataDir: config.dataDir,
    clientAddress: broker?.address,
    clientPort: broker?.port,
    kafkaAddress: kafkaAddressOf(config, broker),
    httpUrl,
    broker,
    controller: quorum?.controller,
    metrics,
    isReady,
    readiness,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        logger.info('gregor-node stopping');
        // Probes and Watch streams hear NOT_SERVING before anything closes.
        health.close();
        unsubscribeMetadata?.();
        // Before the broker stops: Publishes in flight are flushed while leaders still answer.
        await records.close();
        logger.info('records service closed');
        if (quorum !== undefined && broker !== undefined) {
          await quorum.beforeBrokerStop();
          logger.info('controlled shutdown done: leaderships moved away');
        }
        if (broker !== undefined) await broker.stop();
        if (httpServer !== undefined) {
          await closeServer(httpServer);
          logger.info('http listener closed');
        }
        latency?.stop();
        await store?.close();
        logger.info('storage closed');
        if (quorum !== undefined) {
          await quorum.stop();
          logger.info('controller quorum role stopped');
        }
        logger.info('gregor-node stopped');
      })();
      return stopped;
    },
  };
  logger.info('gregor-node ready', {
    nodeId: config.nodeId,
    clusterId: startedClusterId,
    client: broker?.address,
    kafka: kafkaAddressOf(config, broker),
    http: httpUrl,
  });
  return node;
}

function kafkaAddressOf(config: NodeConfig, broker: Broker | undefined): string | undefined {
  const l = config.listeners.find((x) => x.name === 'KAFKA');
  const port = broker?.kafkaPort;
  if (l === undefined || port === undefined) return undefined;
  return dialAddress(l.host, port);
}

/** host:port to reach a listener of this node from this host (a wildcard host means loopback). */
function dialAddress(host: string, port: number): string {
  const h = host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
}
