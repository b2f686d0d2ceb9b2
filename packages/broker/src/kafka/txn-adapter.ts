import { errorCode } from '@gregor/common';
import type {
  AddOffsetsToTxnRequest as KAddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse as KAddOffsetsToTxnResponse,
  AddPartitionsToTxnRequest as KAddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse as KAddPartitionsToTxnResponse,
  DescribeProducersRequest as KDescribeProducersRequest,
  DescribeProducersResponse as KDescribeProducersResponse,
  DescribeTransactionsRequest as KDescribeTransactionsRequest,
  DescribeTransactionsResponse as KDescribeTransactionsResponse,
  Encodable,
  EndTxnRequest as KEndTxnRequest,
  EndTxnResponse as KEndTxnResponse,
  ListTransactionsRequest as KListTransactionsRequest,
  ListTransactionsResponse as KListTransactionsResponse,
  TxnOffsetCommitRequest as KTxnOffsetCommitRequest,
  TxnOffsetCommitResponse as KTxnOffsetCommitResponse,
} from '@gregor/kafka-protocol';
import type { BrokerApi } from '../api/broker-api';
import type { ApiError, RequestContext } from '../api/context';
import { errorCodeOf, errorMessageOf } from './wire';

/**
 * The transaction APIs (KIP-98) on the KAFKA listener. KIP-588: clients
 * older than the version that knows PRODUCER_FENCED get
 * INVALID_PRODUCER_EPOCH instead, as Kafka answers them.
 */
const PRODUCER_FENCED = errorCode('PRODUCER_FENCED');
const INVALID_PRODUCER_EPOCH = errorCode('INVALID_PRODUCER_EPOCH');

export function txnCode(error: ApiError | null, version: number, fencedFromVersion: number): number {
  const code = errorCodeOf(error);
  return code === PRODUCER_FENCED && version < fencedFromVersion ? INVALID_PRODUCER_EPOCH : code;
}

/** AddPartitionsToTxn v0–v3 (one transaction per request; v4+ is the brokers' batched form, KIP-890). */
export async function addPartitionsToTxn(api: BrokerApi, ctx: RequestContext, version: number, req: KAddPartitionsToTxnRequest): Promise<Encodable<KAddPartitionsToTxnResponse>> {
  const res = await api.addPartitionsToTxn(ctx, {
    transactionalId: req.v3AndBelowTransactionalId,
    producerId: req.v3AndBelowProducerId,
    producerEpoch: req.v3AndBelowProducerEpoch,
    topics: req.v3AndBelowTopics.map((t) => ({ name: t.name, partitions: t.partitions })),
  });
  return {
    resultsByTopicV3AndBelow: res.topics.map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p.partition, partitionErrorCode: txnCode(p.error, version, 2) })),
    })),
  };
}

export async function addOffsetsToTxn(api: BrokerApi, ctx: RequestContext, version: number, req: KAddOffsetsToTxnRequest): Promise<Encodable<KAddOffsetsToTxnResponse>> {
  const res = await api.addOffsetsToTxn(ctx, { transactionalId: req.transactionalId, producerId: req.producerId, producerEpoch: req.producerEpoch, groupId: req.groupId });
  return { errorCode: txnCode(res.error, version, 2) };
}

export async function endTxn(api: BrokerApi, ctx: RequestContext, version: number, req: KEndTxnRequest): Promise<Encodable<KEndTxnResponse>> {
  const res = await api.endTxn(ctx, { transactionalId: req.transactionalId, producerId: req.producerId, producerEpoch: req.producerEpoch, committed: req.committed });
  return { errorCode: txnCode(res.error, version, 2) };
}

export async function txnOffsetCommit(api: BrokerApi, ctx: RequestContext, version: number, req: KTxnOffsetCommitRequest): Promise<Encodable<KTxnOffsetCommitResponse>> {
  const res = await api.txnOffsetCommit(ctx, {
    transactionalId: req.transactionalId,
    groupId: req.groupId,
    producerId: req.producerId,
    producerEpoch: req.producerEpoch,
    // KIP-447 fields arrived in v3; older clients send none (-1 / "" / null).
    generationId: version >= 3 ? req.generationId : -1,
    memberId: version >= 3 ? req.memberId : '',
    groupInstanceId: version >= 3 ? req.groupInstanceId : null,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partitionIndex,
        committedOffset: p.committedOffset,
        committedLeaderEpoch: p.committedLeaderEpoch,
        committedMetadata: p.committedMetadata,
      })),
    })),
  });
  return {
    topics: res.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: txnCode(p.error, version, 3) })) })),
  };
}

export async function describeTransactions(api: BrokerApi, ctx: RequestContext, _version: number, req: KDescribeTransactionsRequest): Promise<Encodable<KDescribeTransactionsResponse>> {
  const res = await api.describeTransactions(ctx, { transactionalIds: req.transactionalIds });
  return {
    transactionStates: res.transactionStates.map((t) => ({
      errorCode: errorCodeOf(t.error),
      transactionalId: t.transactionalId,
      transactionState: t.state,
      transactionTimeoutMs: t.timeoutMs,
      transactionStartTimeMs: t.startTimeMs,
      producerId: t.producerId,
      producerEpoch: t.producerEpoch,
      topics: t.topics.map((tp) => ({ topic: tp.name, partitions: [...tp.partitions] })),
    })),
  };
}

/** ListTransactions v0–v1 (v1: KIP-994's duration filter; -1 = all, as v0 decodes it). */
export async function listTransactions(api: BrokerApi, ctx: RequestContext, _version: number, req: KListTransactionsRequest): Promise<Encodable<KListTransactionsResponse>> {
  const res = await api.listTransactions(ctx, {
    stateFilters: req.stateFilters,
    producerIdFilters: req.producerIdFilters,
    durationFilterMs: req.durationFilter,
  });
  return {
    errorCode: errorCodeOf(res.error),
    unknownStateFilters: res.unknownStateFilters,
    transactionStates: res.transactionStates.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state })),
  };
}

/**
 * DescribeProducers v0 (KIP-664), answered by each partition's leader: the
 * producers a partition keeps state for and the first offset of each one's
 * open transaction — what `kafka-transactions.sh describe-producers` and
 * `find-hanging` read. Not the leader: NOT_LEADER_OR_FOLLOWER per partition.
 */
export async function describeProducers(api: BrokerApi, ctx: RequestContext, _version: number, req: KDescribeProducersRequest): Promise<Encodable<KDescribeProducersResponse>> {
  const res = await api.describeProducers(ctx, { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes })) });
  return {
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partition,
        errorCode: errorCodeOf(p.error),
        errorMessage: errorMessageOf(p.error),
        activeProducers: p.activeProducers.map((a) => ({
          producerId: a.producerId,
          producerEpoch: a.producerEpoch,
          lastSequence: a.lastSequence,
          lastTimestamp: a.lastTimestamp,
          coordinatorEpoch: a.coordinatorEpoch,
          currentTxnStartOffset: a.currentTxnStartOffset,
        })),
      })),
    })),
  };
}
