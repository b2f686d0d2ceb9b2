import { GregorError, validateTopicName } from '@gregor/common';
import type { TopicPartition } from '@gregor/common';
import { resolveIsolationLevel, type IsolationLevel } from '../consumer/options';

export interface SubscribeOptions {
  /** The consumer group: streams of one group share the topics' partitions. */
  group: string;
  topics: string[];
  /** Where a partition starts when the group has no committed offset (default 'latest'). */
  start?: 'earliest' | 'latest' | { timestamp: bigint };
  /** Unacked records / bytes the node may have out to this subscriber (0 = the node's default: 1,000 and 10 MiB). */
  maxOutstandingRecords?: number;
  maxOutstandingBytes?: number;
  /** A record not acked within this is delivered again (0 = the node's default, 30 s). */
  ackDeadlineMs?: number;
  /** Consecutive failed attempts to (re)open a stream before the subscription fails (default 10). */
  reconnectAttempts?: number;
  /** Backoff between attempts: exponential with jitter from this (default 100 ms) ... */
  reconnectBackoffMs?: number;
  /** ... up to this (default 5,000 ms). */
  reconnectMaxBackoffMs?: number;
  /** How long close() waits for the node to commit and leave the group (default 5,000 ms). */
  closeTimeoutMs?: number;
  /** read_committed: only records of committed transactions, as a read_committed consumer (default read_uncommitted). */
  isolationLevel?: IsolationLevel;
  /** Called with the partitions the stream owns, after it joins and after each rebalance that changes them. */
  onAssignment?(partitions: TopicPartition[]): void;
}

export type ResolvedSubscribeOptions = Required<Omit<SubscribeOptions, 'onAssignment'>> & Pick<SubscribeOptions, 'onAssignment'>;

export function resolveSubscribeOptions(o: SubscribeOptions): ResolvedSubscribeOptions {
  if (typeof o.group !== 'string' || o.group === '') throw new GregorError('INVALID_REQUEST', 'subscribe() needs a group');
  if (!Array.isArray(o.topics) || o.topics.length === 0) throw new GregorError('INVALID_REQUEST', 'subscribe() needs at least one topic');
  for (const t of o.topics) validateTopicName(t);
  const nonNegative = (name: keyof SubscribeOptions, v: number | undefined, dflt: number): number => {
    const n = v ?? dflt;
    if (!Number.isInteger(n) || n < 0) throw new GregorError('INVALID_REQUEST', `subscribe(): ${name} must be a non-negative integer, got ${String(v)}`);
    return n;
  };
  return {
    group: o.group,
    topics: [...new Set(o.topics)],
    start: o.start ?? 'latest',
    maxOutstandingRecords: nonNegative('maxOutstandingRecords', o.maxOutstandingRecords, 0),
    maxOutstandingBytes: nonNegative('maxOutstandingBytes', o.maxOutstandingBytes, 0),
    ackDeadlineMs: nonNegative('ackDeadlineMs', o.ackDeadlineMs, 0),
    reconnectAttempts: nonNegative('reconnectAttempts', o.reconnectAttempts, 10),
    reconnectBackoffMs: nonNegative('reconnectBackoffMs', o.reconnectBackoffMs, 100),
    reconnectMaxBackoffMs: nonNegative('reconnectMaxBackoffMs', o.reconnectMaxBackoffMs, 5000),
    closeTimeoutMs: nonNegative('closeTimeoutMs', o.closeTimeoutMs, 5000),
    isolationLevel: resolveIsolationLevel(o.isolationLevel),
    onAssignment: o.onAssignment,
  };
}
