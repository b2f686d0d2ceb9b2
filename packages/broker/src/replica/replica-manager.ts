import { countLedPartition, emptyLedPartitionCounts, type LedPartitionCounts } from './led-partition-counts';
import { GregorError, backoffMs, debugTimeline, isGregorError, tpKey, type Clock, type Logger } from '@gregor/common';
import type { FollowedPartition } from '@gregor/replication-fetcher';
import type { BrokerConfig } from '../broker-config';
import type { FetchPurgatory } from '../fetch-purgatory';
import type { MetadataEvent, MetadataSource, PartitionAssignment, TopicMetadataView } from '../metadata-source';
import type { BrokerObserver } from '../observer';
import type { PartitionManager } from '../partition-manager';
import type { PartitionLogPort } from '../storage-port';
import type { ProduceTrace } from '../produce-trace';
import { PartitionLeader, type LeaderTiming } from './partition-leader';
import type { ProducePurgatory } from './produce-purgatory';
import { nextIsrCheckDelayMs } from './isr-decision';
import { StallFreeClock } from './stall-free-clock';
import { heardFromReplicaMajority } from './quorum-contact';
import { QuorumWatch, stallTiming } from './quorum-watch';
import { FreshnessWatch } from './freshness-watch';
import { TurnSlicer } from './turn-slicer';

/** The part of ReplicaFetcherManager the broker drives (a port, for tests). */
export interface FollowerFetcher {
  addPartitions(partitions: readonly FollowedPartition[]): Promise<void>;
  removePartitions(partitions: readonly { topic: string; partition: number }[]): Promise<void>;
  stop(): Promise<void>;
}

/** A partition this broker leads, as a request handler needs it. */
export interface LedPartition {
  leader: PartitionLeader;
  log: PartitionLogPort;
  /** The metadata view at the time of the lookup (configs). */
  topic: TopicMetadataView;
  assignment: PartitionAssignment;
}

export type ReplicaRoleSnapshot =
  | {
      role: 'leader';
      leaderId: number;
      leaderEpoch: number;
      isr: readonly number[];
      pendingIsr: readonly number[] | undefined;
      logEndOffset: bigint;
      highWatermark: bigint;
      leaderEpochStartOffset: bigint;
    }
  | { role: 'follower'; leaderId: number; leaderEpoch: number; logEndOffset: bigint; highWatermark: bigint };

export interface ReplicaManagerDeps {
  config: BrokerConfig;
  metadata: MetadataSource;
  partitions: PartitionManager<PartitionLogPort>;
  fetcher: FollowerFetcher;
  fetchPurgatory: FetchPurgatory;
  producePurgatory: ProducePurgatory;
  clock: Clock;
  logger: Logger;
  observer?: BrokerObserver;
  produceTrace?: ProduceTrace;
}

const ISR_RETRY_INITIAL_MS = 100;
const ISR_RETRY_MAX_MS = 5000;

/**
 * Role-change steps (a reconcile's start, and its continuation once the log
 * is open) that run per event-loop turn. Each costs ~0.1–0.4 ms (open the
 * log's state, a PartitionLeader or a fetcher entry, GC); 64 keep a turn
 * to tens of ms, where all of a 10,000-partition topic's replicas at once
 * held the loop for 0.4–0.7 s and fenced brokers (750 ms sessions).
 */
export const ROLE_CHANGES_PER_TURN = 64;

/**
 * Each hosted partition's role on this broker — leader, follower of some
 * leader, or neither — kept in step with metadata, and the leader side of
 * replication (high watermark, ISR proposals).
 *
 * Role changes are level-triggered: an event (or the periodic check) only
 * names partitions to look at; `reconcile` reads the current assignment
 * and moves to it. Changes of one partition run one at a time, in order
 * (a per-partition promise chain), so a deletion followed by a re-creation
 * of a topic, or two quick leader changes, apply in sequence:
 * - become leader: stop the follower fetch (waiting for its last append),
 *   record the log end as the epoch's start offset, start tracking
 *   followers;
 * - become follower: end the leadership (no new appends, wait for started
 *   ones, answer acks=all waiters NOT_LEADER_OR_FOLLOWER), then hand the log
 *   to the fetcher, which truncates as the new leader says and fetches.
 */
