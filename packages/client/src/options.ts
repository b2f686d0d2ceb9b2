import { ConfigError, silentLogger, systemClock, type Clock, type Logger } from '@gregor/common';
import type { FetchRequest__Output, FetchResponse__Output } from '@gregor/proto';
import { parseBootstrap } from './wire';

/** Backoff for retriable errors: exponential with jitter, capped (see withRetry in @gregor/common). */
export interface RetryPolicy {
  /** Attempts after the first; the deadline of the operation bounds them too. */
  retries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Options of `createClient`. Names follow Kafka's client configs, camelCased, unit last. */
export interface ClientOptions {
  /** "host:port", a comma-separated list, or an array; any live broker will do. */
  bootstrap: string | readonly string[];
  clientId?: string;
  logger?: Logger;
  /** How long one RPC may take (Kafka's request.timeout.ms). Default 30000. */
  requestTimeoutMs?: number;
  /** Budget of an admin call including retries (Kafka's default.api.timeout.ms). Default 60000. */
  defaultApiTimeoutMs?: number;
  /** Metadata is refreshed at least this often (Kafka's metadata.max.age.ms). Default 300000. */
  metadataMaxAgeMs?: number;
  /**
   * A Produce unanswered by its leader this long makes the producer ask the
   * other brokers who leads (then again every quarter of it, at least
   * 100 ms, while it waits); when leadership has moved, the request is
   * abandoned and its batches go to the new leader — with their sequence
   * numbers, so the leader drops any it already has. Well below
   * requestTimeoutMs: a leader cut off from the cluster (or fenced) is left
   * within about this long after the controller moved its partitions,
   * instead of after the request timeout. No Kafka equivalent. Default
   * 1000; 0 turns it off.
   */
  slowLeaderCheckMs?: number;
  retry?: Partial<RetryPolicy>;
  /** A broker in this very process (a client run inside gregor-node): consumers' fetches to it skip gRPC. */
  inProcessBroker?: InProcessBroker;
  /** Injected for tests. */
  clock?: Clock;
  random?: () => number;
}

/**
 * The broker of the process the client runs in: `fetch` answers a Fetch as
 * the node's gRPC Fetch would (same request and response shapes), without
 * the serialization and the loopback connection. Used by gregor-node's
 * records service, whose Subscribe streams consume through the SDK.
 */
export interface InProcessBroker {
  nodeId: number;
  fetch(request: FetchRequest__Output, signal: AbortSignal): Promise<FetchResponse__Output>;
}

export interface ResolvedClientOptions {
  bootstrap: string[];
  clientId: string;
  logger: Logger;
  requestTimeoutMs: number;
  defaultApiTimeoutMs: number;
  metadataMaxAgeMs: number;
  slowLeaderCheckMs: number;
  retry: RetryPolicy;
  inProcessBroker: InProcessBroker | undefined;
  clock: Clock;
  random: () => number;
}

// Kafka retries "forever" (retries = MAX_INT) and lets the deadline decide.
// The cap is 250 ms rather than Kafka's 1000 (retry.backoff.max.ms): after a
// leader dies the new one is usually known within ~1.5 s, and a long backoff
// would add up to a second of unavailability on top (measured with
// pnpm bench:failover).
export const DEFAULT_RETRY: RetryPolicy = { retries: 2147483647, initialBackoffMs: 100, maxBackoffMs: 250 };

export function resolveClientOptions(opts: ClientOptions): ResolvedClientOptions {
  return {
    bootstrap: parseBootstrap(opts.bootstrap),
    clientId: opts.clientId ?? 'gregor-client',
    logger: opts.logger ?? silentLogger(),
    requestTimeoutMs: positive('requestTimeoutMs', opts.requestTimeoutMs ?? 30000),
    defaultApiTimeoutMs: positive('defaultApiTimeoutMs', opts.defaultApiTimeoutMs ?? 60000),
    metadataMaxAgeMs: positive('metadataMaxAgeMs', opts.metadataMaxAgeMs ?? 300000),
    slowLeaderCheckMs: nonNegative('slowLeaderCheckMs', opts.slowLeaderCheckMs ?? 1000),
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    inProcessBroker: opts.inProcessBroker,
    clock: opts.clock ?? systemClock,
    random: opts.random ?? Math.random,
  };
}

export function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(name, `must be a positive number, got ${value}`);
  return value;
}

export function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(name, `must be zero or more, got ${value}`);
  return value;
}
