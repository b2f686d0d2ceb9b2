import * as grpc from '@grpc/grpc-js';
import { GregorError, errorCode, errorNameForCode, grpcChannelOptions, INTER_NODE_KEEPALIVE } from '@gregor/common';
import {
  loadReplicationProto,
  type GregorReplicationClient,
  type OffsetsForLeaderEpochResponse__Output,
  type ReplicaFetchRequest as WireFetchRequest,
  type ReplicaFetchResponse__Output,
  type ReplicationError__Output,
} from '@gregor/proto';
import type { EpochEndOffset } from './epochs';
import { FollowerFetchSession, type SessionFetch } from './fetch-session';
import { FetchStream, transportError } from './fetch-stream';

/** One partition of a follower fetch, in domain types (the wire stops in this file). */
export interface ReplicaFetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  lastFetchedEpoch: number;
  currentLeaderEpoch: number;
  partitionMaxBytes: number;
  logStartOffset: bigint;
}

export interface ReplicaFetchRequest {
  replicaId: number;
  brokerEpoch: bigint;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitions: readonly ReplicaFetchPartitionRequest[];
}

export interface ReplicaFetchPartitionResponse {
  topic: string;
  partition: number;
  error: GregorError | undefined;
  highWatermark: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
  divergingEpoch: EpochEndOffset | undefined;
  records: Buffer;
}

export interface LeaderEpochQuery {
  topic: string;
  partition: number;
  currentLeaderEpoch: number;
  leaderEpoch: number;
}

export interface LeaderEpochAnswer {
  topic: string;
  partition: number;
  error: GregorError | undefined;
  endOffset: EpochEndOffset;
}

/**
 * The follower's connection to one leader. An interface so that tests can
 * script a leader; `grpcReplicationClient` is the real one. Both methods
 * reject with a GregorError: NETWORK_EXCEPTION for transport failures,
 * REQUEST_TIMED_OUT past the deadline, the leader's code for request-level
 * errors. Per-partition errors are in the answers.
 */
export interface ReplicationClient {
  fetch(request: ReplicaFetchRequest, timeoutMs: number, signal?: AbortSignal): Promise<ReplicaFetchPartitionResponse[]>;
  offsetsForLeaderEpoch(replicaId: number, queries: readonly LeaderEpochQuery[], timeoutMs: number, signal?: AbortSignal): Promise<LeaderEpochAnswer[]>;
  close(): void;
}

/** A client for the leader `leaderId`, whose replication (gRPC) listener is `address`. */
export type ReplicationClientFactory = (address: string, leaderId: number) => ReplicationClient;

function errorOf(wire: ReplicationError__Output | null, context: { topic?: string; partition?: number }): GregorError | undefined {
  if (wire === null || wire.code === 0) return undefined;
  const leaderHint = wire.leaderHint >= 0 ? { leaderHint: wire.leaderHint } : {};
  // One per partition in error, thousands in one answer at times: no stack (it would only show this decoder).
  return GregorError.withoutStack(errorNameForCode(wire.code), wire.message.replace(/^[A-Z_]+: /, ''), { ...context, ...leaderHint });
}

/** Request-level answers that mean the leader has no such session (it restarted, or evicted it): fetch in full and go on. */
const SESSION_ERRORS: ReadonlySet<number> = new Set([errorCode('FETCH_SESSION_ID_NOT_FOUND'), errorCode('INVALID_FETCH_SESSION_EPOCH')]);

export function decodeFetchResponse(res: ReplicaFetchResponse__Output): ReplicaFetchPartitionResponse[] {
  const requestError = errorOf(res.error, {});
  if (requestError !== undefined) throw requestError;
  const out: ReplicaFetchPartitionResponse[] = [];
  for (const t of res.topics) {
    for (const p of t.partitions) {
      const d = p.divergingEpoch;
      out.push({
        topic: t.name,
        partition: p.partition,
        error: errorOf(p.error, { topic: t.name, partition: p.partition }),
        highWatermark: BigInt(p.highWatermark),
        logStartOffset: BigInt(p.logStartOffset),
        logEndOffset: BigInt(p.logEndOffset),
        divergingEpoch: d !== null && d.epoch >= 0 ? { epoch: d.epoch, endOffset: BigInt(d.endOffset) } : undefined,
        records: p.records,
      });
    }
  }
  return out;
}

function decodeEpochResponse(res: OffsetsForLeaderEpochResponse__Output): LeaderEpochAnswer[] {
  const out: LeaderEpochAnswer[] = [];
  for (const t of res.topics) {
    for (const p of t.partitions) {
      out.push({
        topic: t.name,
        partition: p.partition,
        error: errorOf(p.error, { topic: t.name, partition: p.partition }),
        endOffset: { epoch: p.leaderEpoch, endOffset: BigInt(p.endOffset) },
      });
    }
  }
  return out;
}

