import { GregorError } from '@gregor/common';
import { ISOLATION_LEVEL, type FetchPartitionResponse, type FetchRequest, type FetchResponse, type FetchTopicResponse } from '../api/fetch';
import { batchSizeAt, readBatchHeader, LOG_OVERHEAD, RECORDS_OFFSET } from '@gregor/record-batch';
import type { BrokerContext } from '../broker-context';
import { normalizeFetchShape, partitionReadBudget, type FetchShape } from '../fetch-budget';
import { answerWhenReady, type FetchRound } from '../long-poll';
import type { RequestOutcome } from '../outcome';
import { fetchTargets, type FetchTarget } from './fetch-targets';

/** Fences clients that know a different leader epoch (KIP-320). */
export function checkLeaderEpoch(requested: number, current: number, topic: string, partition: number): void {
  if (requested === -1) return;
  if (requested < current) {
    throw new GregorError('FENCED_LEADER_EPOCH', `leader epoch ${requested} is older than the current ${current}`, { topic, partition });
  }
  if (requested > current) {
    throw new GregorError('UNKNOWN_LEADER_EPOCH', `leader epoch ${requested} is newer than the current ${current}`, { topic, partition });
  }
}

/** Shared, never written: an empty records field. */
const EMPTY = Buffer.alloc(0);

/** Records in the fetched bytes, from batch headers only (for metrics). */
export function countRecords(records: Buffer): number {
  let count = 0;
  let pos = 0;
  while (pos + RECORDS_OFFSET <= records.length) {
    const size = batchSizeAt(records, pos);
    if (size <= LOG_OVERHEAD) break;
    count += readBatchHeader(records, pos).recordCount;
    pos += size;
  }
  return count;
}

async function readAll(
  ctx: BrokerContext,
  targets: readonly FetchTarget[],
  shape: FetchShape,
  outcome: RequestOutcome,
  readCommitted: boolean,
): Promise<FetchRound<FetchResponse>> {
  const byTopic = new Map<string, FetchTopicResponse>();
  let bytes = 0;
  let anyError = false;
  for (const t of targets) {
    let topicResult = byTopic.get(t.topic);
    if (topicResult === undefined) byTopic.set(t.topic, (topicResult = { name: t.topic, partitions: [] }));
    const result: FetchPartitionResponse = {
      partition: t.partition,
      error: null,
      highWatermark: -1n,
      logStartOffset: -1n,
      lastStableOffset: -1n,
      abortedTransactions: null,
      records: EMPTY,
    };
    topicResult.partitions.push(result);
    try {
      const led = await ctx.replicas.leaderFor(t.topic, t.partition);
      checkLeaderEpoch(t.currentLeaderEpoch, led.leader.leaderEpoch, t.topic, t.partition);
      const log = led.log;
      const budget = partitionReadBudget(shape.maxBytes - bytes, t.partitionMaxBytes, bytes === 0);
      const hw = log.highWatermark;
      const lso = log.lastStableOffset;
      // Consumers only see what every in-sync replica has: stop at the HW;
      // read_committed ones also stop before the oldest open transaction (KIP-98).
      const upper = readCommitted ? lso : hw;
      let logStartOffset = log.logStartOffset;
      if (readCommitted) result.abortedTransactions = [];
      if (budget > 0) {
        const read = await log.read(t.fetchOffset, budget, upper);
        // Storage returns at least one batch; only the first partition with
        // data may go over the budget that way (KIP-74), later ones wait.
        const records = bytes > 0 && read.records.length > budget ? EMPTY : read.records;
        result.records = records;
        logStartOffset = read.logStartOffset;
        bytes += records.length;
        if (records.length > 0) ctx.observer.bytesOut(t.topic, records.length, countRecords(records));
        if (readCommitted && records.length > 0) result.abortedTransactions = log.abortedTransactions(t.fetchOffset, upper);
      }
      result.highWatermark = hw;
      result.lastStableOffset = lso;
      result.logStartOffset = logStartOffset;
    } catch (err) {
      anyError = true;
      result.error = outcome.fail(err, { topic: t.topic, partition: t.partition });
    }
  }
  return { response: { topics: [...byTopic.values()] }, bytes, anyError };
}

/**
 * Fetch with long-poll (see answerWhenReady): consumers read up to the high
 * watermark of partitions this broker leads (read_committed: up to the last
 * stable offset, with the aborted transactions listed).
 */
export async function handleFetch(ctx: BrokerContext, req: FetchRequest, outcome: RequestOutcome, signal?: AbortSignal): Promise<FetchResponse> {
  const shape = normalizeFetchShape({ maxWaitMs: req.maxWaitMs, minBytes: req.minBytes, maxBytes: req.maxBytes });
  const targets = fetchTargets(req.topics, (target) => target);
  const readCommitted = req.isolationLevel === ISOLATION_LEVEL.READ_COMMITTED;
  return answerWhenReady(ctx, shape, targets, () => readAll(ctx, targets, shape, outcome, readCommitted), signal, { topics: [] });
}
