import { GregorError, validateTopicName } from '@gregor/common';
import type { ConsumerRecord, IsolationLevel, OffsetSpec, ReadPartitionRequest, ReadPartitionResult } from '@gregor/client';
import type { ConsumedRecord, IsolationLevel__Output, ReadRequest__Output, ReadResponse } from '@gregor/proto';
import { int64Out } from './publish';

/** The node's caps on one Read (records.proto documents them). */
export interface ReadLimits {
  defaultMaxRecords: number;
  maxRecords: number;
  defaultMaxBytes: number;
  maxBytes: number;
  maxWaitMs: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { defaultMaxRecords: 500, maxRecords: 10_000, defaultMaxBytes: 1024 * 1024, maxBytes: 16 * 1024 * 1024, maxWaitMs: 30_000 };

/**
 * A Read request as the SDK's `client.read` arguments: 0 means the default,
 * larger than a cap is clamped to it (a reader asking for more simply gets
 * less per call), negative is INVALID_REQUEST. Offset -2 / -1 are the
 * earliest / latest offsets, as in Kafka's ListOffsets. Pure.
 */
export function decodeRead(req: ReadRequest__Output, limits: ReadLimits = DEFAULT_READ_LIMITS): Omit<ReadPartitionRequest, 'signal'> {
  const topic = req.topic;
  validateTopicName(topic);
  const ctx = { topic, partition: req.partition };
  if (req.partition < 0) throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `partition ${req.partition} is negative`, ctx);
  for (const [name, v] of [
    ['max_records', req.maxRecords],
    ['max_bytes', req.maxBytes],
    ['max_wait_ms', req.maxWaitMs],
  ] as const) {
    if (v < 0) throw new GregorError('INVALID_REQUEST', `${name} must not be negative, got ${v}`, ctx);
  }
  let from: OffsetSpec;
  if (req.start === 'timestampMs') {
    const ts = BigInt(req.timestampMs!);
    if (ts < 0n) throw new GregorError('INVALID_REQUEST', `timestamp_ms must not be negative, got ${ts}`, ctx);
    from = { timestamp: ts };
  } else {
    const offset = BigInt(req.offset ?? '0');
    if (offset === -2n) from = 'earliest';
    else if (offset === -1n) from = 'latest';
    else if (offset < 0n) throw new GregorError('INVALID_REQUEST', `offset ${offset} is neither an offset nor -2 (earliest) / -1 (latest)`, ctx);
    else from = offset;
  }
  const capped = (v: number, dflt: number, max: number): number => Math.min(v === 0 ? dflt : v, max);
  return {
    topic,
    partition: req.partition,
    from,
    maxRecords: capped(req.maxRecords, limits.defaultMaxRecords, limits.maxRecords),
    maxBytes: capped(req.maxBytes, limits.defaultMaxBytes, limits.maxBytes),
    maxWaitMs: Math.min(req.maxWaitMs, limits.maxWaitMs),
    isolationLevel: isolationLevelOf(req.isolationLevel, ctx),
  };
}

/** records.proto's IsolationLevel as the SDK's; an unknown value (a number proto-loader could not name) is INVALID_REQUEST. Pure. */
export function isolationLevelOf(level: IsolationLevel__Output | number | undefined, ctx: Record<string, unknown> = {}): IsolationLevel {
  if (level === undefined || level === 'ISOLATION_LEVEL_READ_UNCOMMITTED') return 'read_uncommitted';
  if (level === 'ISOLATION_LEVEL_READ_COMMITTED') return 'read_committed';
  throw new GregorError('INVALID_REQUEST', `isolation_level must be ISOLATION_LEVEL_READ_UNCOMMITTED or ISOLATION_LEVEL_READ_COMMITTED, got ${String(level)}`, ctx);
}

/** A record as Subscribe and Read deliver it; `deliveryAttempt` is 0 in Read. Pure. */
export function encodeRecord(r: ConsumerRecord, deliveryAttempt = 0): ConsumedRecord {
  const out: ConsumedRecord = {
    topic: r.topic,
    partition: r.partition,
    offset: int64Out(r.offset),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value ?? Buffer.alloc(0) })),
    timestampMs: int64Out(r.timestamp),
    deliveryAttempt,
  };
  if (r.key !== null) out.key = r.key;
  if (r.value !== null) out.value = r.value;
  return out;
}

export function encodeRead(res: ReadPartitionResult): ReadResponse {
  return {
    records: res.records.map((r) => encodeRecord(r)),
    highWatermark: int64Out(res.highWatermark),
    nextOffset: int64Out(res.nextOffset),
    logStartOffset: int64Out(res.logStartOffset),
    lastStableOffset: int64Out(res.lastStableOffset),
  };
}
