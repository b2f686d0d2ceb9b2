import { GregorError } from '@gregor/common';
import type { MetadataImage, PartitionState, TopicImage } from './image';
import type { PartitionChangeRecord } from './records';

/**
 * Partition leadership and ISR decisions (pure). The controller is the only
 * writer of leader and ISR (DESIGN.md §6); everything here returns records
 * and leaves applying them to the log.
 *
 * Rules (KRaft's PartitionChangeBuilder, without ELR):
 * - A fenced broker leaves every ISR, except when it is the last member: an
 *   ISR never becomes empty, so the last in-sync replica stays recorded and
 *   is the one that gets leadership back when it returns (no data loss).
 * - The leader is the first replica, in assignment order, that is in the ISR
 *   and unfenced; -1 when there is none.
 * - Only when the topic has `unclean.leader.election.enable=true` may an
 *   unfenced replica outside the ISR become leader (the ISR becomes just it).
 */

export interface ElectionContext {
  /** Whether a broker may lead or be in the ISR right now (the view after the change). */
  isUnfenced(brokerId: number): boolean;
  /** The topic's `unclean.leader.election.enable`. */
  uncleanEnabled(topic: string): boolean;
}

export const UNCLEAN_LEADER_ELECTION_KEY = 'unclean.leader.election.enable';

/** Election context from an image, seen as if `overrides` (brokerId → unfenced) were applied. */
export function electionContext(image: MetadataImage, overrides: ReadonlyMap<number, boolean> = new Map()): ElectionContext {
  return {
    isUnfenced: (id) => overrides.get(id) ?? image.isUnfenced(id),
    uncleanEnabled: (topic) => image.topicConfigs(topic)[UNCLEAN_LEADER_ELECTION_KEY] === 'true',
  };
}

/**
 * The leader and ISR a partition should have, given that `removing` (if any)
 * must leave it. Returns undefined when nothing changes.
 */
export function nextLeaderAndIsr(
  p: PartitionState,
  topic: string,
  ctx: ElectionContext,
  removing?: number,
): { leader: number; isr: readonly number[] } | undefined {
  let isr = p.isr;
  if (removing !== undefined && isr.includes(removing) && isr.length > 1) isr = isr.filter((id) => id !== removing);
  const eligible = (id: number): boolean => id !== removing && ctx.isUnfenced(id);
  let leader = p.leader;
  if (!(leader !== -1 && eligible(leader) && isr.includes(leader))) {
    leader = p.replicas.find((id) => isr.includes(id) && eligible(id)) ?? -1;
    if (leader === -1 && ctx.uncleanEnabled(topic)) {
      const unclean = p.replicas.find(eligible);
      if (unclean !== undefined) {
        leader = unclean;
        isr = [unclean];
      }
    }
  }
  const isrSame = isr.length === p.isr.length && isr.every((id, i) => id === p.isr[i]);
  if (leader === p.leader && isrSame) return undefined;
  return { leader, isr };
}

function changeRecord(
  topic: TopicImage,
  p: PartitionState,
  next: { leader: number; isr: readonly number[] },
): PartitionChangeRecord {
  const record: { -readonly [K in keyof PartitionChangeRecord]: PartitionChangeRecord[K] } = {
    type: 'partition-change',
    topicId: topic.topicId,
    partition: p.partition,
  };
  if (next.leader !== p.leader) record.leader = next.leader;
  if (next.isr.length !== p.isr.length || next.isr.some((id, i) => id !== p.isr[i])) record.isr = [...next.isr];
  return record;
}

/**
 * A broker is fenced (session expired, controlled shutdown, or a new
 * incarnation registered): move leadership away and drop it from ISRs.
 * `ctx` must already see the broker as fenced.
 */
export function changesForFencedBroker(image: MetadataImage, brokerId: number, ctx: ElectionContext): PartitionChangeRecord[] {
  const out: PartitionChangeRecord[] = [];
  for (const topic of image.topics()) {
    for (const p of topic.partitions) {
      if (!p.isr.includes(brokerId) && p.leader !== brokerId) continue;
      const next = nextLeaderAndIsr(p, topic.name, ctx, brokerId);
      if (next !== undefined) out.push(changeRecord(topic, p, next));
    }
  }
  return out;
}

/**
 * Partitions without a leader that can get one now (a broker was unfenced, or
 * a topic turned unclean election on). `ctx` must already see the change.
 */
