import type { ConsumerRecord, CreatedTopic, ResourceConfigs, TopicDescription } from '@gregor/client';

/** JSON with bigint as decimal strings (offsets and timestamps are 64-bit). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Record bytes print as UTF-8 text, as Kafka's console tools do. */
function text(b: Buffer | null): string | null {
  return b === null ? null : b.toString('utf8');
}

export interface RecordFormat {
  printKey: boolean;
  printOffset: boolean;
  printPartition: boolean;
  printTimestamp: boolean;
  /** Between the printed fields (Kafka's key.separator, a tab by default). */
  separator: string;
}

/**
 * One line per record, as Kafka's DefaultMessageFormatter orders fields:
 * CreateTime:…, Partition:…, Offset:…, key, value. A null key or value
 * prints as "null".
 */
export function formatRecord(r: ConsumerRecord, f: RecordFormat): string {
  const parts: string[] = [];
  if (f.printTimestamp) parts.push(`CreateTime:${r.timestamp}`);
  if (f.printPartition) parts.push(`Partition:${r.partition}`);
  if (f.printOffset) parts.push(`Offset:${r.offset}`);
  if (f.printKey) parts.push(text(r.key) ?? 'null');
  parts.push(text(r.value) ?? 'null');
  return parts.join(f.separator);
}

export function recordJson(r: ConsumerRecord): string {
  return toJson({
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: text(r.key),
    value: text(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: text(h.value) })),
  });
}

/** Kafka's kafka-topics --describe layout. `configs` lists the non-default ones. */
export function formatTopicDescription(t: TopicDescription, configs: ResourceConfigs | undefined): string {
  const overrides = (configs?.configs ?? []).filter((c) => !c.isDefault).map((c) => `${c.name}=${c.value}`);
  const rf = t.partitions[0]?.replicas.length ?? 0;
  const head = `Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${overrides.join(',')}`;
  const lines = t.partitions.map(
    (p) => `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader ?? 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`,
  );
  return [head, ...lines].join('\n');
}

export function topicDescriptionJson(t: TopicDescription, configs: ResourceConfigs | undefined): unknown {
  return {
    name: t.name,
    topicId: t.topicId,
    isInternal: t.isInternal,
    partitions: t.partitions,
    configs: Object.fromEntries((configs?.configs ?? []).map((c) => [c.name, { value: c.value, isDefault: c.isDefault, readOnly: c.readOnly }])),
  };
}

export function createdTopicJson(t: CreatedTopic): unknown {
  return { topic: t.topic, topicId: t.topicId, partitions: t.numPartitions, replicationFactor: t.replicationFactor, configs: t.configs };
}
