import { assert, type GregorError } from '@gregor/common';
import type { RecordMetadata, RecordOutcome } from '../types';

/**
 * What a delivery's promise resolves to: `single` the record's metadata
 * (send(record)), `all` every record's metadata in send order and rejects
 * on the first failure (send({ topic, messages })), `each` every record's
 * metadata or error in send order and never rejects (sendEach).
 */
export type DeliveryMode = 'single' | 'all' | 'each';

/**
 * The outcome of one `send` call, however many records it carries: one
 * promise per call instead of a promise, two closures and a Promise.all per
 * record (which was a large part of the producer's CPU, mostly as GC). Each
 * PendingRecord points at its delivery and its index in the call, and the
 * sender reports every record's outcome here.
 *
 * The promise resolves once every record is acknowledged (a single record's
 * metadata, or the call's metadata in send order) and rejects with the
 * first failure; in `each` mode it resolves once every record has settled,
 * with each record's metadata or error. Records still settle one by one after a failure (they are
 * in batches with other calls' records): their outcomes are ignored, and
 * `onSettled` runs once the last one is done with, which is what flush()
 * waits for.
 *
 * Per-call facts live here rather than on every record: the topic, the
 * maxBlockMs deadline and the flush epoch.
 */
export class Delivery {
  readonly promise: Promise<RecordMetadata | RecordMetadata[] | RecordOutcome[]>;
  private resolve!: (value: RecordMetadata | RecordMetadata[] | RecordOutcome[]) => void;
  private reject!: (err: GregorError) => void;
  /** Outcomes by index for a call of several records; dropped on failure in `all` mode (nobody will read it). */
  private results: RecordOutcome[] | undefined;
  /** Records not yet acknowledged or failed. */
  private unsettled: number;
  private failed = false;

  constructor(
    readonly topic: string,
    recordCount: number,
    readonly mode: DeliveryMode,
    /** Monotonic ms until which the records may wait for metadata or memory (maxBlockMs). */
    readonly deadlineMs: number,
    /** The producer's flush epoch at `send`: flush() waits for deliveries of earlier epochs. */
    readonly epoch: number,
    /** Every record has settled (the promise has, since the first failure or the last ack). */
    private readonly onSettled: (delivery: Delivery) => void,
  ) {
    assert(recordCount > 0 && (mode !== 'single' || recordCount === 1), 'a delivery has one record, or several for a batch send');
    this.unsettled = recordCount;
    this.results = mode === 'single' ? undefined : new Array<RecordOutcome>(recordCount);
    this.promise = new Promise<RecordMetadata | RecordMetadata[] | RecordOutcome[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Record `index` of the call was acknowledged. */
  ack(index: number, meta: RecordMetadata): void {
    if (!this.failed) {
      if (this.mode === 'single') this.resolve(meta);
      else this.results![index] = meta;
    }
    this.settleOne();
  }

  /** Record `index` of the call failed for good: the call rejects with the first such error (`each`: it is that record's outcome). */
  fail(err: GregorError, index: number): void {
    if (this.mode === 'each') this.results![index] = err;
    else if (!this.failed) {
      this.failed = true;
      this.results = undefined;
      this.reject(err);
    }
    this.settleOne();
  }

  private settleOne(): void {
    // Invariant: each record settles exactly once (the sender completes or fails every batch once).
    // (A constant message: this runs once per record.)
    assert(this.unsettled > 0, 'a record of a send settled twice');
    if (--this.unsettled > 0) return;
    if (!this.failed && this.results !== undefined) {
      this.resolve(this.results);
      this.results = undefined;
    }
    this.onSettled(this);
  }
}
