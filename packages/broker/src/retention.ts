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
 * Runs retention every `intervalMs`; the next run is scheduled after the
 * previous one ends, so runs never overlap. The timer is unref'd: it never
 * keeps the process alive by itself.
 */
export class RetentionTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly intervalMs: number,
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
      this.running = applyRetentionOnce(this.ctx)
        .then((checked) => this.ctx.logger.debug('retention check done', { partitions: checked }))
        .catch((err: unknown) => this.ctx.logger.error('retention check failed', { err: String(err) }))
        .finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }
}
