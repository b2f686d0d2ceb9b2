import { assert, tpKey } from '@gregor/common';
import { leaderEndOffsetForEpoch, type EpochEndOffset } from '@gregor/replication-fetcher';
import type { PartitionAssignment } from '../metadata-source';
import type { PartitionLogPort } from '../storage-port';
import { initialFollowerState, lowWatermark, recordFetch, type FollowerState } from './follower-state';
import { computeHighWatermark } from './high-watermark';
import { decideIsrChange, isrShrinkDueAtMs, type IsrChange, type IsrInput } from './isr-decision';

export interface LeaderTiming {
  /** The leader's stall-free monotonic time (stall-free-clock.ts). */
  nowMs: number;
  replicaLagTimeMaxMs: number;
  /** `broker.session.timeout.ms`: how long an ISR follower may be silent while a write waits (isr-decision.ts). */
  followerSilenceMaxMs: number;
}

/**
 * This broker's leadership of one partition in one leader epoch: the
 * replica state its followers' fetches report, the committed ISR and
 * partition epoch, and an AlterPartition in flight. A new object per
 * leader epoch; once `deposed` it accepts no appends, and waiters holding
 * it see that leadership moved.
 *
 * Decisions (high watermark, ISR change) are the pure functions in
 * high-watermark.ts and isr-decision.ts; this class only feeds them and
 * remembers the results. The ReplicaManager does the I/O.
 */
