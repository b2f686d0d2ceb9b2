import { randomInt } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Clock, Logger, NodeId } from '@gregor/common';
import { FAILURE_DETECTION_DEFAULTS, GregorError, grpcServerOptions, nodeId, silentLogger, systemClock } from '@gregor/common';
import { loadControllerProto } from '@gregor/proto';
import type { Message } from '@gregor/raft';
import { ControllerOperations } from './controller-operations';
import { createControllerHandlers, type ControllerRequestObserver } from './controller-service';
import { LevelRaftStorage } from './level-raft-storage';
import { PeerSender } from './peer-sender';
import type { TopicConfigValidator } from './plans';
import { minimalTopicConfigValidator } from './plans';
import type { VoterAddress } from './quorum-controller';
import { QuorumController } from './quorum-controller';
import { RaftDriver } from './raft-driver';

/**
 * One controller process: Raft storage on LevelDB, the Raft driver, the
 * metadata state machine, the gRPC service on the controller listener, and a
 * sender per peer voter. `startControllerNode` wires them; `stop` undoes it.
 */

export interface ControllerNodeOptions {
  nodeId: number;
  clusterId: string;
  /** controller.quorum.voters; must include this node. */
  voters: readonly VoterAddress[];
  /** log.dirs: the Raft log goes to `<dataDir>/__cluster_metadata`. */
  dataDir: string;
  /** A server already bound (tests bind port 0 first); else one is bound on this node's voter address. */
  server?: BoundServer;
  /** Milliseconds per Raft tick. Default FAILURE_DETECTION_DEFAULTS (50). */
  tickIntervalMs?: number;
  /** Base election timeout; each wait is drawn from [T, 2T) as in KRaft. Default FAILURE_DETECTION_DEFAULTS (500). */
  electionTimeoutMs?: number;
  /** Leader heartbeat interval. Default: one tick. */
  raftHeartbeatIntervalMs?: number;
  /** broker.session.timeout.ms. Default FAILURE_DETECTION_DEFAULTS (750). */
  brokerSessionTimeoutMs?: number;
  /** broker.heartbeat.interval.ms (part of the takeover grace). Default FAILURE_DETECTION_DEFAULTS (125). */
  brokerHeartbeatIntervalMs?: number;
  /** Default wait for a metadata write to commit. Default 5000. */
  writeTimeoutMs?: number;
  maxWriteTimeoutMs?: number;
  maxQueuedWrites?: number;
  /** Applied entries between snapshots. Default 1000. */
  snapshotIntervalEntries?: number;
  /** Entries kept behind a snapshot. Default 200. */
  snapshotRetainEntries?: number;
  maxPartitionsPerTopic?: number;
  /** auto.leader.rebalance.enable. Default true. */
  autoLeaderRebalanceEnable?: boolean;
  /** leader.imbalance.check.interval.seconds, in ms. Default 10000. */
  leaderImbalanceCheckIntervalMs?: number;
  /** Topic config checks (the broker's schema); default checks only what the controller reads. */
  validateTopicConfigs?: TopicConfigValidator;
  logger?: Logger;
  clock?: Clock;
  /** A storage failure or broken invariant. Default: log and stop this controller. */
  onFatal?: (err: unknown) => void;
  /** Told about every RPC answered on the controller listener (request metrics). */
  observer?: ControllerRequestObserver;
}

export interface BoundServer {
  server: grpc.Server;
  port: number;
}

export interface ControllerNode {
  readonly nodeId: number;
  readonly port: number;
  readonly controller: QuorumController;
  readonly operations: ControllerOperations;
  readonly driver: RaftDriver;
  /**
   * Stops everything. By default an active leader first hands leadership to
   * another voter; `transferLeadership: false` stops like a crash would
   * (tests of failover).
   */
  stop(opts?: { transferLeadership?: boolean }): Promise<void>;
}

export const CONTROLLER_SERVER_OPTIONS: grpc.ServerOptions = grpcServerOptions({
  'grpc.max_receive_message_length': 128 * 1024 * 1024,
  'grpc.max_send_message_length': 128 * 1024 * 1024,
});

/** Binds a gRPC server for the controller listener (port 0 picks a free port). */
export function bindControllerServer(host: string, port: number): Promise<BoundServer> {
  const server = new grpc.Server(CONTROLLER_SERVER_OPTIONS);
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err !== null) reject(new GregorError('UNKNOWN_SERVER_ERROR', `cannot listen on ${host}:${port}: ${err.message}`, {}, err));
      else resolve({ server, port: bound });
    });
  });
}

function ticks(ms: number, tickMs: number, what: string): number {
  const n = Math.round(ms / tickMs);
  if (n < 1) throw new GregorError('INVALID_CONFIG', `${what} (${ms} ms) is shorter than one tick (${tickMs} ms)`);
  return n;
}

