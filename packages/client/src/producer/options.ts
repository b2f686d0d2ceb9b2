import { ConfigError } from '@gregor/common';
import { CompressionType } from '@gregor/record-batch';
import { MAX_IN_FLIGHT_FOR_IDEMPOTENCE } from './idempotence';
import { nonNegative, positive, type RetryPolicy } from '../options';
import type { Acks, Compression } from '../types';

/** Producer options; Kafka's producer configs, camelCased, unit last. */
export interface ProducerOptions {
  /** 0: no acknowledgement; 1: the leader; -1 / 'all' (default): every in-sync replica. */
  acks?: Acks;
  /** How long a batch may wait for more records (linger.ms). Default 5. */
  lingerMs?: number;
  /** Target batch size in bytes (batch.size). Default 16384. */
  batchSize?: number;
  /** Produce requests in flight per broker (max.in.flight.requests.per.connection). Default 5. */
  maxInFlight?: number;
  /** Bytes of records accepted but not yet acknowledged (buffer.memory). Default 32 MiB. */
  bufferMemory?: number;
  /** How long `send` may wait for metadata or buffer.memory before failing (max.block.ms). Default 60000. */
  maxBlockMs?: number;
  /** Largest produce request in bytes (max.request.size). Default 1 MiB. */
  maxRequestSize?: number;
  /** Time from `send` to success or failure, retries included (delivery.timeout.ms). Default 120000. */
  deliveryTimeoutMs?: number;
  /** Deadline of one produce request. Default: the client's requestTimeoutMs. */
  requestTimeoutMs?: number;
  /** Batch codec (compression.type): 'none' (default), 'gzip', 'snappy', 'lz4' or 'zstd'. */
  compression?: Compression;
  retry?: Partial<RetryPolicy>;
  /**
   * Idempotent producer (enable.idempotence, KIP-98): retries never write a
   * record twice and keep per-partition order with up to `maxInFlight`
   * batches in flight per partition. Default true — unless acks is 0 or 1
   * or maxInFlight is above 5, which then turn it off, as in Kafka; set
   * explicitly to true with those it is a configuration error.
   */
  idempotent?: boolean;
  /**
   * transactional.id (KIP-98): makes the producer transactional — call
   * initTransactions() once, then beginTransaction() / send /
   * sendOffsetsToTransaction() / commitTransaction() or abortTransaction().
   * A new producer with the same id fences the old one. Needs idempotence.
   */
  transactionalId?: string;
  /** transaction.timeout.ms: the coordinator aborts a transaction open longer than this. Default 60000. */
  transactionTimeoutMs?: number;
  /**
   * Tracing hook (the latency bench): called synchronously each time a
   * Produce request is handed to gRPC, with its partitions and record
   * counts in send order. Keep it cheap; it runs on the send path.
   */
  onRequestSent?: (partitions: readonly SentPartition[]) => void;
}

/** One partition of a Produce request, as `onRequestSent` reports it. */
export interface SentPartition {
  topic: string;
  partition: number;
  recordCount: number;
}

export interface ResolvedProducerOptions {
  acks: -1 | 0 | 1;
  lingerMs: number;
  batchSizeBytes: number;
  maxInFlight: number;
  bufferMemoryBytes: number;
  maxBlockMs: number;
  maxRequestBytes: number;
  deliveryTimeoutMs: number;
  requestTimeoutMs: number;
  compression: CompressionType;
  retry: RetryPolicy;
  idempotent: boolean;
  onRequestSent: ((partitions: readonly SentPartition[]) => void) | undefined;
  transactionalId: string | undefined;
  transactionTimeoutMs: number;
}

const CODEC_OF: Readonly<Record<Compression, CompressionType>> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

/** Every accepted `compression` value. */
export const COMPRESSIONS = Object.keys(CODEC_OF) as readonly Compression[];

