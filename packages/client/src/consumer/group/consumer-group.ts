import { GregorError, type TopicPartition } from '@gregor/common';
import type { Cluster } from '../../cluster';
import type { ResolvedClientOptions } from '../../options';
import type { FetchBuffer } from '../fetch-buffer';
import type { ResolvedConsumerOptions } from '../options';
import type { Subscriptions } from '../partition-state';
import { diffAssignment, matchTopics } from './assignment-diff';
import { GroupOffsets } from './committed-offsets';
import { GroupCoordinator } from './coordinator';
import { GroupMembership, type JoinedGeneration } from './membership';

/** Rebalance callbacks (Kafka's ConsumerRebalanceListener); they run inside poll, so the application is between records. */
export interface RebalanceListener {
  /** New partitions, before fetching from them starts; seeking here overrides the committed offset. */
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  /** Partitions this member gives up in an orderly rebalance, after their positions are committed (auto-commit). */
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
  /** Partitions already taken away (session expired, poll timeout, fenced): others may be processing them. */
  onPartitionsLost?(partitions: TopicPartition[]): void | Promise<void>;
}

export type GroupSubscription = { kind: 'topics'; topics: string[] } | { kind: 'pattern'; pattern: RegExp };

/** A committed position, as the SDK reports it. */
export interface OffsetAndMetadata {
  topic: string;
  partition: number;
  offset: bigint;
  metadata?: string;
}

export interface ConsumerGroupDeps {
  cluster: Cluster;
  client: ResolvedClientOptions;
  config: ResolvedConsumerOptions & { groupId: string };
  subscriptions: Subscriptions;
  buffer: FetchBuffer;
  /** Wake the fetcher (new partitions or positions). */
  wakeup(): void;
  /** Wake pollers (a rebalance finished, partitions were lost, a fatal error). */
  notify(): void;
}

/**
 * The consumer's side of its group: the subscription, the membership
 * (JoinGroup/SyncGroup/heartbeats in the background), committed offsets,
 * and the rebalance callbacks. Everything that changes the assignment or
 * calls the application happens in `beforePoll`, i.e. when the application
 * asks for records — so a revoked partition's position is committed only
 * after the records returned before were processed (at-least-once), and
 * callbacks never race with the application's own work (Kafka's design).
 * With the cooperative protocol the rebalance runs while the member keeps
 * consuming what it owns; with eager, everything is revoked first.
 */
export class ConsumerGroup {
  readonly coordinator: GroupCoordinator;
  readonly membership: GroupMembership;
  subscription: GroupSubscription | undefined;
  private listener: RebalanceListener = {};
  private rebalancing: Promise<void> | undefined;
  private pending: JoinedGeneration | undefined;
  /** The generation the current assignment is from (what cooperative members report). */
  private ownedGeneration = -1;
  private lastPollMs: number;
  private readonly offsets: GroupOffsets;
  private metadataTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private closed = false;

  constructor(private readonly deps: ConsumerGroupDeps) {
    const { cluster, client, config } = deps;
    const now = (): number => client.clock.monotonicMs();
    this.lastPollMs = now();
    this.coordinator = new GroupCoordinator(cluster, config.groupId, { retry: config.retry, logger: client.logger, random: client.random, now });
    this.membership = new GroupMembership(
      cluster,
      this.coordinator,
      {
        groupId: config.groupId,
        groupInstanceId: config.groupInstanceId,
        memberClientId: config.memberClientId,
        sessionTimeoutMs: config.sessionTimeoutMs,
        rebalanceTimeoutMs: config.maxPollIntervalMs,
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        assignors: config.partitionAssignors,
        protocol: config.rebalanceProtocol,
        requestTimeoutMs: client.requestTimeoutMs,
        retry: config.retry,
        logger: client.logger,
        random: client.random,
        now,
      },
      () => deps.notify(),
      () => now() - this.lastPollMs > config.maxPollIntervalMs,
    );
    this.offsets = new GroupOffsets(deps, this.coordinator, this.membership, () => this.subscription !== undefined);
  }

  private now(): number {
    return this.deps.client.clock.monotonicMs();
  }

  get isSubscribed(): boolean {
    return this.subscription !== undefined;
  }

  subscribe(subscription: GroupSubscription, listener: RebalanceListener): void {
    this.subscription = subscription;
    this.listener = listener;
    if (subscription.kind === 'topics') this.deps.cluster.track(subscription.topics);
    this.membership.requestRejoin('subscription changed');
    this.startMetadataChecks();
  }

  /** The member id and generation of the current membership (Kafka's groupMetadata()). */
  /** Rejoins at the next poll (subscribed members only). */
  enforceRebalance(reason: string): void {
    if (!this.isSubscribed) throw new GregorError('INVALID_REQUEST', 'enforceRebalance() needs subscribe() first');
    this.membership.requestRejoin(reason);
  }