export async function startControllerNode(opts: ControllerNodeOptions): Promise<ControllerNode> {
  const logger = opts.logger ?? silentLogger();
  const clock = opts.clock ?? systemClock;
  const self = opts.voters.find((v) => v.id === opts.nodeId);
  if (self === undefined) {
    throw new GregorError('INVALID_CONFIG', `controller.quorum.voters does not include node.id ${opts.nodeId}`);
  }
  const tickIntervalMs = opts.tickIntervalMs ?? FAILURE_DETECTION_DEFAULTS.controllerTickIntervalMs;
  const electionTimeoutMs = opts.electionTimeoutMs ?? FAILURE_DETECTION_DEFAULTS.controllerElectionTimeoutMs;
  const electionTimeoutTicks = ticks(electionTimeoutMs, tickIntervalMs, 'election timeout');
  const heartbeatTicks = ticks(opts.raftHeartbeatIntervalMs ?? tickIntervalMs, tickIntervalMs, 'raft heartbeat interval');
  const voterIds: NodeId[] = opts.voters.map((v) => nodeId(v.id));

  const storage = await LevelRaftStorage.open(opts.dataDir, voterIds);
  const qc = new QuorumController(
    {
      nodeId: opts.nodeId,
      clusterId: opts.clusterId,
      voters: opts.voters,
      brokerSessionTimeoutMs: opts.brokerSessionTimeoutMs ?? FAILURE_DETECTION_DEFAULTS.brokerSessionTimeoutMs,
      brokerHeartbeatIntervalMs: opts.brokerHeartbeatIntervalMs ?? FAILURE_DETECTION_DEFAULTS.brokerHeartbeatIntervalMs,
      writeTimeoutMs: opts.writeTimeoutMs ?? 5000,
      maxWriteTimeoutMs: opts.maxWriteTimeoutMs ?? 30_000,
      maxQueuedWrites: opts.maxQueuedWrites ?? 1000,
      snapshotIntervalEntries: opts.snapshotIntervalEntries ?? 1000,
      snapshotRetainEntries: opts.snapshotRetainEntries ?? 200,
      autoLeaderRebalanceEnable: opts.autoLeaderRebalanceEnable ?? true,
      leaderImbalanceCheckIntervalMs: opts.leaderImbalanceCheckIntervalMs ?? 10_000,
      clock,
      logger,
    },
    storage,
  );
  const ops = new ControllerOperations(qc, {
    maxPartitionsPerTopic: opts.maxPartitionsPerTopic ?? 10_000,
    validateConfigs: opts.validateTopicConfigs ?? minimalTopicConfigValidator,
  });

  const peers = new Map<number, PeerSender>();
  let stopPromise: Promise<void> | undefined;
  const driver: RaftDriver = new RaftDriver({
    id: nodeId(opts.nodeId),
    voters: voterIds,
    storage,
    tickIntervalMs,
    electionTimeoutTicks,
    heartbeatIntervalTicks: heartbeatTicks,
    applied: qc.appliedIndex,
    seed: randomInt(2 ** 31),
    logger,
    send: (messages: readonly Message[]) => {
      for (const m of messages) peers.get(m.to)?.send(m);
    },
    apply: (snapshot, entries) => qc.applyCommitted(snapshot, entries),
    onViewChange: (view, prev) => qc.onViewChange(view, prev),
    onFatal: (err) => {
      if (opts.onFatal !== undefined) opts.onFatal(err);
      else void node.stop();
    },
  });
  qc.attach(driver);
  for (const v of opts.voters) {
    if (v.id === opts.nodeId) continue;
    peers.set(
      v.id,
      new PeerSender(
        nodeId(v.id),
        `${v.host}:${v.port}`,
        nodeId(opts.nodeId),
        opts.clusterId,
        { unreachable: (id) => driver.reportUnreachable(id), snapshotSent: (id, ok) => driver.reportSnapshot(id, ok) },
        logger,
      ),
    );
  }

  const bound = opts.server ?? (await bindControllerServer(self.host, self.port));
  const Service = loadControllerProto().gregor.v1.GregorController;
  bound.server.addService(
    Service.service,
    createControllerHandlers({
      qc,
      ops,
      driver,
      clusterId: opts.clusterId,
      logger,
      fetchMaxBytes: 8 * 1024 * 1024,
      ...(opts.observer !== undefined ? { observer: opts.observer } : {}),
    }),
  );
  driver.start();
  logger.info(
    `controller ${opts.nodeId} started on port ${bound.port} (voters ${opts.voters.map((v) => `${v.id}@${v.host}:${v.port}`).join(',')}, metadata log at offset ${qc.image.offset})`,
  );

  const node: ControllerNode = {
    nodeId: opts.nodeId,
    port: bound.port,
    controller: qc,
    operations: ops,
    driver,
    stop: (stopOpts = {}) => {
      stopPromise ??= (async () => {
        if (stopOpts.transferLeadership ?? true) await handOverLeadership(driver, opts.nodeId, electionTimeoutMs * 2, logger);
        qc.close();
        await driver.stop();
        for (const p of peers.values()) p.close();
        await shutdownServer(bound.server);
        await storage.close();
        logger.info(`controller ${opts.nodeId} stopped`);
      })();
      return stopPromise;
    },
  };
  return node;
}

/**
 * On a graceful stop the leader hands leadership to the most caught-up voter
 * first (Raft's leadership transfer), so the quorum does not sit out an
 * election timeout. Bounded: after `waitMs` it stops anyway.
 */
async function handOverLeadership(driver: RaftDriver, self: number, waitMs: number, logger: Logger): Promise<void> {
  const status = driver.status();
  if (status.role !== 'leader') return;
  const target = status.progress
    .filter((p) => p.id !== self && p.recentActive)
    .sort((a, b) => b.match - a.match)[0];
  if (target === undefined) return;
  logger.info(`handing raft leadership to node ${target.id} before stopping`);
  driver.transferLeadership(target.id);
  // Done once this node has heard from the new leader (its first append),
  // not merely stepped down: between the two the quorum has no leader yet.
  const handedOver = (): boolean => {
    const v = driver.currentView;
    return v.role !== 'leader' && v.leaderId !== null && v.leaderId !== self;
  };
  const deadline = Date.now() + waitMs;
  while (!handedOver() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** Graceful shutdown, forced after a short grace period so stop() is bounded. */
function shutdownServer(server: grpc.Server, graceMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
