import type { Message, Producer, RecordMetadata } from '@gregor/client';
import type { Logger } from '@gregor/common';
import { tpKey, toGregorError, type GregorError } from '@gregor/common';
import type { OutgoingRecord, RecordCollector } from '../processor/record-collector';

/** Records buffered per topic before they go to the producer as one call (one promise, not one per record). */
const DISPATCH_RECORDS = 1000;

/**
 * Hands task output to the SDK producer without waiting (processing is
 * synchronous) and keeps what a commit needs: the first failure, and the
 * last acknowledged offset of every changelog partition (for checkpoints).
 * Records are buffered per topic and sent as one multi-record `send` per
 * topic when `dispatch` is called (after each poll's records) or a topic
 * holds DISPATCH_RECORDS — a promise per record cost more than the rest
 * of a stateless pipeline. `awaitAcks` is the barrier the commit path
 * waits on: every record sent before it is acknowledged, or the first
 * error is thrown.
 */
export class ProducerCollector implements RecordCollector {
  private buffered = new Map<string, Message[]>();
  private pending: Promise<unknown>[] = [];
  private inFlightRecords = 0;
  private firstError: GregorError | undefined;
  /** "topic-partition" → next offset after the last acknowledged write. */
  readonly ackedEndOffsets = new Map<string, bigint>();

  /** Output records dropped by the production handler (logAndContinue). */
  droppedRecords = 0;
  /** Called before records go to the producer (exactly_once_v2 begins its transaction there). */
  beforeDispatch: (() => void) | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly isChangelog: (topic: string) => boolean,
    /**
     * A record the producer failed for good (MESSAGE_TOO_LARGE, …): 'fail'
     * stops the application; 'logAndContinue' logs, counts and drops it.
     * A changelog record always fails: a store must never diverge from it.
     */
    private readonly onProductionError: 'fail' | 'logAndContinue' = 'fail',
    private readonly logger?: Logger,
  ) {}

  /** Records handed to the producer and not yet acknowledged, plus those buffered. */
  get pendingCount(): number {
    let n = this.inFlightRecords;
    for (const list of this.buffered.values()) n += list.length;
    return n;
  }

  send(r: OutgoingRecord): void {
    if (this.firstError !== undefined) throw this.firstError;
    let list = this.buffered.get(r.topic);
    if (list === undefined) this.buffered.set(r.topic, (list = []));
    list.push({
      ...(r.partition === undefined ? {} : { partition: r.partition }),
      key: r.key,
      value: r.value,
      timestamp: BigInt(r.timestamp),
      headers: r.headers,
    });
    if (list.length >= DISPATCH_RECORDS) this.dispatchTopic(r.topic, list);
  }

  /** Hands every buffered record to the producer (one call per topic). */
  dispatch(): void {
    for (const [topic, list] of this.buffered) this.dispatchTopic(topic, list);
  }

  /**
   * Back-pressure without draining the pipeline: waits for the oldest sends
   * until fewer than half of `maxInFlight` records are unacknowledged, so
   * the producer keeps batches in flight while the loop goes on.
   */
  async awaitCapacity(maxInFlight: number): Promise<void> {
    this.dispatch();
    while (this.inFlightRecords >= maxInFlight / 2 && this.pending.length > 0) await this.pending.shift();
    if (this.firstError !== undefined) throw this.firstError;
  }

  /** Waits for every record sent so far; throws the first send failure. */
  async awaitAcks(): Promise<void> {
    this.dispatch();
    const batch = this.pending;
    this.pending = [];
    await this.producer.flush();
    await Promise.all(batch);
    if (this.firstError !== undefined) throw this.firstError;
  }

  private dispatchTopic(topic: string, messages: Message[]): void {
    this.buffered.delete(topic);
    if (messages.length === 0) return;
    this.beforeDispatch?.();
    this.inFlightRecords += messages.length;
    const fatal = this.onProductionError === 'fail' || this.isChangelog(topic);
    this.pending.push(
      this.producer.sendEach({ topic, messages }).then(
        (outcomes) => {
          this.inFlightRecords -= messages.length;
          for (const o of outcomes) {
            if (!(o instanceof Error)) this.acked(o);
            else if (fatal) this.firstError ??= o;
            else {
              this.droppedRecords++;
              this.logger?.warn('dropping an output record the producer failed (logAndContinue)', { topic, error: o.message });
            }
          }
        },
        (err: unknown) => {
          this.inFlightRecords -= messages.length;
          this.firstError ??= toGregorError(err, { topic });
        },
      ),
    );
  }

  private acked(md: RecordMetadata): void {
    if (!this.isChangelog(md.topic)) return;
    const key = tpKey(md.topic, md.partition);
    const next = md.offset + 1n;
    if ((this.ackedEndOffsets.get(key) ?? -1n) < next) this.ackedEndOffsets.set(key, next);
  }
}
