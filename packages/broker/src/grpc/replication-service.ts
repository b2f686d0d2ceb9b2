import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import { toGregorError } from '@gregor/common';
import type * as wire from '@gregor/proto';
import type { GregorReplicationHandlers } from '@gregor/proto';
import type { OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochResponse } from '../api/fetch';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from '../api/replication';
import { reportRequestFailed, type BrokerCore } from '../broker-core';
import { GrpcRequestContext } from './request-context';
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

/**
 * A broker's open FetchStreams. A stream never ends by itself (the
 * follower keeps it for as long as it follows), so stopping ends them
 * all (`closeAll`): otherwise the server's graceful shutdown would wait
 * for them, and the followers would keep fetching from a broker that is
 * going away. Bounded by the server's connections (one per follower).
 */
export class FetchStreams {
  private readonly ends = new Set<() => void>();
  private closed = false;

  /** Registers a stream's end; returns its unregistration. A stream opened after closeAll ends at once. */
  track(end: () => void): () => void {
    if (this.closed) {
      end();
      return () => undefined;
    }
    this.ends.add(end);
    return () => void this.ends.delete(end);
  }

  closeAll(): void {
    this.closed = true;
    for (const end of [...this.ends]) end();
    this.ends.clear();
  }
}

export function replicationService(core: BrokerCore, listener: string, deps: GrpcFrontEndDeps, streams: FetchStreams): GregorReplicationHandlers {
  return {
    FetchFromLeader: unary(deps, 'FetchFromLeader', listener, decodeReplicaFetch, (ctx, req) => core.fetchFromLeader(ctx, req), encodeReplicaFetch, {
      cancellable: true,
    }),
    FetchStream: (call) => serveFetchStream(core, listener, deps, streams, call),
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

/** A whole-request failure as the stream answers it (the unary call fails with a status instead). */
function failedFetch(err: unknown): wire.ReplicaFetchResponse {
  return { error: replicationWireError(toGregorError(err)), topics: [] };
}

/**
 * FetchStream: the follower fetch over one long-lived stream per (follower,
 * leader) pair (replication.proto). Each request message runs the same
 * handler as FetchFromLeader (a long poll, counted as one FetchFromLeader
 * request) and is answered by one response message. At most one request
 * is outstanding — that bounds the stream to one response — so a second
 * request before the answer is a protocol error that ends the stream with
 * FAILED_PRECONDITION. A request that fails as a whole is answered with
 * the response's `error`; the stream stays open. A cancel or a half-close
 * ends the outstanding long poll at once; a stopping broker ends the
 * stream with UNAVAILABLE (FetchStreams).
 */
function serveFetchStream(
  core: BrokerCore,
  listener: string,
  deps: GrpcFrontEndDeps,
  streams: FetchStreams,
  call: ServerDuplexStream<wire.ReplicaFetchRequest__Output, wire.ReplicaFetchResponse>,
): void {
  // One context for the stream: its signal ends the outstanding long poll when the follower goes.
  const ctx = new GrpcRequestContext(listener, call, true);
  let outstanding = false;
  let closed = false;
  let untrack = (): void => undefined;
  const close = (): void => {
    closed = true;
    untrack();
    ctx.abort();
  };
  untrack = streams.track(() => {
    if (closed) return;
    close();
    call.emit('error', { code: status.UNAVAILABLE, details: 'the broker is shutting down' });
  });
  call.on('cancelled', close);
  call.on('error', close);
  call.on('end', () => {
    close();
    call.end();
  });
  call.on('data', (msg: wire.ReplicaFetchRequest__Output) => {
    if (closed) return;
    if (outstanding) {
      close();
      call.emit('error', { code: status.FAILED_PRECONDITION, details: 'FetchStream: a request was sent before the previous one was answered' });
      return;
    }
    outstanding = true;
    const started = deps.clock.monotonicMs();
    let req: ReplicaFetchRequest;
    try {
      req = decodeReplicaFetch(msg);
    } catch (err) {
      reportRequestFailed(deps, 'FetchFromLeader', err, deps.clock.monotonicMs() - started);
      answer(failedFetch(err));
      return;
    }
    // The core counts the request and logs a bug; its rejection becomes the answer's error.
    core.fetchFromLeader(ctx, req).then((res) => {
      let encoded: wire.ReplicaFetchResponse;
      try {
        encoded = encodeReplicaFetch(res);
      } catch (err) {
        deps.logger.error('response could not be encoded', { api: 'FetchFromLeader', err: err instanceof Error ? err.stack : String(err) });
        encoded = failedFetch(err);
      }
      answer(encoded);
    }, (err: unknown) => answer(failedFetch(err)));
  });
  function answer(res: wire.ReplicaFetchResponse): void {
    outstanding = false;
    if (!closed) call.write(res);
  }
}
