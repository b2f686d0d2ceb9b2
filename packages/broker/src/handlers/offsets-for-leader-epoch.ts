import type {
  OffsetsForLeaderEpochPartitionResponse,
  OffsetsForLeaderEpochRequest,
  OffsetsForLeaderEpochResponse,
  OffsetsForLeaderEpochTopicResponse,
} from '../api/fetch';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { checkLeaderEpoch } from './fetch';

/**
 * OffsetsForLeaderEpoch (KIP-101/279): for each partition this broker
 * leads, the end offset of the largest epoch <= the one asked for, counting
 * the current epoch from where this leadership began.
 */
export async function handleOffsetsForLeaderEpoch(
  ctx: BrokerContext,
  req: OffsetsForLeaderEpochRequest,
  outcome: RequestOutcome,
): Promise<OffsetsForLeaderEpochResponse> {
  const topics: OffsetsForLeaderEpochTopicResponse[] = [];
  for (const topic of req.topics) {
    const partitions: OffsetsForLeaderEpochPartitionResponse[] = [];
    for (const p of topic.partitions) {
      const result: OffsetsForLeaderEpochPartitionResponse = { partition: p.partition, error: null, leaderEpoch: -1, endOffset: -1n };
      partitions.push(result);
      const where = { topic: topic.name, partition: p.partition };
      try {
        const { leader } = await ctx.replicas.leaderFor(topic.name, p.partition);
        checkLeaderEpoch(p.currentLeaderEpoch, leader.leaderEpoch, topic.name, p.partition);
        const answer = leader.endOffsetForEpoch(p.leaderEpoch);
        result.leaderEpoch = answer.epoch;
        result.endOffset = answer.endOffset;
      } catch (err) {
        result.error = outcome.fail(err, where);
      }
    }
    topics.push({ name: topic.name, partitions });
  }
  return { topics };
}
