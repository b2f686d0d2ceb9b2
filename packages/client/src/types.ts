import type { GregorError } from '@gregor/common';

/**
 * The SDK's public record types. Offsets and timestamps are bigint: offsets
 * are 64-bit on the wire and precision ends at 2^53 in a JS number.
 */

/** Bytes given by the caller; strings are encoded as UTF-8. */
export type BytesInput = Buffer | Uint8Array | string;

/** One record header. Kafka allows repeated keys, so headers are a list. */
export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** Headers as an object (one value per key) or as a list (repeats allowed). */
export type HeadersInput =
  | Readonly<Record<string, BytesInput | null | undefined>>
  | readonly { readonly key: string; readonly value: BytesInput | null }[];

/** A record to produce, without its topic. */
export interface Message {
  /** Records with the same key go to the same partition (Kafka's murmur2). */
  key?: BytesInput | null;
  value: BytesInput | null;
  headers?: HeadersInput;
  /** Explicit partition; overrides the partitioner. */
  partition?: number;
  /** Create time in ms since the epoch; defaults to the time of `send`. */
  timestamp?: bigint | number;
}

/** A record to produce, with its topic: `producer.send(record)`. */
export interface ProducerRecord extends Message {
  topic: string;
}

/** Several records for one topic: `producer.send({ topic, messages })`. */
export interface ProducerBatchInput {
  topic: string;
  messages: readonly Message[];
}

/** Where an acknowledged record landed. `offset` is -1n with `acks: 0`. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: bigint;
  /** The record's create time, or the broker's append time for LogAppendTime topics. */
  timestamp: bigint;
}

/** One record's result in `producer.sendEach`: where it landed, or why it failed for good. */
export type RecordOutcome = RecordMetadata | GregorError;

/** A record read by the consumer. */
export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * Where to start reading a partition: its log start, its end (only new
 * records), an exact offset, or the first record with a timestamp at or
 * after the given one (the end when there is none).
 */
export type OffsetSpec = 'earliest' | 'latest' | bigint | { timestamp: bigint };

/** What the consumer does when it has no valid position (Kafka's auto.offset.reset). */
export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

/** Producer acknowledgement level: 0 none, 1 leader, -1/'all' every in-sync replica. */
export type Acks = 0 | 1 | -1 | 'all';

/** Batch codec, as Kafka's compression.type names it. */
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
