import type { Consumer, OffsetAndMetadata, Producer } from '@gregor/client';
import { GregorError, isGregorError, tpKey, type Logger } from '@gregor/common';
import type { RecordCollector } from '../processor/record-collector';
import type { ProducerCollector } from './producer-collector';

/**
 * How outputs, changelog writes and consumed offsets become durable
 * together. The processing loop only sees this interface:
 * AtLeastOnceCommitPath (acknowledgements, then the offset commit) and
 * ExactlyOnceCommitPath (one transaction per commit).
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
  /** Drops what was sent since the last commit, where that is possible (a transaction); best effort. */
  abort(): Promise<void>;
}

/** What both commit paths do the same way: the collector's count, dispatch and back-pressure. */
abstract class CollectorCommitPath implements CommitPath {
  constructor(readonly collector: ProducerCollector) {}

  get pendingCount(): number {
    return this.collector.pendingCount;
  }

  dispatch(): void {
    this.collector.dispatch();
  }

  awaitCapacity(maxInFlight: number): Promise<void> {
    return this.collector.awaitCapacity(maxInFlight);
  }

  abstract commit(offsets: readonly OffsetAndMetadata[]): Promise<void>;
  abstract abort(): Promise<void>;
}

/**
 * at_least_once (Kafka's default): offsets are committed only after every
 * output and changelog write before them was acknowledged, so a crash
 * replays from the last commit — duplicates are possible, loss is not.
 */
export class AtLeastOnceCommitPath extends CollectorCommitPath {
  constructor(
    collector: ProducerCollector,
    private readonly consumer: Consumer,
  ) {
    super(collector);
  }

  async commit(offsets: readonly OffsetAndMetadata[]): Promise<void> {
    await this.collector.awaitAcks();
    if (offsets.length > 0) await this.consumer.commit(offsets);
  }

  /** Records already sent cannot be taken back: the next owner replays from the last commit. */
  async abort(): Promise<void> {}
}

/**
 * exactly_once_v2 (KIP-447): one transactional producer per instance.
 * A transaction begins before the first record after a commit is handed to
 * the producer; `commit` waits for the sends, adds the consumed offsets
 * with the group's metadata (so a member whose generation is over is
 * refused) and commits — outputs, changelog writes and offsets become
 * visible to read_committed readers together, or not at all. A failure
 * aborts the transaction and is rethrown: the caller must then throw away
 * the tasks' state (it includes the aborted writes) and resume from the
 * last commit.
 */
export class ExactlyOnceCommitPath extends CollectorCommitPath {
  private inTransaction = false;
  /** Offsets committed by the last transaction: an idle commit (nothing new) starts none. */
  private readonly committed = new Map<string, bigint>();

  constructor(
    collector: ProducerCollector,
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly logger: Logger,
  ) {
    super(collector);
    // Also reached from send() when a topic's buffer fills, not only from dispatch().
    collector.beforeDispatch = () => this.begin();
  }

  async commit(offsets: readonly OffsetAndMetadata[]): Promise<void> {
    const moved = offsets.filter((o) => this.committed.get(tpKey(o.topic, o.partition)) !== o.offset);
    if (!this.inTransaction && moved.length === 0 && this.collector.pendingCount === 0) return;
    this.begin();
    try {
      await this.collector.awaitAcks();
      if (moved.length > 0) {
        const group = this.consumer.groupMetadata();
        if (group === undefined) throw new GregorError('UNKNOWN_MEMBER_ID', 'cannot commit offsets in a transaction: the consumer is not a group member');
        await this.producer.sendOffsetsToTransaction(moved, group);
      }
      await this.producer.commitTransaction();
      this.inTransaction = false;
      for (const o of moved) this.committed.set(tpKey(o.topic, o.partition), o.offset);
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    // The committed offsets may have changed hands too (a rebalance): ask again after this.
    this.committed.clear();
    try {
      await this.producer.abortTransaction();
      this.logger.warn('transaction aborted: outputs, changelog writes and offsets since the last commit are discarded');
    } catch (err) {
      // Fenced: the coordinator aborts it (the newer producer's initTransactions, or the timeout).
      this.logger.warn('aborting the transaction failed; it is left to the coordinator', { error: (err as Error).message });
    }
  }

  private begin(): void {
    if (this.inTransaction) return;
    this.producer.beginTransaction();
    this.inTransaction = true;
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
