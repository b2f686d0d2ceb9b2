import type { Logger } from '@gregor/common';
import type { MetadataEvent, MetadataSource, PartitionAssignment } from '../metadata-source';

/** What the election drives: a coordinator runtime's shards per led partition. */
export interface ElectedRuntime {
  onElection(partition: number, leaderEpoch: number): void;
  onResignation(partition: number, leaderEpoch?: number): Promise<void>;
  coordinatedPartitions(): number[];
  coordinatedEpoch(partition: number): number | undefined;
}

/**
 * Keeps a coordinator's shards in step with leadership of its internal
 * topic (__consumer_offsets, __transaction_state), level-triggered like the ReplicaManager: on every
 * metadata event about the topic, and every `checkIntervalMs` in case an
 * event was missed, each partition this broker leads (in the epoch
 * metadata names) is loaded, and each it no longer leads is unloaded.
 * Loading itself waits for the ReplicaManager to have taken the role.
 * "Leads" is the leader this broker advertises (`advertisedLeader`): a
 * broker cut off from the quorum that has stepped back from a partition
 * stops coordinating its groups too, so their members are told
 * NOT_COORDINATOR and find the new coordinator (issue 10); `reconcile` runs
 * again when that changes (onLeadershipClaimsChanged).
 */
export class CoordinatorElection {
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly topic: string,
    private readonly nodeId: number,
    private readonly metadata: MetadataSource,
    private readonly advertisedLeader: (a: PartitionAssignment) => number,
    private readonly runtime: ElectedRuntime,
    private readonly logger: Logger,
    private readonly checkIntervalMs: number,
    /** Other topics were deleted (the group coordinator drops their offsets). */
    private readonly onTopicDeleted: (topic: string) => void = () => undefined,
  ) {}

  start(): void {
    this.unsubscribe = this.metadata.subscribe((e) => this.onEvent(e));
    this.reconcile();
    this.timer = setInterval(() => this.reconcile(), this.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private onEvent(e: MetadataEvent): void {
    const name = e.type === 'topic-deleted' ? e.name : e.topic.name;
    if (name === this.topic) this.reconcile();
    else if (e.type === 'topic-deleted') this.onTopicDeleted(e.name);
  }

  /** Loads what this broker leads, unloads what it does not. */
  reconcile(): void {
    try {
      const view = this.metadata.topic(this.topic);
      const led = new Map<number, number>();
      for (const a of view?.partitions ?? []) if (this.advertisedLeader(a) === this.nodeId) led.set(a.partition, a.leaderEpoch);
      for (const p of this.runtime.coordinatedPartitions()) if (!led.has(p)) void this.runtime.onResignation(p);
      for (const [p, epoch] of led) if (this.runtime.coordinatedEpoch(p) !== epoch) this.runtime.onElection(p, epoch);
    } catch (err) {
      this.logger.error('coordinator election check failed', { err: err instanceof Error ? err.stack : String(err) });
    }
  }
}