export class ReplicaManager {
  private readonly leaders = new Map<string, PartitionLeader>();
  private readonly following = new Map<string, { leaderId: number; leaderEpoch: number }>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly isrFailures = new Map<string, number>();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** When (leader clock) the ISR check timer fires. */
  private tickAtMs = Number.POSITIVE_INFINITY;
  private stopped = false;
  private readonly selfId: number;
  private readonly quorum: QuorumWatch;
  /** The leader side's time: followers are judged only on silence this broker was awake to hear. */
  private readonly leaderClock: StallFreeClock;
  private readonly freshness: FreshnessWatch;
  /** Led partitions given up while cut off from the quorum (until contact is back). */
  private readonly steppedBack = new Set<string>();
  private readonly claimListeners = new Set<() => void>();
  private claimsNotifyQueued = false;
  /** Spreads bursts of role changes over event-loop turns (ROLE_CHANGES_PER_TURN). */
  private readonly slicer = new TurnSlicer(ROLE_CHANGES_PER_TURN);

  constructor(private readonly deps: ReplicaManagerDeps) {
    this.selfId = deps.config.nodeId;
    const stall = stallTiming(deps.config.brokerSessionTimeoutMs);
    this.leaderClock = new StallFreeClock(deps.clock, stall.intervalMs, stall.stallMs);
    this.quorum = new QuorumWatch({
      metadata: deps.metadata,
      sessionTimeoutMs: deps.config.brokerSessionTimeoutMs,
      clock: deps.clock,
      logger: deps.logger,
      onChange: (cutOff) => this.afterQuorumContactChange(cutOff),
      whileCutOff: () => {
        for (const l of this.leaders.values()) this.claims(l);
      },
    });
    this.freshness = new FreshnessWatch({
      metadata: deps.metadata,
      sessionTimeoutMs: deps.config.brokerSessionTimeoutMs,
      clock: deps.clock,
      logger: deps.logger,
      onChange: () => this.claimsChanged(),
    });
  }

  /** Subscribes to metadata, takes every hosted partition's role, starts the ISR/consistency timer. */
  async start(): Promise<void> {
    this.unsubscribe = this.deps.metadata.subscribe((e) => this.handleEvent(e));
    await this.deps.partitions.removeOrphans();
    await Promise.all(this.reconcileHosted());
    this.quorum.start();
    this.freshness.start();
    this.leaderClock.start();
    this.scheduleTick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.quorum.stop();
    this.freshness.stop();
    this.leaderClock.stop();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await Promise.allSettled([...this.chains.values()]);
    await this.deps.fetcher.stop();
    await Promise.all([...this.leaders.values()].map((l) => l.depose()));
    this.deps.producePurgatory.notifyAll();
  }

  /**
   * The current leadership of a partition, if this broker holds it and may
   * claim it (synchronous; for waiters: acks=all produces end with
   * NOT_LEADER_OR_FOLLOWER when it goes).
   */
  leaderOf(key: string): PartitionLeader | undefined {
    const l = this.leaders.get(key);
    return l !== undefined && !l.deposed && this.claims(l) ? l : undefined;
  }

  /**
   * Whether this broker may claim a leadership it holds: always while in
   * contact with the controller quorum; once cut off for a whole session,
   * only while a majority of the partition's replicas (itself included)
   * still fetch from it (heardFromReplicaMajority). A partition given up
   * stays given up until contact is back: its waiters are woken here and
   * answer NOT_LEADER_OR_FOLLOWER.
   */
  private claims(leader: PartitionLeader): boolean {
    if (!this.isCutOff()) return true;
    if (this.steppedBack.has(leader.key)) return false;
    const since = this.leaderClock.monotonicMs() - this.deps.config.brokerSessionTimeoutMs;
    if (heardFromReplicaMajority(leader.replicas.length, leader.followersFetchedSince(since))) return true;
    this.steppedBack.add(leader.key);
    this.deps.producePurgatory.notify(leader.key);
    this.deps.fetchPurgatory.notify(leader.key);
    this.claimsChanged();
    return false;
  }

