import { tpKey, type Logger } from '@gregor/common';
import type { MetadataSource } from './metadata-source';
import type { LogStorePort, PartitionLogPort } from './storage-port';

export interface OpenLog<L extends PartitionLogPort> {
  topic: string;
  partition: number;
  log: L;
}

/**
 * The storage side of hosting partitions: opens logs (once each), deletes
 * them, lists the open ones, and at start removes logs whose topic metadata
 * no longer knows (a crash between the metadata delete and the log delete).
 * Which logs to open or delete, and when, is the ReplicaManager's decision.
 */
export class PartitionManager<L extends PartitionLogPort> {
  private readonly opened = new Map<string, OpenLog<L>>();

  constructor(
    private readonly store: LogStorePort<L>,
    private readonly metadata: MetadataSource,
    private readonly logger: Logger,
  ) {}

  async removeOrphans(): Promise<void> {
    const listed = await this.store.listPartitions();
    for (const { topic, partition } of listed) {
      const view = this.metadata.topic(topic);
      if (view === undefined || partition >= view.partitions.length) {
        this.logger.warn('deleting log of a partition that metadata does not know', { topic, partition });
        await this.store.deletePartition(topic, partition);
      }
    }
  }

  async open(topic: string, partition: number): Promise<L> {
    const log = await this.store.openPartition(topic, partition);
    this.opened.set(tpKey(topic, partition), { topic, partition, log });
    return log;
  }

  get(topic: string, partition: number): L | undefined {
    return this.opened.get(tpKey(topic, partition))?.log;
  }

  /** Partitions of `topic` with an open log. */
  openPartitionsOf(topic: string): number[] {
    return [...this.opened.values()].filter((o) => o.topic === topic).map((o) => o.partition);
  }

  openLogs(): OpenLog<L>[] {
    return [...this.opened.values()];
  }

  async delete(topic: string, partition: number): Promise<void> {
    this.opened.delete(tpKey(topic, partition));
    await this.store.deletePartition(topic, partition);
  }
}
