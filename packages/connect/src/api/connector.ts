import type { Logger } from '@gregor/common';
import type { ConfigDef } from './config-def';
import type { Schema } from './schema';

/**
 * The connector API (Kafka Connect's, in TypeScript). A connector splits its
 * job into task configs; the worker runs one task per config. Source tasks
 * return records from `poll()`, each with the source partition and offset it
 * came from; the worker writes those offsets only after the records are
 * acknowledged by Gregor, so a restart resumes after the last durable record.
 * Sink tasks receive records with `put()` and make them durable in `flush()`;
 * the worker commits the consumed offsets only after `flush()` returned.
 */
export type Props = Readonly<Record<string, string>>;
export type JsonMap = Record<string, unknown>;
export type ConnectorType = 'source' | 'sink';

export interface RecordHeaderValue {
  readonly key: string;
  readonly value: Buffer | string | null;
}

interface ConnectRecordBase {
  readonly topic: string;
  /** Explicit partition; otherwise the producer's partitioner (key hash). */
  readonly kafkaPartition?: number | null;
  readonly keySchema?: Schema | null;
  readonly key?: unknown;
  readonly valueSchema?: Schema | null;
  readonly value: unknown;
  /** ms since the epoch */
  readonly timestamp?: number | null;
  readonly headers?: readonly RecordHeaderValue[];
}

export interface SourceRecord extends ConnectRecordBase {
  /** Where in the source system this record comes from (a file, a table, a slot). JSON-serialisable. */
  readonly sourcePartition: JsonMap;
  /** The position after this record in that partition; what a restarted task resumes from. */
  readonly sourceOffset: JsonMap;
}

export interface SinkRecord extends ConnectRecordBase {
  readonly kafkaPartition: number;
  readonly kafkaOffset: bigint;
  /** The record's bytes as read, for the dead-letter topic. */
  readonly raw: { readonly key: Buffer | null; readonly value: Buffer | null };
}

export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export interface ConnectorContext {
  /** The connector's task configs changed (e.g. a new table): the worker asks taskConfigs() again. */
  requestTaskReconfiguration(): void;
  /** The connector failed outside a call from the worker. */
  raiseError(err: Error): void;
}

export interface Connector {
  version(): string;
  config(): ConfigDef;
  /** Extra checks that need several keys or the outside world; problems per key. */
  validate?(props: Props): Promise<Record<string, string[]>> | Record<string, string[]>;
  start(props: Props, context: ConnectorContext): Promise<void> | void;
  taskConfigs(maxTasks: number): Props[];
  stop(): Promise<void> | void;
}

export interface SourceConnector extends Connector {
  readonly type: 'source';
  createTask(): SourceTask;
  /**
   * Kafka's ExactlyOnceSupport (KIP-618): SUPPORTED when, with these props,
   * its tasks resume exactly after the last offset committed with their
   * records. `exactly.once.support=required` needs SUPPORTED.
   */
  exactlyOnceSupport?(props: Props): 'SUPPORTED' | 'UNSUPPORTED';
}

export interface SinkConnector extends Connector {
  readonly type: 'sink';
  createTask(): SinkTask;
}

export interface OffsetStorageReader {
  offset(partition: JsonMap): JsonMap | null;
}

export interface SourceTaskContext {
  readonly offsetStorageReader: OffsetStorageReader;
  /** The worker's logger, tagged with the connector and task. */
  readonly logger: Logger;
}

export interface SourceTask {
  version(): string;
  start(props: Props, context: SourceTaskContext): Promise<void> | void;
  /**
   * The next records, or null/[] when there are none yet. Should return
   * within about a second when idle, so that pause and stop are prompt: the
   * worker never interrupts a poll in progress.
   */
  poll(): Promise<SourceRecord[] | null>;
  /** The worker has durably stored the offsets of every record acknowledged so far. */
  commit?(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/** Sends a record the task cannot deliver to the dead-letter topic (Kafka's ErrantRecordReporter). */
export type ErrantRecordReporter = (record: SinkRecord, error: Error) => Promise<void>;

export interface SinkTaskContext {
  /** The worker's logger, tagged with the connector and task. */
  readonly logger: Logger;
  /** Present when the connector has `errors.deadletterqueue.topic.name`. */
  readonly errantRecordReporter: ErrantRecordReporter | undefined;
  assignment(): TopicPartitionRef[];
  pause(partitions: readonly TopicPartitionRef[]): void;
  resume(partitions: readonly TopicPartitionRef[]): void;
  /** Ask for a flush and offset commit soon. */
  requestCommit(): void;
}

export interface SinkTask {
  version(): string;
  start(props: Props, context: SinkTaskContext): Promise<void> | void;
  /** Hand records to the task; it may buffer them until flush(). Throw RetriableError to get the same batch again. */
  put(records: readonly SinkRecord[]): Promise<void>;
  /** Make everything put so far durable. `offsets` are the next offsets to read, per "topic-partition". */
  flush(offsets: ReadonlyMap<string, bigint>): Promise<void>;
  open?(partitions: readonly TopicPartitionRef[]): Promise<void> | void;
  close?(partitions: readonly TopicPartitionRef[]): Promise<void> | void;
  stop(): Promise<void> | void;
}

/** A connector class as the plugin registry knows it. */
export interface ConnectorPlugin {
  /** Kafka's fully qualified class name, kept so existing configs work unchanged. */
  readonly className: string;
  readonly type: ConnectorType;
  readonly version: string;
  create(): SourceConnector | SinkConnector;
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
