import { GregorError, validateTopicName } from '@gregor/common';
import type { IsolationLevel } from '@gregor/client';
import type { SubscribeOpen__Output } from '@gregor/proto';
import { isolationLevelOf } from './read';

/** The node's Subscribe defaults and maxima (records.proto, SubscribeOpen). */
export interface SubscribeLimits {
  defaultMaxOutstandingRecords: number;
  defaultMaxOutstandingBytes: number;
  /** Larger requests are clamped to these. */
  maxOutstandingRecords: number;
  maxOutstandingBytes: number;
  defaultAckDeadlineMs: number;
  maxAckDeadlineMs: number;
  /** Streams served at once by this node; more fail with RESOURCE_EXHAUSTED. */
  maxStreams: number;
}

export const DEFAULT_SUBSCRIBE_LIMITS: SubscribeLimits = {
  defaultMaxOutstandingRecords: 1000,
  defaultMaxOutstandingBytes: 10 * 1024 * 1024,
  maxOutstandingRecords: 10_000,
  maxOutstandingBytes: 64 * 1024 * 1024,
  defaultAckDeadlineMs: 30_000,
  maxAckDeadlineMs: 600_000,
  maxStreams: 1024,
};

export type SubscribeStartAt = 'earliest' | 'latest' | { timestamp: bigint };

/** A validated `open`: what the session runs with. */
export interface SubscribeSettings {
  group: string;
  topics: string[];
  start: SubscribeStartAt;
  maxOutstandingRecords: number;
  maxOutstandingBytes: number;
  ackDeadlineMs: number;
  clientId: string;
  /** read_committed: the stream's consumer reads committed transactions only. */
  isolationLevel: IsolationLevel;
  /** The member of the subscriber's broken stream, to remove from the group before joining ('' = none). */
  replacesMemberId: string;
}

const MAX_GROUP_ID_CHARS = 255;
const MAX_CLIENT_ID_CHARS = 255;

/** Validates and resolves the first message of a stream; INVALID_REQUEST (→ INVALID_ARGUMENT) when it is bad. Pure. */
export function decodeSubscribeOpen(open: SubscribeOpen__Output | null | undefined, limits: SubscribeLimits): SubscribeSettings {
  const bad = (why: string): GregorError => new GregorError('INVALID_REQUEST', `bad Subscribe open: ${why}`);
  if (open === null || open === undefined) throw bad('the first message of the stream must be `open`');
  if (open.group === '') throw bad('`group` is required');
  if (open.group.length > MAX_GROUP_ID_CHARS) throw bad(`\`group\` is longer than ${MAX_GROUP_ID_CHARS} characters`);
  const topics = [...new Set(open.topics)];
  if (topics.length === 0) throw bad('at least one topic is required');
  for (const t of topics) {
    try {
      validateTopicName(t);
    } catch (err) {
      throw bad(err instanceof Error ? err.message : String(err));
    }
  }
  // It travels as gRPC metadata (client-id) on the member's JoinGroup: printable ASCII only.
  if (!isShortPrintable(open.clientId)) throw bad(`\`client_id\` must be at most ${MAX_CLIENT_ID_CHARS} printable ASCII characters`);
  // Member ids are the coordinator's (client id + '-' + a UUID): the same alphabet, a little longer.
  const replacesMemberId = open.replacesMemberId ?? '';
  if (!isShortPrintable(replacesMemberId, MAX_CLIENT_ID_CHARS + 64)) throw bad(`\`replaces_member_id\` must be at most ${MAX_CLIENT_ID_CHARS + 64} printable ASCII characters`);
  if (open.maxOutstandingRecords < 0) throw bad(`max_outstanding_records must be >= 0, got ${open.maxOutstandingRecords}`);
  const maxBytes = BigInt(open.maxOutstandingBytes || '0');
  if (maxBytes < 0n) throw bad(`max_outstanding_bytes must be >= 0, got ${maxBytes}`);
  if (open.ackDeadlineMs < 0) throw bad(`ack_deadline_ms must be >= 0, got ${open.ackDeadlineMs}`);
  let start: SubscribeStartAt;
  switch (open.start) {
    case 'SUBSCRIBE_START_LATEST':
      start = 'latest';
      break;
    case 'SUBSCRIBE_START_EARLIEST':
      start = 'earliest';
      break;
    case 'SUBSCRIBE_START_TIMESTAMP': {
      const ts = BigInt(open.startTimestampMs || '0');
      if (ts < 0n) throw bad(`start_timestamp_ms must be >= 0, got ${ts}`);
      start = { timestamp: ts };
      break;
    }
    default:
      throw bad(`unknown start ${String(open.start)}`);
  }
  return {
    group: open.group,
    topics,
    start,
    maxOutstandingRecords: Math.min(open.maxOutstandingRecords || limits.defaultMaxOutstandingRecords, limits.maxOutstandingRecords),
    maxOutstandingBytes: Number(maxBytes === 0n ? BigInt(limits.defaultMaxOutstandingBytes) : maxBytes < BigInt(limits.maxOutstandingBytes) ? maxBytes : BigInt(limits.maxOutstandingBytes)),
    ackDeadlineMs: Math.min(open.ackDeadlineMs || limits.defaultAckDeadlineMs, limits.maxAckDeadlineMs),
    clientId: open.clientId,
    isolationLevel: isolationLevelOf(open.isolationLevel),
    replacesMemberId,
  };
}

function isShortPrintable(s: string, maxChars = MAX_CLIENT_ID_CHARS): boolean {
  return s.length <= maxChars && /^[\x20-\x7e]*$/.test(s);
}
