import type { RecordHeader } from '@gregor/client';

/** A record leaving a task: to a sink topic, a repartition topic or a changelog. */
export interface OutgoingRecord {
  readonly topic: string;
  /** Fixed for changelogs (the task's partition); otherwise the producer's partitioner decides by key. */
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[];
}

/**
 * Where tasks send output (Kafka's RecordCollector). Synchronous: the
 * runtime hands records to the producer and learns of failures at commit;
 * the test driver appends to its output topics.
 */
export interface RecordCollector {
  send(record: OutgoingRecord): void;
}

/** One consumed record handed to a task, key and value still bytes. */
export interface IncomingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}
