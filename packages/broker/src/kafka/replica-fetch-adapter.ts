import { debugTimeline, errorCode } from '@gregor/common';
import { FETCH_API, peekRequestHeader, type Encodable, type FetchRequest as KFetchRequest, type FetchResponse as KFetchResponse } from '@gregor/kafka-protocol';
import type { RequestContext } from '../api/context';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from '../api/replication';
import { errorCodeOf } from './wire';

/** The follower fetch (broker to broker) as the replication service serves it: BrokerCore.fetchFromLeader. */
export type ReplicaFetchCall = (ctx: RequestContext, req: ReplicaFetchRequest) => Promise<ReplicaFetchResponse>;

const UNKNOWN_BROKER_EPOCH = -1n;

/** True for a Fetch sent by a follower (Kafka's replica_id ≥ 0 below v15, replica_state.replica_id from v15). */
export function isReplicaFetch(req: KFetchRequest): boolean {
  return req.replicaId >= 0 || (req.replicaState !== undefined && req.replicaState.replicaId >= 0);
}

/** Fetch versions whose body starts with replica_id (from v15 it moved into the tagged replica_state). */
const LAST_VERSION_WITH_REPLICA_ID_FIELD = 14;

/**
 * True for a request frame that is a follower's Fetch, read from the header
 * and the body's first field without decoding the rest: the connection lets
 * it past the node's request-bytes budget before decoding. A malformed frame
 * is false (it then goes the usual way, and fails there).
 */
export function isFollowerFetchFrame(frame: Buffer): boolean {
  if (frame.length < 2 || frame.readInt16BE(0) !== FETCH_API.apiKey) return false;
  try {
    const header = peekRequestHeader(frame);
    return header.apiVersion <= LAST_VERSION_WITH_REPLICA_ID_FIELD && header.bodyOffset >= 0 && frame.length >= header.bodyOffset + 4 && frame.readInt32BE(header.bodyOffset) >= 0;
  } catch {
    return false;
  }
}

/**
 * A follower's Fetch on the KAFKA listener (replica.fetch.transport=kafka),
 * translated to the same domain call as the gRPC FetchFromLeader: who asks,
 * its fetch offsets, last fetched epochs (KIP-320) and log start offsets;
 * no fetch session (followers send full requests). The answer's diverging
 * epoch is Kafka's tagged field; the leader hint rides in current_leader.
 * Kafka's answer has no log end offset: a follower that gets
 * OFFSET_OUT_OF_RANGE asks again over gRPC, which carries it.
 */
export async function replicaFetch(call: ReplicaFetchCall | undefined, ctx: RequestContext, req: KFetchRequest): Promise<Encodable<KFetchResponse>> {
  if (call === undefined) return { errorCode: errorCode('UNSUPPORTED_VERSION'), sessionId: 0, responses: [] };
  const fromState = req.replicaState !== undefined && req.replicaState.replicaId >= 0;
  const replicaId = fromState ? req.replicaState.replicaId : req.replicaId;
  // The same debug timeline events as the gRPC FetchStream (timeline-breakdown.ts joins either).
  if (debugTimeline.on) debugTimeline.event('FetchFromLeader.request.received', { replica: replicaId });
  const res = await call(ctx, {
    replicaId,
    brokerEpoch: fromState ? req.replicaState.replicaEpoch : UNKNOWN_BROKER_EPOCH,
    maxWaitMs: req.maxWaitMs,
    minBytes: req.minBytes,
    maxBytes: req.maxBytes,
    topics: req.topics.map((t) => ({
      name: t.topic,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
        lastFetchedEpoch: p.lastFetchedEpoch,
        logStartOffset: p.logStartOffset,
      })),
    })),
  });
  if (debugTimeline.on) {
    // The connection encodes and writes the answer in this same turn (in request order; a follower has one fetch out), straight to the socket.
    debugTimeline.event('FetchFromLeader.answer.written', { replica: replicaId });
    debugTimeline.event('FetchFromLeader.answer.flushed', { replica: replicaId });
  }
  return {
    sessionId: 0,
    responses: res.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.map((p) => {
        const leaderHint = p.error?.context.leaderHint;
        return {
          partitionIndex: p.partition,
          errorCode: errorCodeOf(p.error),
          highWatermark: p.highWatermark,
          logStartOffset: p.logStartOffset,
          ...(p.divergingEpoch !== null ? { divergingEpoch: { epoch: p.divergingEpoch.epoch, endOffset: p.divergingEpoch.endOffset } } : {}),
          ...(typeof leaderHint === 'number' ? { currentLeader: { leaderId: leaderHint, leaderEpoch: -1 } } : {}),
          abortedTransactions: null,
          records: p.records,
        };
      }),
    })),
  };
}
