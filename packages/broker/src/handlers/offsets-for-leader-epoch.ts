import { toGregorError } from '@gregor/common';
import type { LeaderEpochPartitionResult, OffsetsForLeaderEpochRequest__Output, OffsetsForLeaderEpochResponse } from '@gregor/proto';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { replicationWireError } from '../wire';
import { checkLeaderEpoch } from './fetch';

/**
 * OffsetsForLeaderEpoch (KIP-101/279): for each partition this broker
 * leads, the end offset of the largest epoch <= the one asked for, counting
 * the current epoch from where this leadership began.
 */
export async function handleOffsetsForLeaderEpoch(
  ctx: BrokerContext,
  req: OffsetsForLeaderEpochRequest__Output,
  outcome: RequestOutcome,
): Promise<OffsetsForLeaderEpochResponse> {
  const topics = [];
  for (const topic of req.topics) {
    const partitions: LeaderEpochPartitionResult[] = [];
    for (const p of topic.partitions) {
      const result: LeaderEpochPartitionResult = { partition: p.partition, error: null, leaderEpoch: -1, endOffset: '-1' };
      partitions.push(result);
      const where = { topic: topic.name, partition: p.partition };
      try {
        const { leader } = await ctx.replicas.leaderFor(topic.name, p.partition);
        checkLeaderEpoch(p.currentLeaderEpoch, leader.leaderEpoch, topic.name, p.partition);
        const answer = leader.endOffsetForEpoch(p.leaderEpoch);
        result.leaderEpoch = answer.epoch;
        result.endOffset = answer.endOffset.toString();
      } catch (err) {
        outcome.fail(err, where);
        result.error = replicationWireError(toGregorError(err, where));
      }
    }
    topics.push({ name: topic.name, partitions });
  }
  return { topics };
}
