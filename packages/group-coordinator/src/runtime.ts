import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type ErrorName, type Logger } from '@gregor/common';
import type { GroupCoordinatorConfig } from './config';
import type { Effects, PendingAppend, ShardDeps } from './context';
import type { GroupCoordinatorShard } from './coordinator-shard';
import { errorResponse } from './error-responses';
import { ShardHost, type CoordinatorLogPort } from '@gregor/coordinator-runtime';
import { groupShardKind, type GroupShardKind } from './group-shard-kind';
import type {
  DeleteGroupResult,
  DescribedGroup,
  GroupState,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListedGroup,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  Reply,
  SyncGroupRequest,
  SyncGroupResponse,
} from './types';
import type { TxnOffsetCommitRequest } from './txn-offsets';

export interface GroupCoordinatorRuntimeOptions {
  config: GroupCoordinatorConfig;
  log: CoordinatorLogPort;
  logger: Logger;
  clock?: Clock;
  /** Member ids: `${prefix}-${uuid}` by default, as Kafka. */
  newMemberId?: (prefix: string) => string;
  /**
   * Requests waiting for an answer (JoinGroup in a rebalance, commits being
   * written), over all partitions. Beyond it new requests get
   * COORDINATOR_NOT_AVAILABLE, which clients retry after a backoff.
   */
  maxWaitingRequests?: number;
  loadReadMaxBytes?: number;
  maxRecordsPerWrite?: number;
}

/**
 * The group coordinator of one broker: a ShardHost per __consumer_offsets
 * partition it leads, created on election (loading from the log; requests
 * get COORDINATOR_LOAD_IN_PROGRESS meanwhile) and dropped on resignation.
 * Requests for partitions it does not lead get NOT_COORDINATOR. Callers
 * route by `partitionForGroup`; this class never looks at metadata.
 */
export class GroupCoordinatorRuntime {
  private readonly hosts = new Map<number, GroupShardHost>();
  private readonly kind: GroupShardKind;
  private readonly clock: Clock;
  private readonly deps: ShardDeps;
  private readonly maxWaiting: number;
  private nextRequestId = 1;
  private stopped = false;

  constructor(private readonly opts: GroupCoordinatorRuntimeOptions) {
    this.clock = opts.clock ?? systemClock;
    this.deps = {
      config: opts.config,
      newMemberId: opts.newMemberId ?? ((prefix) => `${prefix}-${randomUUID()}`),
      wallClockMs: () => this.clock.nowMs(),
    };
    this.maxWaiting = opts.maxWaitingRequests ?? 100_000;
    this.kind = groupShardKind(this.deps, this.clock, opts.logger);
  }

  /** This broker became leader of `partition` in `leaderEpoch`: load its groups. Idempotent per epoch. */
  onElection(partition: number, leaderEpoch: number): void {
    if (this.stopped) return;
    const current = this.hosts.get(partition);
    if (current !== undefined && current.leaderEpoch >= leaderEpoch) return;
    if (current !== undefined) void current.unload();
    const host: GroupShardHost = new ShardHost(partition, leaderEpoch, this.kind, this.opts.log, this.opts.logger, {
      loadReadMaxBytes: this.opts.loadReadMaxBytes ?? 4 * 1024 * 1024,
      maxRecordsPerWrite: this.opts.maxRecordsPerWrite ?? 2000,
    });
    this.hosts.set(partition, host);
    this.opts.logger.info('loading consumer groups', { partition, leaderEpoch });
    host.loaded.catch((err: unknown) => {
      // A failed load (leadership moved, corrupt record) leaves the partition
      // uncoordinated here; the next election event tries again.
      this.opts.logger.error('loading consumer groups failed', { partition, leaderEpoch, err: err instanceof Error ? err.message : String(err) });
      if (this.hosts.get(partition) === host) this.hosts.delete(partition);
      void host.unload();
    });
  }

  /** This broker no longer leads `partition` (in `leaderEpoch` or older, when given). */
  onResignation(partition: number, leaderEpoch?: number): Promise<void> {
    const host = this.hosts.get(partition);
    if (host === undefined || (leaderEpoch !== undefined && host.leaderEpoch > leaderEpoch)) return Promise.resolve();
    this.hosts.delete(partition);
    this.opts.logger.info('unloading consumer groups', { partition, leaderEpoch: host.leaderEpoch });
    return host.unload();
  }

  /** 'active' once loaded, 'loading' meanwhile, 'none' when this broker does not coordinate it. */
  partitionState(partition: number): 'active' | 'loading' | 'none' {
    const host = this.hosts.get(partition);
    return host === undefined ? 'none' : host.state === 'active' ? 'active' : host.state === 'loading' ? 'loading' : 'none';
  }

  /** The leader epoch this broker coordinates `partition` in, if any. */
  coordinatedEpoch(partition: number): number | undefined {
    return this.hosts.get(partition)?.leaderEpoch;
  }

  coordinatedPartitions(): number[] {
    return [...this.hosts.keys()];
  }

  async joinGroup(partition: number, req: JoinGroupRequest): Promise<JoinGroupResponse> {
    const r = await this.call(partition, (s, id, now) => s.joinGroup(id, req, now));
    return typeof r === 'string' ? errorResponse.join(req, r) : expectKind(r, 'join').response;
  }

  async syncGroup(partition: number, req: SyncGroupRequest): Promise<SyncGroupResponse> {
    const r = await this.call(partition, (s, id, now) => s.syncGroup(id, req, now));
    return typeof r === 'string' ? errorResponse.sync(r) : expectKind(r, 'sync').response;
  }

