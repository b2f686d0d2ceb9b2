import { assert, type GregorError } from '@gregor/common';
import type { ProducerBatch } from './accumulator';

/** Kafka's limit: brokers remember the last five batches per producer and partition. */
export const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;
const SEQUENCE_MODULUS = 0x8000_0000; // sequences wrap from 2^31 - 1 to 0
const MAX_PRODUCER_EPOCH = 0x7fff;

export interface ProducerIdentity {
  readonly producerId: bigint;
  readonly epoch: number;
}

interface PartitionSequences {
  nextSequence: number;
  /**
   * The batches from the oldest one whose outcome is open (in flight or
   * waiting to be retried) to the newest assigned, in order; `open` marks
   * those not yet acknowledged or failed. A new batch starts only while
   * this is shorter than the in-flight limit, so however the answers come
   * back (gRPC does not keep them in request order, Kafka's protocol does),
   * no more than four batches are written after an open one: it stays
   * among the five the leader remembers, and its retry is recognised.
   */
  window: { batch: ProducerBatch; open: boolean }[];
  /** A batch here failed for good: later sequences of this epoch can never follow it. */
  poisoned: boolean;
}

/** Errors that refuse a batch because of the producer's own state: they call for a new epoch. */
const PRODUCER_STATE_ERRORS: ReadonlySet<string> = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH', 'UNKNOWN_PRODUCER_ID', 'PRODUCER_FENCED']);

/**
 * The client half of KIP-98, pure bookkeeping (the Sender does the I/O):
 * the producer id and epoch, and per partition the next sequence and the
 * batches whose fate is open.
 *
 * Rules (Kafka's TransactionManager for an idempotent producer, simplified):
 * - a batch gets its sequence when first drained and keeps it, with the
 *   same bytes, on every retry;
 * - a partition starts a new batch only while fewer than the in-flight
 *   limit were assigned since its oldest unresolved one, and a retry is
 *   sent only when it is the oldest unresolved batch of its partition, so
 *   the broker sees sequences in order and an out-of-order answer for a
 *   later batch just means "retry after the earlier one";
 * - OUT_OF_ORDER_SEQUENCE_NUMBER (or UNKNOWN_PRODUCER_ID) for the oldest
 *   unresolved batch is a real gap (the broker lost or never had what came
 *   before, e.g. it forgot a producer silent for producer.id.expiration.ms):
 *   that batch fails;
 * - when a sequenced batch fails for good the sequence of its partition is
 *   broken, so the producer stops starting batches anywhere, lets every
 *   unresolved batch finish, then bumps its epoch locally (KIP-360; a new
 *   producer id once the epoch would overflow) and restarts all sequences
 *   at 0. Batches are never re-stamped: a batch that may be in the log
 *   keeps its sequence forever, so it can never be written twice.
 *   Exception: a batch the broker refused outright (MESSAGE_TOO_LARGE…)
 *   that is its partition's newest just gives its sequence back.
 */
export class IdempotenceState {
  private identity: ProducerIdentity | undefined;
  private readonly partitions = new Map<string, PartitionSequences>();
  private bumpPending = false;
  private unresolvedCount = 0;
  private order = 0;

  /**
   * `bumpLocally`: an idempotent producer bumps its own epoch after a broken
   * sequence; a transactional one must not (the coordinator owns its epoch):
   * it reports `bumpNeeded` and gets the new epoch from InitProducerId once
   * the transaction is aborted (KIP-360).
   */
  constructor(
    readonly maxInFlightPerPartition: number,
    private readonly bumpLocally = true,
  ) {
    assert(maxInFlightPerPartition >= 1 && maxInFlightPerPartition <= MAX_IN_FLIGHT_FOR_IDEMPOTENCE, `idempotent in-flight limit ${maxInFlightPerPartition}`);
  }

  get producer(): ProducerIdentity | undefined {
    return this.identity;
  }

  /** No producer id yet (or the epoch ran out): InitProducerId is needed before new batches go. */
  get needsProducerId(): boolean {
    return this.identity === undefined;
  }

  /** A sequence broke in this epoch: new batches wait for a new epoch (transactional: from the coordinator). */
  get bumpNeeded(): boolean {
    return this.bumpPending;
  }

  /** Batches with a sequence and an open outcome, over all partitions. */
  get unresolved(): number {
    return this.unresolvedCount;
  }

