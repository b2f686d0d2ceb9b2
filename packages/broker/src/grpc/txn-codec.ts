import { GregorError } from '@gregor/common';
import type * as wire from '@gregor/proto';
import type * as api from '../api';
import { decodeOffsetCommit, encodeOffsetCommit } from './group-codec';
import { int64, wireError } from './wire';

/**
 * gregor.v1.Gregor's transaction RPCs ↔ the broker's domain types (both
 * directions for WriteTxnMarkers and AddPartitionsToTxn, which brokers also
 * send each other).
 */

function decodeTopics(topics: readonly wire.TxnTopic__Output[]): api.TxnTopicPartitions[] {
  return topics.map((t) => ({ name: t.name, partitions: t.partitions }));
}

function encodeTopicResults(topics: readonly api.TxnTopicResult[]): wire.TxnTopicResult[] {
  return topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition, error: wireError(p.error) })) }));
}

export function decodeAddPartitionsToTxn(req: wire.AddPartitionsToTxnRequest__Output): api.AddPartitionsToTxnRequest {
  return {
    transactionalId: req.transactionalId,
    producerId: int64(req.producerId, 'producer_id'),
    producerEpoch: req.producerEpoch,
    topics: decodeTopics(req.topics),
    ...(req.verifyOnly ? { verifyOnly: true } : {}),
  };
}

export function encodeAddPartitionsToTxn(res: api.AddPartitionsToTxnResponse): wire.AddPartitionsToTxnResponse {
  return { topics: encodeTopicResults(res.topics) };
}

export function decodeAddOffsetsToTxn(req: wire.AddOffsetsToTxnRequest__Output): api.AddOffsetsToTxnRequest {
  return { transactionalId: req.transactionalId, producerId: int64(req.producerId, 'producer_id'), producerEpoch: req.producerEpoch, groupId: req.groupId };
}

export function encodeAddOffsetsToTxn(res: api.AddOffsetsToTxnResponse): wire.AddOffsetsToTxnResponse {
  return { error: wireError(res.error) };
}

export function decodeEndTxn(req: wire.EndTxnRequest__Output): api.EndTxnRequest {
  return { transactionalId: req.transactionalId, producerId: int64(req.producerId, 'producer_id'), producerEpoch: req.producerEpoch, committed: req.committed };
}

export function encodeEndTxn(res: api.EndTxnResponse): wire.EndTxnResponse {
  return { error: wireError(res.error) };
}

export function decodeWriteTxnMarkers(req: wire.WriteTxnMarkersRequest__Output): api.WriteTxnMarkersRequest {
  return {
    markers: req.markers.map((m) => ({
      producerId: int64(m.producerId, 'producer_id'),
      producerEpoch: m.producerEpoch,
      committed: m.transactionResult,
      coordinatorEpoch: m.coordinatorEpoch,
      topics: decodeTopics(m.topics),
    })),
  };
}

export function encodeWriteTxnMarkers(res: api.WriteTxnMarkersResponse): wire.WriteTxnMarkersResponse {
  return { markers: res.markers.map((m) => ({ producerId: m.producerId.toString(), topics: encodeTopicResults(m.topics) })) };
}

/** The coordinator's side: its request on the wire. */
export function encodeWriteTxnMarkersRequest(req: api.WriteTxnMarkersRequest): wire.WriteTxnMarkersRequest {
  return {
    markers: req.markers.map((m) => ({
      producerId: m.producerId.toString(),
      producerEpoch: m.producerEpoch,
      transactionResult: m.committed,
      coordinatorEpoch: m.coordinatorEpoch,
      topics: m.topics.map((t) => ({ name: t.name, partitions: [...t.partitions] })),
    })),
  };
}

/** A broker's answer to another broker, errors as GregorErrors. */
function decodeTopicResults(topics: readonly wire.TxnTopicResult__Output[]): api.TxnTopicResult[] {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partition: p.partition,
      error: p.error === null || p.error.code === 0 ? null : GregorError.fromCode(p.error.code, p.error.message.replace(/^[A-Z_]+: /, ''), { topic: t.name, partition: p.partition }),
    })),
  }));
}

