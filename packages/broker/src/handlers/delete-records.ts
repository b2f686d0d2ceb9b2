import { GregorError, type ErrorName } from '@gregor/common';
import { OFFSETS_TOPIC } from '@gregor/group-coordinator';
import type { DeleteRecordsPartitionData, DeleteRecordsPartitionResult, DeleteRecordsRequest, DeleteRecordsResponse } from '../api/records';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { MAX_PRODUCE_TIMEOUT_MS } from './produce';

/** DeleteRecords' offset meaning "up to the high watermark". */
export const DELETE_TO_HIGH_WATERMARK = -1n;

/**
 * DeleteRecords (KIP-107), Kafka's rules per partition: not on an internal
 * topic (INVALID_TOPIC_EXCEPTION); only on its leader; only where
 * cleanup.policy includes delete (POLICY_VIOLATION); -1 means the high
 * watermark, any other negative offset or one above the high watermark is
 * OFFSET_OUT_OF_RANGE. The leader moves its own log start (storage frees the
 * batches wholly below it), then waits in the produce purgatory — as an
 * acks=all produce waits for the HW — until every follower on a live
 * broker reports a log start at least as far (followers take the leader's
 * from its fetch answers), and answers that low watermark. All partitions
 * run concurrently; the slowest bounds the answer.
 */
export async function handleDeleteRecords(ctx: BrokerContext, req: DeleteRecordsRequest, outcome: RequestOutcome): Promise<DeleteRecordsResponse> {
  const timeoutMs = req.timeoutMs > 0 ? Math.min(req.timeoutMs, MAX_PRODUCE_TIMEOUT_MS) : ctx.config.defaultProduceTimeoutMs;
  const work: Promise<void>[] = [];
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const result: DeleteRecordsPartitionResult = { partition: p.partition, error: null, lowWatermark: -1n };
      work.push(
        deletePartitionRecords(ctx, t.name, p, result, timeoutMs).catch((err: unknown) => {
          result.error = outcome.fail(err, { topic: t.name, partition: p.partition });
          result.lowWatermark = -1n;
        }),
      );
      return result;
    }),
  }));
  await Promise.all(work);
  return { topics };
}

async function deletePartitionRecords(
  ctx: BrokerContext,
  topic: string,
  p: DeleteRecordsPartitionData,
  result: DeleteRecordsPartitionResult,
  timeoutMs: number,
): Promise<void> {
  const where = { topic, partition: p.partition };
  if (topic === OFFSETS_TOPIC) throw new GregorError('INVALID_TOPIC_EXCEPTION', `cannot delete records of internal topic ${topic}`, where);
  const led = await ctx.replicas.leaderFor(topic, p.partition);
  if (!ctx.topicConfigs.get(led.topic).cleanupPolicy.includes('delete')) {
    throw new GregorError('POLICY_VIOLATION', `records of ${topic}-${p.partition} cannot be deleted: cleanup.policy does not include delete`, where);
  }
  const offset = p.offset === DELETE_TO_HIGH_WATERMARK ? led.log.highWatermark : p.offset;
  if (offset < 0n) throw new GregorError('OFFSET_OUT_OF_RANGE', `offset ${p.offset} is neither -1 (the high watermark) nor an offset`, where);
  if (!ctx.producePurgatory.tryReserve(1)) {
    throw new GregorError('REQUEST_TIMED_OUT', `too many requests waiting for replication (${ctx.producePurgatory.maxWaiting})`, where);
  }
  const leader = led.leader;
  const startBefore = led.log.logStartOffset;
  try {
    await led.log.deleteRecordsBefore(offset); // OFFSET_OUT_OF_RANGE above the high watermark
  } catch (err) {
    ctx.producePurgatory.release(1);
    throw err;
  }
  if (led.log.logStartOffset !== startBefore) {
    ctx.logger.info('records deleted', { ...where, leaderEpoch: leader.leaderEpoch, from: startBefore.toString(), logStartOffset: led.log.logStartOffset.toString() });
  }
  const outcome = await ctx.producePurgatory.wait(leader.key, timeoutMs, () => {
    if (leader.deposed || ctx.replicas.leaderOf(leader.key) !== leader) return 'NOT_LEADER_OR_FOLLOWER';
    if (ctx.replicas.lowWatermark(leader) >= offset) return 'NONE';
    if (ctx.isStopping()) return 'NOT_LEADER_OR_FOLLOWER';
    return undefined;
  });
  if (outcome !== 'NONE') {
    const messages: Partial<Record<ErrorName, string>> = {
      NOT_LEADER_OR_FOLLOWER: `node ${ctx.config.nodeId} stopped leading ${leader.key} before its replicas deleted the records`,
      REQUEST_TIMED_OUT: `log start ${offset} not reached by every live replica within ${timeoutMs} ms (low watermark ${ctx.replicas.lowWatermark(leader)})`,
    };
    throw new GregorError(outcome, messages[outcome] ?? 'DeleteRecords failed', where);
  }
  result.lowWatermark = ctx.replicas.lowWatermark(leader);
}
