import { errorCode } from '@gregor/common';
import {
  ZERO_UUID,
  type Encodable,
  type FetchRequest as KFetchRequest,
  type FetchResponse as KFetchResponse,
  type ListOffsetsRequest as KListOffsetsRequest,
  type ListOffsetsResponse as KListOffsetsResponse,
  type OffsetForLeaderEpochRequest as KOffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse as KOffsetForLeaderEpochResponse,
  type ProduceRequest as KProduceRequest,
  type ProduceResponse as KProduceResponse,
} from '@gregor/kafka-protocol';
import type { BrokerApi } from '../api/broker-api';
import type { RequestContext } from '../api/context';
import { isReplicaFetch, replicaFetch } from './replica-fetch-adapter';
import type { KafkaListenerState } from './served-apis';
import { errorCodeOf, errorMessageOf } from './wire';
import { FETCH_ZSTD_MIN_VERSION, PRODUCE_ZSTD_MIN_VERSION, firstZstdBatchAt } from './zstd-gate';

/** Byte 16 of a RecordBatch (and of a v0/v1 message) is its magic. */
const MAGIC_OFFSET = 16;
/** The first Produce version that carries RecordBatch v2 (KIP-98); older ones are refused. */
export const PRODUCE_MIN_VERSION = 3;
const UNSUPPORTED_VERSION = errorCode('UNSUPPORTED_VERSION');
const CORRUPT_MESSAGE = errorCode('CORRUPT_MESSAGE');
const UNSUPPORTED_COMPRESSION_TYPE = errorCode('UNSUPPORTED_COMPRESSION_TYPE');
const UNKNOWN_SERVER_ERROR = errorCode('UNKNOWN_SERVER_ERROR');
const READ_COMMITTED = 1;

function isLegacyMessageFormat(records: Buffer | null): boolean {
  return records !== null && records.length > MAGIC_OFFSET && records[MAGIC_OFFSET]! < 2;
}

/**
 * Produce. Versions below 3 (message format v0/v1) get UNSUPPORTED_VERSION
 * for every partition without reaching the broker, as Kafka 4.0 answers
 * them (KIP-896); so does a v3+ request carrying a v0/v1 message set (the
 * broker's validator calls it CORRUPT_MESSAGE: only magic 2 is a batch).
 * Below v7 a partition carrying a zstd batch gets UNSUPPORTED_COMPRESSION_TYPE
 * and is not written (KIP-110); the other partitions of the request are.
 * acks=0 gets no response at all (null).
 */
export async function produce(api: BrokerApi, ctx: RequestContext, version: number, req: KProduceRequest): Promise<Encodable<KProduceResponse> | null> {
  if (version < PRODUCE_MIN_VERSION) {
    if (req.acks === 0) return null;
    return refuseAll(req, UNSUPPORTED_VERSION);
  }
  // Partitions refused here, by topic index then partition index; the rest go to the broker.
  const refused = version < PRODUCE_ZSTD_MIN_VERSION ? zstdPartitions(req) : undefined;
  const sentTopicIndex: number[] = [];
  const topics: { name: string; partitions: { partition: number; records: Buffer }[] }[] = [];
  req.topicData.forEach((t, ti) => {
    const partitions = t.partitionData
      .filter((_, pi) => refused?.has(partitionKey(ti, pi)) !== true)
      .map((p) => ({ partition: p.index, records: p.records ?? Buffer.alloc(0) }));
    sentTopicIndex.push(partitions.length > 0 ? topics.length : -1);
    if (partitions.length > 0) topics.push({ name: t.name, partitions });
  });
  const res = topics.length === 0 ? { topics: [] } : await api.produce(ctx, { acks: req.acks, timeoutMs: req.timeoutMs, topics, ...(req.transactionalId !== null && req.transactionalId !== '' ? { transactionalId: req.transactionalId } : {}) });
  if (req.acks === 0) return null;
  // The broker answers what it was given, in the order given; the refused partitions slot back in at their place.
  return {
    responses: req.topicData.map((t, ti) => {
      const answered = res.topics[sentTopicIndex[ti]!]?.partitions ?? [];
      let next = 0;
      return {
        name: t.name,
        partitionResponses: t.partitionData.map((sent, pi) => {
          if (refused?.has(partitionKey(ti, pi)) === true) {
            return { index: sent.index, errorCode: UNSUPPORTED_COMPRESSION_TYPE, baseOffset: -1n, errorMessage: `zstd needs Produce v${PRODUCE_ZSTD_MIN_VERSION}+, got v${version} (KIP-110)` };
          }
          const p = answered[next++];
          if (p === undefined) return { index: sent.index, errorCode: UNKNOWN_SERVER_ERROR, baseOffset: -1n };
          let code = errorCodeOf(p.error);
          if (code === CORRUPT_MESSAGE && isLegacyMessageFormat(sent.records)) code = UNSUPPORTED_VERSION;
          return {
            index: p.partition,
            errorCode: code,
            baseOffset: p.baseOffset,
            logAppendTimeMs: p.logAppendTimeMs,
            logStartOffset: p.logStartOffset,
            errorMessage: code === UNSUPPORTED_VERSION && p.error?.errorName !== 'UNSUPPORTED_VERSION' ? 'message format v0/v1 is not supported' : errorMessageOf(p.error),
          };
        }),
      };
    }),
  };
}