  metadata(): { groupId: string; memberId: string; generationId: number; groupInstanceId: string | null } {
    return { groupId: this.deps.config.groupId, memberId: this.membership.memberId, generationId: this.membership.generationId, groupInstanceId: this.deps.config.groupInstanceId };
  }

  /**
   * The group's work at the start of every poll: fatal errors surface,
   * lost partitions are reported, a finished rebalance is applied, a
   * needed one is started, auto-commit runs when due, and new partitions
   * get their committed offsets.
   */
  beforePoll(): Promise<void> {
    this.lastPollMs = this.now();
    // One at a time (poll and the iterator may overlap); a failure does not block the next.
    const run = (this.polling ?? Promise.resolve()).catch(() => undefined).then(() => this.beforePollOnce());
    this.polling = run;
    return run;
  }

  private polling: Promise<void> | undefined;

  private async beforePollOnce(): Promise<void> {
    if (this.membership.fatal !== undefined) throw this.membership.fatal;
    if (this.subscription === undefined) {
      if (this.deps.config.enableAutoCommit && this.deps.subscriptions.all().length > 0) this.offsets.maybeAutoCommit();
      await this.offsets.maybeFetchCommitted();
      return;
    }
    if (this.membership.lost) await this.partitionsLost();
    if (this.pending !== undefined) await this.apply(this.pending);
    if (this.membership.rejoinNeeded && this.rebalancing === undefined && !this.closed) await this.startRebalance();
    if (this.deps.config.enableAutoCommit) this.offsets.maybeAutoCommit();
    await this.offsets.maybeFetchCommitted();
  }

