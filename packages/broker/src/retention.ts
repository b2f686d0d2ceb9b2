import type { BrokerContext } from './broker-context';

/**
 * Applies each topic's retention.ms / retention.bytes to the logs this node
 * hosts, led or followed (as in Kafka, each replica trims its own log; the
 * log only ever deletes below its high watermark), one partition at a time
 * (retention is background work: it must not compete with produce for the
 * disk more than one delete range at a time). Returns the number of
 * partitions checked.
 */
export async function applyRetentionOnce(ctx: BrokerContext): Promise<number> {
  const nowMs = ctx.clock.nowMs();
  let checked = 0;
  for (const hosted of ctx.replicas.hostedLogs()) {
    if (ctx.isStopping()) break;
    const view = ctx.metadata.topic(hosted.topic);
    if (view === undefined) continue;
    const config = ctx.topicConfigs.get(view);
    if (!config.cleanupPolicy.includes('delete')) continue;
    try {
      await hosted.log.applyRetention({ retentionMs: config.retentionMs, retentionBytes: config.retentionBytes }, nowMs);
      checked++;
    } catch (err) {
      ctx.logger.error('retention failed', { topic: hosted.topic, partition: hosted.partition, err: String(err) });
    }
  }
  return checked;
}

/**
 * Kafka's log cleaner: compacts every hosted partition (led or followed)
 * whose topic's cleanup.policy includes compact, one partition at a time.
 * Each replica compacts its own log independently, as in Kafka: compaction
 * only touches batches wholly below the replica's high watermark, which
 * every in-sync replica holds identically, so the replicas' logs agree on
 * every record a consumer can see. "compact,delete" gets both (this and
 * applyRetentionOnce). Returns the number of partitions compacted.
 */
export async function applyCompactionOnce(ctx: BrokerContext): Promise<number> {
  const nowMs = ctx.clock.nowMs();
  let compacted = 0;
  for (const hosted of ctx.replicas.hostedLogs()) {
    if (ctx.isStopping()) break;
    const view = ctx.metadata.topic(hosted.topic);
    if (view === undefined) continue;
    const config = ctx.topicConfigs.get(view);
    if (!config.cleanupPolicy.includes('compact')) continue;
    try {
      await hosted.log.compact({ deleteRetentionMs: config.deleteRetentionMs, minCleanableDirtyRatio: config.minCleanableDirtyRatio, nowMs });
      compacted++;
    } catch (err) {
      ctx.logger.error('compaction failed', { topic: hosted.topic, partition: hosted.partition, err: String(err) });
    }
  }
  return compacted;
}

/**
 * Runs `work` every `intervalMs`; the next run is scheduled after the
 * previous one ends, so runs never overlap. The timer is unref'd: it never
 * keeps the process alive by itself. Used for retention and for the cleaner.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: (ctx: BrokerContext) => Promise<number>,
  ) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.work(this.ctx)
        .then((partitions) => this.ctx.logger.debug(`${this.name} done`, { partitions }))
        .catch((err: unknown) => this.ctx.logger.error(`${this.name} failed`, { err: String(err) }))
        .finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }
}
