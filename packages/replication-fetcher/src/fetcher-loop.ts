import { backoffMs, debugTimeline, isGregorError, toGregorError, type Clock, type GregorError, type Logger } from '@gregor/common';
import { applyEpochAnswer, applyFetchResponse } from './apply-response';
import type { ReplicaFetcherConfig } from './fetcher-config';
import { buildFetchRequest, fetchWaitMs } from './fetch-request';
import type { PartitionFetch } from './partition-fetch';
import type { ReplicationClient, ReplicationClientFactory } from './replication-client';

/** Errors a follower sees while the news of a leader change is on its way. */
/**
 * How often partitions joining the loop may cut its in-flight long-poll
 * short: the first one after a quiet spell does at once (a leader change
 * is not slowed), later ones at most once per this interval (the others
 * join the next request anyway). A 10,000-partition topic's replicas join
 * in slices of a few dozen; cutting the fetch for each slice re-sent (and
 * had the leader answer) thousands of partitions every turn.
 */
export const ADD_CUT_INTERVAL_MS = 250;

const LEADERSHIP_RACE_ERRORS: ReadonlySet<string> = new Set(['NOT_LEADER_OR_FOLLOWER', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH']);

export interface FetcherLoopDeps {
  replicaId: number;
  brokerEpoch: () => bigint;
  leaderAddress: (leaderId: number) => string | undefined;
  clientFactory: ReplicationClientFactory;
  config: ReplicaFetcherConfig;
  logger: Logger;
  clock: Clock;
  random: () => number;
  /** See ReplicaFetcherManagerOptions.onApplied. */
  onApplied?: (applyMs: number) => void;
}

/**
 * The fetch loop for ONE source broker: every partition this node follows
 * from that leader travels in one FetchFromLeader request (one round trip,
 * one response buffer of at most `responseMaxBytes` for all of them).
 *
 * Each turn: partitions just assigned first ask OffsetsForLeaderEpoch and
 * truncate; the others are fetched together; the answers are applied (all
 * partitions' appends are issued at once, so storage writes them in one
 * group) before the next request, which bounds memory to one response.
 * Errors back off: transport errors the whole loop, partition errors that
 * partition, with exponential delays and jitter.
 */
export class FetcherLoop {
  private readonly partitions = new Map<string, PartitionFetch>();
  private client: ReplicationClient | undefined;
  private clientAddress: string | undefined;
  private inflight: AbortController | undefined;
  private wakeIdle: (() => void) | undefined;
  /** When additions last cut a fetch short, and the cut waiting for the interval to pass (ADD_CUT_INTERVAL_MS). */
  private lastAddCutMs = Number.NEGATIVE_INFINITY;
  private pendingAddCut: NodeJS.Timeout | undefined;
  private stopped = false;
  private loopFailures = 0;
  private rotation = 0;
  /** Numbers the fetches (debug timeline only). */
  private fetchSeq = 0;
  private readonly running: Promise<void>;

  constructor(
    readonly leaderId: number,
    private readonly deps: FetcherLoopDeps,
  ) {
    this.running = this.run();
  }

  get size(): number {
    return this.partitions.size;
  }

  partitionStates(): IterableIterator<PartitionFetch> {
    return this.partitions.values();
  }

  get(key: string): PartitionFetch | undefined {
    return this.partitions.get(key);
  }

  /** Takes the partition into the next request (an ongoing long-poll is cut short for it, at most once per ADD_CUT_INTERVAL_MS). */
  add(p: PartitionFetch): void {
    this.partitions.set(p.key, p);
    this.wake(false);
    if (this.pendingAddCut !== undefined) return;
    const wait = this.lastAddCutMs + ADD_CUT_INTERVAL_MS - this.deps.clock.monotonicMs();
    if (wait <= 0) {
      this.cutForAdditions();
      return;
    }
    this.pendingAddCut = setTimeout(() => this.cutForAdditions(), wait);
  }

  private cutForAdditions(): void {
    this.pendingAddCut = undefined;
    this.lastAddCutMs = this.deps.clock.monotonicMs();
    this.wake(true);
  }

  /** Resolves once no append or truncation of the partition is in flight. */
  async remove(key: string): Promise<void> {
    const p = this.partitions.get(key);
    if (p === undefined) return;
    this.partitions.delete(key);
    p.removed = true;
    await p.busy?.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pendingAddCut !== undefined) clearTimeout(this.pendingAddCut);
    this.wake(true);
    await this.running;
    const busy = [...this.partitions.values()].map((p) => p.busy?.catch(() => undefined));
    await Promise.all(busy);
    this.client?.close();
    this.client = undefined;
  }

  private wake(cancelFetch: boolean): void {
    if (cancelFetch) this.inflight?.abort();
    const w = this.wakeIdle;
    this.wakeIdle = undefined;
    w?.();
  }

  /** Waits `ms` (or until woken); the only place the loop sleeps. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, Math.min(ms, 60_000)));
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeIdle = done;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.turn();
      } catch (err) {
        // A bug, not an I/O failure (those are handled per partition): say so and slow down.
        this.deps.logger.error('replica fetcher loop failed', { leader: this.leaderId, err: err instanceof Error ? err.stack : String(err) });
        await this.idle(this.nextLoopBackoff());
      }
    }
  }

  private async turn(): Promise<void> {
    const now = this.deps.clock.monotonicMs();
    const all = [...this.partitions.values()];
    const ready = all.filter((p) => p.delayedUntilMs <= now);
    if (ready.length === 0) {
      const next = Math.min(...all.map((p) => p.delayedUntilMs));
      await this.idle(all.length === 0 ? 60_000 : next - now);
      return;
    }
    const client = this.connect();
    if (client === undefined) {
      this.delayAll(ready, undefined);
      return;
    }
    const truncating = ready.filter((p) => p.phase === 'truncating');
    if (truncating.length > 0) await this.truncate(client, truncating);
    else {
      const delayed = all.filter((p) => p.delayedUntilMs > now).map((p) => p.delayedUntilMs);
      await this.fetch(client, ready, fetchWaitMs(this.deps.config.maxWaitMs, delayed, now));
    }
  }

  private connect(): ReplicationClient | undefined {
    const address = this.deps.leaderAddress(this.leaderId);
    if (address === undefined) return undefined;
    if (address !== this.clientAddress) {
      this.client?.close();
      this.client = this.deps.clientFactory(address, this.leaderId);
      this.clientAddress = address;
    }
    return this.client;
  }

  private nextLoopBackoff(): number {
    const { backoffMs: initial, maxBackoffMs } = this.deps.config;
    return backoffMs(this.loopFailures++, initial, maxBackoffMs, this.deps.random);
  }

  /** A failure of the whole request: every partition in it waits. */
  private delayAll(parts: readonly PartitionFetch[], error: GregorError | undefined): void {
    const delay = this.nextLoopBackoff();
    if (this.loopFailures === 1) {
      this.deps.logger.warn('cannot fetch from leader; backing off', {
        leader: this.leaderId,
        address: this.clientAddress,
        partitions: parts.length,
        err: error?.message ?? 'leader address unknown',
      });
    }
    const until = this.deps.clock.monotonicMs() + delay;
    for (const p of parts) {
      p.delayedUntilMs = until;
      p.lastError = error?.message ?? 'leader address unknown';
    }
  }

  private loopRecovered(): void {
    if (this.loopFailures > 0) this.deps.logger.info('fetching from leader again', { leader: this.leaderId, address: this.clientAddress });
    this.loopFailures = 0;
  }

  /** One partition's failure: it alone waits, longer each time in a row. */
  private delayPartition(p: PartitionFetch, error: GregorError): void {
    const { backoffMs: initial, maxBackoffMs } = this.deps.config;
    const delay = backoffMs(p.consecutiveFailures++, initial, maxBackoffMs, this.deps.random);
    p.delayedUntilMs = this.deps.clock.monotonicMs() + delay;
    if (p.lastError === undefined) {
      // A leadership change reaches the follower a moment after the old
      // leader: these answers are expected then (the controller's one line
      // tells the change), so they stay at debug; anything else is news.
      const level = LEADERSHIP_RACE_ERRORS.has(error.errorName) ? 'debug' : 'info';
      this.deps.logger[level]('follower fetch error; partition backs off', {
        topic: p.topic,
        partition: p.partition,
        leader: this.leaderId,
        leaderEpoch: p.leaderEpoch,
        error: error.errorName,
        message: error.message,
      });
    }
    p.lastError = error.message;
  }

  private succeeded(p: PartitionFetch): void {
    p.consecutiveFailures = 0;
    p.lastError = undefined;
  }

  /** Asks where our histories part, for every newly assigned partition at once. */
  private async truncate(client: ReplicationClient, parts: PartitionFetch[]): Promise<void> {
    const asking: PartitionFetch[] = [];
    for (const p of parts) {
      // An empty log has nothing to disagree about.
      if (p.log.latestEpoch() < 0) p.phase = 'fetching';
      else asking.push(p);
    }
    if (asking.length === 0) return;
    let answers;
    const abort = new AbortController();
    this.inflight = abort;
    try {
      answers = await client.offsetsForLeaderEpoch(
        this.deps.replicaId,
        asking.map((p) => ({ topic: p.topic, partition: p.partition, currentLeaderEpoch: p.leaderEpoch, leaderEpoch: p.log.latestEpoch() })),
        this.deps.config.requestTimeoutMs,
        abort.signal,
      );
    } catch (err) {
      if (!abort.signal.aborted) this.delayAll(asking, isGregorError(err) ? err : undefined);
      return;
    } finally {
      this.inflight = undefined;
    }
    this.loopRecovered();
    const sent = new Map(asking.map((p) => [p.key, p]));
    await Promise.all(
      answers.map((a) => {
        const p = this.current(sent, `${a.topic}-${a.partition}`);
        if (p === undefined) return undefined;
        if (a.error !== undefined) {
          this.delayPartition(p, a.error);
          return undefined;
        }
        return p
          .run(() => applyEpochAnswer(p, a.endOffset, this.deps.logger))
          .then(
            () => this.succeeded(p),
            (err: unknown) => this.delayPartition(p, toGregorError(err)),
          );
      }),
    );
  }

  private async fetch(client: ReplicationClient, parts: PartitionFetch[], maxWaitMs: number): Promise<void> {
    const request = buildFetchRequest(parts, this.deps.replicaId, this.deps.brokerEpoch(), this.deps.config, this.rotation++, maxWaitMs);
    const sent = new Map(parts.map((p) => [p.key, p]));
    const abort = new AbortController();
    this.inflight = abort;
    let responses;
    const seq = ++this.fetchSeq;
    if (debugTimeline.on) {
      debugTimeline.event('follower.fetch', { replica: this.deps.replicaId, leader: this.leaderId, seq, parts: parts.map((p) => [p.key, p.log.logEndOffset]) });
    }
    try {
      responses = await client.fetch(request, this.deps.config.maxWaitMs + this.deps.config.requestTimeoutMs, abort.signal);
    } catch (err) {
      // Cut short on purpose (a partition was added, or stop): not a failure.
      if (!abort.signal.aborted) this.delayAll(parts, isGregorError(err) ? err : undefined);
      return;
    } finally {
      this.inflight = undefined;
    }
    this.loopRecovered();
    const receivedMs = this.deps.clock.monotonicMs();
    const withRecords = debugTimeline.on ? responses.filter((r) => r.records.length > 0).map((r) => `${r.topic}-${r.partition}`) : [];
    if (withRecords.length > 0) debugTimeline.event('follower.answer', { replica: this.deps.replicaId, leader: this.leaderId, seq, keys: withRecords });
    await Promise.all(
      responses.map((r) => {
        const p = this.current(sent, `${r.topic}-${r.partition}`);
        if (p === undefined) return undefined;
        return p.run(async () => {
          const outcome = await applyFetchResponse(p, r, this.deps.logger);
          if (outcome.ok) this.succeeded(p);
          else this.delayPartition(p, outcome.error);
        });
      }),
    );
    if (withRecords.length > 0) {
      const parts = withRecords.map((k) => [k, this.partitions.get(k)?.log.logEndOffset]);
      debugTimeline.event('follower.applied', { replica: this.deps.replicaId, leader: this.leaderId, seq, parts });
    }
    if (this.deps.onApplied !== undefined && responses.some((r) => r.records.length > 0)) this.deps.onApplied(this.deps.clock.monotonicMs() - receivedMs);
  }

  /** The partition as it was when the request was built, if it is still assigned here. */
  private current(sent: ReadonlyMap<string, PartitionFetch>, key: string): PartitionFetch | undefined {
    const p = sent.get(key);
    return p !== undefined && !p.removed && this.partitions.get(key) === p ? p : undefined;
  }
}
