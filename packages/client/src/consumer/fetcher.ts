import { GregorError, backoffMs, toGregorError, type Clock, type Logger } from '@gregor/common';
import type { FetchRequest__Output, FetchResponse__Output, FetchTopic__Output } from '@gregor/proto';
import type { Cluster } from '../cluster';
import { errorFromWire, needsMetadataRefresh } from '../errors';
import { IoLoop } from '../io-loop';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsOnce, type OffsetQuery } from '../list-offsets';
import { int64, int64Wire } from '../wire';
import type { FetchBuffer } from './fetch-buffer';
import type { ResolvedConsumerOptions } from './options';
import type { PartitionState, Subscriptions } from './partition-state';
import { recordsFromFetch } from './records';

export interface FetcherDeps {
  cluster: Cluster;
  subscriptions: Subscriptions;
  buffer: FetchBuffer;
  config: ResolvedConsumerOptions;
  requestTimeoutMs: number;
  logger: Logger;
  clock: Clock;
  random: () => number;
  signal: AbortSignal;
  /** Records, an error or a position arrived: wake waiting readers. */
  onProgress(): void;
}

/**
 * The consumer's I/O loop: looks up positions (ListOffsets) and sends one
 * long-poll Fetch per leader for all its fetchable partitions, at most one
 * in flight per broker. Decisions about which partitions are fetchable live
 * in Subscriptions; this class only carries them out.
 */
export class Fetcher {
  private readonly fetchingNodes = new Set<number>();
  private readonly loop = new IoLoop(() => this.run());
  private nextRequestId = 1;

  constructor(private readonly deps: FetcherDeps) {}

  wakeup(): void {
    this.loop.wakeup();
  }

  stop(): void {
    this.loop.stop();
  }

  private run(): void {
    if (this.loop.stopped || this.deps.cluster.isClosed) return;
    const { subscriptions, cluster, clock, config } = this.deps;
    const now = clock.monotonicMs();
    const lookups = subscriptions.needingLookup(now);
    if (lookups.length > 0) void this.lookup(lookups);
    const byNode = new Map<number, PartitionState[]>();
    for (const state of subscriptions.fetchable(now, config.maxPartitionBytes)) {
      const leader = cluster.leaderOf(state.topic, state.partition);
      if (leader === undefined) {
        this.awaitMetadata();
        continue;
      }
      let list = byNode.get(leader);
      if (list === undefined) byNode.set(leader, (list = []));
      list.push(state);
    }
    for (const [node, states] of byNode) {
      if (this.fetchingNodes.has(node)) continue;
      void this.fetch(node, states);
    }
    cluster.maybeRefreshStale();
    this.loop.runAt(subscriptions.nextRetryMs(now), now);
  }

  /** Refreshes metadata, then runs again (the topics are tracked: every partition here was routed by Cluster.leaderOf). */
  private awaitMetadata(): void {
    this.loop.wakeAfter(() => this.deps.cluster.requestRefresh());
  }

  private async fetch(node: number, states: PartitionState[]): Promise<void> {
    const { cluster, config } = this.deps;
    const conn = cluster.connectionForNode(node);
    if (conn === undefined) {
      this.awaitMetadata();
      return;
    }
    const requestId = this.nextRequestId++;
    const sent = states.map((s) => ({ state: s, epoch: s.epoch, fetchOffset: s.fetchOffset! }));
    const topics = new Map<string, FetchTopic__Output>();
    for (const { state, fetchOffset } of sent) {
      state.fetchRequestId = requestId;
      let t = topics.get(state.topic);
      if (t === undefined) topics.set(state.topic, (t = { name: state.topic, partitions: [] }));
      t.partitions.push({
        partition: state.partition,
        fetchOffset: int64Wire(fetchOffset),
        partitionMaxBytes: config.maxPartitionBytes,
        currentLeaderEpoch: cluster.metadata.partition(state.topic, state.partition)?.leaderEpoch ?? -1,
      });
    }
    this.fetchingNodes.add(node);
    try {
      const req: FetchRequest__Output = {
        maxWaitMs: config.maxWaitMs,
        minBytes: config.minBytes,
        maxBytes: config.maxBytes,
        topics: [...topics.values()],
        isolationLevel: config.isolationLevel === 'read_committed' ? 1 : 0,
      };
      const local = cluster.opts.inProcessBroker;
      const res =
        local !== undefined && local.nodeId === node
          ? await local.fetch(req, this.deps.signal)
          : await conn.call('Fetch', req, { timeoutMs: config.maxWaitMs + this.deps.requestTimeoutMs, signal: this.deps.signal });
      this.handleFetch(sent, res, node);
    } catch (err) {
      if (this.deps.signal.aborted) return;
      const error = toGregorError(err);
      for (const { state, epoch } of sent) if (state.epoch === epoch) this.partitionFailed(state, error, node);
    } finally {
      this.fetchingNodes.delete(node);
      for (const { state } of sent) if (state.fetchRequestId === requestId) state.fetchRequestId = undefined;
      this.deps.onProgress();
      this.wakeup();
    }
  }

