import { OFFSETS_TOPIC, type OffsetCommitResponse as CoordinatorCommitResponse, type OffsetToCommit } from '@gregor/group-coordinator';
import type { ApiError } from '../api/context';
import type { OffsetCommitRequest, OffsetCommitResponse, OffsetFetchRequest, OffsetFetchResponse, OffsetFetchTopicResult } from '../api/groups';
import type { TxnOffsetCommitRequest } from '../api/transactions';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { groupError } from './group-error';

/**
 * OffsetCommit and OffsetFetch. Partitions of topics that do not exist are
 * UNKNOWN_TOPIC_OR_PARTITION here, as Kafka's request handler does before
 * the coordinator sees them; the rest go to the group's coordinator.
 */
export function handleOffsetCommit(ctx: BrokerContext, req: OffsetCommitRequest, outcome: RequestOutcome): Promise<OffsetCommitResponse> {
  return commitVia(ctx, req, outcome, (partition, commit) => ctx.groups.runtime.commitOffsets(partition, commit));
}

/** TxnOffsetCommit (KIP-98/447): the same checks and routing; the offsets wait for the transaction's marker. */
export function handleTxnOffsetCommit(ctx: BrokerContext, req: TxnOffsetCommitRequest, outcome: RequestOutcome): Promise<OffsetCommitResponse> {
  return commitVia(ctx, req, outcome, (partition, commit) =>
    ctx.groups.runtime.commitTransactionalOffsets(partition, { ...commit, producerId: req.producerId, producerEpoch: req.producerEpoch }),
  );
}

type CoordinatorCommit = { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null; offsets: OffsetToCommit[] };

async function commitVia(
  ctx: BrokerContext,
  req: OffsetCommitRequest,
  outcome: RequestOutcome,
  commitAt: (partition: number, commit: CoordinatorCommit) => Promise<CoordinatorCommitResponse>,
): Promise<OffsetCommitResponse> {
  type PartitionResult = { partition: number; error: ApiError | null };
  const results = new Map<string, PartitionResult[]>();
  const resultOf = (topic: string): PartitionResult[] => {
    let list = results.get(topic);
    if (list === undefined) results.set(topic, (list = []));
    return list;
  };
  const offsets: OffsetToCommit[] = [];
  for (const t of req.topics) {
    const view = ctx.metadata.topic(t.name);
    for (const p of t.partitions) {
      if (view === undefined || view.partitions[p.partition] === undefined || t.name === OFFSETS_TOPIC) {
        resultOf(t.name).push({ partition: p.partition, error: groupError('UNKNOWN_TOPIC_OR_PARTITION', `${t.name}-${p.partition} does not exist`) });
        if (outcome.firstError === 'NONE') outcome.firstError = 'UNKNOWN_TOPIC_OR_PARTITION';
        continue;
      }
      offsets.push({ topic: t.name, partition: p.partition, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata ?? '' });
    }
  }
  if (offsets.length > 0) {
    const partition = await ctx.groups.partitionForSoon(req.groupId);
    const commit = { groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId, offsets };
    const r =
      partition === undefined
        ? { results: offsets.map((o) => ({ topic: o.topic, partition: o.partition, error: 'NOT_COORDINATOR' as const })) }
        : await commitAt(partition, commit);
    for (const x of r.results) {
      if (x.error !== 'NONE' && outcome.firstError === 'NONE') outcome.firstError = x.error;
      resultOf(x.topic).push({ partition: x.partition, error: groupError(x.error) });
    }
  }
  return { topics: [...results].map(([name, partitions]) => ({ name, partitions })) };
}

export async function handleOffsetFetch(ctx: BrokerContext, req: OffsetFetchRequest, outcome: RequestOutcome): Promise<OffsetFetchResponse> {
  const partition = await ctx.groups.partitionForSoon(req.groupId);
  const wanted = req.topics === null ? null : req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p })));
  const r =
    partition === undefined
      ? { error: 'NOT_COORDINATOR' as const, offsets: [] }
      : ctx.groups.runtime.fetchOffsets(partition, { groupId: req.groupId, partitions: wanted, requireStable: req.requireStable });
  if (r.error !== 'NONE') outcome.firstError = r.error;
  const topics = new Map<string, OffsetFetchTopicResult>();
  for (const o of r.offsets) {
    let t = topics.get(o.topic);
    if (t === undefined) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
    t.partitions.push({ partition: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, error: groupError(o.error) });
  }
  return { error: groupError(r.error), topics: [...topics.values()] };
}
