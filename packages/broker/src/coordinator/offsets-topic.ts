import { GregorError, isGregorError, type Logger } from '@gregor/common';
import { OFFSETS_TOPIC, partitionForGroup } from '@gregor/group-coordinator';
import type { BrokerConfig } from '../broker-config';
import { listenerEndpoint, type MetadataSource, type PartitionAssignment, type TopicMetadataView } from '../metadata-source';

/** Where a group's coordinator is, as FindCoordinator answers it. */
export type CoordinatorLocation = { nodeId: number; host: string; port: number } | { error: GregorError };

/**
 * What to do about a missing __consumer_offsets, decided from counts alone.
 *
 * The replication factor is min(configured, registered brokers), fenced
 * ones included: the topic is created once and keeps its replication
 * factor for life, so sizing it by the brokers that happen to be up at
 * first use (one node restarting) would leave it under-replicated forever.
 * Kafka refuses to create it until enough brokers are alive; so does this,
 * with a retriable COORDINATOR_NOT_AVAILABLE that clients retry on. Capping
 * by registered brokers keeps a one- or two-node cluster usable with the
 * default of 3.
 */
export type OffsetsTopicPlan = { create: true; replicationFactor: number } | { create: false; error: GregorError };

export function planOffsetsTopic(configuredReplicationFactor: number, registeredBrokers: number, liveBrokers: number): OffsetsTopicPlan {
  // A lagging view may count a just-registered broker as live before it is
  // listed as registered; it is a broker all the same.
  const registered = Math.max(registeredBrokers, liveBrokers);
  if (registered === 0) return { create: false, error: new GregorError('COORDINATOR_NOT_AVAILABLE', `no brokers are registered to place ${OFFSETS_TOPIC} on`) };
  const replicationFactor = Math.min(configuredReplicationFactor, registered);
  if (liveBrokers < replicationFactor) {
    return {
      create: false,
      error: new GregorError(
        'COORDINATOR_NOT_AVAILABLE',
        `waiting for ${replicationFactor} brokers to be live to create ${OFFSETS_TOPIC} with replication factor ${replicationFactor} ` +
          `(${liveBrokers} live of ${registered} registered; offsets.topic.replication.factor=${configuredReplicationFactor})`,
      ),
    };
  }
  return { create: true, replicationFactor };
}

/**
 * The internal topic `__consumer_offsets`: created on first use (Kafka
 * creates it on the first FindCoordinator), compacted, with
 * `offsetsTopicNumPartitions` partitions and the replication factor
 * planOffsetsTopic decides. A group's coordinator is the leader of its
 * partition (Kafka's abs(hashCode) % partitions).
 */
export class OffsetsTopic {
  private creating: Promise<void> | undefined;

  constructor(
    private readonly config: BrokerConfig,
    private readonly metadata: MetadataSource,
    private readonly logger: Logger,
    /** The leader to name for a partition (ReplicaManager.advertisedLeader). */
    private readonly advertisedLeader: (a: PartitionAssignment) => number = (a) => a.leaderId,
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
   * The coordinator of `groupId` with its address on `listener`; creates
   * the topic when it is missing and enough brokers are live, answering
   * COORDINATOR_NOT_AVAILABLE until then and until its partitions have
   * leaders (clients retry, as with Kafka).
   */
  async locate(groupId: string, listener: string): Promise<CoordinatorLocation> {
    const view = this.view();
    if (view !== undefined) return this.leaderOf(view, groupId, listener);
    const plan = this.plan();
    if (!plan.create) return { error: plan.error };
    const failure = await this.ensureCreated().then(
      () => undefined,
      (err: unknown) => {
        this.logger.warn('could not create the offsets topic', { error: err instanceof Error ? err.message : String(err) });
        return err;
      },
    );
    const created = this.view();
    if (created !== undefined) return this.leaderOf(created, groupId, listener);
    const why = isGregorError(failure) ? `: ${failure.errorName}: ${failure.message}` : '';
    return { error: new GregorError('COORDINATOR_NOT_AVAILABLE', `the ${OFFSETS_TOPIC} topic is being created${why}`) };
  }

  private plan(): OffsetsTopicPlan {
    const live = this.metadata.liveBrokers().length;
    const registered = this.metadata.registeredBrokerCount();
    return planOffsetsTopic(this.config.offsetsTopicReplicationFactor, registered, live);
  }

  private leaderOf(view: TopicMetadataView, groupId: string, listener: string): CoordinatorLocation {
    const partition = partitionForGroup(groupId, view.partitions.length);
    const assignment = view.partitions[partition];
    const leader = assignment === undefined ? -1 : this.advertisedLeader(assignment);
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
    const plan = this.plan();
    if (!plan.create) throw plan.error;
    const { replicationFactor } = plan;
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