function refuseAll(req: KProduceRequest, code: number): Encodable<KProduceResponse> {
  return {
    responses: req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode: code, baseOffset: -1n })),
    })),
  };
}

function partitionKey(topicIndex: number, partitionIndex: number): string {
  return `${topicIndex}:${partitionIndex}`;
}

/** Partitions (by request position) whose records hold a zstd batch; undefined when none do (the common case allocates nothing). */
function zstdPartitions(req: KProduceRequest): Set<string> | undefined {
  let found: Set<string> | undefined;
  req.topicData.forEach((t, ti) =>
    t.partitionData.forEach((p, pi) => {
      if (firstZstdBatchAt(p.records) >= 0) (found ??= new Set()).add(partitionKey(ti, pi));
    }),
  );
  return found;
}

/**
 * Fetch (v4–v12: topics by name). Incremental fetch sessions (KIP-227,
 * v7+) through the listener's FetchSessionCache: a full request at epoch
 * 0 opens one, later ones name only what changed and are answered with
 * only partitions that have news; epoch -1 (every version below 7) is a
 * sessionless full fetch. read_committed (KIP-98) reads up to the
 * last stable offset with the aborted transactions listed (null for
 * read_uncommitted, as Kafka sends it). Below v10 a client cannot read zstd
 * (KIP-110): its records stop before the first zstd batch, and a partition
 * whose next batch is zstd answers UNSUPPORTED_COMPRESSION_TYPE.
 */
export async function fetch(api: BrokerApi, ctx: RequestContext, version: number, req: KFetchRequest, listener: KafkaListenerState): Promise<Encodable<KFetchResponse>> {
  if (isReplicaFetch(req)) return replicaFetch(listener.replicaFetch, ctx, req);
  const plan = listener.fetchSessions.begin({
    sessionId: req.sessionId,
    sessionEpoch: req.sessionEpoch,
    topics: req.topics.map((t) => ({
      name: t.topic,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      })),
    })),
    forgotten: req.forgottenTopicsData.map((t) => ({ topic: t.topic, partitions: t.partitions })),
  });
  if (plan.kind === 'error') return { errorCode: errorCode(plan.error), sessionId: 0, responses: [] };
  const res = await api.fetch(ctx, {
    maxWaitMs: req.maxWaitMs,
    minBytes: req.minBytes,
    maxBytes: req.maxBytes,
    isolationLevel: req.isolationLevel,
    topics: plan.topics,
  });
  // The client went away mid-wait: nobody reads the answer, and a session opened for it would only hold a slot.
  if (ctx.signal?.aborted === true) return { sessionId: 0, responses: [] };
  const answer = listener.fetchSessions.finish(plan, res);
  return {
    sessionId: answer.sessionId,
    responses: answer.topics.map((t) => ({
      topic: t.name,
      topicId: ZERO_UUID,
      partitions: t.partitions.map((p) => {
        const zstdAt = version < FETCH_ZSTD_MIN_VERSION && p.error === null ? firstZstdBatchAt(p.records) : -1;
        return {
          partitionIndex: p.partition,
          errorCode: zstdAt === 0 ? UNSUPPORTED_COMPRESSION_TYPE : errorCodeOf(p.error),
          highWatermark: p.highWatermark,
          lastStableOffset: p.lastStableOffset,
          logStartOffset: p.logStartOffset,
          abortedTransactions: req.isolationLevel === READ_COMMITTED ? (p.abortedTransactions ?? []) : null,
          preferredReadReplica: -1,
          records: zstdAt < 0 ? p.records : p.records.subarray(0, zstdAt),
        };
      }),
    })),
  };
}

/** ListOffsets v1+ (one offset per partition; v0's max_num_offsets is not served). */
export async function listOffsets(api: BrokerApi, ctx: RequestContext, version: number, req: KListOffsetsRequest): Promise<Encodable<KListOffsetsResponse>> {
  const res = await api.listOffsets(ctx, {
    isolationLevel: req.isolationLevel,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, timestamp: p.timestamp, currentLeaderEpoch: p.currentLeaderEpoch })),
    })),
  });
  return {
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partition,
        errorCode: errorCodeOf(p.error),
        timestamp: p.timestamp,
        offset: p.offset,
        // Not ignorable in Kafka's schema: only v4+ may carry it.
        ...(version >= 4 ? { leaderEpoch: p.leaderEpoch } : {}),
      })),
    })),
  };
}

/** OffsetForLeaderEpoch v2+ for consumers (KIP-320 truncation detection). */
export async function offsetForLeaderEpoch(
  api: BrokerApi,
  ctx: RequestContext,
  _version: number,
  req: KOffsetForLeaderEpochRequest,
): Promise<Encodable<KOffsetForLeaderEpochResponse>> {
  const res = await api.offsetsForLeaderEpoch(ctx, {
    topics: req.topics.map((t) => ({
      name: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, currentLeaderEpoch: p.currentLeaderEpoch, leaderEpoch: p.leaderEpoch })),
    })),
  });
  return {
    topics: res.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: errorCodeOf(p.error), leaderEpoch: p.leaderEpoch, endOffset: p.endOffset })),
    })),
  };
}
