import type * as grpc from '@grpc/grpc-js';
import { silentLogger, systemClock, toGregorError, type Clock, type GregorError, type Logger } from '@gregor/common';
import type { BrokerObserver } from '../observer';
import { loadAdminProto, type AdminError, type DescribeClusterResponse, type GregorAdminHandlers } from '@gregor/proto';
import { brokerViews, quorumView, type ClusterStatusSource, type ClusterView, type RegisteredBroker } from '../cluster-status';
import type { MetadataSource } from '../metadata-source';

/**
 * gregor.v1.GregorAdmin on the client listener. DescribeCluster never fails
 * as a whole: a quorum that cannot be described (no active controller within
 * the deadline) is reported in `quorum_error` next to the brokers this node
 * knows, because that is exactly when an operator runs `cluster status`.
 */

export interface AdminServiceDeps {
  nodeId: number;
  metadata: MetadataSource;
  /** Absent in single-node mode (no controller quorum). */
  clusterStatus?: ClusterStatusSource;
  logger?: Logger;
  /** When the request says 0. Default 5000. */
  defaultTimeoutMs?: number;
  /** Cap on a request's timeout_ms. Default 30000. */
  maxTimeoutMs?: number;
  /** Request metrics, as for the broker's own APIs. */
  observer?: Pick<BrokerObserver, 'requestCompleted'>;
  clock?: Clock;
}

/** A service to add to the client listener's gRPC server. */
export interface AdminGrpcService {
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

export function clampTimeoutMs(requested: number, defaultMs: number, maxMs: number): number {
  if (!Number.isFinite(requested) || requested <= 0) return defaultMs;
  return Math.min(requested, maxMs);
}

/** DescribeCluster in domain terms. */
export async function describeCluster(deps: AdminServiceDeps, timeoutMs: number): Promise<ClusterView> {
  const { metadata, clusterStatus } = deps;
  let registered: readonly RegisteredBroker[];
  let quorum: ClusterView['quorum'];
  let quorumError: GregorError | undefined;
  if (clusterStatus === undefined) {
    // Single-node mode: the local metadata store knows only live brokers (this one).
    registered = metadata.liveBrokers().map((b) => ({ ...b, fenced: false }));
  } else {
    try {
      quorum = quorumView(await clusterStatus.describeQuorum(timeoutMs));
    } catch (err) {
      quorumError = toGregorError(err);
    }
    // Read after the wait, so the broker list is as fresh as the quorum part.
    registered = clusterStatus.registeredBrokers();
  }
  return {
    clusterId: metadata.clusterId,
    brokerId: deps.nodeId,
    metadataOffset: clusterStatus?.metadataOffset() ?? -1n,
    quorum,
    quorumError,
    brokers: brokerViews(registered, metadata.topics()),
  };
}

function adminError(err: GregorError): AdminError {
  return { code: err.code, name: err.errorName, message: err.message, retriable: err.retriable };
}

/** Domain → wire (int64 as decimal strings). */
export function describeClusterResponse(v: ClusterView): DescribeClusterResponse {
  return {
    error: null,
    clusterId: v.clusterId,
    brokerId: v.brokerId,
    metadataOffset: v.metadataOffset.toString(),
    quorum:
      v.quorum === undefined
        ? null
        : {
            activeControllerId: v.quorum.leaderId,
            activeControllerAddress: v.quorum.leaderAddress,
            term: v.quorum.term.toString(),
            commitIndex: v.quorum.commitIndex.toString(),
            logEndOffset: v.quorum.logEndOffset.toString(),
            voters: v.quorum.voters.map((x) => ({
              nodeId: x.nodeId,
              address: x.address,
              logEndOffset: x.logEndOffset.toString(),
              lag: x.lag.toString(),
              lastContactMsAgo: String(x.lastContactMsAgo),
              isLeader: x.isLeader,
            })),
          },
    quorumError: v.quorumError === undefined ? null : adminError(v.quorumError),
    brokers: v.brokers.map((b) => ({
      brokerId: b.brokerId,
      host: b.host,
      port: b.port,
      rack: b.rack ?? '',
      fenced: b.fenced,
      brokerEpoch: b.brokerEpoch.toString(),
      leaderPartitions: b.leaderPartitions,
      followerPartitions: b.followerPartitions,
      outOfSyncPartitions: b.outOfSyncPartitions,
    })),
  };
}

/** The GregorAdmin service for the broker's client listener. */
export function createAdminService(deps: AdminServiceDeps): AdminGrpcService {
  const logger = deps.logger ?? silentLogger();
  const clock = deps.clock ?? systemClock;
  const defaultMs = deps.defaultTimeoutMs ?? 5000;
  const maxMs = deps.maxTimeoutMs ?? 30_000;
  const implementation: GregorAdminHandlers = {
    DescribeCluster: (call, callback) => {
      const started = clock.monotonicMs();
      const done = (errorName: string): void => deps.observer?.requestCompleted('DescribeCluster', errorName, clock.monotonicMs() - started);
      describeCluster(deps, clampTimeoutMs(call.request.timeoutMs, defaultMs, maxMs)).then(
        (view) => {
          // A quorum that could not be described is part of a good answer, but worth counting.
          done(view.quorumError?.errorName ?? 'NONE');
          callback(null, describeClusterResponse(view));
        },
        (err: unknown) => {
          // Only a bug gets here: the quorum's failures are part of the answer.
          const e = toGregorError(err);
          logger.error('DescribeCluster failed', { err: err instanceof Error ? err.stack : String(err) });
          done(e.errorName);
          callback(null, { error: adminError(e) });
        },
      );
    },
  };
  return { definition: loadAdminProto().gregor.v1.GregorAdmin.service, implementation };
}
