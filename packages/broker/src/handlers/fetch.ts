import { GregorError, tpKey } from '@gregor/common';
import type { FetchPartitionResult, FetchRequest__Output, FetchResponse, FetchTopicResult } from '@gregor/proto';
import { batchSizeAt, readBatchHeader, LOG_OVERHEAD, RECORDS_OFFSET } from '@gregor/record-batch';
import type { BrokerContext } from '../broker-context';
import { normalizeFetchShape, partitionReadBudget, shouldAnswerFetchNow, type FetchShape } from '../fetch-budget';
import type { FetchWaiter } from '../fetch-purgatory';
import type { RequestOutcome } from '../outcome';
import { int64 } from '../wire';

interface FetchTarget {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
}

interface FetchRead {
  response: FetchResponse;
  bytes: number;
  anyError: boolean;
}

/** Fences clients that know a different leader epoch (KIP-320). */
function checkLeaderEpoch(requested: number, current: number, topic: string, partition: number): void {
  if (requested === -1) return;
  if (requested < current) {
    throw new GregorError('FENCED_LEADER_EPOCH', `leader epoch ${requested} is older than the current ${current}`, { topic, partition });
  }
  if (requested > current) {
    throw new GregorError('UNKNOWN_LEADER_EPOCH', `leader epoch ${requested} is newer than the current ${current}`, { topic, partition });
  }
}

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

async function readAll(ctx: BrokerContext, targets: readonly FetchTarget[], shape: FetchShape, outcome: RequestOutcome): Promise<FetchRead> {
  const byTopic = new Map<string, FetchTopicResult & { partitions: FetchPartitionResult[] }>();
  let bytes = 0;
  let anyError = false;
  for (const t of targets) {
    let topicResult = byTopic.get(t.topic);
    if (topicResult === undefined) byTopic.set(t.topic, (topicResult = { name: t.topic, partitions: [] }));
    const result: FetchPartitionResult = {
      partition: t.partition,
      error: null,
      highWatermark: '-1',
      logStartOffset: '-1',
      lastStableOffset: '-1',
      records: Buffer.alloc(0),
    };
    topicResult.partitions.push(result);
    try {
      const led = await ctx.partitions.leaderLog(t.topic, t.partition);
      checkLeaderEpoch(t.currentLeaderEpoch, led.assignment.leaderEpoch, t.topic, t.partition);
      const log = led.log;
      const budget = partitionReadBudget(shape.maxBytes - bytes, t.partitionMaxBytes, bytes === 0);
      const hw = log.highWatermark;
      let logStartOffset = log.logStartOffset;
      if (budget > 0) {
        // Consumers only see what every in-sync replica has: stop at the HW.
        const read = await log.read(t.fetchOffset, budget, hw);
        // Storage returns at least one batch; only the first partition with
        // data may go over the budget that way (KIP-74), later ones wait.
        const records = bytes > 0 && read.records.length > budget ? Buffer.alloc(0) : read.records;
        result.records = records;
        logStartOffset = read.logStartOffset;
        bytes += records.length;
        if (records.length > 0) ctx.observer.bytesOut(t.topic, records.length, countRecords(records));
      }
      result.highWatermark = hw.toString();
      result.lastStableOffset = hw.toString();
      result.logStartOffset = logStartOffset.toString();
    } catch (err) {
      anyError = true;
      result.error = outcome.fail(err, { topic: t.topic, partition: t.partition });
    }
  }
  return { response: { topics: [...byTopic.values()] }, bytes, anyError };
}

/**
 * Fetch with long-poll: read once; if the answer is not good enough yet
 * (fewer than min_bytes, no error), park in the bounded purgatory and read
 * again whenever a produce touches one of the partitions, answering once
 * min_bytes are there or max_wait_ms has passed. Shutdown and client
 * cancellation end the wait.
 */
export async function handleFetch(
  ctx: BrokerContext,
  req: FetchRequest__Output,
  outcome: RequestOutcome,
  onCancel: (cb: () => void) => void,
): Promise<FetchResponse> {
  const shape = normalizeFetchShape({ maxWaitMs: req.maxWaitMs, minBytes: req.minBytes, maxBytes: req.maxBytes });
  const targets: FetchTarget[] = [];
  for (const topic of req.topics) {
    for (const p of topic.partitions) {
      targets.push({
        topic: topic.name,
        partition: p.partition,
        fetchOffset: int64(p.fetchOffset, 'fetch_offset'),
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      });
    }
  }
  const first = await readAll(ctx, targets, shape, outcome);
  if (shouldAnswerFetchNow(shape, first.bytes, first.anyError, ctx.isStopping())) return first.response;
  return new Promise<FetchResponse>((resolve) => {
    let done = false;
    let reading = false;
    let wokenWhileReading = false;
    let expired = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (response: FetchResponse): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      ctx.purgatory.remove(waiter);
      resolve(response);
    };
    const evaluate = async (): Promise<void> => {
      if (done) return;
      if (reading) {
        wokenWhileReading = true;
        return;
      }
      reading = true;
      try {
        do {
          wokenWhileReading = false;
          const again = await readAll(ctx, targets, shape, outcome);
          if (expired || shouldAnswerFetchNow(shape, again.bytes, again.anyError, ctx.isStopping())) {
            finish(again.response);
            return;
          }
        } while (wokenWhileReading && !done);
      } catch (err) {
        ctx.logger.error('fetch re-read failed', { err: err instanceof Error ? err.stack : String(err) });
        finish(first.response);
      } finally {
        reading = false;
      }
    };
    const waiter: FetchWaiter = { wake: () => void evaluate() };
    const keys = [...new Set(targets.map((t) => tpKey(t.topic, t.partition)))];
    if (!ctx.purgatory.tryAdd(waiter, keys)) {
      finish(first.response);
      return;
    }
    timer = setTimeout(() => {
      expired = true;
      void evaluate();
    }, shape.maxWaitMs);
    onCancel(() => finish({ topics: [] }));
  });
}
