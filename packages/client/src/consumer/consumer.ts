import { GregorError, type TopicPartition } from '@gregor/common';
import type { Cluster } from '../cluster';
import type { ResolvedClientOptions } from '../options';
import type { ConsumerRecord, OffsetSpec } from '../types';
import { FetchBuffer } from './fetch-buffer';
import { Fetcher } from './fetcher';
import { resolveConsumerOptions, type ConsumerOptions, type ResolvedConsumerOptions } from './options';
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
 * partition is sought or reassigned. Consumer groups come later; this
 * consumer does not commit offsets.
 */
export class Consumer implements AsyncIterable<ConsumerRecord> {
  private readonly config: ResolvedConsumerOptions;
  private readonly subscriptions: Subscriptions;
  private readonly buffer: FetchBuffer;
  private readonly fetcher: Fetcher;
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];
  private closed = false;

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
    for (const key of this.subscriptions.assign(tps)) this.buffer.removePartition(key);
    this.cluster.track([...new Set(tps.map((tp) => tp.topic))]);
    this.fetcher.wakeup();
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

  /** Stops fetching (cancelling fetches in flight) and ends iteration. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
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