  /**
   * Whether this broker is cut off from the quorum (QuorumWatch). Samples
   * the leader's stall-free clock too, so the two see the same samples: a
   * broker whose session time moves step by step between requests (an
   * injected clock) is not taken for stalled by one and awake by the other.
   */
  private isCutOff(): boolean {
    this.leaderClock.monotonicMs();
    return this.quorum.isCutOff();
  }

  /**
   * `listener` runs (soon, once per burst) whenever `advertisedLeader` may
   * answer differently without a metadata event: a partition was given up
   * while cut off from the quorum, or contact came back. The group
   * coordinator follows it. Returns the unsubscribe.
   */
  onLeadershipClaimsChanged(listener: () => void): () => void {
    this.claimListeners.add(listener);
    return () => this.claimListeners.delete(listener);
  }

  private claimsChanged(): void {
    if (this.claimsNotifyQueued || this.claimListeners.size === 0) return;
    this.claimsNotifyQueued = true;
    // Later, not inside claims(): listeners ask advertisedLeader, which samples quorum contact again.
    queueMicrotask(() => {
      this.claimsNotifyQueued = false;
      for (const l of this.claimListeners) {
        try {
          l();
        } catch (err) {
          this.deps.logger.error('leadership-claims listener failed', { err: err instanceof Error ? err.stack : String(err) });
        }
      }
    });
  }

  /**
   * The leader to name for a partition, as Metadata and leader hints give
   * it: metadata's, except (then -1: it does not know who leads now)
   * - this broker for a partition it gave up while cut off from the quorum.
   *   Such a broker has been fenced and its leaderships moved, so it claims
   *   them no more: requests for them answer NOT_LEADER_OR_FOLLOWER
   *   (leaderFor, leaderOf). Roles and logs stay as they are; once contact
   *   is back the metadata log says who leads now;
   * - another broker while this broker's metadata is known stale
   *   (metadata-freshness.ts): leaders may have moved since its image.
   */
  advertisedLeader(topic: string, a: PartitionAssignment): number {
    if (a.leaderId !== this.selfId) return a.leaderId >= 0 && this.freshness.isStale() ? -1 : a.leaderId;
    if (!this.isCutOff()) return a.leaderId;
    const leader = this.leaders.get(tpKey(topic, a.partition));
    return leader !== undefined && !leader.deposed && this.claims(leader) ? a.leaderId : -1;
  }

  /**
   * The partition if this broker leads it in the epoch metadata names.
   * Metadata may name this broker before the role change has run: then the
   * change is awaited (it is quick: stop a fetch, open a log). Throws
   * UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER_OR_FOLLOWER (with a leader hint).
   */
  async leaderFor(topic: string, partition: number): Promise<LedPartition> {
    // A role change already queued for the partition (a new topic's, waiting
    // for its slice) is the one to wait for: another reconcile behind it
    // would take a second slot, and CreateTopics asks this for every
    // partition the node leads.
    const pending = this.chains.get(tpKey(topic, partition));
    if (pending !== undefined) await pending;
    for (let attempt = 0; ; attempt++) {
      const led = this.leaderForNow(topic, partition);
      if (led !== undefined) return led;
      if (attempt > 0 || this.stopped) {
        throw new GregorError('NOT_LEADER_OR_FOLLOWER', `node ${this.selfId} is becoming the leader of ${tpKey(topic, partition)}`, {
          topic,
          partition,
        });
      }
      await this.reconcile(topic, partition);
    }
  }

