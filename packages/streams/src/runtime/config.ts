import type { ClientOptions } from '@gregor/client';
import { parseHostInfo } from './streams-metadata';
import { GregorError, silentLogger, topicNameProblem, type Clock, systemClock, type Logger } from '@gregor/common';

/** Kafka Streams' main settings, in camelCase (application.id → applicationId). */
export interface StreamsConfig {
  /** The consumer group id and the prefix of every internal topic; instances with the same id share the work. */
  applicationId: string;
  bootstrap: ClientOptions['bootstrap'];
  /** Where persistent stores live: `<stateDir>/<applicationId>/<task>/<store>` (default: a dir under the OS temp dir). */
  stateDir?: string;
  /**
   * 'at_least_once' (default): a crash may duplicate outputs and counts.
   * 'exactly_once_v2': outputs, changelog writes and consumed offsets are
   * committed in one transaction per commit (one transactional producer per
   * instance); everything is read with read_committed.
   */
  processingGuarantee?: 'at_least_once' | 'exactly_once_v2';
  /**
   * exactly_once_v2: the transaction timeout (Kafka Streams sets 10000). A
   * crashed instance's open transaction holds back read_committed readers of
   * what it wrote until it is aborted — at this timeout, or at once when an
   * instance with the same transactional id (same groupInstanceId) starts.
   */
  transactionTimeoutMs?: number;
  /** How often offsets are committed (Kafka's commit.interval.ms, default 30000). */
  commitIntervalMs?: number;
  /**
   * How often records the application has consumed (committed) are deleted
   * from its repartition topics (Kafka's repartition.purge.interval.ms,
   * default 30000), so they do not hold every record until retention.
   */
  repartitionPurgeIntervalMs?: number;
  /** Entries per store cache; 0 disables caching (Kafka sizes it in bytes: statestore.cache.max.bytes). */
  cacheMaxEntries?: number;
  /** Replication factor of internal topics (default: the broker's default.replication.factor). */
  replicationFactor?: number;
  /**
   * A record that does not deserialize: stop with an error (default), log,
   * count and skip it, or send it as it is to a dead-letter topic (with
   * headers saying where it came from and why) and go on.
   */
  deserializationExceptionHandler?: DeserializationHandler;
  /** An output record the producer fails for good: stop (default), or log, count and drop it. Changelog writes always stop. */
  productionExceptionHandler?: 'fail' | 'logAndContinue';
  /**
   * Static membership (KIP-345, Kafka's group.instance.id): an instance
   * restarted under the same id within the session timeout gets its tasks
   * back without a rebalance — with checkpointed stores, nothing moves and
   * nothing is replayed. Unique per instance.
   */
  groupInstanceId?: string;
  /**
   * `host:port` where this instance answers interactive queries (Kafka's
   * application.server): told to the group, so that any instance's
   * `queryMetadataForKey` can say which instance holds a key.
   */
  applicationServer?: string;
  /**
   * KIP-441 (Kafka's names and defaults): a stateful task moves to another
   * instance only once that instance is caught up on it — its state within
   * `acceptableRecoveryLag` changelog records (10000) of the active's.
   * Until then it stays where it runs and up to `maxWarmupReplicas` (2)
   * warm-up replicas restore it elsewhere in the background; an instance
   * holding standbys or warm-ups asks for a probing rebalance every
   * `probingRebalanceIntervalMs` (600000) so that caught-up warm-ups take
   * their tasks over. `maxWarmupReplicas: 0` moves tasks at once, cold.
   */
  maxWarmupReplicas?: number;
  acceptableRecoveryLag?: number;
  probingRebalanceIntervalMs?: number;
  /** Warm copies of each stateful task's stores kept on other instances (Kafka's num.standby.replicas, default 0). */
  numStandbyReplicas?: number;
  /** Consumer group session timeout (default 10000, shorter than a plain consumer's so failover is quick). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * How long a task with records on some input partitions waits for an
   * empty one before it goes on without it (Kafka's max.task.idle.ms,
   * default 0: never waits). A join whose sides arrive at different times
   * sets it, so that records are processed in timestamp order across its
   * inputs and results do not depend on which side was fetched first.
   */
  maxTaskIdleMs?: number;
  /**
   * Records buffered per input partition before the instance stops
   * fetching it (Kafka's buffered.records.per.partition, default 1000);
   * bounds what a waiting task holds.
   */
  bufferedRecordsPerPartition?: number;
  /** Outputs in flight before the loop waits for acknowledgements (back-pressure; default 10000). */
  maxPendingSends?: number;
  logger?: Logger;
  clock?: Clock;
  /** Extra SDK client options (timeouts, retry). */
  client?: Partial<ClientOptions>;
}