  private handleFetch(sent: { state: PartitionState; epoch: number; fetchOffset: bigint }[], res: FetchResponse__Output, node: number): void {
    const results = new Map<string, FetchResponse__Output['topics'][number]['partitions'][number]>();
    for (const t of res.topics) for (const p of t.partitions) results.set(`${t.name}\u0000${p.partition}`, p);
    for (const { state, epoch, fetchOffset } of sent) {
      // A seek or reset since the request: this answer is about the old position.
      if (state.epoch !== epoch || state.fetchOffset !== fetchOffset) continue;
      const result = results.get(`${state.topic}\u0000${state.partition}`);
      if (result === undefined) continue;
      const error = errorFromWire(result.error, { topic: state.topic, partition: state.partition });
      if (error !== undefined) {
        this.partitionFailed(state, error, node);
        continue;
      }
      state.highWatermark = int64(result.highWatermark);
      state.logStartOffset = int64(result.logStartOffset);
      state.failedAttempts = 0;
      if (result.records.length === 0) continue;
      try {
        const aborted = this.deps.config.isolationLevel === "read_committed" ? result.abortedTransactions.map((a) => ({ producerId: int64(a.producerId), firstOffset: int64(a.firstOffset) })) : undefined;
        const fetched = recordsFromFetch(state.topic, state.partition, result.records, fetchOffset, aborted);
        state.fetchOffset = fetched.nextFetchOffset;
        this.deps.buffer.push(state, fetched.records, result.records.length);
      } catch (err) {
        this.partitionFailed(state, toGregorError(err, { topic: state.topic, partition: state.partition }), node);
      }
    }
  }

  /**
   * Retriable: back off (and refresh metadata when stale, asking other
   * brokers than `node`, the leader that failed it, first).
   * OFFSET_OUT_OF_RANGE: autoOffsetReset. Else: surface.
   */
  private partitionFailed(state: PartitionState, error: GregorError, node?: number): void {
    const { subscriptions, buffer, clock, config, logger } = this.deps;
    if (error.errorName === 'OFFSET_OUT_OF_RANGE') {
      logger.info('fetch offset out of range, applying autoOffsetReset', { topic: state.topic, partition: state.partition, fetchOffset: String(state.fetchOffset), reset: config.autoOffsetReset });
      buffer.removePartition(state.key);
      subscriptions.applyAutoReset(state, error);
      return;
    }
    if (error.retriable) {
      const delay = backoffMs(state.failedAttempts++, config.retry.initialBackoffMs, config.retry.maxBackoffMs, this.deps.random);
      state.retryAtMs = clock.monotonicMs() + delay;
      logger.debug('fetch failed, will retry', { topic: state.topic, partition: state.partition, delayMs: delay, error: error.message });
      if (needsMetadataRefresh(error)) {
        if (node !== undefined) this.deps.cluster.distrust(node);
        this.awaitMetadata();
      }
      return;
    }
    state.error = error;
  }

  /** Looks up positions for partitions with a pending reset ('earliest', 'latest', a timestamp). */
  private async lookup(states: PartitionState[]): Promise<void> {
    const requestId = this.nextRequestId++;
    const sent = states.map((s) => ({ state: s, epoch: s.epoch, target: s.reset! }));
    for (const s of states) s.resolveRequestId = requestId;
    const queries: OffsetQuery[] = sent.map(({ state, target }) => ({
      topic: state.topic,
      partition: state.partition,
      timestamp: target === 'earliest' ? EARLIEST_TIMESTAMP : target === 'latest' ? LATEST_TIMESTAMP : target.timestamp,
    }));
    try {
      const { answers, errors } = await listOffsetsOnce(this.deps.cluster, queries, this.deps.signal, this.deps.config.isolationLevel === 'read_committed' ? 1 : 0);
      for (const { state, epoch, target } of sent) {
        if (state.epoch !== epoch || state.resolveRequestId !== requestId) continue;
        state.resolveRequestId = undefined;
        const answer = answers.get(state.key);
        if (answer !== undefined) {
          if (answer.offset < 0n && typeof target === 'object') {
            // No record at or after that timestamp: start at the end, as Kafka's offsetsForTimes + seekToEnd.
            state.reset = 'latest';
          } else {
            state.position = answer.offset;
            state.fetchOffset = answer.offset;
            state.reset = undefined;
            state.failedAttempts = 0;
          }
          continue;
        }
        this.partitionFailed(state, errors.get(state.key) ?? new GregorError('UNKNOWN_SERVER_ERROR', `no offset for ${state.key}`));
      }
    } finally {
      for (const { state } of sent) if (state.resolveRequestId === requestId) state.resolveRequestId = undefined;
      this.deps.onProgress();
      this.wakeup();
    }
  }
}
