import { GregorError, isGregorError, type Logger } from '@gregor/common';
import { COORDINATOR_WAIT_MS, partitionForKey } from '@gregor/coordinator-runtime';
import { listenerEndpoint, type MetadataSource, type PartitionAssignment, type TopicMetadataView } from '../metadata-source';

/** Where a coordinator is, as FindCoordinator answers it. */
export type CoordinatorLocation = { nodeId: number; host: string; port: number } | { error: GregorError };

/**
 * What to do about a missing internal topic (__consumer_offsets,
 * __transaction_state), decided from counts alone.
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
export type InternalTopicPlan = { create: true; replicationFactor: number } | { create: false; error: GregorError };

/** The settings that differ between internal topics. */
export interface InternalTopicSpec {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  /** The config key of the replication factor, for error messages. */
  replicationFactorKey: string;
  /** What its keys are, for error messages: "group", "transactional id". */
  keyKind: string;
}

export function planInternalTopic(
  configuredReplicationFactor: number,
  registeredBrokers: number,
  liveBrokers: number,
  name = '__consumer_offsets',
  replicationFactorKey = 'offsets.topic.replication.factor',
): InternalTopicPlan {
  // A lagging view may count a just-registered broker as live before it is
  // listed as registered; it is a broker all the same.
  const registered = Math.max(registeredBrokers, liveBrokers);
  if (registered === 0) return { create: false, error: new GregorError('COORDINATOR_NOT_AVAILABLE', `no brokers are registered to place ${name} on`) };
  const replicationFactor = Math.min(configuredReplicationFactor, registered);
  if (liveBrokers < replicationFactor) {
    return {
      create: false,
      error: new GregorError(
        'COORDINATOR_NOT_AVAILABLE',
        `waiting for ${replicationFactor} brokers to be live to create ${name} with replication factor ${replicationFactor} ` +
          `(${liveBrokers} live of ${registered} registered; ${replicationFactorKey}=${configuredReplicationFactor})`,
      ),
    };
  }
  return { create: true, replicationFactor };
}

/**
 * An internal topic of a coordinator (`__consumer_offsets`,
 * `__transaction_state`): created on first use (Kafka creates it on the
 * first FindCoordinator), compacted, with the spec's partitions and the
 * replication factor planInternalTopic decides. A key's coordinator is the
 * leader of its partition (Kafka's abs(hashCode) % partitions).
 */
export class InternalTopic {
  private creating: Promise<void> | undefined;

  constructor(
    private readonly spec: InternalTopicSpec,
    private readonly metadata: MetadataSource,
    private readonly logger: Logger,
    /** The leader to name for a partition (ReplicaManager.advertisedLeader). */
    private readonly advertisedLeader: (a: PartitionAssignment) => number = (a) => a.leaderId,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  view(): TopicMetadataView | undefined {
    return this.metadata.topic(this.spec.name);
  }

  /** The key's partition, or undefined while the topic does not exist. */
  partitionFor(key: string): number | undefined {
    const view = this.view();
    return view === undefined || view.partitions.length === 0 ? undefined : partitionForKey(key, view.partitions.length);
  }

  /**
   * partitionFor, but while the topic is missing here waits (at most
   * `waitMs`) for this broker to apply its creation: another broker that
   * has applied it already may have named this one coordinator, and a
   * client told NOT_COORDINATOR for a topic a few milliseconds old retries
   * after a backoff or, for some requests (kafkajs's TxnOffsetCommit), not
   * at all.
   */
  async partitionForSoon(key: string, waitMs = COORDINATOR_WAIT_MS): Promise<number | undefined> {
    const now = this.partitionFor(key);
    if (now !== undefined || waitMs <= 0) return now;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      const unsubscribe = this.metadata.subscribe((e) => {
        if (e.type !== 'topic-deleted' && e.topic.name === this.spec.name) done();
      });
    });
    return this.partitionFor(key);
  }

  /**
   * The coordinator of `key` with its address on `listener`; creates
   * the topic when it is missing and enough brokers are live, answering
   * COORDINATOR_NOT_AVAILABLE until then and until its partitions have
   * leaders (clients retry, as with Kafka).
   */
  async locate(key: string, listener: string): Promise<CoordinatorLocation> {
    const view = this.view();
    if (view !== undefined) return this.leaderOf(view, key, listener);
    const plan = this.plan();
    if (!plan.create) return { error: plan.error };
    const failure = await this.ensureCreated().then(
      () => undefined,
      (err: unknown) => {
        this.logger.warn('could not create an internal topic', { topic: this.spec.name, error: err instanceof Error ? err.message : String(err) });
        return err;
      },
    );
    const created = this.view();
    if (created !== undefined) return this.leaderOf(created, key, listener);
    const why = isGregorError(failure) ? `: ${failure.errorName}: ${failure.message}` : '';
    return { error: new GregorError('COORDINATOR_NOT_AVAILABLE', `the ${this.spec.name} topic is being created${why}`) };
  }

  private plan(): InternalTopicPlan {
    const live = this.metadata.liveBrokers().length;
    const registered = this.metadata.registeredBrokerCount();
    return planInternalTopic(this.spec.replicationFactor, registered, live, this.spec.name, this.spec.replicationFactorKey);
  }

  private leaderOf(view: TopicMetadataView, key: string, listener: string): CoordinatorLocation {
    const partition = partitionForKey(key, view.partitions.length);
    const assignment = view.partitions[partition];
    const leader = assignment === undefined ? -1 : this.advertisedLeader(assignment);
    const broker = leader >= 0 ? this.metadata.liveBrokers().find((b) => b.nodeId === leader) : undefined;
    if (broker === undefined) {
      return { error: new GregorError('COORDINATOR_NOT_AVAILABLE', `${this.spec.name}-${partition} (${this.spec.keyKind} "${key}") has no live leader`) };
    }
    const endpoint = listenerEndpoint(broker, listener);
    if (endpoint === undefined) {
      return { error: new GregorError('COORDINATOR_NOT_AVAILABLE', `the coordinator of ${this.spec.keyKind} "${key}", broker ${leader}, has no ${listener} listener`) };
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
        name: this.spec.name,
        numPartitions: this.spec.numPartitions,
        replicationFactor,
        configs: { 'cleanup.policy': 'compact' },
      });
      this.logger.info('created an internal topic', { topic: this.spec.name, partitions: this.spec.numPartitions, replicationFactor });
    } catch (err) {
      if (isGregorError(err) && err.errorName === 'TOPIC_ALREADY_EXISTS') return;
      throw err;
    }
  }
}
