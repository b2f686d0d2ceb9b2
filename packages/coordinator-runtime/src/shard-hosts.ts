import type { ErrorName, Logger } from '@gregor/common';
import { ShardHost, type CoordinatorLogPort, type HostedShard, type ShardEffects, type ShardHostLimits, type ShardKind } from './shard-host';

/**
 * How long a coordinator request waits for what is about to be true — its
 * partition's load to finish, the internal topic to appear in this broker's
 * metadata — before answering the retriable error instead.
 */
export const COORDINATOR_WAIT_MS = 1000;

export interface ShardHostsOptions<S extends HostedShard<A, Fx>, A, R extends { requestId: number }, Fx extends ShardEffects<A, R>> {
  /** What a shard holds, for log lines: "loading consumer groups", "unloading transactions". */
  what: string;
  log: CoordinatorLogPort;
  logger: Logger;
  /** The shard kind for a leadership in `leaderEpoch`. */
  kind: (leaderEpoch: number) => ShardKind<S, A, R, Fx>;
  loadReadMaxBytes?: number;
  maxRecordsPerWrite?: number;
}

/**
 * The ShardHosts of one coordinator on one broker, one per internal-topic
 * partition it leads: loaded on election (idempotent per epoch), dropped on
 * resignation, all unloaded on stop. The group and transaction
 * coordinators' runtimes route requests through `active`.
 */
export class ShardHosts<S extends HostedShard<A, Fx>, A, R extends { requestId: number }, Fx extends ShardEffects<A, R>> {
  private readonly hosts = new Map<number, ShardHost<S, A, R, Fx>>();
  private readonly limits: ShardHostLimits;
  private stopped = false;

  constructor(private readonly opts: ShardHostsOptions<S, A, R, Fx>) {
    this.limits = { loadReadMaxBytes: opts.loadReadMaxBytes ?? 4 * 1024 * 1024, maxRecordsPerWrite: opts.maxRecordsPerWrite ?? 2000 };
  }

  /** This broker became leader of `partition` in `leaderEpoch`: load its shard. */
  onElection(partition: number, leaderEpoch: number): void {
    if (this.stopped) return;
    const current = this.hosts.get(partition);
    if (current !== undefined && current.leaderEpoch >= leaderEpoch) return;
    if (current !== undefined) void current.unload();
    const { what, logger } = this.opts;
    const host = new ShardHost(partition, leaderEpoch, this.opts.kind(leaderEpoch), this.opts.log, logger, this.limits);
    this.hosts.set(partition, host);
    logger.info(`loading ${what}`, { partition, leaderEpoch });
    host.loaded.catch((err: unknown) => {
      // A failed load (leadership moved, corrupt record) leaves the partition
      // uncoordinated here; the next election event tries again.
      logger.error(`loading ${what} failed`, { partition, leaderEpoch, err: err instanceof Error ? err.message : String(err) });
      if (this.hosts.get(partition) === host) this.hosts.delete(partition);
      void host.unload();
    });
  }

  /** This broker no longer leads `partition` (in `leaderEpoch` or older, when given). */
  onResignation(partition: number, leaderEpoch?: number): Promise<void> {
    const host = this.hosts.get(partition);
    if (host === undefined || (leaderEpoch !== undefined && host.leaderEpoch > leaderEpoch)) return Promise.resolve();
    this.hosts.delete(partition);
    this.opts.logger.info(`unloading ${this.opts.what}`, { partition, leaderEpoch: host.leaderEpoch });
    return host.unload();
  }

  /** 'active' once loaded, 'loading' meanwhile, 'none' when this broker does not coordinate it. */
  partitionState(partition: number): 'active' | 'loading' | 'none' {
    const state = this.hosts.get(partition)?.state;
    return state === 'active' || state === 'loading' ? state : 'none';
  }

  /** The leader epoch this broker coordinates `partition` in, if any. */
  coordinatedEpoch(partition: number): number | undefined {
    return this.hosts.get(partition)?.leaderEpoch;
  }

  coordinatedPartitions(): number[] {
    return [...this.hosts.keys()];
  }

  get(partition: number): ShardHost<S, A, R, Fx> | undefined {
    return this.hosts.get(partition);
  }

  all(): IterableIterator<ShardHost<S, A, R, Fx>> {
    return this.hosts.values();
  }

  /** The loaded host of `partition`, or the error a request for it gets. */
  active(partition: number): ShardHost<S, A, R, Fx> | ErrorName {
    if (this.stopped) return 'NOT_COORDINATOR';
    const host = this.hosts.get(partition);
    if (host === undefined) return 'NOT_COORDINATOR';
    if (host.state === 'loading') return 'COORDINATOR_LOAD_IN_PROGRESS';
    if (host.state !== 'active') return 'NOT_COORDINATOR';
    return host;
  }

  /**
   * `active`, but a request that finds its partition still loading waits
   * for the load (at most `waitMs`) instead of bouncing straight back with
   * COORDINATOR_LOAD_IN_PROGRESS: a load takes milliseconds, a client's
   * retry backoff a hundred or more, and some clients (kafkajs's
   * TxnOffsetCommit) give up on the first coordinator error.
   */
  async activeSoon(partition: number, waitMs = COORDINATOR_WAIT_MS): Promise<ShardHost<S, A, R, Fx> | ErrorName> {
    const host = this.hosts.get(partition);
    if (host !== undefined && host.state === 'loading' && waitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
      await Promise.race([host.loaded.catch(() => undefined), timedOut]);
      clearTimeout(timer);
    }
    return this.active(partition);
  }

  /** Requests waiting for a write, over every partition. */
  get waitingRequests(): number {
    let n = 0;
    for (const h of this.hosts.values()) n += h.waitingRequests;
    return n;
  }

  /** What `read` finds on every loaded shard; COORDINATOR_LOAD_IN_PROGRESS while any loads (the List* APIs). */
  readAll<T>(read: (shard: S) => readonly T[]): { error: ErrorName; items: T[] } {
    const items: T[] = [];
    let error: ErrorName = 'NONE';
    for (const host of this.hosts.values()) {
      if (host.state === 'loading') error = 'COORDINATOR_LOAD_IN_PROGRESS';
      else if (host.state === 'active') items.push(...host.read(read));
    }
    return { error, items };
  }

  /** Unloads every partition (waiters get NOT_COORDINATOR) and waits for writes in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    const hosts = [...this.hosts.values()];
    this.hosts.clear();
    await Promise.all(hosts.map((h) => h.unload()));
  }
}