  setProducer(identity: ProducerIdentity): void {
    assert(this.unresolvedCount === 0, 'a new producer id while batches of the old one are unresolved');
    this.identity = identity;
    this.partitions.clear();
    this.bumpPending = false;
  }

  /** May `head`, the first queued batch of its partition, be sent now? */
  canSendHead(head: ProducerBatch): boolean {
    if (head.sequenceOrder >= 0) return this.partitions.get(head.key)?.window[0]?.batch === head;
    if (this.identity === undefined || this.bumpPending) return false;
    return (this.partitions.get(head.key)?.window.length ?? 0) < this.maxInFlightPerPartition;
  }

  /** Stamps a batch being drained for the first time (canSendHead said yes). */
  assign(batch: ProducerBatch): void {
    assert(this.identity !== undefined && batch.sequenceOrder < 0, 'sequence assigned twice or without a producer id');
    let p = this.partitions.get(batch.key);
    if (p === undefined) this.partitions.set(batch.key, (p = { nextSequence: 0, window: [], poisoned: false }));
    batch.producerId = this.identity.producerId;
    batch.producerEpoch = this.identity.epoch;
    batch.baseSequence = p.nextSequence;
    batch.sequenceOrder = this.order++;
    p.nextSequence = (p.nextSequence + batch.records.length) % SEQUENCE_MODULUS;
    p.window.push({ batch, open: true });
    this.unresolvedCount++;
  }

  /** The broker acknowledged the batch (appended, or a duplicate of its earlier attempt). */
  acknowledged(batch: ProducerBatch): void {
    this.resolve(batch);
  }

  /**
   * Whether a sequenced batch that failed with `error` may be retried, as
   * far as sequences go (the caller also applies delivery timeout and retry
   * count). Out of order is retriable unless the batch is the oldest
   * unresolved of a partition whose sequence is intact: then it is a gap.
   */
  mayRetry(batch: ProducerBatch, error: GregorError): boolean {
    const p = this.partitions.get(batch.key);
    if (p === undefined || !p.window.some((w) => w.batch === batch && w.open)) return false;
    // Behind an unresolved batch, both mean "not yet": the leader has not got the one before.
    if (error.errorName === 'OUT_OF_ORDER_SEQUENCE_NUMBER' || error.errorName === 'UNKNOWN_PRODUCER_ID') return !p.poisoned && p.window[0]!.batch !== batch;
    if (PRODUCER_STATE_ERRORS.has(error.errorName)) return false;
    return error.retriable;
  }

  /**
   * A sequenced batch failed for good. `refusedByBroker`: the leader
   * answered with a non-retriable error, so it was not written.
   */
  failed(batch: ProducerBatch, error: GregorError | undefined, refusedByBroker: boolean): void {
    const p = this.partitions.get(batch.key);
    if (p === undefined || !this.resolve(batch)) return;
    const givesBack =
      refusedByBroker &&
      error !== undefined &&
      !PRODUCER_STATE_ERRORS.has(error.errorName) &&
      !p.poisoned &&
      p.window.length === 0 &&
      (batch.baseSequence + batch.records.length) % SEQUENCE_MODULUS === p.nextSequence;
    if (givesBack) {
      p.nextSequence = batch.baseSequence;
      return;
    }
    p.poisoned = true;
    this.bumpPending = true;
  }

  /**
   * Called by the Sender before it drains: once a bump is pending and no
   * batch is unresolved, moves to the next epoch with fresh sequences (or
   * to "needs a producer id" when the epoch is exhausted). Returns what it did.
   */
  maybeBumpEpoch(): 'bumped' | 'needs-producer-id' | undefined {
    if (!this.bumpPending || this.unresolvedCount > 0 || this.identity === undefined || !this.bumpLocally) return undefined;
    this.bumpPending = false;
    this.partitions.clear();
    if (this.identity.epoch >= MAX_PRODUCER_EPOCH) {
      this.identity = undefined;
      return 'needs-producer-id';
    }
    this.identity = { producerId: this.identity.producerId, epoch: this.identity.epoch + 1 };
    return 'bumped';
  }

  private resolve(batch: ProducerBatch): boolean {
    const p = this.partitions.get(batch.key);
    const entry = p?.window.find((w) => w.batch === batch && w.open);
    if (entry === undefined) return false;
    entry.open = false;
    while (p!.window.length > 0 && !p!.window[0]!.open) p!.window.shift();
    this.unresolvedCount--;
    return true;
  }
}