  /**
   * leaderFor without waiting: the led partition when the role change is
   * already done, undefined when it still has to run. Synchronous, so a
   * handler that needs no role change keeps the order requests arrived in
   * up to its append (an idempotent producer pipelines several per
   * partition). Throws as leaderFor does, without stack frames: these are
   * per-partition answers, thousands in one follower fetch while a topic is
   * being set up.
   */
  leaderForNow(topic: string, partition: number): LedPartition | undefined {
    const view = this.deps.metadata.topic(topic);
    const assignment = view?.partitions[partition];
    if (view === undefined || assignment === undefined) {
      throw GregorError.withoutStack('UNKNOWN_TOPIC_OR_PARTITION', `this server does not host ${tpKey(topic, partition)}`, { topic, partition });
    }
    if (assignment.leaderId !== this.selfId) {
      throw GregorError.withoutStack('NOT_LEADER_OR_FOLLOWER', `node ${this.selfId} is not the leader of ${tpKey(topic, partition)}`, {
        topic,
        partition,
        leaderHint: assignment.leaderId,
      });
    }
    const held = this.leaders.get(tpKey(topic, partition));
    if (this.isCutOff() && (held === undefined || held.deposed || !this.claims(held))) {
      throw GregorError.withoutStack('NOT_LEADER_OR_FOLLOWER', `node ${this.selfId} has lost contact with the controller quorum and does not lead ${tpKey(topic, partition)} now`, {
        topic,
        partition,
        leaderHint: -1,
      });
    }
    const leader = this.leaderOf(tpKey(topic, partition));
    if (leader !== undefined && leader.leaderEpoch === assignment.leaderEpoch) return { leader, log: leader.log, topic: view, assignment };
    return undefined;
  }

  /** This broker's view of one partition (tests, tools). */
  describe(topic: string, partition: number): ReplicaRoleSnapshot | undefined {
    const key = tpKey(topic, partition);
    const leader = this.leaders.get(key);
    const log = this.deps.partitions.get(topic, partition);
    if (leader !== undefined) {
      return {
        role: 'leader',
        leaderId: this.selfId,
        leaderEpoch: leader.leaderEpoch,
        isr: leader.isr,
        pendingIsr: leader.pendingIsr,
        logEndOffset: leader.log.logEndOffset,
        highWatermark: leader.log.highWatermark,
        leaderEpochStartOffset: leader.leaderEpochStartOffset,
      };
    }
    const following = this.following.get(key);
    if (following !== undefined && log !== undefined) {
      return { role: 'follower', leaderId: following.leaderId, leaderEpoch: following.leaderEpoch, logEndOffset: log.logEndOffset, highWatermark: log.highWatermark };
    }
    return undefined;
  }

  /** Partitions this broker leads now, and how many it hosts in any role (metrics, on scrape). */
  /** Hosted replicas and the led partitions' ISR counts; `minInsyncReplicasOf` is asked once per run of one topic (one pass, nothing allocated per partition). */
  status(minInsyncReplicasOf: (topic: string) => number): { hostedPartitions: number; led: LedPartitionCounts } {
    const led = emptyLedPartitionCounts();
    let topic: string | undefined;
    let minIsr = 1;
    for (const l of this.leaders.values()) {
      if (l.deposed || !this.claims(l)) continue;
      if (l.topic !== topic) {
        topic = l.topic;
        minIsr = minInsyncReplicasOf(topic);
      }
      countLedPartition(led, l.replicas.length, l.isr.length, minIsr);
    }
    return { hostedPartitions: this.leaders.size + this.following.size, led };
  }

  /** Logs of every hosted partition (led or followed), for retention. */
  hostedLogs(): { topic: string; partition: number; log: PartitionLogPort }[] {
    return this.deps.partitions.openLogs().filter((o) => this.leaders.has(tpKey(o.topic, o.partition)) || this.following.has(tpKey(o.topic, o.partition)));
  }

  /**
   * A follower's fetch passed the checks: record its position, then move the
   * HW and maybe the ISR. A follower whose log start moved may be what a
   * DeleteRecords waits for (it shares the produce purgatory).
   */
  recordFollowerFetch(leader: PartitionLeader, replicaId: number, fetchOffset: bigint, logStartOffset: bigint, brokerEpoch: bigint): void {
    if (leader.recordFollowerFetch(replicaId, fetchOffset, logStartOffset, brokerEpoch, this.leaderClock.monotonicMs())) {
      this.deps.producePurgatory.notify(leader.key);
    }
    this.maybeAdvanceHighWatermark(leader);
    this.maybeProposeIsr(leader);
  }

  /**
   * A leader append finished: with no follower to wait for, the HW moves
   * now; otherwise the write may be the first to wait, and the ISR check
   * must come when a shrink rule can first hold for it.
   */
  afterLeaderAppend(leader: PartitionLeader): void {
    this.maybeAdvanceHighWatermark(leader);
    this.checkIsrBy(leader);
  }

  // ---- leader side ----------------------------------------------------------

