import { createHash } from 'node:crypto';
import type { Clock, Logger } from '@gregor/common';
import type { ClusterStatusSource, MetadataEvent, MetadataSource } from '@gregor/broker';
import { validateTopicConfigOverrides } from '@gregor/broker';
import type { ControllerNode, ControllerRequestObserver } from '@gregor/controller';
import { bindControllerServer, ControllerClient, ControllerMetadataSource, MetadataFollower, startControllerNode } from '@gregor/controller';
import { clusterStatusSource } from './cluster-status-source';
import type { NodeConfig } from './node-config';
import type { ReadinessInput } from './readiness';

/**
 * The node's side of the KRaft-style quorum (controller.quorum.voters set):
 * - controller role: a Raft voter on the CONTROLLER listener, with its
 *   metadata log under log.dirs;
 * - broker role: a ControllerMetadataSource in place of the local metadata
 *   file — reads from the co-located controller's image (combined mode) or
 *   from a MetadataFollower (broker-only), registration and heartbeats to
 *   the active controller.
 */
export interface QuorumRole {
  readonly clusterId: string;
  readonly controller: ControllerNode | undefined;
  /** For the broker; undefined on a controller-only node. */
  readonly metadata: MetadataSource | undefined;
  readonly metadataSource: ControllerMetadataSource | undefined;
  /** For the broker's DescribeCluster; undefined on a controller-only node. */
  readonly clusterStatus: ClusterStatusSource | undefined;
  /** What readiness depends on (see decideReadiness). */
  readinessInput(): Pick<ReadinessInput, 'quorum' | 'controllerLeaderKnown'>;
  /** Controlled shutdown: moves this broker's leaderships away before it stops serving. */
  beforeBrokerStop(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The broker's MetadataSource over the controller-backed one. The controller
 * package mirrors the broker's shapes (it cannot import the broker); this
 * adapter is where the compiler checks that the two agree.
 */
export function asBrokerMetadataSource(cms: ControllerMetadataSource): MetadataSource {
  return {
    clusterId: cms.clusterId,
    controllerId: () => cms.controllerId(),
    lastHeartbeatAnswer: () => {
      const hb = cms.heartbeatState();
      return hb === undefined ? undefined : { ageMs: Date.now() - hb.atMs, fenced: hb.isFenced, controllerOffset: hb.controllerOffset };
    },
    appliedOffset: () => cms.appliedOffset(),
    registerBroker: (endpoint) => cms.registerBroker(endpoint),
    liveBrokers: () => cms.liveBrokers(),
    registeredBrokerCount: () => cms.registeredBrokers().length,
    topic: (name) => cms.topic(name),
    topics: () => cms.topics(),
    createTopic: (spec) => cms.createTopic(spec),
    deleteTopic: (name) => cms.deleteTopic(name),
    setTopicConfigs: (name, configs) => cms.setTopicConfigs(name, configs),
    createPartitions: (name, totalCount, opts) => cms.createPartitions(name, totalCount, opts),
    subscribe: (listener) => cms.subscribe((event: MetadataEvent) => listener(event)),
    brokerEndpoint: (nodeId) => cms.brokerEndpoint(nodeId),
    localBrokerEpoch: () => cms.localBrokerEpoch(),
    alterPartition: (topic, partition, request) => cms.alterPartition(topic, partition, request),
    allocateProducerIds: () => cms.allocateProducerIds(),
  };
}

/**
 * Without cluster.id, every node of one quorum derives the same id from the
 * voter list (Raft traffic from another cluster is refused by this id).
 */
export function quorumClusterId(config: NodeConfig): string {
  if (config.clusterId !== undefined) return config.clusterId;
  const voters = [...config.quorumVoters]
    .sort((a, b) => a.id - b.id)
    .map((v) => `${v.id}@${v.host}:${v.port}`)
    .join(',');
  return `gregor-${createHash('sha256').update(voters).digest('hex').slice(0, 16)}`;
}

export async function startQuorumRole(
  config: NodeConfig,
  logger: Logger,
  clock: Clock,
  requestObserver?: ControllerRequestObserver,
): Promise<QuorumRole> {
  const clusterId = quorumClusterId(config);
  const voters = config.quorumVoters;
  let controller: ControllerNode | undefined;
  if (config.roles.includes('controller')) {
    const listener = config.listeners.find((l) => l.name === 'CONTROLLER')!;
    const server = await bindControllerServer(listener.host === '' ? '0.0.0.0' : listener.host, listener.port);
    controller = await startControllerNode({
      nodeId: config.nodeId,
      clusterId,
      voters,
      dataDir: config.dataDir,
      server,
      tickIntervalMs: config.controllerTickIntervalMs,
      electionTimeoutMs: config.controllerElectionTimeoutMs,
      brokerSessionTimeoutMs: config.brokerSessionTimeoutMs,
      brokerHeartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
      snapshotIntervalEntries: config.metadataSnapshotIntervalEntries,
      autoLeaderRebalanceEnable: config.autoLeaderRebalanceEnable,
      leaderImbalanceCheckIntervalMs: config.leaderImbalanceCheckIntervalSeconds * 1000,
      validateTopicConfigs: validateTopicConfigOverrides,
      logger: logger.child({ component: 'controller' }),
      clock,
      ...(requestObserver !== undefined ? { observer: requestObserver } : {}),
      onFatal: (err) => {
        // A controller that cannot persist or hit a broken invariant must not limp on.
        logger.error('controller failed: exiting', { err: err instanceof Error ? err.stack : String(err) });
        process.exit(1);
      },
    });
  }

  let client: ControllerClient | undefined;
  let follower: MetadataFollower | undefined;
  let metadata: ControllerMetadataSource | undefined;
  if (config.roles.includes('broker')) {
    let source: ControllerNode['controller'] | MetadataFollower | undefined;
    client = new ControllerClient({
      voters,
      clusterId,
      logger,
      // Admin writes through this broker wait at most this long for an active controller.
      retryDeadlineMs: 10_000,
      // Heartbeats go where the metadata log says the active controller is.
      quorumLeader: () => source?.image.lastLeaderChange?.leaderId ?? -1,
    });
    if (controller !== undefined) {
      source = controller.controller;
    } else {
      follower = new MetadataFollower({ client, voters, sessionTimeoutMs: config.brokerSessionTimeoutMs, clock, logger });
      source = follower;
    }
    metadata = new ControllerMetadataSource({
      clusterId,
      nodeId: config.nodeId,
      source,
      client,
      heartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
      sessionTimeoutMs: config.brokerSessionTimeoutMs,
      logger: logger.child({ component: 'broker-lifecycle' }),
    });
    // The broker must not start on a stale image (it would drop the logs of
    // topics it has not seen yet): first apply what is known committed.
    if (controller !== undefined) {
      await metadata.waitForOffset(controller.controller.storageView().hardState().commit, 60_000);
    } else {
      await follower!.catchUp(60_000);
      follower!.start();
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    clusterId,
    controller,
    metadata: metadata === undefined ? undefined : asBrokerMetadataSource(metadata),
    metadataSource: metadata,
    clusterStatus: metadata === undefined || client === undefined ? undefined : clusterStatusSource(client, metadata),
    readinessInput: () => {
      if (metadata === undefined) return { quorum: undefined, controllerLeaderKnown: controller !== undefined && controller.controller.leaderId() !== -1 };
      const hb = metadata.heartbeatState();
      return {
        quorum: {
          brokerEpoch: metadata.brokerEpoch,
          unfencedLocally: !metadata.isFenced,
          heartbeat: hb === undefined ? undefined : { ageMs: Date.now() - hb.atMs, isFenced: hb.isFenced, isCaughtUp: hb.isCaughtUp },
          sessionTimeoutMs: config.brokerSessionTimeoutMs,
        },
        controllerLeaderKnown: undefined,
      };
    },
    beforeBrokerStop: async () => {
      await metadata?.close({ controlledShutdown: true, timeoutMs: 3000 });
    },
    stop: () => {
      stopped ??= (async () => {
        await metadata?.close({ controlledShutdown: false });
        await follower?.stop();
        await controller?.stop();
        client?.close();
      })();
      return stopped;
    },
  };
}
