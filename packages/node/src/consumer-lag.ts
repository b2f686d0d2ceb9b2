import { Gauge, type Registry } from 'prom-client';

/** One partition of one consumer group: how far its committed offset is behind the log end. */
export interface ConsumerGroupLag {
  group: string;
  topic: string;
  partition: number;
  /** High watermark minus committed offset, in records (never negative). */
  lag: bigint;
}

/**
 * The hook the group coordinator implements: asked on every scrape, for
 * the groups this node coordinates. Must be cheap (no I/O) and bounded by
 * the number of groups × partitions it tracks.
 */
export interface ConsumerGroupLagSource {
  consumerGroupLags(): Iterable<ConsumerGroupLag>;
}

/** gregor_consumer_group_lag{group,topic,partition}, rebuilt on each scrape so gone groups vanish. */
export function registerConsumerLagGauge(registry: Registry, source: () => ConsumerGroupLagSource | undefined): void {
  new Gauge({
    name: 'gregor_consumer_group_lag',
    help: 'Records between a consumer group\'s committed offset and the partition\'s high watermark (groups this node coordinates)',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      const s = source();
      if (s === undefined) return;
      for (const l of s.consumerGroupLags()) {
        const lag = l.lag < 0n ? 0 : Number(l.lag);
        this.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, lag);
      }
    },
  });
}
