import { GregorError, validateTopicName, type TopicPartition } from '@gregor/common';
import type { Cluster } from '../cluster';
import type { ResolvedClientOptions } from '../options';
import type { ConsumerRecord, OffsetSpec } from '../types';
import { FetchBuffer } from './fetch-buffer';
import { Fetcher } from './fetcher';
import { resolveConsumerOptions, type ConsumerOptions, type ResolvedConsumerOptions } from './options';
import { ConsumerGroup, type OffsetAndMetadata, type RebalanceListener } from './group/consumer-group';
import { Subscriptions } from './partition-state';

export interface PollOptions {
  /** Default: the consumer's maxPollRecords. */
  maxRecords?: number;
  /** How long to wait for the first record; default: until one arrives or the consumer closes. */
  timeoutMs?: number;
}

/**
 * Reads assigned partitions from positions the application controls.
 *
 * ```ts
 * const consumer = client.consumer({ autoOffsetReset: 'earliest' });
 * consumer.assign([{ topic: 'orders', partition: 0 }]);
 * for await (const record of consumer) { … }
 * ```
 *
 * Records of a partition come in offset order. Fetching runs in the
 * background into a bounded buffer (see maxPartitionBytes); errors that need
 * the application (OFFSET_OUT_OF_RANGE with autoOffsetReset 'none', a
 * non-retriable broker error) are thrown by `poll`/the iterator until the
 * partition is sought or reassigned.
 *
 * With a `groupId` the consumer can `subscribe` to topics (or a pattern):
 * the group's coordinator spreads their partitions over the members, each
 * new partition starts at the group's committed offset (else
 * autoOffsetReset), positions are committed every autoCommitIntervalMs
 * from poll, before partitions are revoked and on close (or with
 * `commit()`), and rebalance callbacks run inside poll. Returned records
 * count as processed once the application polls again: a member that dies
 * before that has them redelivered to the next owner (at-least-once).
 */
