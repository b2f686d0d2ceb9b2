import { ConfigError } from '@gregor/common';
import { cooperativeStickyAssignor, rangeAssignor, roundRobinAssignor, type PartitionAssignor, type RebalanceProtocol } from '../group/assignors';
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
  /**
   * isolation.level: 'read_committed' reads only committed transactional
   * records — up to the last stable offset, aborted ones skipped (KIP-98);
   * 'read_uncommitted' (Kafka's default) reads everything up to the high
   * watermark. Control batches are never returned.
   */
  isolationLevel?: IsolationLevel;
  retry?: Partial<RetryPolicy>;

  // ---- consumer groups ----
  /** group.id: needed for subscribe() and commits. */
  groupId?: string;
  /**
   * The client id this member joins its group with (shown by DescribeGroups);
   * default: the client's clientId. Lets one client run members on others'
   * behalf (gregor.v1.Records' Subscribe: the subscriber's client_id).
   */
  memberClientId?: string;
  /** group.instance.id: static membership (KIP-345) — a restart within the session timeout keeps the partitions, no rebalance. */
  groupInstanceId?: string;
  /** session.timeout.ms: the coordinator drops a member it has not heard from for this long. Default 45000. */
  sessionTimeoutMs?: number;
  /** heartbeat.interval.ms. Default 3000 (keep it below a third of the session timeout). */
  heartbeatIntervalMs?: number;
  /**
   * max.poll.interval.ms: a member that does not call poll (or take from the
   * iterator) for this long leaves the group, so its partitions move on.
   * Also the rebalance timeout: how long the group waits for members to rejoin. Default 300000.
   */
  maxPollIntervalMs?: number;
  /** enable.auto.commit: commit the positions of returned records every autoCommitIntervalMs (from poll), on rebalance and on close. Default true. */
  enableAutoCommit?: boolean;
  /** auto.commit.interval.ms. Default 5000. */
  autoCommitIntervalMs?: number;
  /**
   * partition.assignment.strategy, preferred first: assignors or their names
   * ('range', 'roundrobin', 'cooperative-sticky'). Default
   * ['cooperative-sticky']. The rebalance protocol is COOPERATIVE when every
   * listed assignor supports it, else EAGER (Kafka's rule).
   */
  partitionAssignors?: readonly (PartitionAssignor | 'range' | 'roundrobin' | 'cooperative-sticky')[];
}

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface ResolvedConsumerOptions {
  autoOffsetReset: AutoOffsetReset;
  isolationLevel: IsolationLevel;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  maxPartitionBytes: number;
  maxPollRecords: number;
  retry: RetryPolicy;
  groupId: string | undefined;
  memberClientId: string | undefined;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxPollIntervalMs: number;
  enableAutoCommit: boolean;
  autoCommitIntervalMs: number;
  partitionAssignors: PartitionAssignor[];
  rebalanceProtocol: RebalanceProtocol;
}

const ASSIGNORS: Record<string, PartitionAssignor> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
};

function resolveAssignors(list: ConsumerOptions['partitionAssignors']): PartitionAssignor[] {
  const given = list ?? ['cooperative-sticky'];
  if (given.length === 0) throw new ConfigError('partitionAssignors', 'needs at least one assignor');
  const out = given.map((a) => {
    if (typeof a !== 'string') return a;
    const found = ASSIGNORS[a];
    if (found === undefined) throw new ConfigError('partitionAssignors', `unknown assignor "${a}" (range, roundrobin, cooperative-sticky)`);
    return found;
  });
  if (new Set(out.map((a) => a.name)).size !== out.length) throw new ConfigError('partitionAssignors', 'assignor names must be distinct');
  return out;
}

/** An isolation level option (default read_uncommitted); anything else is a ConfigError. */
export function resolveIsolationLevel(level: IsolationLevel | undefined): IsolationLevel {
  const l = level ?? 'read_uncommitted';
  if (l !== 'read_uncommitted' && l !== 'read_committed') throw new ConfigError('isolationLevel', `must be "read_uncommitted" or "read_committed", got ${String(l)}`);
  return l;
}

export function resolveConsumerOptions(opts: ConsumerOptions, client: { retry: RetryPolicy }): ResolvedConsumerOptions {
  const reset = opts.autoOffsetReset ?? 'latest';
  if (reset !== 'earliest' && reset !== 'latest' && reset !== 'none') {
    throw new ConfigError('autoOffsetReset', `must be "earliest", "latest" or "none", got ${String(reset)}`);
  }
  const isolationLevel = resolveIsolationLevel(opts.isolationLevel);
  return {
    autoOffsetReset: reset,
    isolationLevel,
    maxWaitMs: nonNegative('maxWaitMs', opts.maxWaitMs ?? 500),
    minBytes: nonNegative('minBytes', opts.minBytes ?? 1),
    maxBytes: positive('maxBytes', opts.maxBytes ?? 50 * 1024 * 1024),
    maxPartitionBytes: positive('maxPartitionBytes', opts.maxPartitionBytes ?? 1024 * 1024),
    maxPollRecords: positive('maxPollRecords', opts.maxPollRecords ?? 500),
    retry: { ...client.retry, ...opts.retry },
    ...resolveGroupOptions(opts),
  };
}

function resolveGroupOptions(opts: ConsumerOptions): Pick<
  ResolvedConsumerOptions,
  'groupId' | 'memberClientId' | 'groupInstanceId' | 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'maxPollIntervalMs' | 'enableAutoCommit' | 'autoCommitIntervalMs' | 'partitionAssignors' | 'rebalanceProtocol'
> {
  if (opts.groupInstanceId !== undefined && opts.groupInstanceId === '') throw new ConfigError('groupInstanceId', 'must not be empty');
  if (opts.groupInstanceId !== undefined && opts.groupId === undefined) throw new ConfigError('groupInstanceId', 'needs a groupId');
  const sessionTimeoutMs = positive('sessionTimeoutMs', opts.sessionTimeoutMs ?? 45_000);
  const heartbeatIntervalMs = positive('heartbeatIntervalMs', opts.heartbeatIntervalMs ?? 3000);
  // Name the key the user set (session.timeout.ms=1 alone must not blame the default heartbeat), with Kafka's name beside ours.
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    if (opts.heartbeatIntervalMs === undefined) {
      throw new ConfigError(
        'session.timeout.ms',
        `sessionTimeoutMs must be above heartbeatIntervalMs (heartbeat.interval.ms, default ${heartbeatIntervalMs}), got ${sessionTimeoutMs}`,
      );
    }
    throw new ConfigError('heartbeat.interval.ms', `heartbeatIntervalMs must be below sessionTimeoutMs (session.timeout.ms, ${sessionTimeoutMs}), got ${heartbeatIntervalMs}`);
  }
  const partitionAssignors = resolveAssignors(opts.partitionAssignors);
  return {
    groupId: opts.groupId,
    memberClientId: opts.memberClientId === '' ? undefined : opts.memberClientId,
    groupInstanceId: opts.groupInstanceId ?? null,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxPollIntervalMs: positive('maxPollIntervalMs', opts.maxPollIntervalMs ?? 300_000),
    enableAutoCommit: opts.enableAutoCommit ?? true,
    autoCommitIntervalMs: positive('autoCommitIntervalMs', opts.autoCommitIntervalMs ?? 5000),
    partitionAssignors,
    rebalanceProtocol: partitionAssignors.every((a) => a.supportedProtocols.includes('cooperative')) ? 'cooperative' : 'eager',
  };
}
