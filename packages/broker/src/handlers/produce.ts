import { GregorError, isGregorError, tpKey } from '@gregor/common';
import type { ProducePartitionResult, ProduceRequest__Output, ProduceResponse } from '@gregor/proto';
import { setMaxTimestamp, TimestampType, validateRecordBatches, type ValidatedBatch } from '@gregor/record-batch';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { highWatermarkFor, type LedPartition } from '../partition-manager';
import type { AppendResult, PartitionLogPort } from '../storage-port';

const VALID_ACKS = new Set([0, 1, -1]);

interface PendingAppend {
  result: ProducePartitionResult;
  led: LedPartition<PartitionLogPort>;
  records: Buffer;
  recordCount: number;
  logAppendTimeMs: number | undefined;
}

/**
 * Checks one partition's records without decoding any record: frame, CRC,
 * codec and size of each batch (record-batch's validator). Anything that is
 * not a GregorError (a bug in reading the frame) still counts as bad input.
 * Returns the batches found and their record count.
 */
export function checkProducedRecords(records: Buffer, maxMessageBytes: number): { batches: ValidatedBatch[]; recordCount: number } {
  let batches: ValidatedBatch[];
  try {
    batches = validateRecordBatches(records, { origin: 'client', maxBatchBytes: maxMessageBytes });
  } catch (err) {
    if (isGregorError(err)) throw err;
    throw new GregorError('CORRUPT_MESSAGE', `record batches could not be read: ${String(err)}`);
  }
  let recordCount = 0;
  for (const batch of batches) recordCount += batch.header.recordCount;
  return { batches, recordCount };
}

/**
 * LogAppendTime topics: the leader stamps each batch's maxTimestamp with its
 * clock (Kafka's LogValidator), which rewrites the batch CRC once per batch
 * — no per-record work.
 */
function stampLogAppendTime(records: Buffer, batches: readonly ValidatedBatch[], nowMs: number): void {
  for (const b of batches) setMaxTimestamp(records, TimestampType.LogAppendTime, BigInt(nowMs), b.pos);
}

/**
 * Produce: validate every partition, then one storage write for all the
 * valid ones (appendMany), then advance the HW and wake waiting fetches.
 * acks=0 answers before the write; its failures are only logged, as in
 * Kafka where such a producer never hears back.
 */
export async function handleProduce(ctx: BrokerContext, req: ProduceRequest__Output, outcome: RequestOutcome): Promise<ProduceResponse> {
  const acks = req.acks;
  const pending: PendingAppend[] = [];
  const seen = new Set<string>();
  const topics = [];
  for (const topic of req.topics) {
    const partitions: ProducePartitionResult[] = [];
    for (const p of topic.partitions) {
      const result: ProducePartitionResult = { partition: p.partition, baseOffset: '-1', logAppendTimeMs: '-1', logStartOffset: '-1', error: null };
      partitions.push(result);
      const where = { topic: topic.name, partition: p.partition };
      try {
        if (!VALID_ACKS.has(acks)) throw new GregorError('INVALID_REQUIRED_ACKS', `acks must be 0, 1 or -1, got ${acks}`);
        const key = tpKey(topic.name, p.partition);
        if (seen.has(key)) throw new GregorError('INVALID_REQUEST', `${key} appears more than once in the request`);
        seen.add(key);
        const led = await ctx.partitions.leaderLog(topic.name, p.partition);
        const config = ctx.topicConfigs.get(led.topic);
        const { batches, recordCount } = checkProducedRecords(p.records, config.maxMessageBytes);
        if (acks === -1 && led.assignment.isr.length < config.minInsyncReplicas) {
          throw new GregorError(
            'NOT_ENOUGH_REPLICAS',
            `${led.assignment.isr.length} in-sync replicas, min.insync.replicas is ${config.minInsyncReplicas}`,
          );
        }
        let logAppendTimeMs: number | undefined;
        if (config.messageTimestampType === 'LogAppendTime') {
          logAppendTimeMs = ctx.clock.nowMs();
          stampLogAppendTime(p.records, batches, logAppendTimeMs);
        }
        pending.push({ result, led, records: p.records, recordCount, logAppendTimeMs });
      } catch (err) {
        result.error = outcome.fail(err, where);
      }
    }
    topics.push({ name: topic.name, partitions });
  }
  if (pending.length > 0) {
    // acks=0 has already answered by the time the write ends: its results
    // go to copies, never to the response being serialised.
    const targets = acks === 0 ? pending.map((a) => ({ ...a, result: { ...a.result } })) : pending;
    const write = ctx.track(appendAll(ctx, targets, outcome));
    // appendAll reports failures per partition (and logs them); it only
    // rejects on a bug, which the RPC wrapper turns into INTERNAL.
    if (acks !== 0) await write;
    else write.catch((err: unknown) => ctx.logger.error('acks=0 produce failed', { err: String(err) }));
  }
  return { topics };
}

async function appendAll(ctx: BrokerContext, pending: PendingAppend[], outcome: RequestOutcome): Promise<void> {
  let results: AppendResult[];
  try {
    results = await ctx.store.appendMany(
      pending.map((a) => ({ log: a.led.log, batches: a.records, leaderEpoch: a.led.assignment.leaderEpoch })),
    );
  } catch (err) {
    const failure = isGregorError(err) ? err : new GregorError('KAFKA_STORAGE_ERROR', `append failed: ${String(err)}`, {}, err);
    ctx.logger.error('append failed', { partitions: pending.length, err: err instanceof Error ? err.stack : String(err) });
    for (const a of pending) a.result.error = outcome.fail(failure, { topic: a.led.topic.name, partition: a.led.assignment.partition });
    return;
  }
  pending.forEach((a, i) => {
    const appended = results[i]!;
    const log = a.led.log;
    log.setHighWatermark(highWatermarkFor(a.led.assignment, ctx.config.nodeId, log.logEndOffset, log.highWatermark));
    a.result.baseOffset = appended.baseOffset.toString();
    a.result.logStartOffset = log.logStartOffset.toString();
    if (a.logAppendTimeMs !== undefined) a.result.logAppendTimeMs = String(a.logAppendTimeMs);
    ctx.observer.bytesIn(a.led.topic.name, a.records.length, a.recordCount);
    ctx.purgatory.notify(tpKey(a.led.topic.name, a.led.assignment.partition));
  });
}
