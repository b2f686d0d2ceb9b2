import type { ProcessorSupplier } from '../processor/api';
import type { Serde } from '../serdes';

/**
 * A topic as the topology names it. Internal topics (repartition topics)
 * are named without the application id, which the runtime prefixes:
 * `<application.id>-<name>`, as Kafka does.
 */
export interface TopicRef {
  readonly name: string;
  readonly internal: boolean;
}

export function resolveTopic(applicationId: string, ref: TopicRef): string {
  return ref.internal ? `${applicationId}-${ref.name}` : ref.name;
}

export function changelogTopic(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/** Context a dynamic sink's topic function gets (Kafka's RecordContext, the useful part). */
export interface SinkRecordContext {
  readonly sourceTopic: string | undefined;
  readonly timestamp: number;
}

export type TopicNameExtractor<K, V> = (key: K, value: V, context: SinkRecordContext) => string;

/** What a timestamp extractor sees: the deserialized record and where it came from. */
export interface ConsumedRecordInfo<K, V> {
  readonly key: K;
  readonly value: V;
  /** The record's own timestamp (create or log-append time). */
  readonly timestamp: number;
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/** Event time of a record (Kafka's TimestampExtractor); a negative answer makes the task skip the record. */
export type TimestampExtractor<K, V> = (record: ConsumedRecordInfo<K, V>) => number;

export interface SourceNode {
  readonly kind: 'source';
  readonly name: string;
  readonly topics: readonly TopicRef[];
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly timestampExtractor?: TimestampExtractor<unknown, unknown>;
}

export interface ProcessorNodeSpec {
  readonly kind: 'processor';
  readonly name: string;
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  readonly parents: readonly string[];
  readonly stores: string[];
}

export interface SinkNode {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: TopicRef | TopicNameExtractor<unknown, unknown>;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly parents: readonly string[];
}

export type TopologyNode = SourceNode | ProcessorNodeSpec | SinkNode;

export function parentsOf(node: TopologyNode): readonly string[] {
  return node.kind === 'source' ? [] : node.parents;
}
