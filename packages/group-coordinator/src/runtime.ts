import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type ErrorName, type Logger } from '@gregor/common';
import type { GroupCoordinatorConfig } from './config';
import type { Effects, PendingAppend, ShardDeps } from './context';
import type { GroupCoordinatorShard } from './coordinator-shard';
import { errorResponse } from './error-responses';
import { ShardHosts, type CoordinatorLogPort } from '@gregor/coordinator-runtime';
import { groupShardKind } from './group-shard-kind';
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
  private readonly hosts: ShardHosts<GroupCoordinatorShard, PendingAppend, Reply, Effects>;
  private readonly clock: Clock;
  private readonly deps: ShardDeps;
  private readonly maxWaiting: number;
  private nextRequestId = 1;

  constructor(opts: GroupCoordinatorRuntimeOptions) {
    this.clock = opts.clock ?? systemClock;
    this.deps = {
      config: opts.config,
      newMemberId: opts.newMemberId ?? ((prefix) => `${prefix}-${randomUUID()}`),
      wallClockMs: () => this.clock.nowMs(),
    };
    this.maxWaiting = opts.maxWaitingRequests ?? 100_000;
    const kind = groupShardKind(this.deps, this.clock, opts.logger);
    this.hosts = new ShardHosts({
      what: 'consumer groups',
      log: opts.log,
      logger: opts.logger,
      kind: () => kind,
      ...(opts.loadReadMaxBytes !== undefined ? { loadReadMaxBytes: opts.loadReadMaxBytes } : {}),
      ...(opts.maxRecordsPerWrite !== undefined ? { maxRecordsPerWrite: opts.maxRecordsPerWrite } : {}),
    });
  }

  /** This broker became leader of `partition` in `leaderEpoch`: load its groups. Idempotent per epoch. */
  onElection(partition: number, leaderEpoch: number): void {
    this.hosts.onElection(partition, leaderEpoch);
  }

  /** This broker no longer leads `partition` (in `leaderEpoch` or older, when given). */
  onResignation(partition: number, leaderEpoch?: number): Promise<void> {
    return this.hosts.onResignation(partition, leaderEpoch);
  }

  /** 'active' once loaded, 'loading' meanwhile, 'none' when this broker does not coordinate it. */
  partitionState(partition: number): 'active' | 'loading' | 'none' {
    return this.hosts.partitionState(partition);
  }

  /** The leader epoch this broker coordinates `partition` in, if any. */
  coordinatedEpoch(partition: number): number | undefined {
    return this.hosts.coordinatedEpoch(partition);
  }

  coordinatedPartitions(): number[] {
    return this.hosts.coordinatedPartitions();
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
   * applied or dropped. A partition still loading may have read its log
   * before the marker landed: the marker is applied once the load is done
   * (a no-op when the loader read it: the producer has nothing pending
   * then, and its next transaction's TxnOffsetCommit cannot come before
   * this one's markers are all written, nor before the load ends).
   */
  onTransactionCompleted(partition: number, producerId: bigint, commit: boolean): void {
    const host = this.hosts.get(partition);
    if (host === undefined || host.state === 'unloaded') return;
    const complete = (): void => host.mutate((s, now) => s.completeTransaction(producerId, commit, now));
    if (host.state === 'active') complete();
    else void host.loaded.then(complete, () => undefined);
  }

  async deleteGroups(partition: number, groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
    const r = await this.call(partition, (s, id, now) => s.deleteGroups(id, groupIds, now));
    return typeof r === 'string' ? errorResponse.delete(groupIds, r) : expectKind(r, 'delete').response;
  }

  fetchOffsets(partition: number, req: OffsetFetchRequest): OffsetFetchResponse {
    const host = this.hosts.active(partition);
    return typeof host === 'string' ? errorResponse.fetch(req, host) : host.read((s) => s.fetchOffsets(req));
  }

  /** DescribeGroups for groups of one partition; a partition not coordinated here fails each group. */
  describeGroups(partition: number, groupIds: readonly string[]): DescribedGroup[] {
    const host = this.hosts.active(partition);
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
    const { error, items } = this.hosts.readAll((s) => s.listGroups(states));
    return { error, groups: items };
  }

  /** Topics were deleted: drop the offsets groups committed for them, on every shard led here. */
  onTopicsDeleted(topics: readonly string[]): void {
    for (const host of this.hosts.all()) host.mutate((s, now) => s.deleteTopicOffsets(topics, now));
  }

  /** Unloads every partition (waiters get NOT_COORDINATOR) and waits for writes in flight. */
  stop(): Promise<void> {
    return this.hosts.stop();
  }

  /** Runs a request on the partition's shard: its reply, or the error to answer with instead. */
  private async call(partition: number, run: (s: GroupCoordinatorShard, requestId: number, nowMs: number) => Effects): Promise<Reply | ErrorName> {
    const host = await this.hosts.activeSoon(partition);
    if (typeof host === 'string') return host;
    if (this.hosts.waitingRequests >= this.maxWaiting) return 'COORDINATOR_NOT_AVAILABLE';
    const id = this.nextRequestId++;
    const reply = await host.call(id, (s, now) => run(s, id, now));
    return reply ?? 'NOT_COORDINATOR';
  }
}

function expectKind<K extends Reply['kind']>(r: Reply, kind: K): Extract<Reply, { kind: K }> {
  if (r.kind !== kind) throw new Error(`coordinator answered a ${kind} request with a ${r.kind} reply`);
  return r as Extract<Reply, { kind: K }>;
}
