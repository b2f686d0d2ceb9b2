import type { FetchedMetadata } from './fetched-metadata';
import type { MetadataChange, MetadataImage, TopicImage } from './image';
import type { AppliedEvent } from './quorum-controller';

/*
 * The broker's view of cluster metadata. These shapes mirror
 * packages/broker/src/metadata-source.ts structurally (the controller must
 * not depend on the broker: both sit below the node in the dependency
 * order), so a ControllerMetadataSource can be handed to the broker as its
 * MetadataSource. One addition: the 'partition-changed' event, for leader,
 * ISR and partition-count changes.
 */

export interface BrokerEndpoint {
  nodeId: number;
  /** The address on the source's listener (CLIENT unless configured). */
  host: string;
  port: number;
  /** Every listener the broker registered (CLIENT, INTERNAL, …). */
  listeners?: readonly { name: string; host: string; port: number }[];
  rack?: string;
  /** The broker epoch of its current registration (the metadata offset of the record). */
  brokerEpoch?: bigint;
}

export interface PartitionAssignment {
  partition: number;
  /** -1 when no leader is available. */
  leaderId: number;
  leaderEpoch: number;
  replicas: readonly number[];
  isr: readonly number[];
  /** Bumped on every change of leader, ISR or replicas (KIP-497). */
  partitionEpoch: number;
}

export interface TopicMetadataView {
  name: string;
  topicId: string;
  replicationFactor: number;
  partitions: readonly PartitionAssignment[];
  configs: Readonly<Record<string, string>>;
}

export interface NewTopicSpec {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs: Readonly<Record<string, string>>;
}

/** What a partition leader asks the controller to commit (AlterPartition, KIP-497). */
export interface AlterIsrRequest {
  leaderEpoch: number;
  partitionEpoch: number;
  /** The whole new ISR, including the leader. */
  isr: readonly number[];
}

export type MetadataEvent =
  | { type: 'topic-created'; topic: TopicMetadataView }
  | { type: 'topic-deleted'; name: string; topicId: string }
  | { type: 'configs-changed'; topic: TopicMetadataView }
  /** Leader, leader epoch, ISR changed, or partitions were added. */
  | { type: 'partition-changed'; topic: TopicMetadataView; partitions: readonly number[] };

/** Where a broker reads applied metadata from: the local controller, or a follower of the log. */
export interface MetadataImageSource {
  readonly image: MetadataImage;
  subscribe(listener: (e: AppliedEvent) => void): () => void;
  /** The active controller's id as this source knows it; -1 when unknown. */
  leaderId(): number;
  /**
   * Applies committed metadata the broker fetched itself (its usual path
   * fell behind: metadata-catch-up); resolves to how many steps were new.
   * Large entries take several event-loop turns (applyFetchedMetadata).
   */
  applyFetched(fetched: FetchedMetadata): Promise<number>;
}

export function topicView(image: MetadataImage, t: TopicImage): TopicMetadataView {
  return {
    name: t.name,
    topicId: t.topicId,
    replicationFactor: t.partitions[0]?.replicas.length ?? 0,
    partitions: t.partitions.map((p) => ({
      partition: p.partition,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      partitionEpoch: p.partitionEpoch,
    })),
    configs: image.topicConfigs(t.name),
  };
}

/**
 * Broker events for one applied batch. A topic created in the batch is one
 * topic-created (its partitions and configs included); other changes are
 * grouped per topic.
 */
export function eventsFor(image: MetadataImage, e: AppliedEvent): MetadataEvent[] {
  const out: MetadataEvent[] = [];
  const created = new Set<string>();
  const partitions = new Map<string, Set<number>>();
  const configs = new Set<string>();
  for (const c of e.changes) {
    switch (c.kind) {
      case 'topic-created':
        created.add(c.topic.topicId);
        break;
      case 'topic-deleted':
        out.push({ type: 'topic-deleted', name: c.name, topicId: c.topicId });
        break;
      case 'partition-created':
      case 'partition-changed': {
        const p = c.kind === 'partition-created' ? c.partition.partition : c.after.partition;
        const set = partitions.get(c.topicId) ?? new Set<number>();
        set.add(p);
        partitions.set(c.topicId, set);
        break;
      }
      case 'configs-changed': {
        const t = image.topicByName(c.topic);
        if (t !== undefined) configs.add(t.topicId);
        break;
      }
      default:
        break;
    }
  }
  for (const id of created) {
    const t = image.topic(id);
    if (t !== undefined) out.push({ type: 'topic-created', topic: topicView(image, t) });
  }
  for (const [id, ps] of partitions) {
    const t = image.topic(id);
    if (t === undefined || created.has(id)) continue;
    out.push({ type: 'partition-changed', topic: topicView(image, t), partitions: [...ps].sort((a, b) => a - b) });
  }
  for (const id of configs) {
    const t = image.topic(id);
    if (t === undefined || created.has(id)) continue;
    out.push({ type: 'configs-changed', topic: topicView(image, t) });
  }
  return out;
}

/**
 * Names of the topics whose broker view (`topicView`: partitions and
 * configs) one applied batch changed. A cached view of any other topic is
 * still right: rebuilding every view on each change made one ISR change of a
 * 10,000-partition topic's neighbour cost a pass over all its partitions.
 */
export function topicsChangedBy(changes: readonly MetadataChange[]): Set<string> {
  const names = new Set<string>();
  for (const c of changes) {
    switch (c.kind) {
      case 'topic-created':
        names.add(c.topic.name);
        break;
      case 'topic-deleted':
        names.add(c.name);
        break;
      case 'partition-created':
      case 'partition-changed':
      case 'configs-changed':
        names.add(c.topic);
        break;
      default:
        break;
    }
  }
  return names;
}
