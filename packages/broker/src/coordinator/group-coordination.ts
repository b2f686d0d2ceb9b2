import type { Clock, Logger } from '@gregor/common';
import { GroupCoordinatorRuntime, OFFSETS_TOPIC } from '@gregor/group-coordinator';
import type { BrokerConfig } from '../broker-config';
import type { BrokerContext } from '../broker-context';
import type { MetadataSource, PartitionAssignment } from '../metadata-source';
import { CoordinatorElection } from './coordinator-election';
import { CoordinatorLog } from './coordinator-log';
import { computeGroupLags, type ConsumerGroupLag } from './group-lag';
import { InternalTopic } from './internal-topic';

/** How often leadership of __consumer_offsets is re-checked besides metadata events. */
const ELECTION_CHECK_INTERVAL_MS = 2000;

/**
 * The group coordinator on this broker: the runtime (shards per led
 * __consumer_offsets partition), the topic itself, and the election
 * watcher that loads and unloads shards as leadership moves.
 */
export class GroupCoordination {
  readonly topic: InternalTopic;
  readonly runtime: GroupCoordinatorRuntime;
  private readonly election: CoordinatorElection;

  /**
   * `advertisedLeader`: the leader of a __consumer_offsets partition as this
   * broker names it (ReplicaManager.advertisedLeader: -1 for one it stepped
   * back from while cut off from the quorum); FindCoordinator and the
   * shards this broker loads follow it.
   */
  constructor(
    config: BrokerConfig,
    metadata: MetadataSource,
    context: () => BrokerContext,
    logger: Logger,
    clock: Clock,
    advertisedLeader: (a: PartitionAssignment) => number = (a) => a.leaderId,
  ) {
    this.topic = new InternalTopic(
      {
        name: OFFSETS_TOPIC,
        numPartitions: config.offsetsTopicNumPartitions,
        replicationFactor: config.offsetsTopicReplicationFactor,
        replicationFactorKey: 'offsets.topic.replication.factor',
        keyKind: 'group',
      },
      metadata,
      logger,
      advertisedLeader,
    );
    this.runtime = new GroupCoordinatorRuntime({ config: config.groupCoordinator, log: new CoordinatorLog(OFFSETS_TOPIC, context, logger), logger, clock });
    // Kafka drops the committed offsets of deleted topics.
    this.election = new CoordinatorElection(OFFSETS_TOPIC, config.nodeId, metadata, advertisedLeader, this.runtime, logger, ELECTION_CHECK_INTERVAL_MS, (topic) =>
      this.runtime.onTopicsDeleted([topic]),
    );
  }

  /** Which partitions this broker may coordinate changed without a metadata event (quorum contact lost or regained). */
  leadershipClaimsChanged(): void {
    this.election.reconcile();
  }

  start(): void {
    this.election.start();
  }

  /** Unloads every shard: waiting JoinGroups answer NOT_COORDINATOR; resolves when writes in flight end. */
  stop(): Promise<void> {
    this.election.stop();
    return this.runtime.stop();
  }

  /**
   * Lag of every group this broker coordinates (for the
   * gregor_consumer_group_lag metric): no I/O, bounded.
   */
  groupLags(highWatermark: (topic: string, partition: number) => bigint | undefined): ConsumerGroupLag[] {
    const { groups } = this.runtime.listGroups();
    return computeGroupLags(
      groups,
      (groupId) => {
        const partition = this.partitionFor(groupId);
        if (partition === undefined) return [];
        return this.runtime.fetchOffsets(partition, { groupId, partitions: null, requireStable: false }).offsets;
      },
      highWatermark,
    );
  }

  /** The group's __consumer_offsets partition, when the topic exists. */
  partitionFor(groupId: string): number | undefined {
    return this.topic.partitionFor(groupId);
  }

  /** partitionFor, waiting a moment for a topic this broker has not applied yet (InternalTopic.partitionForSoon). */
  partitionForSoon(groupId: string): Promise<number | undefined> {
    return this.topic.partitionForSoon(groupId);
  }
}