  async heartbeat(partition: number, req: HeartbeatRequest): Promise<HeartbeatResponse> {
    const r = await this.call(partition, (s, id, now) => s.heartbeat(id, req, now));
    return typeof r === 'string' ? errorResponse.heartbeat(req, r) : expectKind(r, 'heartbeat').response;
  }

  async leaveGroup(partition: number, req: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    const r = await this.call(partition, (s, id, now) => s.leaveGroup(id, req, now));
    return typeof r === 'string' ? errorResponse.leave(req, r) : expectKind(r, 'leave').response;
  }

  async commitOffsets(partition: number, req: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    const r = await this.call(partition, (s, id, now) => s.commitOffsets(id, req, now));
    return typeof r === 'string' ? errorResponse.commit(req, r) : expectKind(r, 'commit').response;
  }

  /** TxnOffsetCommit (KIP-98/447): the offsets wait for their transaction's marker. */
  async commitTransactionalOffsets(partition: number, req: TxnOffsetCommitRequest): Promise<OffsetCommitResponse> {
    const r = await this.call(partition, (s, id, now) => s.commitTransactionalOffsets(id, req, now));
    return typeof r === 'string' ? errorResponse.commit(req, r) : expectKind(r, 'txn-commit').response;
  }

  /**
   * A COMMIT/ABORT marker of `producerId` was written to `partition`
   * (WriteTxnMarkers on this broker, its leader): its pending offsets are
   * applied or dropped. A partition still loading reads the marker from
   * the log instead.
   */
  onTransactionCompleted(partition: number, producerId: bigint, commit: boolean): void {
    const host = this.hosts.get(partition);
    if (host === undefined || host.state !== 'active') return;
    host.mutate((s, now) => s.completeTransaction(producerId, commit, now));
  }

  async deleteGroups(partition: number, groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
    const r = await this.call(partition, (s, id, now) => s.deleteGroups(id, groupIds, now));
    return typeof r === 'string' ? errorResponse.delete(groupIds, r) : expectKind(r, 'delete').response;
  }

  fetchOffsets(partition: number, req: OffsetFetchRequest): OffsetFetchResponse {
    const host = this.activeHost(partition);
    return typeof host === 'string' ? errorResponse.fetch(req, host) : host.read((s) => s.fetchOffsets(req));
  }

  /** DescribeGroups for groups of one partition; a partition not coordinated here fails each group. */
  describeGroups(partition: number, groupIds: readonly string[]): DescribedGroup[] {
    const host = this.activeHost(partition);
    if (typeof host === 'string') {
      return groupIds.map((groupId) => ({ groupId, error: host, state: 'Dead' as const, protocolType: '', protocolData: '', members: [] }));
    }
    return host.read((s) => s.describeGroups(groupIds));
  }

  /**
   * ListGroups over every partition coordinated here (Kafka: each broker
   * lists its own; clients ask them all). COORDINATOR_LOAD_IN_PROGRESS
   * while any partition is still loading, as Kafka.
   */
  listGroups(states: readonly GroupState[] = []): { error: ErrorName; groups: ListedGroup[] } {
    const groups: ListedGroup[] = [];
    let error: ErrorName = 'NONE';
    for (const host of this.hosts.values()) {
      if (host.state === 'loading') error = 'COORDINATOR_LOAD_IN_PROGRESS';
      else if (host.state === 'active') groups.push(...host.read((s) => s.listGroups(states)));
    }
    return { error, groups };
  }

  /** Topics were deleted: drop the offsets groups committed for them, on every shard led here. */
  onTopicsDeleted(topics: readonly string[]): void {
    for (const host of this.hosts.values()) host.mutate((s, now) => s.deleteTopicOffsets(topics, now));
  }

  /** Unloads every partition (waiters get NOT_COORDINATOR) and waits for writes in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    const hosts = [...this.hosts.values()];
    this.hosts.clear();
    await Promise.all(hosts.map((h) => h.unload()));
  }

  private waitingTotal(): number {
    let n = 0;
    for (const h of this.hosts.values()) n += h.waitingRequests;
    return n;
  }

  private activeHost(partition: number): GroupShardHost | ErrorName {
    if (this.stopped) return 'NOT_COORDINATOR';
    const host = this.hosts.get(partition);
    if (host === undefined) return 'NOT_COORDINATOR';
    if (host.state === 'loading') return 'COORDINATOR_LOAD_IN_PROGRESS';
    if (host.state !== 'active') return 'NOT_COORDINATOR';
    return host;
  }

  /** Runs a request on the partition's shard: its reply, or the error to answer with instead. */
  private async call(partition: number, run: (s: GroupCoordinatorShard, requestId: number, nowMs: number) => Effects): Promise<Reply | ErrorName> {
    const host = this.activeHost(partition);
    if (typeof host === 'string') return host;
    if (this.waitingTotal() >= this.maxWaiting) return 'COORDINATOR_NOT_AVAILABLE';
    const id = this.nextRequestId++;
    const reply = await host.call(id, (s, now) => run(s, id, now));
    return reply ?? 'NOT_COORDINATOR';
  }
}

type GroupShardHost = ShardHost<GroupCoordinatorShard, PendingAppend, Reply, Effects>;

function expectKind<K extends Reply['kind']>(r: Reply, kind: K): Extract<Reply, { kind: K }> {
  if (r.kind !== kind) throw new Error(`coordinator answered a ${kind} request with a ${r.kind} reply`);
  return r as Extract<Reply, { kind: K }>;
}