export type DeserializationHandler = 'fail' | 'logAndContinue' | { deadLetterTopic: string };

export type ResolvedStreamsConfig = Required<Omit<StreamsConfig, 'replicationFactor' | 'client' | 'stateDir' | 'groupInstanceId' | 'applicationServer'>> &
  Pick<StreamsConfig, 'replicationFactor' | 'client' | 'groupInstanceId' | 'applicationServer'> & { stateDir: string };

export function resolveConfig(c: StreamsConfig, defaultStateDir: string): ResolvedStreamsConfig {
  const problem = topicNameProblem(`${c.applicationId}-x`);
  if (c.applicationId === '' || problem !== undefined) {
    throw new GregorError('INVALID_CONFIG', `applicationId "${c.applicationId}" must be usable as a topic-name prefix: ${problem ?? 'it is empty'}`);
  }
  const guarantee = c.processingGuarantee ?? 'at_least_once';
  if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2') throw new GregorError('INVALID_CONFIG', `processingGuarantee must be at_least_once or exactly_once_v2, got "${String(guarantee)}"`);
  return {
    applicationId: c.applicationId,
    bootstrap: c.bootstrap,
    stateDir: c.stateDir ?? defaultStateDir,
    processingGuarantee: guarantee,
    // Kafka Streams commits every 100 ms under exactly_once_v2: a commit is also when outputs become visible.
    commitIntervalMs: nonNegative('commitIntervalMs', c.commitIntervalMs ?? (guarantee === 'exactly_once_v2' ? 100 : 30_000)),
    repartitionPurgeIntervalMs: nonNegative('repartitionPurgeIntervalMs', c.repartitionPurgeIntervalMs ?? 30_000),
    transactionTimeoutMs: positive('transactionTimeoutMs', c.transactionTimeoutMs ?? 10_000),
    cacheMaxEntries: nonNegative('cacheMaxEntries', c.cacheMaxEntries ?? 10_000),
    replicationFactor: c.replicationFactor,
    groupInstanceId: c.groupInstanceId,
    applicationServer: c.applicationServer === undefined ? undefined : (parseHostInfo(c.applicationServer), c.applicationServer),
    deserializationExceptionHandler: deserializationHandler(c.deserializationExceptionHandler ?? 'fail'),
    productionExceptionHandler: c.productionExceptionHandler ?? 'fail',
    sessionTimeoutMs: nonNegative('sessionTimeoutMs', c.sessionTimeoutMs ?? 10_000),
    heartbeatIntervalMs: nonNegative('heartbeatIntervalMs', c.heartbeatIntervalMs ?? 1_000),
    maxPendingSends: nonNegative('maxPendingSends', c.maxPendingSends ?? 10_000),
    maxTaskIdleMs: nonNegative('maxTaskIdleMs', c.maxTaskIdleMs ?? 0),
    bufferedRecordsPerPartition: positive('bufferedRecordsPerPartition', c.bufferedRecordsPerPartition ?? 1000),
    numStandbyReplicas: nonNegative('numStandbyReplicas', c.numStandbyReplicas ?? 0),
    maxWarmupReplicas: nonNegative('maxWarmupReplicas', c.maxWarmupReplicas ?? 2),
    acceptableRecoveryLag: nonNegative('acceptableRecoveryLag', c.acceptableRecoveryLag ?? 10_000),
    probingRebalanceIntervalMs: positive('probingRebalanceIntervalMs', c.probingRebalanceIntervalMs ?? 600_000),
    logger: c.logger ?? silentLogger(),
    clock: c.clock ?? systemClock,
    client: c.client,
  };
}

function deserializationHandler(h: DeserializationHandler): DeserializationHandler {
  if (typeof h === 'object') {
    const problem = topicNameProblem(h.deadLetterTopic);
    if (problem !== undefined) throw new GregorError('INVALID_CONFIG', `deserializationExceptionHandler.deadLetterTopic: ${problem}`);
  }
  return h;
}

function positive(key: string, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new GregorError('INVALID_CONFIG', `${key} must be a positive integer, got ${n}`);
  return n;
}

/** What every consumer of the application reads: under exactly_once_v2 only committed transactions. */
export function isolationLevel(c: Pick<ResolvedStreamsConfig, 'processingGuarantee'>): 'read_committed' | 'read_uncommitted' {
  return c.processingGuarantee === 'exactly_once_v2' ? 'read_committed' : 'read_uncommitted';
}

function nonNegative(key: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new GregorError('INVALID_CONFIG', `${key} must be a non-negative integer, got ${n}`);
  return n;
}
