import { GregorError, validateTopicName } from '@gregor/common';
import { estimateRecordSize, isGregorError, type Message, type RecordOutcome } from '@gregor/client';
import type { PublishRequest__Output, PublishResponse } from '@gregor/proto';

export type PublishAcks = 'all' | 'leader';

/** A Publish request checked and turned into the SDK's messages. */
export interface PublishCall {
  topic: string;
  acks: PublishAcks;
  messages: Message[];
  /** Records' estimated wire size, summed: what max.request.size and the in-flight budget count. */
  bytes: number;
  /** Explicit partitions asked for (checked against the topic's count once it is known); -1 when none. */
  maxPartition: number;
}

/**
 * Checks a Publish request before anything is sent, so that bad input fails
 * the whole call with nothing written: a topic name (INVALID_TOPIC_EXCEPTION),
 * at least one record and a known acks value (INVALID_REQUEST), no negative
 * partition (UNKNOWN_TOPIC_OR_PARTITION), and at most `maxRequestBytes` in
 * all (MESSAGE_TOO_LARGE, Kafka's max.request.size). Pure.
 */
export function decodePublish(req: PublishRequest__Output, maxRequestBytes: number): PublishCall {
  const topic = req.topic;
  validateTopicName(topic);
  if (req.records.length === 0) throw new GregorError('INVALID_REQUEST', 'a Publish needs at least one record', { topic });
  const acks: PublishAcks | undefined = req.acks === 'PUBLISH_ACKS_ALL' ? 'all' : req.acks === 'PUBLISH_ACKS_LEADER' ? 'leader' : undefined;
  if (acks === undefined) throw new GregorError('INVALID_REQUEST', `unknown acks value ${String(req.acks)}`, { topic });
  let bytes = 0;
  let maxPartition = -1;
  const messages = new Array<Message>(req.records.length);
  for (let i = 0; i < messages.length; i++) {
    const r = req.records[i]!;
    const key = r.key ?? null;
    const value = r.value ?? null;
    bytes += estimateRecordSize(key, value, r.headers);
    const m: Message = { key, value, headers: r.headers };
    if (r.partition !== undefined) {
      if (r.partition < 0) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `record ${i} asks for partition ${r.partition}`, { topic, partition: r.partition });
      m.partition = r.partition;
      if (r.partition > maxPartition) maxPartition = r.partition;
    }
    if (r.timestampMs !== undefined) m.timestamp = BigInt(r.timestampMs);
    messages[i] = m;
  }
  if (bytes > maxRequestBytes) {
    throw new GregorError('MESSAGE_TOO_LARGE', `the request's ${req.records.length} records take about ${bytes} bytes, more than max.request.size (${maxRequestBytes}): split it`, {
      topic,
    });
  }
  return { topic, acks, messages, bytes, maxPartition };
}

/** Every explicit partition must exist; checked before anything is sent so that the call fails whole (NOT_FOUND). */
export function checkPartitions(call: PublishCall, partitionCount: number): void {
  if (call.maxPartition >= partitionCount) {
    throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${call.topic}" has ${partitionCount} partitions, a record asks for partition ${call.maxPartition}`, {
      topic: call.topic,
      partition: call.maxPartition,
    });
  }
}

/**
 * An int64 for the proto encoder: a number while exact (every real offset
 * and timestamp), else a decimal string. protobufjs turns a string into a
 * Long by parsing it, which was the largest single cost of answering a
 * 1,000-record Publish; a number converts without parsing.
 */
export function int64Out(v: bigint): number | string {
  return v <= MAX_EXACT && v >= -MAX_EXACT ? Number(v) : v.toString();
}
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** One result per record, in request order: partition and offset, or Kafka's error. Pure. */
export function encodePublishResults(outcomes: readonly RecordOutcome[]): PublishResponse {
  return {
    results: outcomes.map((o) =>
      isGregorError(o)
        ? { error: { code: o.code, name: o.errorName, message: o.message, retriable: o.retriable }, partition: -1, offset: -1, timestampMs: -1 }
        : { partition: o.partition, offset: int64Out(o.offset), timestampMs: int64Out(o.timestamp) },
    ),
  };
}