export class PartitionLeader {
  readonly key: string;
  private assignment: PartitionAssignment;
  private readonly followers = new Map<number, FollowerState>();
  /** The ISR of an AlterPartition in flight; only one at a time (KIP-497). */
  pendingIsr: readonly number[] | undefined;
  /** No new ISR proposal before this (monotonic ms), after a rejected one. */
  isrRetryAtMs = 0;
  deposed = false;
  private readonly appends = new Set<Promise<unknown>>();
  /** Since when the log end has been above the high watermark (the ISR lag clock, isr-decision.ts); undefined while it is not. */
  private uncommittedSinceMs: number | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly selfId: number,
    readonly log: PartitionLogPort,
    assignment: PartitionAssignment,
    /** Log end offset when leadership in this epoch began (recorded before any append in it). */
    readonly leaderEpochStartOffset: bigint,
    nowMs: number,
  ) {
    assert(assignment.leaderId === selfId, `leader state for ${topic}-${partition} built on a broker that does not lead it`);
    this.key = tpKey(topic, partition);
    this.assignment = assignment;
    for (const id of assignment.replicas) {
      if (id !== selfId) this.followers.set(id, initialFollowerState(assignment.isr.includes(id), nowMs, log.logEndOffset));
    }
    this.noteUncommitted(nowMs);
  }

  /**
   * Starts or stops the lag clock. Called wherever the log end or the high
   * watermark may have moved (every HW check follows each append and each
   * follower fetch), so the start is the first append above the HW.
   */
  private noteUncommitted(nowMs: number): void {
    if (this.log.logEndOffset > this.log.highWatermark) this.uncommittedSinceMs ??= nowMs;
    else this.uncommittedSinceMs = undefined;
  }

  get leaderEpoch(): number {
    return this.assignment.leaderEpoch;
  }

  get partitionEpoch(): number {
    return this.assignment.partitionEpoch;
  }

  /** The committed ISR (what min.insync.replicas counts). */
  get isr(): readonly number[] {
    return this.assignment.isr;
  }

  get replicas(): readonly number[] {
    return this.assignment.replicas;
  }

  /** Committed ISR plus the members of a proposal in flight: what the HW must wait for. */
  maximalIsr(): readonly number[] {
    if (this.pendingIsr === undefined) return this.assignment.isr;
    return [...new Set([...this.assignment.isr, ...this.pendingIsr])];
  }

  follower(id: number): FollowerState | undefined {
    return this.followers.get(id);
  }

  /**
   * Takes a newer committed assignment of the same leader epoch (an ISR or
   * replica change). Returns whether the ISR changed.
   */
  applyAssignment(next: PartitionAssignment, nowMs: number): boolean {
    assert(next.leaderEpoch === this.leaderEpoch && next.leaderId === this.selfId, `assignment of another leader epoch applied to ${this.key}`);
    if (next.partitionEpoch <= this.assignment.partitionEpoch) return false;
    const isrChanged = next.isr.length !== this.isr.length || next.isr.some((id, i) => this.isr[i] !== id);
    for (const id of next.replicas) {
      if (id !== this.selfId && !this.followers.has(id)) this.followers.set(id, initialFollowerState(false, nowMs, this.log.logEndOffset));
    }
    for (const id of [...this.followers.keys()]) if (!next.replicas.includes(id)) this.followers.delete(id);
    this.assignment = next;
    return isrChanged;
  }

  /**
   * The OffsetsForLeaderEpoch answer, counting the current epoch from its
   * start offset. The current epoch ends at the assigned end: followers may
   * fetch batches still being written here (readForFollower), and a fetch
   * past the written end must not look like a divergence.
   */
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    if (epoch === this.leaderEpoch) return { epoch, endOffset: this.log.assignedEndOffset };
    return leaderEndOffsetForEpoch(epoch, {
      logEndOffsetForEpoch: (e) => this.log.endOffsetForEpoch(e),
      logLatestEpoch: this.log.latestEpoch(),
      currentLeaderEpoch: this.leaderEpoch,
      leaderEpochStartOffset: this.leaderEpochStartOffset,
    });
  }

  /** How many followers have fetched at or after `sinceMs` (monotonic). */
  followersFetchedSince(sinceMs: number): number {
    let n = 0;
    for (const f of this.followers.values()) if (f.lastFetchTimeMs >= sinceMs) n++;
    return n;
  }

  /**
   * A follower fetched at `fetchOffset` (already checked: no divergence, in
   * range), reporting its log start. Returns whether that log start moved.
   */
  recordFollowerFetch(replicaId: number, fetchOffset: bigint, logStartOffset: bigint, brokerEpoch: bigint, nowMs: number): boolean {
    const state = this.followers.get(replicaId);
    if (state === undefined) return false;
    this.followers.set(replicaId, recordFetch(state, fetchOffset, this.log.logEndOffset, nowMs, brokerEpoch, logStartOffset));
    return logStartOffset !== state.logStartOffset;
  }

  /** The smallest log start offset among this leader and its followers on live brokers (DeleteRecords' answer). */
  lowWatermark(isLive: (id: number) => boolean): bigint {
    return lowWatermark(this.log.logStartOffset, this.followers, isLive);
  }

  /** Sets the high watermark if it advanced; returns whether it did. */
  maybeAdvanceHighWatermark(timing: LeaderTiming, isEligible: (id: number) => boolean): boolean {
    if (this.deposed) return false;
    try {
      return this.advanceHighWatermark(timing, isEligible);
    } finally {
      this.noteUncommitted(timing.nowMs);
    }
  }

  private advanceHighWatermark(timing: LeaderTiming, isEligible: (id: number) => boolean): boolean {
    const current = this.log.highWatermark;
    const next = computeHighWatermark({
      selfId: this.selfId,
      replicas: this.replicas,
      maximalIsr: this.maximalIsr(),
      followers: this.followers,
      isEligible,
      leaderLogEndOffset: this.log.logEndOffset,
      currentHighWatermark: current,
      leaderEpochStartOffset: this.leaderEpochStartOffset,
      nowMs: timing.nowMs,
      replicaLagTimeMaxMs: timing.replicaLagTimeMaxMs,
      followerSilenceMaxMs: timing.followerSilenceMaxMs,
    });
    if (next <= current) return false;
    this.log.setHighWatermark(next);
    return true;
  }

  /** The ISR change to propose now, if any (none while one is in flight or backing off). */
  isrChangeToPropose(timing: LeaderTiming, isEligible: (id: number, brokerEpoch: bigint) => boolean): IsrChange | undefined {
    if (this.deposed || this.pendingIsr !== undefined || timing.nowMs < this.isrRetryAtMs) return undefined;
    return decideIsrChange(this.isrInput(timing, isEligible));
  }

  /** When a shrink rule can first hold for this partition if nobody fetches (the ISR check's timer); undefined while nothing waits. */
  isrShrinkDueAtMs(timing: LeaderTiming): number | undefined {
    if (this.deposed) return undefined;
    return isrShrinkDueAtMs(this.isrInput(timing, () => true));
  }

  private isrInput(timing: LeaderTiming, isEligible: (id: number, brokerEpoch: bigint) => boolean): IsrInput {
    this.noteUncommitted(timing.nowMs);
    return {
      selfId: this.selfId,
      replicas: this.replicas,
      isr: this.isr,
      followers: this.followers,
      isEligible,
      leaderLogEndOffset: this.log.logEndOffset,
      highWatermark: this.log.highWatermark,
      leaderEpochStartOffset: this.leaderEpochStartOffset,
      uncommittedSinceMs: this.uncommittedSinceMs,
      nowMs: timing.nowMs,
      replicaLagTimeMaxMs: timing.replicaLagTimeMaxMs,
      followerSilenceMaxMs: timing.followerSilenceMaxMs,
    };
  }

  /**
   * Registers a leader append in flight. The caller checks `deposed` in the
   * same synchronous step as it starts the append, so that a broker stepping
   * down can wait for every append of its leadership before it hands the
   * log to the follower fetcher.
   */
  trackAppend(append: Promise<unknown>): void {
    assert(!this.deposed, `append to ${this.key} after leadership ended`);
    this.appends.add(append);
    const forget = (): void => {
      this.appends.delete(append);
    };
    append.then(forget, forget);
  }

  /** Ends this leadership: no new appends; resolves when the started ones are done. */
  async depose(): Promise<void> {
    this.deposed = true;
    await Promise.allSettled([...this.appends]);
  }
}
