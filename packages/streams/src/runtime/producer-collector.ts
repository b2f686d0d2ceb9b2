import type { Producer, RecordMetadata } from '@gregor/client';
import { tpKey, toGregorError, type GregorError } from '@gregor/common';
import type { OutgoingRecord, RecordCollector } from '../processor/record-collector';

/**
 * Hands task output to the SDK producer without waiting (processing is
 * synchronous) and keeps what a commit needs: the first failure, and the
 * last acknowledged offset of every changelog partition (for checkpoints).
 * `awaitAcks` is the barrier the commit path waits on: every record sent
 * before it has been acknowledged, or the first error is thrown.
 */
export class ProducerCollector implements RecordCollector {
  private pending: Promise<unknown>[] = [];
  private firstError: GregorError | undefined;
  /** "topic-partition" → next offset after the last acknowledged write. */
  readonly ackedEndOffsets = new Map<string, bigint>();

  constructor(
    private readonly producer: Producer,
    private readonly isChangelog: (topic: string) => boolean,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  send(r: OutgoingRecord): void {
    if (this.firstError !== undefined) throw this.firstError;
    const sent = this.producer.send({
      topic: r.topic,
      ...(r.partition === undefined ? {} : { partition: r.partition }),
      key: r.key,
      value: r.value,
      timestamp: BigInt(r.timestamp),
      headers: r.headers,
    });
    this.pending.push(
      sent.then(
        (md) => this.acked(md),
        (err: unknown) => void (this.firstError ??= toGregorError(err, { topic: r.topic })),
      ),
    );
  }

  /** Waits for every record sent so far; throws the first send failure. */
  async awaitAcks(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    await this.producer.flush();
    await Promise.all(batch);
    if (this.firstError !== undefined) throw this.firstError;
  }

  private acked(md: RecordMetadata): void {
    if (!this.isChangelog(md.topic)) return;
    const key = tpKey(md.topic, md.partition);
    const next = md.offset + 1n;
    if ((this.ackedEndOffsets.get(key) ?? -1n) < next) this.ackedEndOffsets.set(key, next);
  }
}
