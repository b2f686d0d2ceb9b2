import { ConfigError } from '@gregor/common';
import { nonNegative, positive, type RetryPolicy } from '../options';
import type { AutoOffsetReset } from '../types';

/** Consumer options; Kafka's consumer configs, camelCased, unit last. */
export interface ConsumerOptions {
  /** Where to start without a valid position (auto.offset.reset). Default 'latest', as Kafka. */
  autoOffsetReset?: AutoOffsetReset;
  /** Long-poll: how long a broker may hold a fetch waiting for minBytes (fetch.max.wait.ms). Default 500. */
  maxWaitMs?: number;
  /** Bytes a broker waits for before answering a fetch (fetch.min.bytes). Default 1. */
  minBytes?: number;
  /** Bytes per fetch response (fetch.max.bytes). Default 50 MiB. */
  maxBytes?: number;
  /**
   * Bytes per partition in a fetch (max.partition.fetch.bytes). Default 1 MiB.
   * Also the prefetch bound: a partition is fetched again only while less
   * than this much of it is buffered, so at most about twice this is held.
   */
  maxPartitionBytes?: number;
  /** Records one `poll` returns at most (max.poll.records). Default 500. */
  maxPollRecords?: number;
  retry?: Partial<RetryPolicy>;
}

export interface ResolvedConsumerOptions {
  autoOffsetReset: AutoOffsetReset;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  maxPartitionBytes: number;
  maxPollRecords: number;
  retry: RetryPolicy;
}

export function resolveConsumerOptions(opts: ConsumerOptions, client: { retry: RetryPolicy }): ResolvedConsumerOptions {
  const reset = opts.autoOffsetReset ?? 'latest';
  if (reset !== 'earliest' && reset !== 'latest' && reset !== 'none') {
    throw new ConfigError('autoOffsetReset', `must be "earliest", "latest" or "none", got ${String(reset)}`);
  }
  return {
    autoOffsetReset: reset,
    maxWaitMs: nonNegative('maxWaitMs', opts.maxWaitMs ?? 500),
    minBytes: nonNegative('minBytes', opts.minBytes ?? 1),
    maxBytes: positive('maxBytes', opts.maxBytes ?? 50 * 1024 * 1024),
    maxPartitionBytes: positive('maxPartitionBytes', opts.maxPartitionBytes ?? 1024 * 1024),
    maxPollRecords: positive('maxPollRecords', opts.maxPollRecords ?? 500),
    retry: { ...client.retry, ...opts.retry },
  };
}
