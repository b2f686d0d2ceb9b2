import { toGregorError } from '@gregor/common';
import type * as wire from '@gregor/proto';
import type { GregorReplicationHandlers } from '@gregor/proto';
import type { OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochResponse } from '../api/fetch';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from '../api/replication';
import type { BrokerCore } from '../broker-core';
import { serveRequestStream, type RequestStreams } from './request-stream';
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
        logStartOffset: int64(p.logStartOffset, 'log_start_offset'),
      })),
    })),
    // Absent (null from the loader; undefined from hand-built messages): a follower that predates sessions.
    ...(req.session === null || req.session === undefined ? {} : { session: { id: req.session.id, epoch: req.session.epoch, forgotten: req.session.forgotten.map((t) => ({ topic: t.name, partitions: t.partitions })) } }),
  };
}

export function encodeReplicaFetch(res: ReplicaFetchResponse): wire.ReplicaFetchResponse {
  return {
    error: null,
    sessionId: res.sessionId ?? 0,
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

/** A whole-request failure as FetchStream answers it (the unary call fails with a status instead). */
function failedFetch(err: unknown): wire.ReplicaFetchResponse {
  return { error: replicationWireError(toGregorError(err)), topics: [] };
}

export function replicationService(core: BrokerCore, listener: string, deps: GrpcFrontEndDeps, streams: RequestStreams): GregorReplicationHandlers {
  return {
    FetchFromLeader: unary(deps, 'FetchFromLeader', listener, decodeReplicaFetch, (ctx, req) => core.fetchFromLeader(ctx, req), encodeReplicaFetch, {
      cancellable: true,
    }),
    // One outstanding fetch per stream (replication.proto): bounded to one answer.
    FetchStream: (call) =>
      serveRequestStream(deps, streams, listener, call, {
        api: 'FetchFromLeader',
        maxOutstanding: 1,
        decode: decodeReplicaFetch,
        call: (ctx, req) => core.fetchFromLeader(ctx, req),
        encode: encodeReplicaFetch,
        failure: failedFetch,
        timelineFields: (msg) => ({ replica: msg.replicaId }),
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