  private timing(): LeaderTiming {
    return {
      nowMs: this.leaderClock.monotonicMs(),
      replicaLagTimeMaxMs: this.deps.config.replicaLagTimeMaxMs,
      followerSilenceMaxMs: this.deps.config.brokerSessionTimeoutMs,
    };
  }

  /** DeleteRecords' low watermark of a led partition: its own and its live followers' smallest log start. */
  lowWatermark(leader: PartitionLeader): bigint {
    return leader.lowWatermark((id) => this.isEligible(id));
  }

  /** Unfenced and, when both are known, the broker epoch metadata holds (KIP-903). */
  private isEligible = (replicaId: number, brokerEpoch = -1n): boolean => {
    if (!this.deps.metadata.liveBrokers().some((b) => b.nodeId === replicaId)) return false;
    const registered = this.deps.metadata.brokerEndpoint(replicaId)?.brokerEpoch;
    return registered === undefined || brokerEpoch < 0n || registered === brokerEpoch;
  };

  private maybeAdvanceHighWatermark(leader: PartitionLeader): void {
    if (leader.maybeAdvanceHighWatermark(this.timing(), (id) => this.isEligible(id))) {
      this.deps.produceTrace?.highWatermark(leader.key, leader.log.highWatermark);
      if (debugTimeline.on) debugTimeline.event('leader.hw', { key: leader.key, hw: leader.log.highWatermark });
      this.deps.fetchPurgatory.notify(leader.key);
      this.deps.producePurgatory.notify(leader.key);
    }
  }

  /**
   * Proposes the ISR change the pure rule asks for, through the controller;
   * the ISR changes here only when the controller's answer (or the
   * metadata event for it) arrives. While it is in flight the HW already
   * waits for the union of old and new ISR.
   */
  private maybeProposeIsr(leader: PartitionLeader): void {
    // The controller cannot be reached, and whoever it fenced for the cut
    // would be proposed out on stale evidence.
    if (this.isCutOff()) return;
    const timing = this.timing();
    const change = leader.isrChangeToPropose(timing, this.isEligible);
    if (change === undefined) return;
    leader.pendingIsr = change.isr;
    const { topic, partition } = leader;
    // The controller logs the committed change (the one line per ISR change);
    // only the leader knows a follower went silent, so that one is said here.
    if (change.kind === 'shrink' && change.silent.length > 0) {
      this.deps.logger.info(
        `proposing to drop ${change.silent.join(',')} from the ISR of ${leader.key}: no fetch for over ${this.deps.config.brokerSessionTimeoutMs} ms while a write waited`,
        { topic: leader.topic, partition: leader.partition, leaderEpoch: leader.leaderEpoch, isr: leader.isr, proposed: change.isr },
      );
    }
    this.deps.logger.debug(`proposing ISR ${change.kind}`, {
      topic,
      partition,
      leaderEpoch: leader.leaderEpoch,
      isr: leader.isr,
      proposed: change.isr,
      ...(change.kind === 'shrink' ? { removed: change.removed } : { added: change.added }),
    });
    this.deps.metadata
      .alterPartition(topic, partition, { leaderEpoch: leader.leaderEpoch, partitionEpoch: leader.partitionEpoch, isr: change.isr })
      .then(
        (committed) => {
          this.isrFailures.delete(leader.key);
          if (committed.leaderEpoch === leader.leaderEpoch && committed.leaderId === this.selfId && !leader.deposed) {
            this.applyLeaderAssignment(leader, committed);
          }
        },
        (err: unknown) => {
          const failures = (this.isrFailures.get(leader.key) ?? 0) + 1;
          this.isrFailures.set(leader.key, failures);
          leader.isrRetryAtMs = this.leaderClock.monotonicMs() + backoffMs(failures - 1, ISR_RETRY_INITIAL_MS, ISR_RETRY_MAX_MS, Math.random);
          this.deps.logger.warn('ISR change rejected', {
            topic,
            partition,
            leaderEpoch: leader.leaderEpoch,
            proposed: change.isr,
            error: isGregorError(err) ? err.errorName : 'UNKNOWN_SERVER_ERROR',
            message: err instanceof Error ? err.message : String(err),
          });
          // Stale epochs mean metadata moved on: look at it again.
          void this.reconcile(topic, partition);
        },
      )
      .finally(() => {
        if (leader.pendingIsr === change.isr) leader.pendingIsr = undefined;
        this.maybeAdvanceHighWatermark(leader);
      });
  }

