import { GregorError, isGregorError, type Logger } from '@gregor/common';
import { OFFSETS_TOPIC, partitionForGroup } from '@gregor/group-coordinator';
import type { BrokerConfig } from '../broker-config';
import { listenerEndpoint, type MetadataSource, type TopicMetadataView } from '../metadata-source';

/** Where a group's coordinator is, as FindCoordinator answers it. */
export type CoordinatorLocation = { nodeId: number; host: string; port: number } | { error: GregorError };

/**
 * The internal topic `__consumer_offsets`: created on first use (Kafka
 * creates it on the first FindCoordinator), compacted, with
 * `offsetsTopicNumPartitions` partitions and a replication factor of
 * min(offsetsTopicReplicationFactor, live brokers). A group's coordinator
 * is the leader of its partition (Kafka's abs(hashCode) % partitions).
 */
export class OffsetsTopic {
  private creating: Promise<void> | undefined;

  constructor(
    private readonly config: BrokerConfig,
    private readonly metadata: MetadataSource,
    private readonly logger: Logger,
  ) {}

  view(): TopicMetadataView | undefined {
    return this.metadata.topic(OFFSETS_TOPIC);
  }

  /** The group's partition, or undefined while the topic does not exist. */
  partitionFor(groupId: string): number | undefined {
    const view = this.view();
    return view === undefined || view.partitions.length === 0 ? undefined : partitionForGroup(groupId, view.partitions.length);
  }

  /**
   * The coordinator of `groupId`; creates the topic when it is missing,
   * answering COORDINATOR_NOT_AVAILABLE until its partitions have leaders
   * (clients retry, as with Kafka).
   */
  /** The coordinator of `groupId` with its address on `listener`. */
  async locate(groupId: string, listener: string): Promise<CoordinatorLocation> {
    const view = this.view();
    if (view === undefined) {
      await this.ensureCreated().catch((err: unknown) => {
        this.logger.warn('could not create the offsets topic', { error: err instanceof Error ? err.message : String(err) });
      });
      const created = this.view();
      if (created === undefined) return { error: new GregorError('COORDINATOR_NOT_AVAILABLE', `the ${OFFSETS_TOPIC} topic is being created`) };
      return this.leaderOf(created, groupId, listener);
    }
    return this.leaderOf(view, groupId, listener);
  }

  private leaderOf(view: TopicMetadataView, groupId: string, listener: string): CoordinatorLocation {
    const partition = partitionForGroup(groupId, view.partitions.length);
    const leader = view.partitions[partition]?.leaderId ?? -1;
    const broker = leader >= 0 ? this.metadata.liveBrokers().find((b) => b.nodeId === leader) : undefined;
    if (broker === undefined) {
      return { error: new GregorError('COORDINATOR_NOT_AVAILABLE', `${OFFSETS_TOPIC}-${partition} (group "${groupId}") has no live leader`) };
    }
    const endpoint = listenerEndpoint(broker, listener);
    if (endpoint === undefined) {
      return { error: new GregorError('COORDINATOR_NOT_AVAILABLE', `the coordinator of group "${groupId}", broker ${leader}, has no ${listener} listener`) };
    }
    return { nodeId: leader, host: endpoint.host, port: endpoint.port };
  }

  /** Creates the topic once (concurrent callers share the attempt); "already exists" is fine. */
  ensureCreated(): Promise<void> {
    this.creating ??= this.create().finally(() => {
      this.creating = undefined;
    });
    return this.creating;
  }

  private async create(): Promise<void> {
    if (this.view() !== undefined) return;
    const live = this.metadata.liveBrokers().length;
    if (live === 0) throw new GregorError('COORDINATOR_NOT_AVAILABLE', 'no live brokers to place the offsets topic on');
    const replicationFactor = Math.min(this.config.offsetsTopicReplicationFactor, live);
    try {
      await this.metadata.createTopic({
        name: OFFSETS_TOPIC,
        numPartitions: this.config.offsetsTopicNumPartitions,
        replicationFactor,
        configs: { 'cleanup.policy': 'compact' },
      });
      this.logger.info('created the offsets topic', { topic: OFFSETS_TOPIC, partitions: this.config.offsetsTopicNumPartitions, replicationFactor });
    } catch (err) {
      if (isGregorError(err) && err.errorName === 'TOPIC_ALREADY_EXISTS') return;
      throw err;
    }
  }
}
