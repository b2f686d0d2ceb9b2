import { GregorError, type Clock, type Logger } from '@gregor/common';
import { HighWatermarkCache, planLeaderQueries, type LeaderQuery } from './high-watermark-cache';
import { MAX_LAG_SERIES } from './group-lag';
import { grpcLatestOffsetsClient, type LatestOffsetsClient, type LatestOffsetsClientFactory } from './latest-offsets-client';

/** A leader that does not answer within this (or the refresh interval, if shorter) is given up on until the next refresh. */
export const MAX_REMOTE_HW_REQUEST_TIMEOUT_MS = 5000;

/** Ten minutes: longer than any sane scrape interval (see HighWatermarkCacheOptions.forgetAfterMs). */
export const FORGET_UNWANTED_AFTER_MS = 600_000;

export interface RemoteHighWatermarksOptions {
  selfId: number;
  /** How often wanted partitions are refreshed; values older than 3× this read as unknown. */
  refreshIntervalMs: number;
  /** The partition's current leader per this broker's metadata (-1 or undefined: none). */
  leaderOf: (topic: string, partition: number) => number | undefined;
  /** "host:port" of a broker's inter-broker listener; undefined when it has none. */
  leaderAddress: (leaderId: number) => string | undefined;
  clock: Clock;
  logger: Logger;
  /** Bound on partitions tracked (default MAX_LAG_SERIES: one per lag series at most). */
  maxPartitions?: number;
  forgetAfterMs?: number;
  /** Tests script leaders with it; the default speaks gRPC. */
  clientFactory?: LatestOffsetsClientFactory;
}

/**
 * Leaders' high watermarks for the committed partitions a group coordinator
 * does not lead, so that gregor_consumer_group_lag covers every partition
 * a group commits (not only those with a replica here) and measures from
 * the leader's HW (a follower's trails it). The scrape stays synchronous
 * and I/O-free: `get` answers from the cache and marks the partition
 * wanted; `refresh` — run periodically by the broker — sends one
 * ListOffsets(latest) per leader for the wanted partitions, with a
 * deadline, and stores the answers. A failed call leaves the old value to
 * go stale (3 × the interval), when the series disappears rather than show
 * a frozen lag. Bounded: `maxPartitions` tracked, one client per leader
 * address in use (others are closed), one refresh at a time, one call in
 * flight per leader.
 */
export class RemoteHighWatermarks {
  private readonly cache: HighWatermarkCache;
  private readonly clients = new Map<string, LatestOffsetsClient>();
  private readonly clientFactory: LatestOffsetsClientFactory;
  private readonly requestTimeoutMs: number;
  private readonly closing = new AbortController();
  private refreshing: Promise<number> | undefined;

  constructor(private readonly opts: RemoteHighWatermarksOptions) {
    if (!Number.isInteger(opts.refreshIntervalMs) || opts.refreshIntervalMs <= 0) {
      throw new GregorError('INVALID_CONFIG', `the consumer-lag refresh interval must be a positive integer of ms, got ${opts.refreshIntervalMs}`);
    }
    this.cache = new HighWatermarkCache({
      maxKeys: opts.maxPartitions ?? MAX_LAG_SERIES,
      staleAfterMs: 3 * opts.refreshIntervalMs,
      forgetAfterMs: opts.forgetAfterMs ?? FORGET_UNWANTED_AFTER_MS,
      clock: opts.clock,
    });
    this.clientFactory = opts.clientFactory ?? grpcLatestOffsetsClient;
    this.requestTimeoutMs = Math.min(opts.refreshIntervalMs, MAX_REMOTE_HW_REQUEST_TIMEOUT_MS);
  }

  /** The leader's high watermark as last fetched, undefined if never or too long ago; marks it wanted. No I/O. */
  get(topic: string, partition: number): bigint | undefined {
    return this.cache.get(topic, partition);
  }

  /** Partitions tracked (metrics, tests). */
  get size(): number {
    return this.cache.size;
  }

  /**
   * One refresh of every wanted partition; returns how many got a value.
   * A call while one runs joins it (runs never overlap). Never rejects.
   */
  refresh(): Promise<number> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Cancels calls in flight and closes every client; later refreshes do nothing. */
  close(): void {
    this.closing.abort();
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private async refreshOnce(): Promise<number> {
    if (this.closing.signal.aborted) return 0;
    const forgotten = this.cache.forgetUnwanted();
    const refused = this.cache.takeRefusedCount();
    const { queries, skipped } = planLeaderQueries(this.cache.wanted(), this.opts.selfId, this.opts.leaderOf, this.opts.leaderAddress);
    if (forgotten > 0 || refused > 0) {
      this.opts.logger.debug('consumer-lag high watermarks: partitions forgotten or refused at the bound', {
        forgotten,
        refused,
        tracked: this.cache.size,
      });
    }
    this.closeUnusedClients(queries);
    if (skipped > 0) this.opts.logger.debug('consumer-lag high watermarks: partitions without a remote leader to ask', { skipped });
    const updated = await Promise.all(queries.map((q) => this.ask(q)));
    return updated.reduce((a, b) => a + b, 0);
  }

  /** One ListOffsets to one leader; errors are logged at debug and leave old values to go stale. */
  private async ask(q: LeaderQuery): Promise<number> {
    const askedAtMs = this.opts.clock.monotonicMs();
    let updated = 0;
    try {
      const answers = await this.clientFor(q.address).latestOffsets(q.partitions, this.requestTimeoutMs, this.closing.signal);
      let failed = 0;
      let firstError: GregorError | undefined;
      for (const a of answers) {
        if (a.error !== undefined) {
          failed++;
          firstError ??= a.error;
        } else if (this.cache.record(a.topic, a.partition, a.highWatermark, askedAtMs)) {
          updated++;
        }
      }
      if (firstError !== undefined) {
        // One line per leader, not per partition: a leader change can fail thousands at once.
        this.opts.logger.debug('consumer-lag high watermarks: leader refused some partitions', {
          leader: q.leaderId,
          failed,
          first: firstError.message,
        });
      }
    } catch (err) {
      this.opts.logger.debug('consumer-lag high watermarks: leader did not answer', { leader: q.leaderId, address: q.address, err: String(err) });
    }
    return updated;
  }

  private clientFor(address: string): LatestOffsetsClient {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = this.clientFactory(address);
      this.clients.set(address, client);
    }
    return client;
  }

  /** A broker that moved (restart on a new port) or leads nothing wanted any more keeps no channel open. */
  private closeUnusedClients(queries: readonly LeaderQuery[]): void {
    const used = new Set(queries.map((q) => q.address));
    for (const [address, client] of this.clients) {
      if (!used.has(address)) {
        client.close();
        this.clients.delete(address);
      }
    }
  }
}
