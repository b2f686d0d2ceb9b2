import type { Admin, OffsetAndMetadata } from '@gregor/client';
import { isGregorError, tpKey, type Clock, type Logger, type TopicPartition } from '@gregor/common';

/**
 * What to delete from repartition topics after a commit (pure): for each
 * repartition partition whose committed offset passed what was purged
 * before, every record below the committed offset — the application has
 * consumed them for good, and nothing else reads an internal topic.
 */
export function repartitionPurgePlan(
  committed: ReadonlyMap<string, TopicPartition & { offset: bigint }>,
  purged: ReadonlyMap<string, bigint>,
): (TopicPartition & { offset: bigint })[] {
  return [...committed.entries()].filter(([key, c]) => c.offset > (purged.get(key) ?? 0n)).map(([, c]) => c);
}

/**
 * Deletes consumed records from repartition topics (Kafka Streams'
 * purge after commit, with `repartition.purge.interval.ms`): without it a
 * repartition topic holds every record until retention. Committed offsets
 * are collected at every commit; at most every `intervalMs` one
 * DeleteRecords round goes out, in the background — never two at once,
 * never holding up processing. A failed purge is logged and tried again
 * at the next interval (the records are only kept longer). Memory: one
 * entry per repartition partition this instance committed.
 */
export class RepartitionPurger {
  private readonly committed = new Map<string, TopicPartition & { offset: bigint }>();
  private readonly purged = new Map<string, bigint>();
  private lastPurgeMs: number;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly repartitionTopics: ReadonlySet<string>,
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.lastPurgeMs = clock.monotonicMs();
  }

  /** After a successful commit: note the repartition offsets, and purge if the interval passed. */
  afterCommit(offsets: readonly OffsetAndMetadata[]): void {
    for (const o of offsets) if (this.repartitionTopics.has(o.topic)) this.committed.set(tpKey(o.topic, o.partition), { topic: o.topic, partition: o.partition, offset: o.offset });
    const now = this.clock.monotonicMs();
    if (this.inFlight !== undefined || now - this.lastPurgeMs < this.intervalMs) return;
    const plan = repartitionPurgePlan(this.committed, this.purged);
    if (plan.length === 0) return;
    this.lastPurgeMs = now;
    this.inFlight = this.purge(plan).finally(() => (this.inFlight = undefined));
  }

  /** Waits for a purge in flight (at close). */
  async drain(): Promise<void> {
    await this.inFlight;
  }

  private async purge(plan: (TopicPartition & { offset: bigint })[]): Promise<void> {
    try {
      const done = await this.admin.deleteRecords(plan, { timeoutMs: Math.max(1000, this.intervalMs) });
      for (const d of done) this.purged.set(tpKey(d.topic, d.partition), d.lowWatermark);
      this.logger.debug('purged consumed records from repartition topics', { partitions: done.length });
    } catch (err) {
      // Another instance may have purged further, or a leader moved: the next round tries again.
      this.logger.warn('purging repartition topics failed; will retry at the next interval', { error: isGregorError(err) ? err.errorName : String(err) });
    }
  }
}
