import { GregorError, isGregorError, tpKey } from '@gregor/common';
import type { ProducePartitionResult, ProduceRequest__Output, ProduceResponse } from '@gregor/proto';
import { validateRecordBatches } from '@gregor/record-batch';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { highWatermarkFor, type LedPartition } from '../partition-manager';
import type { AppendResult, PartitionLogPort } from '../storage-port';
import type { TopicConfig } from '../topic-config';

const VALID_ACKS = new Set([0, 1, -1]);

interface PendingAppend {
  result: ProducePartitionResult;
  led: LedPartition<PartitionLogPort>;
  config: TopicConfig;
  records: Buffer;
  recordCount: number;
}

/**
 * Checks one partition's records without decoding any record: header, CRC
 * and size of each batch. Anything that is not a GregorError from the
 * validator (a truncated buffer read) is still bad input: CORRUPT_MESSAGE.
 */
export function checkProducedRecords(records: Buffer, maxMessageBytes: number): number {
  let batches;
  try {
    batches = validateRecordBatches(records);
  } catch (err) {
    if (isGregorError(err)) throw err;
    throw new GregorError('CORRUPT_MESSAGE', `record batches could not be read: ${String(err)}`);
  }
  if (batches.length === 0) throw new GregorError('CORRUPT_MESSAGE', 'the request carries no record batch');
  let recordCount = 0;
  for (const batch of batches) {
    if (batch.size > maxMessageBytes) {
      throw new GregorError('MESSAGE_TOO_LARGE', `batch of ${batch.size} bytes is larger than max.message.bytes ${maxMessageBytes}`);
    }
    recordCount += batch.header.recordCount;
  }
  return recordCount;
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
        const recordCount = checkProducedRecords(p.records, config.maxMessageBytes);
        if (acks === -1 && led.assignment.isr.length < config.minInsyncReplicas) {
          throw new GregorError(
            'NOT_ENOUGH_REPLICAS',
            `${led.assignment.isr.length} in-sync replicas, min.insync.replicas is ${config.minInsyncReplicas}`,
          );
        }
        pending.push({ result, led, config, records: p.records, recordCount });
      } catch (err) {
        result.error = outcome.fail(err, where);
      }
    }
    topics.push({ name: topic.name, partitions });
  }
  if (pending.length > 0) {
    const write = ctx.track(appendAll(ctx, pending, outcome));
    if (acks === 0) {
      write.catch((err: unknown) => ctx.logger.warn('acks=0 produce failed', { err: String(err) }));
    } else {
      await write;
    }
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
    throw failure;
  }
  const nowMs = ctx.clock.nowMs();
  pending.forEach((a, i) => {
    const appended = results[i]!;
    const log = a.led.log;
    log.setHighWatermark(highWatermarkFor(a.led.assignment, ctx.config.nodeId, log.logEndOffset, log.highWatermark));
    a.result.baseOffset = appended.baseOffset.toString();
    a.result.logStartOffset = log.logStartOffset.toString();
    if (a.config.messageTimestampType === 'LogAppendTime') a.result.logAppendTimeMs = String(nowMs);
    ctx.observer.bytesIn(a.led.topic.name, a.records.length, a.recordCount);
    ctx.purgatory.notify(tpKey(a.led.topic.name, a.led.assignment.partition));
  });
}
