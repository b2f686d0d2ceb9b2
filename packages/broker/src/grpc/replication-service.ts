import type * as wire from '@gregor/proto';
import type { GregorReplicationHandlers } from '@gregor/proto';
import type { OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochResponse } from '../api/fetch';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from '../api/replication';
import type { BrokerCore } from '../broker-core';
import { unary, type GrpcFrontEndDeps } from './unary';
import { int64, replicationWireError } from './wire';

/** gregor.v1.GregorReplication: the follower's fetch and OffsetsForLeaderEpoch, errors with a leader hint. */

export function decodeReplicaFetch(req: wire.ReplicaFetchRequest__Output): ReplicaFetchRequest {
  return {
    replicaId: req.replicaId,
    brokerEpoch: int64(req.brokerEpoch, 'broker_epoch'),
    maxWaitMs: req.maxWaitMs,
    minBytes: req.minBytes,
    maxBytes: req.maxBytes,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        fetchOffset: int64(p.fetchOffset, 'fetch_offset'),
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
        lastFetchedEpoch: p.lastFetchedEpoch,
      })),
    })),
  };
}

export function encodeReplicaFetch(res: ReplicaFetchResponse): wire.ReplicaFetchResponse {
  return {
    error: null,
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        error: replicationWireError(p.error),
        highWatermark: p.highWatermark.toString(),
        logStartOffset: p.logStartOffset.toString(),
        logEndOffset: p.logEndOffset.toString(),
        divergingEpoch: p.divergingEpoch === null ? null : { epoch: p.divergingEpoch.epoch, endOffset: p.divergingEpoch.endOffset.toString() },
        records: p.records,
      })),
    })),
  };
}

export function decodeOffsetsForLeaderEpoch(req: wire.OffsetsForLeaderEpochRequest__Output): OffsetsForLeaderEpochRequest {
  return { topics: req.topics };
}

export function encodeOffsetsForLeaderEpoch(res: OffsetsForLeaderEpochResponse): wire.OffsetsForLeaderEpochResponse {
  return {
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        error: replicationWireError(p.error),
        leaderEpoch: p.leaderEpoch,
        endOffset: p.endOffset.toString(),
      })),
    })),
  };
}

export function replicationService(core: BrokerCore, listener: string, deps: GrpcFrontEndDeps): GregorReplicationHandlers {
  return {
    FetchFromLeader: unary(deps, 'FetchFromLeader', listener, decodeReplicaFetch, (ctx, req) => core.fetchFromLeader(ctx, req), encodeReplicaFetch, {
      cancellable: true,
    }),
    OffsetsForLeaderEpoch: unary(
      deps,
      'OffsetsForLeaderEpoch',
      listener,
      decodeOffsetsForLeaderEpoch,
      (ctx, req) => core.offsetsForLeaderEpoch(ctx, req),
      encodeOffsetsForLeaderEpoch,
    ),
  };
}