export class Consumer implements AsyncIterable<ConsumerRecord> {
  private readonly config: ResolvedConsumerOptions;
  private readonly subscriptions: Subscriptions;
  private readonly buffer: FetchBuffer;
  private readonly fetcher: Fetcher;
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];
  private closed = false;
  /** Group membership and committed offsets; only with a groupId. */
  private readonly group: ConsumerGroup | undefined;

  /** @internal Use `client.consumer()`. */
  constructor(
    private readonly cluster: Cluster,
    private readonly client: ResolvedClientOptions,
    opts: ConsumerOptions = {},
    private readonly onClose: (c: Consumer) => void = () => undefined,
  ) {
    this.config = resolveConsumerOptions(opts, client);
    this.subscriptions = new Subscriptions(this.config.autoOffsetReset);
    this.buffer = new FetchBuffer(() => this.fetcher.wakeup());
    this.fetcher = new Fetcher({
      cluster,
      subscriptions: this.subscriptions,
      buffer: this.buffer,
      config: this.config,
      requestTimeoutMs: client.requestTimeoutMs,
      logger: client.logger,
      clock: client.clock,
      random: client.random,
      signal: this.abort.signal,
      onProgress: () => this.notify(),
    });
    const groupId = this.config.groupId;
    if (groupId !== undefined) {
      this.group = new ConsumerGroup({
        cluster,
        client,
        config: { ...this.config, groupId },
        subscriptions: this.subscriptions,
        buffer: this.buffer,
        wakeup: () => this.fetcher.wakeup(),
        notify: () => this.notify(),
      });
    }
  }

  get options(): Readonly<ResolvedConsumerOptions> {
    return this.config;
  }

  /**
   * Reads exactly these partitions (replacing any earlier assignment).
   * New partitions start per autoOffsetReset unless sought; kept ones keep
   * their position.
   */
  assign(tps: readonly TopicPartition[]): void {
    this.ensureOpen();
    if (this.group?.isSubscribed === true) throw new GregorError('INVALID_REQUEST', 'assign() and subscribe() cannot be mixed: unsubscribe() first');
    // With a group, manually assigned partitions also start at its committed offsets (as in Kafka).
    for (const key of this.subscriptions.assign(tps, this.group !== undefined)) this.buffer.removePartition(key);
    this.cluster.track([...new Set(tps.map((tp) => tp.topic))]);
    this.fetcher.wakeup();
  }

  /**
   * Joins the consumer's group (needs `groupId`) and consumes the partitions
   * the group assigns it: of these topics, or of every topic matching the
   * pattern (the whole name must match; internal topics excluded), checked
   * again every metadataMaxAgeMs. The callbacks run inside poll.
   */
  subscribe(topics: readonly string[] | RegExp, listener: RebalanceListener = {}): void {
    this.ensureOpen();
    const group = this.requireGroup('subscribe');
    if (!group.isSubscribed && this.subscriptions.all().length > 0) throw new GregorError('INVALID_REQUEST', 'assign() and subscribe() cannot be mixed: assign([]) first');
    if (topics instanceof RegExp) {
      group.subscribe({ kind: 'pattern', pattern: topics }, listener);
    } else {
      if (topics.length === 0) throw new GregorError('INVALID_REQUEST', 'subscribe() needs at least one topic (use unsubscribe() to stop)');
      for (const t of topics) validateTopicName(t);
      group.subscribe({ kind: 'topics', topics: [...new Set(topics)] }, listener);
    }
    this.notify();
  }

  /** Leaves the group: commits (auto-commit), calls onPartitionsRevoked, sends LeaveGroup. */
  async unsubscribe(): Promise<void> {
    await this.requireGroup('unsubscribe').unsubscribe();
  }

  /**
   * Commits offsets to the group: the given ones, or the position of every
   * assigned partition (the offset after the last record returned). Throws
   * REBALANCE_IN_PROGRESS during a rebalance, ILLEGAL_GENERATION /
   * UNKNOWN_MEMBER_ID when this member was removed from the group
   * (Kafka's CommitFailedException: it rejoins at the next poll).
   */
  async commit(offsets?: readonly OffsetAndMetadata[]): Promise<void> {
    this.ensureOpen();
    await this.requireGroup('commit').commit(offsets);
  }

  /**
   * Asks for a rebalance at the next poll (Kafka's enforceRebalance,
   * KIP-568): the member rejoins, so the leader assigns again with every
   * member's current subscription userData (Kafka Streams' probing
   * rebalances). Needs a subscription.
   */
  enforceRebalance(reason = 'enforceRebalance() called'): void {
    this.ensureOpen();
    this.requireGroup('enforceRebalance').enforceRebalance(reason);
    this.notify();
  }

  /** The group's committed offsets for `tps`, keyed "topic-partition" (-1n = none). */
  async committed(tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    return this.requireGroup('committed').committed(tps);
  }

  /** The member id and generation (Kafka's groupMetadata()); undefined without a group. */
  groupMetadata(): { groupId: string; memberId: string; generationId: number; groupInstanceId: string | null } | undefined {
    return this.group?.metadata();
  }

  private requireGroup(what: string): ConsumerGroup {
    if (this.group === undefined) throw new GregorError('INVALID_REQUEST', `${what}() needs a groupId in the consumer options`);
    return this.group;
  }

  assignment(): TopicPartition[] {
    return this.subscriptions.all().map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  /**
   * Moves an assigned partition: to its log start, its end, an offset, or
   * the first record at or after a timestamp. Buffered records of the
   * partition are dropped; reading continues from the new position.
   */
  seek(tp: TopicPartition, spec: OffsetSpec): void {
    this.ensureOpen();
    const state = this.subscriptions.require(tp);
    this.subscriptions.seek(state, spec);
    this.buffer.removePartition(state.key);
    this.fetcher.wakeup();
  }

  /** The offset of the next record this consumer will return for `tp`; looks it up if needed. */
  async position(tp: TopicPartition, timeoutMs = this.client.defaultApiTimeoutMs): Promise<bigint> {
    const state = this.subscriptions.require(tp);
    const deadline = this.now() + timeoutMs;
    for (;;) {
      if (state.error !== undefined) throw state.error;
      if (state.position !== undefined) return state.position;
      this.ensureOpen();
      if (state.awaitingCommitted) await this.group?.fetchCommittedNow();
      const left = deadline - this.now();
      if (left <= 0) throw new GregorError('REQUEST_TIMED_OUT', `position of ${state.key} not known after ${timeoutMs} ms`, { topic: tp.topic, partition: tp.partition });
      this.fetcher.wakeup();
      await this.waitForProgress(left);
    }
  }

  /** The partition's high watermark as of the last fetch, if any. */
  highWatermark(tp: TopicPartition): bigint | undefined {
    return this.subscriptions.require(tp).highWatermark;
  }

  /** Stops fetching and returning records for these partitions until resumed. */
  pause(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.subscriptions.require(tp).paused = true;
  }

  resume(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.subscriptions.require(tp).paused = false;
    this.fetcher.wakeup();
    this.notify();
  }

  paused(): TopicPartition[] {
    return this.subscriptions
      .all()
      .filter((s) => s.paused)
      .map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  /**
   * Returns buffered records (up to maxRecords), waiting up to timeoutMs for
   * the first one; [] on timeout or after close. Throws a partition's
   * non-retriable error.
   */
  async poll(opts: PollOptions = {}): Promise<ConsumerRecord[]> {
    const max = opts.maxRecords ?? this.config.maxPollRecords;
    const deadline = this.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    for (;;) {
      if (this.closed) return [];
      await this.group?.beforePoll();
      if (this.closed) return [];
      this.throwIfFailed();
      const records = this.buffer.take(max);
      if (records.length > 0) return records;
      this.fetcher.wakeup();
      const left = deadline - this.now();
      if (left <= 0) return [];
      await this.waitForProgress(left);
    }
  }

  /**
   * `for await (const record of consumer)`: one record at a time, waiting
   * as long as it takes; ends when the consumer is closed. Leaving the loop
   * (break) does not close the consumer.
   */
  [Symbol.asyncIterator](): AsyncIterator<ConsumerRecord> {
    return {
      next: async (): Promise<IteratorResult<ConsumerRecord>> => {
        for (;;) {
          if (this.closed) return { done: true, value: undefined };
          await this.group?.beforePoll();
          if (this.closed) return { done: true, value: undefined };
          this.throwIfFailed();
          const record = this.buffer.takeOne();
          if (record !== undefined) return { done: false, value: record };
          this.fetcher.wakeup();
          await this.waitForProgress(Number.POSITIVE_INFINITY);
        }
      },
      return: async (): Promise<IteratorResult<ConsumerRecord>> => ({ done: true, value: undefined }),
    };
  }

  /**
   * Stops fetching (cancelling fetches in flight) and ends iteration. In a
   * group it first commits (auto-commit), revokes and leaves (static
   * members stay, for a restart within the session timeout). Idempotent.
   */
  close(): Promise<void> {
    // Callers that arrive while closing (client.close(), a signal handler) wait for the same close.
    this.closing ??= this.doClose();
    return this.closing;
  }

  private closing: Promise<void> | undefined;

  private async doClose(): Promise<void> {
    this.closed = true;
    this.notify();
    await this.group?.close().catch((err: unknown) => {
      this.client.logger.warn('leaving the group on close failed', { error: err instanceof Error ? err.message : String(err) });
    });
    this.abort.abort();
    this.fetcher.stop();
    this.notify();
    this.onClose(this);
  }

  private throwIfFailed(): void {
    const err = this.subscriptions.firstError();
    if (err !== undefined) throw err;
  }

  private ensureOpen(): void {
    if (this.closed) throw new GregorError('INVALID_REQUEST', 'consumer is closed');
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits for records, a position, an error or close; or `ms`. */
  private waitForProgress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
      if (ms !== Number.POSITIVE_INFINITY) {
        timer = setTimeout(() => {
          // Leave the list so that polling with short timeouts does not grow it.
          this.waiters = this.waiters.filter((w) => w !== done);
          resolve();
        }, ms);
      }
    });
  }

  private now(): number {
    return this.client.clock.monotonicMs();
  }
}
