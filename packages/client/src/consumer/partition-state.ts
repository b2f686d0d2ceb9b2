import { GregorError, tpKey, type TopicPartition } from '@gregor/common';
import type { AutoOffsetReset, OffsetSpec } from '../types';

/** A position still to be looked up with ListOffsets. */
export type ResetTarget = 'earliest' | 'latest' | { timestamp: bigint };

/**
 * What the consumer knows about one assigned partition. Two positions:
 * `position` is the next offset handed to the application, `fetchOffset`
 * the next offset to ask the broker for; prefetching keeps the second ahead.
 */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  position: bigint | undefined;
  fetchOffset: bigint | undefined;
  /** Pending lookup; while set, the partition is not fetched. */
  reset: ResetTarget | undefined;
  /**
   * A group member's new partition waiting for its committed offset
   * (OffsetFetch); not fetched until it is sought or reset.
   */
  awaitingCommitted: boolean;
  /** Bumped by every seek: answers to requests sent before it are stale. */
  epoch: number;
  /** The id of the fetch or lookup in flight for this partition, if any. */
  fetchRequestId: number | undefined;
  resolveRequestId: number | undefined;
  paused: boolean;
  /** Bytes fetched for this partition that the application has not consumed yet. */
  bufferedBytes: number;
  highWatermark: bigint | undefined;
  logStartOffset: bigint | undefined;
  /** Monotonic ms before which it is not fetched again (backoff after retriable errors). */
  retryAtMs: number;
  failedAttempts: number;
  /** A non-retriable error: thrown to the application until it seeks or reassigns. */
  error: GregorError | undefined;
}

/**
 * The assigned partitions and their positions. Pure: no I/O, no timers.
 */
export class Subscriptions {
  private readonly states = new Map<string, PartitionState>();

  constructor(private readonly autoOffsetReset: AutoOffsetReset) {}

  /**
   * Replaces the assignment; kept partitions keep their positions. New ones
   * start per autoOffsetReset, or, with `awaitCommitted`, wait for the
   * group's committed offset. Returns removed keys.
   */
  assign(tps: readonly TopicPartition[], awaitCommitted = false): string[] {
    const wanted = new Map(tps.map((tp) => [tpKey(tp.topic, tp.partition), tp]));
    const removed: string[] = [];
    for (const [key, state] of this.states) {
      if (!wanted.has(key)) {
        // Fetches in flight and buffered chunks of it become stale.
        state.epoch++;
        this.states.delete(key);
        removed.push(key);
      }
    }
    for (const [key, tp] of wanted) {
      if (this.states.has(key)) continue;
      const state: PartitionState = {
        topic: tp.topic,
        partition: tp.partition,
        key,
        position: undefined,
        fetchOffset: undefined,
        reset: undefined,
        awaitingCommitted: awaitCommitted,
        epoch: 0,
        fetchRequestId: undefined,
        resolveRequestId: undefined,
        paused: false,
        bufferedBytes: 0,
        highWatermark: undefined,
        logStartOffset: undefined,
        retryAtMs: 0,
        failedAttempts: 0,
        error: undefined,
      };
      if (!awaitCommitted) this.applyAutoReset(state, undefined);
      this.states.set(key, state);
    }
    return removed;
  }

  get(key: string): PartitionState | undefined {
    return this.states.get(key);
  }

  /** The state of an assigned partition; INVALID_REQUEST when it is not assigned. */
  require(tp: TopicPartition): PartitionState {
    const state = this.states.get(tpKey(tp.topic, tp.partition));
    if (state === undefined) {
      throw new GregorError('INVALID_REQUEST', `partition ${tp.topic}-${tp.partition} is not assigned to this consumer`, { topic: tp.topic, partition: tp.partition });
    }
    return state;
  }

  all(): PartitionState[] {
    return [...this.states.values()];
  }

  /** Moves a partition; what was fetched for it before is discarded (epoch bump). */
  seek(state: PartitionState, spec: OffsetSpec): void {
    state.epoch++;
    state.awaitingCommitted = false;
    state.fetchRequestId = undefined;
    state.resolveRequestId = undefined;
    state.bufferedBytes = 0;
    state.error = undefined;
    state.failedAttempts = 0;
    state.retryAtMs = 0;
    if (typeof spec === 'bigint') {
      if (spec < 0n) throw new GregorError('OFFSET_OUT_OF_RANGE', `cannot seek ${state.key} to negative offset ${spec}`, { topic: state.topic, partition: state.partition });
      state.position = spec;
      state.fetchOffset = spec;
      state.reset = undefined;
    } else {
      state.position = undefined;
      state.fetchOffset = undefined;
      state.reset = spec;
    }
  }

  /**
   * No valid position (new partition, or OFFSET_OUT_OF_RANGE): apply
   * autoOffsetReset, or record an error when it is 'none'.
   */
  applyAutoReset(state: PartitionState, cause: GregorError | undefined): void {
    state.awaitingCommitted = false;
    if (this.autoOffsetReset === 'none') {
      state.error =
        cause ??
        new GregorError('OFFSET_OUT_OF_RANGE', `no position for ${state.key} and autoOffsetReset is "none": seek first`, {
          topic: state.topic,
          partition: state.partition,
        });
      return;
    }
    if (state.position !== undefined || state.fetchOffset !== undefined) state.epoch++;
    state.position = undefined;
    state.fetchOffset = undefined;
    state.bufferedBytes = 0;
    state.reset = this.autoOffsetReset;
  }

  /** Partitions whose position must be looked up now. */
  needingLookup(nowMs: number): PartitionState[] {
    return this.all().filter((s) => s.reset !== undefined && !s.awaitingCommitted && s.resolveRequestId === undefined && s.error === undefined && nowMs >= s.retryAtMs);
  }

  /** Partitions to include in the next fetch: positioned, not paused, not backing off, buffer below the bound. */
  fetchable(nowMs: number, maxBufferedBytes: number): PartitionState[] {
    return this.all().filter(
      (s) =>
        s.fetchOffset !== undefined &&
        s.reset === undefined &&
        !s.awaitingCommitted &&
        s.error === undefined &&
        !s.paused &&
        s.fetchRequestId === undefined &&
        nowMs >= s.retryAtMs &&
        s.bufferedBytes < maxBufferedBytes,
    );
  }

  /** Earliest future retryAtMs among partitions waiting out a backoff, or Infinity. */
  nextRetryMs(nowMs: number): number {
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.states.values()) if (s.retryAtMs > nowMs) min = Math.min(min, s.retryAtMs);
    return min;
  }

  /** Partitions waiting for their committed offset. */
  awaitingCommitted(): PartitionState[] {
    return this.all().filter((s) => s.awaitingCommitted);
  }

  firstError(): GregorError | undefined {
    for (const s of this.states.values()) if (s.error !== undefined) return s.error;
    return undefined;
  }
}
