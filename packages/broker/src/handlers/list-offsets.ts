import { GregorError } from '@gregor/common';
import type { ListOffsetsPartitionResponse, ListOffsetsRequest, ListOffsetsResponse, ListOffsetsTopicResponse } from '../api/fetch';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import type { PartitionLogPort } from '../storage-port';
import { checkLeaderEpoch } from './fetch';

export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;
/** KIP-734 (ListOffsets v7): the record with the greatest timestamp. */
export const MAX_TIMESTAMP = -3n;

/**
 * One partition's answer. Latest is the HW, not the log end: consumers
 * must not be pointed past what they may read. A timestamp lookup that
 * lands at or beyond the HW is "no such offset" (-1) for the same reason,
 * and MAX_TIMESTAMP looks only below the HW (Kafka looks at the whole
 * log for it; a record a consumer cannot read yet is no answer here).
 */
export async function lookUpOffset(log: PartitionLogPort, timestamp: bigint, readCommitted = false): Promise<{ offset: bigint; timestamp: bigint }> {
  if (timestamp === EARLIEST_TIMESTAMP) return { offset: log.logStartOffset, timestamp: -1n };
  // read_committed consumers start no later than the last stable offset (KIP-98).
  if (timestamp === LATEST_TIMESTAMP) return { offset: readCommitted ? log.lastStableOffset : log.highWatermark, timestamp: -1n };
  if (timestamp === MAX_TIMESTAMP) return (await log.offsetForMaxTimestamp(log.highWatermark)) ?? { offset: -1n, timestamp: -1n };
  if (timestamp < 0n) throw new GregorError('INVALID_REQUEST', `timestamp ${timestamp} is neither -3, -2, -1 nor a time in ms`);
  const found = await log.offsetForTimestamp(timestamp);
  if (found === undefined || found.offset >= log.highWatermark) return { offset: -1n, timestamp: -1n };
  return found;
}

export async function handleListOffsets(
  ctx: BrokerContext,
  req: ListOffsetsRequest,
  outcome: RequestOutcome,
): Promise<ListOffsetsResponse> {
  const topics: ListOffsetsTopicResponse[] = [];
  for (const topic of req.topics) {
    const partitions: ListOffsetsPartitionResponse[] = [];
    for (const p of topic.partitions) {
      const result: ListOffsetsPartitionResponse = { partition: p.partition, error: null, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
      partitions.push(result);
      try {
        const led = await ctx.replicas.leaderFor(topic.name, p.partition);
        checkLeaderEpoch(p.currentLeaderEpoch, led.leader.leaderEpoch, topic.name, p.partition);
        const found = await lookUpOffset(led.log, p.timestamp, req.isolationLevel === 1);
        result.offset = found.offset;
        result.timestamp = found.timestamp;
        result.leaderEpoch = led.leader.leaderEpoch;
      } catch (err) {
        result.error = outcome.fail(err, { topic: topic.name, partition: p.partition });
      }
    }
    topics.push({ name: topic.name, partitions });
  }
  return { topics };
}
