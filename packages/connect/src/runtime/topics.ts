import type { Admin } from '@gregor/client';
import { isGregorError } from '@gregor/common';

/**
 * Creates topics a connector writes to when they are missing (Kafka Connect's
 * topic.creation with the broker's defaults: Gregor brokers do not
 * auto-create topics). Remembers what exists, so each topic costs one
 * metadata call per task.
 */
export class TopicEnsurer {
  private readonly known = new Set<string>();

  constructor(
    private readonly admin: Admin,
    private readonly settings: { replicationFactor?: number; partitions?: number } = {},
  ) {}

  async ensure(topics: Iterable<string>): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.known.has(t));
    if (missing.length === 0) return;
    const existing = new Set(await this.admin.listTopics({ includeInternal: true }));
    const toCreate = missing.filter((t) => !existing.has(t));
    if (toCreate.length > 0) {
      try {
        await this.admin.createTopics(
          toCreate.map((topic) => ({
            topic,
            ...(this.settings.partitions !== undefined && this.settings.partitions > 0 ? { numPartitions: this.settings.partitions } : {}),
            ...(this.settings.replicationFactor !== undefined && this.settings.replicationFactor > 0 ? { replicationFactor: this.settings.replicationFactor } : {}),
          })),
        );
      } catch (err) {
        if (!(isGregorError(err) && err.errorName === 'TOPIC_ALREADY_EXISTS')) throw err;
      }
    }
    for (const t of missing) this.known.add(t);
  }
}
