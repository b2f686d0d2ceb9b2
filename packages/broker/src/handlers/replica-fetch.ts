import { debugTimeline, GregorError, tpKey } from '@gregor/common';
import type { ReplicaFetchPartitionResponse, ReplicaFetchRequest, ReplicaFetchResponse, ReplicaFetchTopicResponse } from '../api/replication';
import { checkFetchPosition } from '@gregor/replication-fetcher';
import type { BrokerContext } from '../broker-context';
import { normalizeFetchShape, partitionReadBudget, type FetchShape } from '../fetch-budget';
import { answerWhenReady, type FetchRound } from '../long-poll';
import type { RequestOutcome } from '../outcome';
import { checkLeaderEpoch } from './fetch';
import { fetchTargets, type FetchTarget } from './fetch-targets';

interface ReplicaTarget extends FetchTarget {
  lastFetchedEpoch: number;
  logStartOffset: bigint;
}

const EMPTY = Buffer.alloc(0);

function emptyResult(partition: number): ReplicaFetchPartitionResponse {
  return {
    partition,
    error: null,
    highWatermark: -1n,
    logStartOffset: -1n,
    logEndOffset: -1n,
    divergingEpoch: null,
    records: EMPTY,
  };
}

/**
 * One pass over a follower's partitions, on the leader. Per partition, in
 * Kafka's order: this broker leads it in the follower's epoch
 * (NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH); the
 * asker is one of its followers; its last fetched epoch agrees with our
 * epoch cache (else a diverging epoch and no records, KIP-320); its offset
 * is in our log (else OFFSET_OUT_OF_RANGE with our offsets). Only then, and
 * only on the request's first pass, does its position count towards the
 * high watermark and the ISR. Records are read up to the log end, not the
 * high watermark: followers need them before they can be committed.
 */
async function readForFollower(
  ctx: BrokerContext,
  replicaId: number,
  brokerEpoch: bigint,
  targets: readonly ReplicaTarget[],
  shape: FetchShape,
  first: boolean,
  outcome: RequestOutcome,
): Promise<FetchRound<ReplicaFetchResponse>> {
  const byTopic = new Map<string, ReplicaFetchTopicResponse>();
  let bytes = 0;
  let anyError = false;
  for (const t of targets) {
    let topicResult = byTopic.get(t.topic);
    if (topicResult === undefined) byTopic.set(t.topic, (topicResult = { name: t.topic, partitions: [] }));
    const result = emptyResult(t.partition);
    topicResult.partitions.push(result);
    const where = { topic: t.topic, partition: t.partition };
    try {
      // Not leaderFor: a follower fetch names every partition of the pair, and
      // waiting in it for each pending role change (queued behind a whole
      // topic's, ReplicaManager's slices) held the answer for all the others.
      // The change is already on its way (metadata event, periodic check);
      // the follower backs off this partition and asks again.
      const led = ctx.replicas.leaderForNow(t.topic, t.partition);
      if (led === undefined) throw GregorError.withoutStack('NOT_LEADER_OR_FOLLOWER', `node ${ctx.config.nodeId} is becoming the leader of ${tpKey(t.topic, t.partition)}`, where);
      const { leader, log } = led;
      checkLeaderEpoch(t.currentLeaderEpoch, leader.leaderEpoch, t.topic, t.partition);
      if (replicaId === ctx.config.nodeId || !leader.replicas.includes(replicaId)) {
        throw new GregorError('NOT_LEADER_OR_FOLLOWER', `node ${replicaId} is not a follower of ${leader.key} (replicas ${leader.replicas.join(',')})`, where);
      }
      result.logStartOffset = log.logStartOffset;
      result.logEndOffset = log.logEndOffset;
      result.highWatermark = log.highWatermark;
      const position = checkFetchPosition(t.fetchOffset, t.lastFetchedEpoch, (e) => leader.endOffsetForEpoch(e));
      if (position.kind === 'diverging') {
        result.divergingEpoch = { epoch: position.divergingEpoch.epoch, endOffset: position.divergingEpoch.endOffset };
        anyError = true;
        continue;
      }
      // Up to the assigned end: a follower may already hold batches this leader is still writing (readForFollower).
      const end = log.assignedEndOffset;
      if (position.kind === 'unknown-epoch' || t.fetchOffset < log.logStartOffset || t.fetchOffset > end) {
        throw new GregorError(
          'OFFSET_OUT_OF_RANGE',
          `follower ${replicaId} fetch at ${t.fetchOffset} (last epoch ${t.lastFetchedEpoch}) is outside [${log.logStartOffset}, ${end}] or its epoch is unknown here`,
          where,
        );
      }
      if (first && debugTimeline.on) debugTimeline.event('leader.follower.fetch', { replica: replicaId, key: leader.key, offset: t.fetchOffset });
      if (first) ctx.replicas.recordFollowerFetch(leader, replicaId, t.fetchOffset, t.logStartOffset, brokerEpoch);
      result.highWatermark = log.highWatermark;
      const budget = partitionReadBudget(shape.maxBytes - bytes, t.partitionMaxBytes, bytes === 0);
      if (budget > 0) {
        const read = await log.readForFollower(t.fetchOffset, budget);
        // Only the first partition with data may go over the budget (KIP-74).
        const records = bytes > 0 && read.records.length > budget ? EMPTY : read.records;
        result.records = records;
        bytes += records.length;
        // Tracing: whole batches up to the log end as read (the latency bench's reads are never cut by the budget).
        if (records.length > 0) ctx.produceTrace?.followerRead(leader.key, end);
        if (records.length > 0 && debugTimeline.on) debugTimeline.event('leader.follower.read', { replica: replicaId, key: leader.key, end });
      }
    } catch (err) {
      anyError = true;
      result.error = outcome.fail(err, where);
    }
  }
  return { response: { topics: [...byTopic.values()] }, bytes, anyError };
}

/**
 * FetchFromLeader: the follower long-poll (see answerWhenReady), over the
 * follower's incremental fetch session when it has one (KIP-227,
 * ReplicaFetchSessions): the request names only changed partitions, every
 * partition of the session is read (each fetch still tells the leader the
 * follower's position for all of them), and the answer carries only those
 * with news. A session error fails the whole request: the follower starts
 * over with a full fetch.
 */
export async function handleReplicaFetch(
  ctx: BrokerContext,
  req: ReplicaFetchRequest,
  outcome: RequestOutcome,
  signal?: AbortSignal,
): Promise<ReplicaFetchResponse> {
  const plan = ctx.replicaFetchSessions.begin(req);
  if (plan.kind === 'error') throw GregorError.withoutStack(plan.error, `follower ${req.replicaId}: fetch session ${req.session?.id} at epoch ${req.session?.epoch}`);
  const shape = normalizeFetchShape({ maxWaitMs: req.maxWaitMs, minBytes: req.minBytes, maxBytes: req.maxBytes });
  const targets: ReplicaTarget[] = fetchTargets(plan.topics, (target, p) => ({ ...target, lastFetchedEpoch: p.lastFetchedEpoch, logStartOffset: p.logStartOffset }));
  const res = await answerWhenReady(
    ctx,
    shape,
    targets,
    (first) => readForFollower(ctx, req.replicaId, req.brokerEpoch, targets, shape, first, outcome),
    signal,
    { topics: [] },
  );
  // The follower went away or cut the fetch: nobody reads the answer, and it starts over with a full fetch.
  if (signal?.aborted === true) return res;
  return ctx.replicaFetchSessions.finish(req.replicaId, plan, res);
}