  /** A committed assignment of the current leader epoch (ISR or replicas changed). */
  private applyLeaderAssignment(leader: PartitionLeader, assignment: PartitionAssignment): void {
    const before = leader.isr;
    if (leader.applyAssignment(assignment, this.leaderClock.monotonicMs())) {
      this.deps.observer?.isrChanged?.(leader.topic, leader.partition, before, assignment.isr);
      // Debug only: the active controller's line is the authoritative one.
      this.deps.logger.debug('ISR changed', {
        topic: leader.topic,
        partition: leader.partition,
        leaderEpoch: leader.leaderEpoch,
        partitionEpoch: assignment.partitionEpoch,
        from: before,
        to: assignment.isr,
      });
    }
    this.maybeAdvanceHighWatermark(leader);
    this.deps.producePurgatory.notify(leader.key);
  }

  /**
   * Brings the ISR check forward to the first moment a shrink rule can hold
   * for this partition, if the timer is set for later: the timer is set at
   * each check for what waited then, and a write that started waiting
   * since (with no other follower fetching to run the check) would wait up
   * to the cadence (replica.lag.time.max.ms / 2) for it — longer than the
   * session after which a silent follower goes.
   */
  private checkIsrBy(leader: PartitionLeader): void {
    const timing = this.timing();
    const due = leader.isrShrinkDueAtMs(timing);
    if (due === undefined || due <= timing.nowMs || due >= this.tickAtMs) return;
    this.scheduleTick(nextIsrCheckDelayMs(timing.nowMs, [due], this.deps.config.replicaLagTimeMaxMs));
  }