export function changesForLeaderlessPartitions(
  image: MetadataImage,
  ctx: ElectionContext,
  onlyTopic?: string,
): PartitionChangeRecord[] {
  const out: PartitionChangeRecord[] = [];
  for (const topic of image.topics()) {
    if (onlyTopic !== undefined && topic.name !== onlyTopic) continue;
    for (const p of topic.partitions) {
      if (p.leader !== -1) continue;
      const next = nextLeaderAndIsr(p, topic.name, ctx);
      if (next !== undefined && next.leader !== -1) out.push(changeRecord(topic, p, next));
    }
  }
  return out;
}

/** AlterPartition (KIP-497): the leader asks to change the ISR of one partition. */
export interface AlterPartitionRequest {
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly topic: string;
  readonly partition: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly newIsr: readonly number[];
}

/**
 * Checks an AlterPartition against the image; returns the record to commit,
 * or undefined when the ISR is already what was asked. Errors, in Kafka's
 * order of checks:
 * - STALE_BROKER_EPOCH: the requester's registration is not the current one;
 * - UNKNOWN_TOPIC_OR_PARTITION;
 * - FENCED_LEADER_EPOCH: the requester's leader epoch is not the current one;
 * - NOT_LEADER_OR_FOLLOWER: the requester does not lead the partition;
 * - INVALID_UPDATE_VERSION (95): the partition changed since the leader last
 *   saw it (stale partition epoch);
 * - INVALID_REQUEST (kafkaError 'INELIGIBLE_REPLICA' for fenced members): the
 *   new ISR lacks the leader, has duplicates or non-replicas.
 */
export function planAlterPartition(image: MetadataImage, req: AlterPartitionRequest): PartitionChangeRecord | undefined {
  const context = { topic: req.topic, partition: req.partition };
  const broker = image.broker(req.brokerId);
  if (broker === undefined || broker.brokerEpoch !== req.brokerEpoch) {
    throw new GregorError('STALE_BROKER_EPOCH', `broker ${req.brokerId} epoch ${req.brokerEpoch} is not current (${broker?.brokerEpoch ?? 'unregistered'})`, context);
  }
  const topic = image.topicByName(req.topic);
  const p = topic?.partitions[req.partition];
  if (topic === undefined || p === undefined) {
    throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `no partition ${req.topic}-${req.partition}`, context);
  }
  if (req.leaderEpoch !== p.leaderEpoch) {
    throw new GregorError('FENCED_LEADER_EPOCH', `leader epoch ${req.leaderEpoch} is not the current ${p.leaderEpoch}`, {
      ...context,
      leaderHint: p.leader,
    });
  }
  if (p.leader !== req.brokerId) {
    throw new GregorError('NOT_LEADER_OR_FOLLOWER', `broker ${req.brokerId} does not lead ${req.topic}-${req.partition} (leader ${p.leader})`, {
      ...context,
      leaderHint: p.leader,
    });
  }
  if (req.partitionEpoch !== p.partitionEpoch) {
    throw new GregorError('INVALID_UPDATE_VERSION', `partition epoch ${req.partitionEpoch} is not the current ${p.partitionEpoch}`, context);
  }
  const isr = req.newIsr;
  if (new Set(isr).size !== isr.length || !isr.includes(p.leader) || !isr.every((id) => p.replicas.includes(id))) {
    throw new GregorError('INVALID_REQUEST', `ISR [${isr.join(',')}] must hold the leader and only distinct replicas of [${p.replicas.join(',')}]`, context);
  }
  const added = isr.filter((id) => !p.isr.includes(id));
  const ineligible = added.filter((id) => !image.isUnfenced(id));
  if (ineligible.length > 0) {
    throw new GregorError('INVALID_REQUEST', `replicas [${ineligible.join(',')}] are fenced and cannot join the ISR`, {
      ...context,
      kafkaError: 'INELIGIBLE_REPLICA',
    });
  }
  if (isr.length === p.isr.length && isr.every((id) => p.isr.includes(id))) return undefined;
  // Keep the ISR in assignment order: it makes logs and comparisons stable.
  const ordered = p.replicas.filter((id) => isr.includes(id));
  return { type: 'partition-change', topicId: topic.topicId, partition: p.partition, isr: ordered };
}
