import { GregorError, backoffMs, tpKey, type TopicPartition } from '@gregor/common';
import type { OffsetCommitTopic, OffsetFetchTopic } from '@gregor/proto';
import type { Cluster } from '../../cluster';
import { errorFromWire } from '../../errors';
import type { ResolvedClientOptions } from '../../options';
import { int64, int64Wire } from '../../wire';
import type { FetchBuffer } from '../fetch-buffer';
import type { ResolvedConsumerOptions } from '../options';
import type { PartitionState, Subscriptions } from '../partition-state';
import { diffAssignment, matchTopics } from './assignment-diff';
import { COORDINATOR_MOVED, GroupCoordinator } from './coordinator';
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
  private nextAutoCommitMs: number;
  private autoCommitInFlight: Promise<void> | undefined;
  private readonly lastCommitted = new Map<string, bigint>();
  private nextCommittedFetchMs = 0;
  private committedFetchFailures = 0;
  private metadataTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private closed = false;

  constructor(private readonly deps: ConsumerGroupDeps) {
    const { cluster, client, config } = deps;
    const now = (): number => client.clock.monotonicMs();
    this.lastPollMs = now();
    this.nextAutoCommitMs = now() + config.autoCommitIntervalMs;
    this.coordinator = new GroupCoordinator(cluster, config.groupId, { retry: config.retry, logger: client.logger, random: client.random, now });
    this.membership = new GroupMembership(
      cluster,
      this.coordinator,
      {
        groupId: config.groupId,
        groupInstanceId: config.groupInstanceId,
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
      if (this.deps.config.enableAutoCommit && this.deps.subscriptions.all().length > 0) this.maybeAutoCommit();
      await this.maybeFetchCommitted();
      return;
    }
    if (this.membership.lost) await this.partitionsLost();
    if (this.pending !== undefined) await this.apply(this.pending);
    if (this.membership.rejoinNeeded && this.rebalancing === undefined && !this.closed) await this.startRebalance();
    if (this.deps.config.enableAutoCommit) this.maybeAutoCommit();
    await this.maybeFetchCommitted();
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
      this.lastCommitted.delete(key);
    }
    this.deps.cluster.track([...new Set(tps.map((tp) => tp.topic))]);
    this.deps.wakeup();
  }

  /** Eager members revoke everything (after committing) before they rejoin; cooperative ones keep consuming. */
  private async startRebalance(): Promise<void> {
    const config = this.deps.config;
    if (config.enableAutoCommit && this.membership.generationId >= 0) await this.commitPositions(undefined, 'sync-quiet');
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
      if (this.deps.config.enableAutoCommit) await this.commitPositions(change.revoked, 'sync-quiet');
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

  // ---- committed offsets -----------------------------------------------------

  private maybeAutoCommit(): void {
    if (this.now() < this.nextAutoCommitMs || this.autoCommitInFlight !== undefined) return;
    this.nextAutoCommitMs = this.now() + this.deps.config.autoCommitIntervalMs;
    this.autoCommitInFlight = this.commitPositions(undefined, 'async').finally(() => {
      this.autoCommitInFlight = undefined;
    });
  }

  /** The member and generation a commit carries: -1 and no member outside group management (manual assignment). */
  private commitIdentity(): { generationId: number; memberId: string; groupInstanceId: string } | undefined {
    if (this.subscription === undefined) return { generationId: -1, memberId: '', groupInstanceId: '' };
    if (this.membership.generationId < 0) return undefined;
    return { generationId: this.membership.generationId, memberId: this.membership.memberId, groupInstanceId: this.deps.config.groupInstanceId ?? '' };
  }

  /**
   * Commits the positions of returned records (all assigned partitions, or
   * `only`). 'sync' retries retriable failures until the API timeout and
   * throws; 'sync-quiet' does the same but only logs (rebalance, close);
   * 'async' tries once and logs (auto-commit).
   */
  private async commitPositions(only: readonly TopicPartition[] | undefined, mode: 'sync' | 'sync-quiet' | 'async'): Promise<void> {
    const keys = only === undefined ? undefined : new Set(only.map((tp) => tpKey(tp.topic, tp.partition)));
    const offsets: OffsetAndMetadata[] = [];
    for (const s of this.deps.subscriptions.all()) {
      if (s.position === undefined || (keys !== undefined && !keys.has(s.key))) continue;
      if (mode !== 'sync' && this.lastCommitted.get(s.key) === s.position) continue;
      offsets.push({ topic: s.topic, partition: s.partition, offset: s.position });
    }
    if (offsets.length === 0) return;
    try {
      await this.commitOffsets(offsets, mode === 'async' ? 1 : Number.POSITIVE_INFINITY);
    } catch (err) {
      if (mode === 'sync') throw err;
      this.deps.client.logger.warn('offset commit failed', { group: this.deps.config.groupId, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Manual commit: the given offsets, or every returned record's position. */
  async commit(offsets?: readonly OffsetAndMetadata[]): Promise<void> {
    if (offsets === undefined) return this.commitPositions(undefined, 'sync');
    return this.commitOffsets(offsets, Number.POSITIVE_INFINITY);
  }

  private async commitOffsets(offsets: readonly OffsetAndMetadata[], attempts: number): Promise<void> {
    const { client, config } = this.deps;
    const deadline = this.now() + client.defaultApiTimeoutMs;
    let pending = [...offsets];
    for (let attempt = 0; ; attempt++) {
      const who = this.commitIdentity();
      if (who === undefined) throw new GregorError('REBALANCE_IN_PROGRESS', `group "${config.groupId}" is rebalancing: no generation to commit in`, { group: config.groupId });
      const topics = new Map<string, OffsetCommitTopic>();
      for (const o of pending) {
        let t = topics.get(o.topic);
        if (t === undefined) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
        t.partitions!.push({ partition: o.partition, committedOffset: int64Wire(o.offset), committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' });
      }
      let retry: GregorError | undefined;
      const failed: OffsetAndMetadata[] = [];
      try {
        const res = await this.coordinator.call('OffsetCommit', { groupId: config.groupId, ...who, topics: [...topics.values()] }, deadline);
        for (const t of res.topics) {
          for (const p of t.partitions) {
            const o = pending.find((x) => x.topic === t.name && x.partition === p.partition);
            if (o === undefined) continue;
            const err = errorFromWire(p.error, { group: config.groupId, topic: t.name, partition: p.partition });
            if (err === undefined) {
              this.lastCommitted.set(tpKey(o.topic, o.partition), o.offset);
              continue;
            }
            if (COORDINATOR_MOVED.has(err.errorName)) this.coordinator.markUnknown(`OffsetCommit: ${err.errorName}`);
            if (err.errorName === 'ILLEGAL_GENERATION' || err.errorName === 'UNKNOWN_MEMBER_ID') {
              // Kafka's CommitFailedException: the member is out of its generation and must rejoin.
              this.membership.resetGeneration(err.errorName === 'UNKNOWN_MEMBER_ID', `commit refused: ${err.errorName}`);
              throw err;
            }
            if (!err.retriable) throw err;
            retry = err;
            failed.push(o);
          }
        }
      } catch (err) {
        if (!(err instanceof GregorError) || !err.retriable) throw err;
        retry = err;
        failed.push(...pending.filter((o) => !failed.includes(o)));
      }
      if (retry === undefined) return;
      pending = failed;
      if (attempt + 1 >= attempts || this.now() >= deadline || this.closedForGood || this.deps.cluster.isClosed) throw retry;
      await new Promise((r) => setTimeout(r, backoffMs(attempt, config.retry.initialBackoffMs, config.retry.maxBackoffMs, client.random)));
    }
  }

  private closedForGood = false;

  /** The group's committed offsets for `tps` (-1n = none). */
  async committed(tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    const { config, client } = this.deps;
    const deadline = this.now() + client.defaultApiTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const topics = new Map<string, OffsetFetchTopic>();
      for (const tp of tps) {
        let t = topics.get(tp.topic);
        if (t === undefined) topics.set(tp.topic, (t = { name: tp.topic, partitions: [] }));
        t.partitions!.push(tp.partition);
      }
      let retry: GregorError | undefined;
      try {
        const res = await this.coordinator.call('OffsetFetch', { groupId: config.groupId, topics: [...topics.values()], requireStable: true }, deadline);
        const top = errorFromWire(res.error, { group: config.groupId });
        if (top !== undefined) throw top;
        const out = new Map<string, bigint>();
        for (const t of res.topics) {
          for (const p of t.partitions) {
            const err = errorFromWire(p.error, { group: config.groupId, topic: t.name, partition: p.partition });
            if (err !== undefined) throw err;
            out.set(tpKey(t.name, p.partition), int64(p.committedOffset));
          }
        }
        return out;
      } catch (err) {
        if (!(err instanceof GregorError) || !err.retriable) throw err;
        if (COORDINATOR_MOVED.has(err.errorName)) this.coordinator.markUnknown(`OffsetFetch: ${err.errorName}`);
        retry = err;
      }
      if (this.now() >= deadline || this.closedForGood || this.deps.cluster.isClosed) throw retry;
      await new Promise((r) => setTimeout(r, backoffMs(attempt, config.retry.initialBackoffMs, config.retry.maxBackoffMs, client.random)));
    }
  }

  /** position() of a partition waiting for its committed offset. */
  fetchCommittedNow(): Promise<void> {
    return this.maybeFetchCommitted();
  }

  /** New partitions start at the group's committed offset, else per autoOffsetReset. */
  private async maybeFetchCommitted(): Promise<void> {
    const waiting = this.deps.subscriptions.awaitingCommitted();
    if (waiting.length === 0 || this.now() < this.nextCommittedFetchMs) return;
    let committed: Map<string, bigint>;
    try {
      committed = await this.committed(waiting.map((s) => ({ topic: s.topic, partition: s.partition })));
    } catch (err) {
      const delay = backoffMs(this.committedFetchFailures++, this.deps.config.retry.initialBackoffMs, this.deps.config.retry.maxBackoffMs, this.deps.client.random);
      this.nextCommittedFetchMs = this.now() + delay;
      this.deps.client.logger.warn('could not read committed offsets, will retry', { group: this.deps.config.groupId, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    this.committedFetchFailures = 0;
    for (const s of waiting) {
      if (!s.awaitingCommitted) continue; // sought meanwhile
      const offset = committed.get(s.key) ?? -1n;
      this.startAt(s, offset);
    }
    this.deps.wakeup();
  }

  private startAt(s: PartitionState, committed: bigint): void {
    if (committed >= 0n) {
      this.deps.subscriptions.seek(s, committed);
      this.lastCommitted.set(s.key, committed);
    } else {
      this.deps.subscriptions.applyAutoReset(s, undefined);
    }
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
      if (this.deps.config.enableAutoCommit) await this.commitPositions(undefined, 'sync-quiet');
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
      else if (this.deps.config.enableAutoCommit) await this.commitPositions(undefined, 'sync-quiet');
    } finally {
      this.closedForGood = true;
      this.membership.close();
      this.abort.abort();
    }
  }
}