  private scheduleTick(delayMs = nextIsrCheckDelayMs(0, [], this.deps.config.replicaLagTimeMaxMs)): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    // On the leader clock, as the due moments are (after a stall of this process the check only comes sooner).
    this.tickAtMs = this.leaderClock.monotonicMs() + delayMs;
    this.timer = setTimeout(() => {
      try {
        this.tick();
      } catch (err) {
        this.deps.logger.error('replica check failed', { err: err instanceof Error ? err.stack : String(err) });
      }
      // Kafka's cadence (replica.lag.time.max.ms / 2), or sooner when a shrink rule can first hold (a waiting write reaches the lag limit, a follower it waits for a session of silence).
      const timing = this.timing();
      const due = [...this.leaders.values()].map((l) => l.isrShrinkDueAtMs(timing));
      this.scheduleTick(nextIsrCheckDelayMs(timing.nowMs, due, this.deps.config.replicaLagTimeMaxMs));
    }, delayMs);
    this.timer.unref();
  }

  /** Shrinks ISRs of led partitions, and re-reads metadata in case an event was missed. */
  private tick(): void {
    for (const leader of this.leaders.values()) {
      this.maybeAdvanceHighWatermark(leader);
      this.maybeProposeIsr(leader);
    }
    for (const view of this.deps.metadata.topics()) {
      for (const a of view.partitions) {
        const key = tpKey(view.name, a.partition);
        // A partition with a change queued (a new topic's, waiting for its
        // slice) reads metadata when that runs; a second one would only take
        // another slot, for every partition, on every tick.
        if (!this.chains.has(key) && !this.matches(key, a)) void this.reconcile(view.name, a.partition);
      }
    }
  }

  /**
   * Lost: each led partition is given up unless a majority of its replicas
   * still fetch from this broker (`claims`; waiters of the ones given up —
   * acks=all produces, parked fetches — answer NOT_LEADER_OR_FOLLOWER now,
   * not at their timeout). Regained: every waiter re-checks and every
   * partition's role is read again from metadata, which is catching up with
   * what happened meanwhile.
   */
  private afterQuorumContactChange(cutOff: boolean): { steppedBack: number; kept: number } {
    let kept = 0;
    this.claimsChanged();
    if (cutOff) {
      for (const l of this.leaders.values()) if (!l.deposed && this.claims(l)) kept++;
      return { steppedBack: this.steppedBack.size, kept };
    }
    this.steppedBack.clear();
    for (const key of this.leaders.keys()) {
      this.deps.producePurgatory.notify(key);
      this.deps.fetchPurgatory.notify(key);
    }
    if (!this.stopped) void Promise.all(this.reconcileHosted());
    return { steppedBack: 0, kept: 0 };
  }

  /** Moves every partition metadata places on this broker to its role. */
  private reconcileHosted(): Promise<void>[] {
    const all: Promise<void>[] = [];
    for (const view of this.deps.metadata.topics()) {
      for (const a of view.partitions) if (a.replicas.includes(this.selfId)) all.push(this.reconcile(view.name, a.partition));
    }
    return all;
  }

  /** Whether the local role already is what `a` says. */
  private matches(key: string, a: PartitionAssignment): boolean {
    const hosted = a.replicas.includes(this.selfId);
    const leader = this.leaders.get(key);
    const following = this.following.get(key);
    if (!hosted) return leader === undefined && following === undefined;
    if (a.leaderId === this.selfId) return leader !== undefined && leader.leaderEpoch === a.leaderEpoch && leader.partitionEpoch >= a.partitionEpoch;
    if (a.leaderId < 0) return leader === undefined && following === undefined;
    return leader === undefined && following?.leaderId === a.leaderId && following.leaderEpoch === a.leaderEpoch;
  }

  // ---- role changes ---------------------------------------------------------

  private handleEvent(event: MetadataEvent): void {
    if (this.stopped) return;
    if (event.type === 'topic-created') {
      for (const a of event.topic.partitions) if (a.replicas.includes(this.selfId)) void this.reconcile(event.topic.name, a.partition);
    } else if (event.type === 'partition-changed') {
      for (const p of event.partitions) void this.reconcile(event.topic.name, p);
    } else if (event.type === 'topic-deleted') {
      const hosted = this.deps.partitions.openPartitionsOf(event.name);
      // One line per topic (a 2,000-partition topic used to log 2,000 here).
      if (hosted.length > 0) this.deps.logger.info('deleting the logs of a deleted topic', { topic: event.name, partitions: hosted.length });
      for (const p of hosted) void this.serially(tpKey(event.name, p), () => this.removeLog(event.name, p));
    }
  }

  /** Moves the partition to the role metadata gives it now (serialised per partition). */
  reconcile(topic: string, partition: number): Promise<void> {
    return this.serially(tpKey(topic, partition), () => this.reconcileNow(topic, partition));
  }

  private serially(key: string, op: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const run = previous.then(op).catch((err: unknown) => {
      this.deps.logger.error('partition role change failed', { partition: key, err: err instanceof Error ? err.stack : String(err) });
    });
    this.chains.set(key, run);
    void run.then(() => {
      if (this.chains.get(key) === run) this.chains.delete(key);
    });
    return run;
  }

  private async reconcileNow(topic: string, partition: number): Promise<void> {
    // Leaderships first (CreateTopics and each partition's followers wait for
    // them). Metadata is read again after the wait for a turn: it is the
    // assignment of now that counts.
    await this.slicer.pass(this.deps.metadata.topic(topic)?.partitions[partition]?.leaderId === this.selfId);
    if (this.stopped) return;
    const view = this.deps.metadata.topic(topic);
    const a = view?.partitions[partition];
    const key = tpKey(topic, partition);
    if (a === undefined || !a.replicas.includes(this.selfId)) {
      await this.becomeNone(topic, partition, 'not a replica');
      return;
    }
    if (a.leaderId === this.selfId) {
      const current = this.leaders.get(key);
      if (current !== undefined && current.leaderEpoch === a.leaderEpoch && !current.deposed) {
        this.applyLeaderAssignment(current, a);
        return;
      }
      await this.becomeLeader(topic, partition, a);
      return;
    }
    await this.endLeadership(key, a.leaderId);
    if (a.leaderId < 0) {
      await this.becomeNone(topic, partition, 'no leader');
      return;
    }
    await this.becomeFollower(topic, partition, a);
  }

  private async becomeLeader(topic: string, partition: number, a: PartitionAssignment): Promise<void> {
    const key = tpKey(topic, partition);
    const previous = this.leaders.get(key);
    if (previous !== undefined) await this.endLeadership(key, this.selfId);
    if (this.following.delete(key)) await this.deps.fetcher.removePartitions([{ topic, partition }]);
    const log = await this.deps.partitions.open(topic, partition);
    // Opens finish in batches (the store creates up to 256 logs per write): continue in slices.
    await this.slicer.pass(true);
    // Kafka assigns (epoch, log end) in the epoch cache here; storage does it
    // with the epoch's first batch, so the start offset is kept in memory
    // (PartitionLeader.endOffsetForEpoch answers as if it were cached).
    const leader = new PartitionLeader(topic, partition, this.selfId, log, a, log.logEndOffset, this.leaderClock.monotonicMs());
    this.leaders.set(key, leader);
    this.isrFailures.delete(key);
    this.deps.logger.debug('became leader', {
      topic,
      partition,
      leaderEpoch: a.leaderEpoch,
      partitionEpoch: a.partitionEpoch,
      isr: a.isr,
      epochStartOffset: log.logEndOffset.toString(),
      highWatermark: log.highWatermark.toString(),
    });
    this.maybeAdvanceHighWatermark(leader);
    // Fetches and produces parked on the partition re-check who leads it.
    this.deps.fetchPurgatory.notify(key);
  }

  private async becomeFollower(topic: string, partition: number, a: PartitionAssignment): Promise<void> {
    const key = tpKey(topic, partition);
    const current = this.following.get(key);
    if (current?.leaderId === a.leaderId && current.leaderEpoch === a.leaderEpoch) return;
    const log = await this.deps.partitions.open(topic, partition);
    await this.slicer.pass();
    await this.deps.fetcher.addPartitions([{ topic, partition, leaderId: a.leaderId, leaderEpoch: a.leaderEpoch, log }]);
    this.following.set(key, { leaderId: a.leaderId, leaderEpoch: a.leaderEpoch });
    this.deps.logger.debug('became follower', {
      topic,
      partition,
      leader: a.leaderId,
      leaderEpoch: a.leaderEpoch,
      logEndOffset: log.logEndOffset.toString(),
      highWatermark: log.highWatermark.toString(),
    });
  }

  /**
   * Ends this broker's leadership of `key`, if it has one; waits for its
   * appends. Returns whether it had one. Logged at debug, like the role
   * lines ("became leader", "became follower", "stopped leading"): the active controller's "partition t-0 leader 1 -> 2 …" is
   * the one info line per leadership change in the whole cluster (issue #6),
   * and every broker repeating it would make a failover harder to follow.
   */
  private async endLeadership(key: string, newLeader: number): Promise<boolean> {
    const leader = this.leaders.get(key);
    if (leader === undefined) return false;
    this.leaders.delete(key);
    this.isrFailures.delete(key);
    await leader.depose();
    this.deps.producePurgatory.notify(key);
    this.deps.fetchPurgatory.notify(key);
    this.deps.logger.debug('resigned leadership', {
      topic: leader.topic,
      partition: leader.partition,
      leaderEpoch: leader.leaderEpoch,
      newLeader,
      logEndOffset: leader.log.logEndOffset.toString(),
      highWatermark: leader.log.highWatermark.toString(),
    });
    return true;
  }

  private async becomeNone(topic: string, partition: number, why: string): Promise<void> {
    const key = tpKey(topic, partition);
    if (await this.endLeadership(key, -1)) this.deps.logger.debug('stopped leading', { topic, partition, why });
    if (this.following.delete(key)) {
      await this.deps.fetcher.removePartitions([{ topic, partition }]);
      this.deps.logger.debug('stopped following', { topic, partition, why });
    }
  }

  /** The topic was deleted: drop the role, then the log; parked requests re-read and see the error. */
  private async removeLog(topic: string, partition: number): Promise<void> {
    await this.becomeNone(topic, partition, 'topic deleted');
    await this.deps.partitions.delete(topic, partition);
    const key = tpKey(topic, partition);
    this.deps.fetchPurgatory.notify(key);
    this.deps.producePurgatory.notify(key);
  }
}
