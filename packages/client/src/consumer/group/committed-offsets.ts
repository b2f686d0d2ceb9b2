import { GregorError, backoffMs, tpKey, type TopicPartition } from '@gregor/common';
import type { OffsetCommitTopic, OffsetFetchTopic } from '@gregor/proto';
import { errorFromWire } from '../../errors';
import { int64, int64Wire } from '../../wire';
import type { PartitionState } from '../partition-state';
import type { ConsumerGroupDeps, OffsetAndMetadata } from './consumer-group';
import { COORDINATOR_MOVED, type GroupCoordinator } from './coordinator';
import type { GroupMembership } from './membership';

/**
 * A group member's committed offsets: auto-commit, commits before
 * revocation and on close, manual commits, and the committed offsets new
 * partitions start at. Positions are those of records already returned to
 * the application (see ConsumerGroup for why that gives at-least-once).
 */
export class GroupOffsets {
  private nextAutoCommitMs: number;
  private autoCommitInFlight: Promise<void> | undefined;
  /** What this member last committed per partition: unchanged positions are not committed again. */
  private readonly lastCommitted = new Map<string, bigint>();
  private nextCommittedFetchMs = 0;
  private committedFetchFailures = 0;
  private closedForGood = false;

  constructor(
    private readonly deps: ConsumerGroupDeps,
    private readonly coordinator: GroupCoordinator,
    private readonly membership: GroupMembership,
    private readonly isSubscribed: () => boolean,
  ) {
    this.nextAutoCommitMs = this.now() + deps.config.autoCommitIntervalMs;
  }

  private now(): number {
    return this.deps.client.clock.monotonicMs();
  }

  /** A partition left the assignment. */
  forget(key: string): void {
    this.lastCommitted.delete(key);
  }

  /** No more retries after this: the consumer is closed. */
  close(): void {
    this.closedForGood = true;
  }


  /** Auto-commit, when due (from poll): positions of returned records, not awaited. */
  maybeAutoCommit(): void {
    if (this.now() < this.nextAutoCommitMs || this.autoCommitInFlight !== undefined) return;
    this.nextAutoCommitMs = this.now() + this.deps.config.autoCommitIntervalMs;
    this.autoCommitInFlight = this.commitPositions(undefined, 'async').finally(() => {
      this.autoCommitInFlight = undefined;
    });
  }

  /** The member and generation a commit carries: -1 and no member outside group management (manual assignment). */
  private commitIdentity(): { generationId: number; memberId: string; groupInstanceId: string } | undefined {
    if (!this.isSubscribed()) return { generationId: -1, memberId: '', groupInstanceId: '' };
    if (this.membership.generationId < 0) return undefined;
    return { generationId: this.membership.generationId, memberId: this.membership.memberId, groupInstanceId: this.deps.config.groupInstanceId ?? '' };
  }

  /**
   * Commits the positions of returned records (all assigned partitions, or
   * `only`). 'sync' retries retriable failures until the API timeout and
   * throws; 'sync-quiet' does the same but only logs (rebalance, close);
   * 'async' tries once and logs (auto-commit).
   */
  async commitPositions(only: readonly TopicPartition[] | undefined, mode: 'sync' | 'sync-quiet' | 'async'): Promise<void> {
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

  /** New partitions start at the group's committed offset, else per autoOffsetReset. */
  async maybeFetchCommitted(): Promise<void> {
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
}
