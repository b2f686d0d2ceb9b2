import { ConfigError, type ConfigSchema, type ConfigValues } from '@gregor/common';
import type { RecordsServiceOptions } from '@gregor/records-service';

/**
 * gregor.v1.Records' bounds and defaults as node settings (`records.*`; Kafka
 * has no such service, so no Kafka names). Defaults are the service's own.
 */
export const RECORDS_CONFIG_SCHEMA: ConfigSchema = {
  'records.publish.max.request.bytes': {
    type: 'int',
    min: 1,
    default: 1_048_576,
    doc: 'Largest Publish (records\' estimated size, as the producer\'s max.request.size counts it); larger fail with RESOURCE_EXHAUSTED / MESSAGE_TOO_LARGE.',
  },
  'records.publish.max.inflight.bytes': {
    type: 'long',
    min: 1,
    default: 67_108_864,
    doc: 'Publish bytes in flight on this node over all callers; a Publish past it fails at once with RESOURCE_EXHAUSTED / THROTTLING_QUOTA_EXCEEDED.',
  },
  'records.read.max.concurrent': { type: 'int', min: 1, default: 256, doc: 'Reads (each may long-poll) served at once; more fail with RESOURCE_EXHAUSTED.' },
  'records.subscribe.max.streams': { type: 'int', min: 1, default: 1024, doc: 'Subscribe streams served at once by this node; more fail with RESOURCE_EXHAUSTED.' },
  'records.subscribe.default.max.outstanding.records': { type: 'int', min: 1, default: 1000, doc: 'Delivered-but-unacked records per stream when the subscriber asks for 0.' },
  'records.subscribe.max.outstanding.records': { type: 'int', min: 1, default: 10_000, doc: 'Most delivered-but-unacked records a stream may ask for (larger is clamped).' },
  'records.subscribe.default.max.outstanding.bytes': { type: 'long', min: 1, default: 10_485_760, doc: 'Delivered-but-unacked bytes per stream when the subscriber asks for 0.' },
  'records.subscribe.max.outstanding.bytes': { type: 'long', min: 1, default: 67_108_864, doc: 'Most delivered-but-unacked bytes a stream may ask for (larger is clamped).' },
  'records.subscribe.ack.deadline.ms': { type: 'int', min: 1, default: 30_000, doc: 'Ack deadline when the subscriber asks for 0: a record not acked this long is delivered again.' },
  'records.subscribe.max.ack.deadline.ms': { type: 'int', min: 1, default: 600_000, doc: 'Longest ack deadline a subscriber may ask for (longer is clamped).' },
  'records.subscribe.session.timeout.ms': {
    type: 'int',
    min: 1,
    default: 6000,
    doc: 'Group session of each stream\'s member (heartbeats every third of it, at most 1 s): how long the streams of a node that died keep their partitions unless a reopened stream names them (replaces_member_id). Must lie within group.min/max.session.timeout.ms.',
  },
  'records.subscribe.commit.interval.ms': { type: 'int', min: 1, default: 100, doc: 'Acked prefixes are committed at most this often per stream.' },
};

/** What the node passes to RecordsService (besides its client id and logger). */
export type RecordsSettings = Required<Pick<RecordsServiceOptions, 'maxRequestBytes' | 'maxInFlightBytes' | 'maxConcurrentReads'>> & {
  subscribe: NonNullable<RecordsServiceOptions['subscribe']>;
};

/** The records.* values as RecordsService options; a default above its maximum names the key. */
export function recordsSettings(v: ConfigValues): RecordsSettings {
  const n = (key: string): number => v[key] as number;
  for (const [dflt, max] of [
    ['records.subscribe.default.max.outstanding.records', 'records.subscribe.max.outstanding.records'],
    ['records.subscribe.default.max.outstanding.bytes', 'records.subscribe.max.outstanding.bytes'],
    ['records.subscribe.ack.deadline.ms', 'records.subscribe.max.ack.deadline.ms'],
  ] as const) {
    if (n(dflt) > n(max)) throw new ConfigError(dflt, `must not exceed ${max} (${n(max)})`);
  }
  const session = n('records.subscribe.session.timeout.ms');
  // The group coordinator refuses a session outside these (INVALID_SESSION_TIMEOUT): every stream would fail to join.
  if (session < n('group.min.session.timeout.ms') || session > n('group.max.session.timeout.ms')) {
    throw new ConfigError('records.subscribe.session.timeout.ms', `must lie within group.min.session.timeout.ms (${n('group.min.session.timeout.ms')}) and group.max.session.timeout.ms (${n('group.max.session.timeout.ms')})`);
  }
  return {
    maxRequestBytes: n('records.publish.max.request.bytes'),
    maxInFlightBytes: n('records.publish.max.inflight.bytes'),
    maxConcurrentReads: n('records.read.max.concurrent'),
    subscribe: {
      limits: {
        maxStreams: n('records.subscribe.max.streams'),
        defaultMaxOutstandingRecords: n('records.subscribe.default.max.outstanding.records'),
        maxOutstandingRecords: n('records.subscribe.max.outstanding.records'),
        defaultMaxOutstandingBytes: n('records.subscribe.default.max.outstanding.bytes'),
        maxOutstandingBytes: n('records.subscribe.max.outstanding.bytes'),
        defaultAckDeadlineMs: n('records.subscribe.ack.deadline.ms'),
        maxAckDeadlineMs: n('records.subscribe.max.ack.deadline.ms'),
      },
      consumer: {
        sessionTimeoutMs: session,
        heartbeatIntervalMs: Math.max(1, Math.min(1000, Math.floor(session / 3))),
        commitIntervalMs: n('records.subscribe.commit.interval.ms'),
      },
    },
  };
}