/** Groups partitions by topic, keeping first-seen order. */
function byTopic<T extends { topic: string }, W>(items: readonly T[], toWire: (item: T) => W): { name: string; partitions: W[] }[] {
  const topics = new Map<string, W[]>();
  for (const item of items) {
    let list = topics.get(item.topic);
    if (list === undefined) topics.set(item.topic, (list = []));
    list.push(toWire(item));
  }
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}

/** The wire request: `partitions` (all, or the session's changes) and the session fields (none: sessionless, for the unary fallback). */
function toWire(request: ReplicaFetchRequest, partitions: readonly ReplicaFetchPartitionRequest[], planned: SessionFetch | undefined): WireFetchRequest {
  return {
    replicaId: request.replicaId,
    brokerEpoch: request.brokerEpoch.toString(),
    maxWaitMs: request.maxWaitMs,
    minBytes: request.minBytes,
    maxBytes: request.maxBytes,
    topics: byTopic(partitions, (p) => ({
      partition: p.partition,
      fetchOffset: p.fetchOffset.toString(),
      lastFetchedEpoch: p.lastFetchedEpoch,
      currentLeaderEpoch: p.currentLeaderEpoch,
      partitionMaxBytes: p.partitionMaxBytes,
      logStartOffset: p.logStartOffset.toString(),
    })),
    ...(planned === undefined
      ? {}
      : { session: { id: planned.session.id, epoch: planned.session.epoch, forgotten: planned.session.forgotten.map((t) => ({ name: t.topic, partitions: [...t.partitions] })) } }),
  };
}

/** The real client: gregor.v1.GregorReplication over one gRPC channel; fetches go over FetchStream (fetch-stream.ts). */
export function grpcReplicationClient(address: string): ReplicationClient {
  const Ctor = loadReplicationProto().gregor.v1.GregorReplication;
  // Inter-node keepalive and fast reconnects: a follower must notice a leader
  // connection that died silently, not fetch into it until each deadline.
  const client: GregorReplicationClient = new Ctor(
    address,
    grpc.credentials.createInsecure(),
    grpcChannelOptions(INTER_NODE_KEEPALIVE, { 'grpc.max_receive_message_length': -1 }),
  );
  const stream = new FetchStream(client, address);
  // One session per client: its fetcher loop sends one fetch at a time to this leader.
  const session = new FollowerFetchSession();
  /** FetchFromLeader: with a leader that does not know FetchStream. */
  const unaryFetch = (wire: WireFetchRequest, timeoutMs: number, signal: AbortSignal | undefined): Promise<ReplicaFetchResponse__Output> =>
    new Promise((resolve, reject) => {
      const call = client.FetchFromLeader(wire, { deadline: Date.now() + timeoutMs }, (err, res) => {
        signal?.removeEventListener('abort', onAbort);
        if (err !== null) reject(transportError(err, address));
        else resolve(res!);
      });
      const onAbort = (): void => call.cancel();
      if (signal?.aborted === true) call.cancel();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  /** One fetch over the stream within the incremental session (fetch-session.ts); any failure makes the next one full. */
  const sessionFetch = async (request: ReplicaFetchRequest, timeoutMs: number, signal: AbortSignal | undefined): Promise<ReplicaFetchResponse__Output> => {
    const planned = session.next(request.partitions);
    let res: ReplicaFetchResponse__Output;
    try {
      res = await stream.fetch(toWire(request, planned.partitions, planned), timeoutMs, signal);
    } catch (err) {
      session.failed();
      throw err;
    }
    if (res.error !== null && res.error.code !== 0) session.failed();
    else session.answered(res.sessionId);
    return res;
  };
  return {
    async fetch(request, timeoutMs, signal) {
      if (!stream.unsupported) {
        try {
          let res = await sessionFetch(request, timeoutMs, signal);
          // The leader lost our session: one full fetch at once rather than a loop backoff for every partition.
          if (res.error !== null && SESSION_ERRORS.has(res.error.code)) res = await sessionFetch(request, timeoutMs, signal);
          return decodeFetchResponse(res);
        } catch (err) {
          // UNIMPLEMENTED: nothing was fetched; ask again the old way.
          if (!stream.unsupported) throw err;
        }
      }
      return decodeFetchResponse(await unaryFetch(toWire(request, request.partitions, undefined), timeoutMs, signal));
    },
    offsetsForLeaderEpoch(replicaId, queries, timeoutMs, signal) {
      return new Promise((resolve, reject) => {
        const wire = {
          replicaId,
          topics: byTopic(queries, (q) => ({ partition: q.partition, currentLeaderEpoch: q.currentLeaderEpoch, leaderEpoch: q.leaderEpoch })),
        };
        const call = client.OffsetsForLeaderEpoch(wire, { deadline: Date.now() + timeoutMs }, (err, res) => {
          signal?.removeEventListener('abort', onAbort);
          if (err !== null) reject(transportError(err, address));
          else resolve(decodeEpochResponse(res!));
        });
        const onAbort = (): void => call.cancel();
        if (signal?.aborted === true) call.cancel();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    close() {
      stream.close();
      client.close();
    },
  };
}