  private owned(): TopicPartition[] {
    return this.deps.subscriptions.all().map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  private async partitionsLost(): Promise<void> {
    this.membership.lost = false;
    const owned = this.owned();
    this.ownedGeneration = -1;
    this.setAssignment([]);
    if (owned.length > 0) {
      this.deps.client.logger.warn('partitions lost: this member left the group without committing', { group: this.deps.config.groupId, partitions: owned.length });
      await this.listener.onPartitionsLost?.(owned);
    }
  }

  private setAssignment(tps: readonly TopicPartition[]): void {
    for (const key of this.deps.subscriptions.assign(tps, true)) {
      this.deps.buffer.removePartition(key);
      this.offsets.forget(key);
    }
    this.deps.cluster.track([...new Set(tps.map((tp) => tp.topic))]);
    this.deps.wakeup();
  }

  /** Eager members revoke everything (after committing) before they rejoin; cooperative ones keep consuming. */
  private async startRebalance(): Promise<void> {
    const config = this.deps.config;
    if (config.enableAutoCommit && this.membership.generationId >= 0) await this.offsets.commitPositions(undefined, 'sync-quiet');
    if (config.rebalanceProtocol === 'eager') {
      const owned = this.owned();
      this.setAssignment([]);
      if (owned.length > 0) await this.listener.onPartitionsRevoked?.(owned);
    }
    const topics = await this.subscribedTopics();
    const owned = this.owned();
    // Aborted by close() and by unsubscribe(), which must not be followed by a rejoin.
    const abort = new AbortController();
    this.rebalanceAbort = abort;
    const onClose = (): void => abort.abort();
    this.abort.signal.addEventListener('abort', onClose, { once: true });
    const task = this.membership.rebalance(topics, owned, this.ownedGeneration, abort.signal).then(
      (joined) => {
        this.pending = joined;
      },
      (err: unknown) => {
        if (!this.closed && !abort.signal.aborted) this.deps.client.logger.error('consumer group rebalance failed', { group: config.groupId, error: err instanceof Error ? err.message : String(err) });
      },
    );
    this.rebalancing = task.finally(() => {
      this.abort.signal.removeEventListener('abort', onClose);
      if (this.rebalanceAbort === abort) this.rebalanceAbort = undefined;
      this.rebalancing = undefined;
      this.deps.notify();
    });
  }

  private async subscribedTopics(): Promise<string[]> {
    const sub = this.subscription!;
    if (sub.kind === 'topics') return [...sub.topics].sort();
    const md = await this.deps.cluster.refreshMetadata().catch(() => undefined);
    const known = md?.topics ?? this.deps.cluster.metadata.knownTopics().map((name) => this.deps.cluster.metadata.topic(name)!);
    const topics = matchTopics(sub.pattern, known);
    this.deps.cluster.track(topics);
    this.patternTopics = topics;
    return topics;
  }

  private patternTopics: string[] = [];
  private rebalanceAbort: AbortController | undefined;

  /** A rebalance finished: revoke what moved away (committing it first), take what is new. */
  private async apply(joined: JoinedGeneration): Promise<void> {
    this.pending = undefined;
    const change = diffAssignment(this.owned(), joined.partitions);
    if (change.revoked.length > 0) {
      if (this.deps.config.enableAutoCommit) await this.offsets.commitPositions(change.revoked, 'sync-quiet');
      await this.listener.onPartitionsRevoked?.(change.revoked);
    }
    this.ownedGeneration = joined.generationId;
    this.setAssignment(joined.partitions);
    this.deps.client.logger.info('partitions assigned', {
      group: this.deps.config.groupId,
      generation: joined.generationId,
      assigned: joined.partitions.length,
      added: change.added.length,
      revoked: change.revoked.length,
    });
    await this.listener.onPartitionsAssigned?.(change.added);
    // KIP-429's second phase: what was revoked can now go to its new owner.
    if (this.deps.config.rebalanceProtocol === 'cooperative' && change.revoked.length > 0) this.membership.requestRejoin('partitions were revoked');
  }

  /** Manual commit: the given offsets, or every returned record's position. */
  commit(offsets?: readonly OffsetAndMetadata[]): Promise<void> {
    return this.offsets.commit(offsets);
  }

  /** The group's committed offsets for `tps` (-1n = none). */
  committed(tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    return this.offsets.committed(tps);
  }

  /** position() of a partition waiting for its committed offset. */
  fetchCommittedNow(): Promise<void> {
    return this.offsets.maybeFetchCommitted();
  }

  // ---- metadata-driven rejoins ----------------------------------------------

  /**
   * Every metadata max age: a pattern subscription looks for new matching
   * topics, and the leader for changed partition counts (new partitions);
   * either means a rebalance (Kafka's metadata-snapshot check).
   */
  private startMetadataChecks(): void {
    if (this.metadataTimer !== undefined) return;
    const interval = this.deps.client.metadataMaxAgeMs;
    this.metadataTimer = setInterval(() => void this.checkMetadata(), interval);
  }

  private async checkMetadata(): Promise<void> {
    const sub = this.subscription;
    if (sub === undefined || this.closed || this.membership.state !== 'stable') return;
    try {
      if (sub.kind === 'pattern') {
        const md = await this.deps.cluster.refreshMetadata();
        const topics = matchTopics(sub.pattern, md.topics);
        if (topics.join('\u0000') !== this.patternTopics.join('\u0000')) this.membership.requestRejoin('topics matching the subscription pattern changed');
      }
      const snapshot = this.membership.leaderSnapshot;
      if (snapshot !== undefined) {
        const md = await this.deps.cluster.refreshMetadata([...snapshot.keys()]);
        for (const t of md.topics) {
          const before = snapshot.get(t.name);
          if (before !== undefined && t.partitions.length !== before && t.error === null) {
            this.membership.requestRejoin(`topic ${t.name} now has ${t.partitions.length} partitions`);
            return;
          }
        }
      }
    } catch (err) {
      this.deps.client.logger.debug('group metadata check failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  // ---- leaving ---------------------------------------------------------------

  /** Leaves the group's membership (subscription cleared): commit, revoke, LeaveGroup. */
  async unsubscribe(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    // A rebalance in flight ends here; its result (if any) is dropped.
    this.rebalanceAbort?.abort();
    await this.rebalancing;
    this.pending = undefined;
    this.subscription = subscription;
    await this.leaveGroup('the consumer unsubscribed');
    this.subscription = undefined;
    this.membership.memberId = '';
    this.membership.generationId = -1;
    this.membership.state = 'unjoined';
    this.membership.rejoinNeeded = true;
    this.setAssignment([]);
  }

  private async leaveGroup(reason: string): Promise<void> {
    const owned = this.owned();
    if (this.subscription !== undefined && this.membership.generationId >= 0) {
      if (this.deps.config.enableAutoCommit) await this.offsets.commitPositions(undefined, 'sync-quiet');
      if (owned.length > 0) await this.listener.onPartitionsRevoked?.(owned);
    } else if (this.subscription !== undefined && owned.length > 0) {
      await this.listener.onPartitionsLost?.(owned);
    }
    await this.membership.leave(reason).catch((err: unknown) => {
      this.deps.client.logger.warn('LeaveGroup failed', { group: this.deps.config.groupId, error: err instanceof Error ? err.message : String(err) });
    });
  }

  /** Commits (auto-commit), revokes and leaves (dynamic members), then stops everything. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.metadataTimer !== undefined) clearInterval(this.metadataTimer);
    try {
      if (this.subscription !== undefined) await this.leaveGroup('the consumer is closing');
      else if (this.deps.config.enableAutoCommit) await this.offsets.commitPositions(undefined, 'sync-quiet');
    } finally {
      this.offsets.close();
      this.membership.close();
      this.abort.abort();
    }
  }
}