export function resolveProducerOptions(opts: ProducerOptions, client: { requestTimeoutMs: number; retry: RetryPolicy }): ResolvedProducerOptions {
  const acks = opts.acks ?? 'all';
  if (acks !== 0 && acks !== 1 && acks !== -1 && acks !== 'all') throw new ConfigError('acks', `must be 0, 1, -1 or "all", got ${String(acks)}`);
  const compression = opts.compression ?? 'none';
  if (!COMPRESSIONS.includes(compression)) throw new ConfigError('compression', `must be one of ${COMPRESSIONS.join(', ')}, got ${String(compression)}`);
  const resolved: ResolvedProducerOptions = {
    acks: acks === 'all' ? -1 : acks,
    lingerMs: nonNegative('lingerMs', opts.lingerMs ?? 5),
    batchSizeBytes: positive('batchSize', opts.batchSize ?? 16384),
    maxInFlight: positive('maxInFlight', opts.maxInFlight ?? 5),
    bufferMemoryBytes: positive('bufferMemory', opts.bufferMemory ?? 32 * 1024 * 1024),
    maxBlockMs: nonNegative('maxBlockMs', opts.maxBlockMs ?? 60000),
    maxRequestBytes: positive('maxRequestSize', opts.maxRequestSize ?? 1024 * 1024),
    deliveryTimeoutMs: positive('deliveryTimeoutMs', opts.deliveryTimeoutMs ?? 120000),
    requestTimeoutMs: positive('requestTimeoutMs', opts.requestTimeoutMs ?? client.requestTimeoutMs),
    compression: CODEC_OF[compression],
    retry: { ...client.retry, ...opts.retry },
    idempotent: false,
    onRequestSent: opts.onRequestSent,
    transactionalId: opts.transactionalId,
    transactionTimeoutMs: positive('transactionTimeoutMs', opts.transactionTimeoutMs ?? 60_000),
  };
  if (opts.transactionalId !== undefined && opts.transactionalId === '') throw new ConfigError('transactionalId', 'must not be empty');
  // Kafka: a transactional producer is idempotent; asking for one without idempotence is an error.
  resolved.idempotent = resolveIdempotence(opts.transactionalId !== undefined && opts.idempotent === undefined ? true : opts.idempotent, resolved);
  if (opts.transactionalId !== undefined && !resolved.idempotent) throw new ConfigError('idempotent', 'a transactional producer (transactionalId) must be idempotent');
  // As Kafka: a batch must be able to wait out linger and one full request.
  if (resolved.deliveryTimeoutMs < resolved.lingerMs + resolved.requestTimeoutMs) {
    throw new ConfigError('deliveryTimeoutMs', `must be at least lingerMs + requestTimeoutMs (${resolved.lingerMs + resolved.requestTimeoutMs})`);
  }
  return resolved;
}

/**
 * Kafka's rule (ProducerConfig.postProcessAndValidateIdempotenceConfigs):
 * idempotence needs acks=all, retries and at most 5 requests in flight. When
 * the user asked for it explicitly, a conflicting setting is an error; when
 * it is only the default, the conflicting setting wins and idempotence is off.
 */
function resolveIdempotence(asked: boolean | undefined, o: ResolvedProducerOptions): boolean {
  if (asked === false) return false;
  const conflicts: [string, string][] = [];
  if (o.acks !== -1) conflicts.push(['acks', `must be "all" (-1) for an idempotent producer, got ${o.acks}; set idempotent: false to use acks ${o.acks}`]);
  if (o.retry.retries <= 0) conflicts.push(['retry.retries', 'must be above 0 for an idempotent producer; set idempotent: false to disable retries']);
  if (o.maxInFlight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
    conflicts.push(['maxInFlight', `must be at most ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE} for an idempotent producer, got ${o.maxInFlight}`]);
  }
  const first = conflicts[0];
  if (first === undefined) return true;
  if (asked === true) throw new ConfigError(first[0], first[1]);
  return false;
}