/** The coordinator's side: the leader's answer, errors as GregorErrors. */
export function decodeWriteTxnMarkersResponse(res: wire.WriteTxnMarkersResponse__Output): api.WriteTxnMarkersResponse {
  return { markers: res.markers.map((m) => ({ producerId: int64(m.producerId, 'producer_id'), topics: decodeTopicResults(m.topics) })) };
}

/** A partition leader's side (KIP-890 verification): its request on the wire. */
export function encodeAddPartitionsToTxnRequest(req: api.AddPartitionsToTxnRequest): wire.AddPartitionsToTxnRequest {
  return {
    transactionalId: req.transactionalId,
    producerId: req.producerId.toString(),
    producerEpoch: req.producerEpoch,
    topics: req.topics.map((t) => ({ name: t.name, partitions: [...t.partitions] })),
    verifyOnly: req.verifyOnly === true,
  };
}

/** A partition leader's side: the coordinator's answer, errors as GregorErrors. */
export function decodeAddPartitionsToTxnResponse(res: wire.AddPartitionsToTxnResponse__Output): api.AddPartitionsToTxnResponse {
  return { topics: decodeTopicResults(res.topics) };
}

export function decodeDescribeProducers(req: wire.DescribeProducersRequest__Output): api.DescribeProducersRequest {
  return { topics: decodeTopics(req.topics) };
}

export function encodeDescribeProducers(res: api.DescribeProducersResponse): wire.DescribeProducersResponse {
  return {
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        error: wireError(p.error),
        activeProducers: p.activeProducers.map((a) => ({
          producerId: a.producerId.toString(),
          producerEpoch: a.producerEpoch,
          lastSequence: a.lastSequence,
          lastTimestamp: a.lastTimestamp.toString(),
          coordinatorEpoch: a.coordinatorEpoch,
          currentTxnStartOffset: a.currentTxnStartOffset.toString(),
        })),
      })),
    })),
  };
}

export function decodeDescribeTransactions(req: wire.DescribeTransactionsRequest__Output): api.DescribeTransactionsRequest {
  return { transactionalIds: req.transactionalIds };
}

export function encodeDescribeTransactions(res: api.DescribeTransactionsResponse): wire.DescribeTransactionsResponse {
  return {
    transactionStates: res.transactionStates.map((t) => ({
      error: wireError(t.error),
      transactionalId: t.transactionalId,
      transactionState: t.state,
      transactionTimeoutMs: t.timeoutMs,
      transactionStartTimeMs: t.startTimeMs.toString(),
      producerId: t.producerId.toString(),
      producerEpoch: t.producerEpoch,
      topics: t.topics.map((tp) => ({ name: tp.name, partitions: [...tp.partitions] })),
    })),
  };
}

export function decodeListTransactions(req: wire.ListTransactionsRequest__Output): api.ListTransactionsRequest {
  return {
    stateFilters: req.stateFilters,
    producerIdFilters: req.producerIdFilters.map((p) => int64(p, 'producer_id_filters')),
    ...(req.durationFilterMs !== undefined ? { durationFilterMs: int64(req.durationFilterMs, 'duration_filter_ms') } : {}),
  };
}

export function encodeListTransactions(res: api.ListTransactionsResponse): wire.ListTransactionsResponse {
  return {
    error: wireError(res.error),
    unknownStateFilters: res.unknownStateFilters,
    transactionStates: res.transactionStates.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId.toString(), transactionState: t.state })),
  };
}

export function decodeTxnOffsetCommit(req: wire.TxnOffsetCommitRequest__Output): api.TxnOffsetCommitRequest {
  return {
    ...decodeOffsetCommit({ groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId, topics: req.topics } as wire.OffsetCommitRequest__Output),
    transactionalId: req.transactionalId,
    producerId: int64(req.producerId, 'producer_id'),
    producerEpoch: req.producerEpoch,
  };
}

export const encodeTxnOffsetCommit: (res: api.TxnOffsetCommitResponse) => wire.TxnOffsetCommitResponse = encodeOffsetCommit;
