import type { Consumer, OffsetAndMetadata } from '@gregor/client';
import { isGregorError } from '@gregor/common';
import type { RecordCollector } from '../processor/record-collector';
import type { ProducerCollector } from './producer-collector';

/**
 * How outputs, changelog writes and consumed offsets become durable
 * together. The processing loop only sees this interface, so
 * exactly_once_v2 slots in as a second implementation: a transactional
 * producer as the collector, `commit` = sendOffsetsToTransaction +
 * commitTransaction, and a new transaction begun after it (#14).
 */
export interface CommitPath {
  readonly collector: RecordCollector;
  /** Outputs sent so far waiting to be acknowledged (the loop bounds them). */
  readonly pendingCount: number;
  /** Hands outputs buffered by the collector to the producer (after each poll's records). */
  dispatch(): void;
  /** Back-pressure: waits until fewer than half of `maxInFlight` output records are unacknowledged. */
  awaitCapacity(maxInFlight: number): Promise<void>;
  /** Makes everything sent so far and the consumed offsets durable, in that order. */
  commit(offsets: readonly OffsetAndMetadata[]): Promise<void>;
}

/**
 * at_least_once (Kafka's default): offsets are committed only after every
 * output and changelog write before them was acknowledged, so a crash
 * replays from the last commit — duplicates are possible, loss is not.
 */
export class AtLeastOnceCommitPath implements CommitPath {
  constructor(
    readonly collector: ProducerCollector,
    private readonly consumer: Consumer,
  ) {}

  get pendingCount(): number {
    return this.collector.pendingCount;
  }

  dispatch(): void {
    this.collector.dispatch();
  }

  awaitCapacity(maxInFlight: number): Promise<void> {
    return this.collector.awaitCapacity(maxInFlight);
  }

  async commit(offsets: readonly OffsetAndMetadata[]): Promise<void> {
    await this.collector.awaitAcks();
    if (offsets.length > 0) await this.consumer.commit(offsets);
  }
}

/**
 * The group refused the offset commit because this member's generation is
 * over (Kafka's CommitFailedException): a rebalance moved or is moving the
 * partitions. Not fatal — the outputs are written, the next owner resumes
 * from the previous commit, so some records are processed twice
 * (at_least_once) — and the member rejoins at its next poll.
 */
export function isCommitConflict(err: unknown): boolean {
  return isGregorError(err) && ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID'].includes(err.errorName);
}
