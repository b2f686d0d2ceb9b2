import { GregorError, assert, type ErrorName } from '@gregor/common';
import { Ctx, type Effects, type PendingAppend, type ShardDeps } from './context';
import { checkGroupInvariants } from './invariants';
import { DeadlineQueue, type Deadline } from './deadline-queue';
import { ClassicGroup, offsetKey, parseOffsetKey, type Member } from './group';
import { handleJoinGroup, replaceStaticMember, updateMember } from './join';
import { handleHeartbeat, handleLeaveGroup, handleSyncGroup, onHeartbeatExpired, onPendingMemberExpired, onSyncExpired } from './membership';
import { expiredOffsets, handleOffsetCommit, handleOffsetFetch, onCommitWritten } from './offsets';
import { PendingTxnOffsets, completeTransaction, handleTxnOffsetCommit, type TxnOffsetCommitRequest } from './txn-offsets';
import {
  answerJoin,
  currentMemberMetadata,
  joinError,
  maybePrepareRebalance,
  onJoinTimerExpired,
  resetAndPropagateAssignmentError,
  scheduleHeartbeat,
  setAndPropagateAssignment,
  storeGroupError,
  storeOffsetsError,
} from './rebalance';
import type { GroupRegistry } from './registry';
import type { CoordinatorRecord, GroupMetadataValue, OffsetValue } from './records';
import type {
  DeleteGroupResult,
  DescribedGroup,
  GroupState,
  HeartbeatRequest,
  JoinGroupRequest,
  LeaveGroupRequest,
  ListedGroup,
  OffsetCommitRequest,
  OffsetFetchRequest,
  OffsetFetchResponse,
  RequestId,
  SyncGroupRequest,
} from './types';

/**
 * The coordinator of every group that maps to one __consumer_offsets
 * partition, as a pure state machine (the etcd-raft shape): requests and
 * time go in — each call takes the current monotonic time — and Effects
 * come out: replies to deliver now, records to append. It never reads a
 * clock, sets a timer or touches a socket; the driver calls `tick` at
 * `nextDeadlineMs()` and reports each append's outcome with
 * `appendCompleted`. Requests that wait (JoinGroup, the leader's
 * SyncGroup, OffsetCommit) are answered by the effects of a later call.
 */
export class GroupCoordinatorShard implements GroupRegistry {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly deadlines = new DeadlineQueue();
  /** Offsets of transactions whose marker has not arrived (txn-offsets.ts). */
  private readonly txnOffsets = new PendingTxnOffsets();
  private retentionAtMs: number | undefined;
  private unloaded = false;

  constructor(private readonly deps: ShardDeps) {}

  // ---- GroupRegistry -------------------------------------------------------

  get(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  create(groupId: string, ctx: Ctx): ClassicGroup | undefined {
    assert(!this.groups.has(groupId), `group ${groupId} exists already`);
    if (this.groups.size >= this.deps.config.maxGroupsPerShard) return undefined;
    const group = new ClassicGroup(groupId, ctx.wallMs());
    this.groups.set(groupId, group);
    return group;
  }

  // ---- requests ------------------------------------------------------------

  joinGroup(requestId: RequestId, req: JoinGroupRequest, nowMs: number): Effects {
    return this.run(nowMs, (ctx) => handleJoinGroup(ctx, this, requestId, req));
  }

  syncGroup(requestId: RequestId, req: SyncGroupRequest, nowMs: number): Effects {
    return this.run(nowMs, (ctx) => handleSyncGroup(ctx, this, requestId, req));
  }

  heartbeat(requestId: RequestId, req: HeartbeatRequest, nowMs: number): Effects {
    return this.run(nowMs, (ctx) => handleHeartbeat(ctx, this, requestId, req));
  }

  leaveGroup(requestId: RequestId, req: LeaveGroupRequest, nowMs: number): Effects {
    return this.run(nowMs, (ctx) => handleLeaveGroup(ctx, this, requestId, req));
  }

  commitOffsets(requestId: RequestId, req: OffsetCommitRequest, nowMs: number): Effects {
    return this.run(nowMs, (ctx) => handleOffsetCommit(ctx, this, requestId, req));
  }

  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResponse {
    return handleOffsetFetch(this, req, (groupId, key) => this.txnOffsets.isPending(groupId, key));
  }

  /** TxnOffsetCommit: answered once written; the offsets count only when the transaction commits. */
  commitTransactionalOffsets(requestId: RequestId, req: TxnOffsetCommitRequest, nowMs: number): Effects {
    return this.run(nowMs, (ctx) => handleTxnOffsetCommit(ctx, this, requestId, req));
  }

  /** The producer's COMMIT/ABORT marker was written to this partition (WriteTxnMarkers). */
  completeTransaction(producerId: bigint, commit: boolean, nowMs: number): Effects {
    return this.run(nowMs, () => completeTransaction(this, this.txnOffsets, producerId, commit));
  }

  /** Loading: offsets of transactions still open at the log end. */
  loadPendingTransactions(pending: ReadonlyMap<bigint, readonly CoordinatorRecord[]>, nowMs: number): Effects {
    return this.run(nowMs, (ctx) => {
      for (const [producerId, records] of pending) {
        for (const r of records) {
          if (r.type !== 'offset' || r.value === null) continue;
          if (this.groups.get(r.groupId) === undefined) this.groups.set(r.groupId, new ClassicGroup(r.groupId, ctx.wallMs()));
          this.txnOffsets.add(producerId, r.groupId, [{ topic: r.topic, partition: r.partition, offset: r.value.offset, leaderEpoch: r.value.leaderEpoch, metadata: r.value.metadata, commitTimestampMs: r.value.commitTimestampMs }]);
        }
      }
    });
  }

  /** DescribeGroups: an unknown group is described as Dead with no error, as Kafka does. */
  describeGroups(groupIds: readonly string[]): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const g = this.groups.get(groupId);
      if (g === undefined) return { groupId, error: 'NONE', state: 'Dead', protocolType: '', protocolData: '', members: [] };
      const stable = g.is('Stable');
      return {
        groupId,
        error: 'NONE',
        state: g.state,
        protocolType: g.protocolType ?? '',
        protocolData: stable ? (g.protocolName ?? '') : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable ? g.metadataOf(m) : Buffer.alloc(0),
          assignment: stable ? m.assignment : Buffer.alloc(0),
        })),
      };
    });
  }

  /** ListGroups, optionally only groups in the given states. */
  listGroups(states: readonly GroupState[] = []): ListedGroup[] {
    const wanted = new Set(states);
    const out: ListedGroup[] = [];
    for (const g of this.groups.values()) {
      if (g.is('Dead') || (wanted.size > 0 && !wanted.has(g.state))) continue;
      out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state });
    }
    return out;
  }

  /**
   * DeleteGroups: only groups without members (Empty) can go; their
   * offsets and metadata get tombstones. Unknown groups are
   * GROUP_ID_NOT_FOUND, groups with members NON_EMPTY_GROUP.
   */
  deleteGroups(requestId: RequestId, groupIds: readonly string[], nowMs: number): Effects {
    return this.run(nowMs, (ctx) => {
      const results: DeleteGroupResult[] = [];
      const records: CoordinatorRecord[] = [];
      const deleted = new Set<string>();
      for (const groupId of groupIds) {
        const g = this.groups.get(groupId);
        if (g === undefined || g.is('Dead') || deleted.has(groupId)) {
          results.push({ groupId, error: 'GROUP_ID_NOT_FOUND' });
        } else if (!g.is('Empty')) {
          results.push({ groupId, error: 'NON_EMPTY_GROUP' });
        } else {
          g.transitionTo('Dead', ctx.wallMs());
          this.groups.delete(groupId);
          deleted.add(groupId);
          // Commits still being written get tombstones too: their records land before these.
          const keys = new Set([...g.offsets.keys(), ...g.pendingOffsetCommits.keys()]);
          for (const key of keys) {
            const { topic, partition } = parseOffsetKey(key);
            records.push({ type: 'offset', groupId, topic, partition, value: null });
          }
          records.push({ type: 'group', groupId, value: null });
          results.push({ groupId, error: 'NONE' });
        }
      }
      if (records.length === 0) ctx.reply({ requestId, kind: 'delete', response: results });
      else ctx.append(records, { kind: 'delete-groups', requestId, results, deleted });
    });
  }

  /**
   * Topics were deleted: their committed offsets go (tombstones), and a
   * group left Empty with no offsets goes too (Kafka's
   * handleDeletedPartitions). Offsets with a commit in flight stay until
   * the next deletion check, as with retention.
   */
  deleteTopicOffsets(topics: readonly string[], nowMs: number): Effects {
    return this.run(nowMs, (ctx) => {
      const gone = new Set(topics);
      const records: CoordinatorRecord[] = [];
      for (const g of [...this.groups.values()]) {
        for (const [key, o] of [...g.offsets]) {
          if (!gone.has(o.topic) || g.pendingOffsetCommits.has(key)) continue;
          g.offsets.delete(key);
          records.push({ type: 'offset', groupId: g.groupId, topic: o.topic, partition: o.partition, value: null });
        }
        if (g.is('Empty') && g.offsets.size === 0 && g.pendingOffsetCommits.size === 0 && g.pendingMembers.size === 0 && records.some((r) => r.groupId === g.groupId)) {
          g.transitionTo('Dead', ctx.wallMs());
          this.groups.delete(g.groupId);
          records.push({ type: 'group', groupId: g.groupId, value: null });
        }
      }
      if (records.length > 0) ctx.append(records, { kind: 'expire' });
    });
  }

  // ---- time and writes -----------------------------------------------------

  /** Runs every deadline due at `nowMs`: session expiry, join and sync timeouts, offset retention. */
  tick(nowMs: number): Effects {
    return this.run(nowMs, (ctx) => {
      for (let d = this.deadlines.popDue(nowMs); d !== undefined; d = this.deadlines.popDue(nowMs)) this.expire(ctx, d);
    });
  }

  /** When `tick` has work next (monotonic ms); Infinity when nothing is scheduled. */
  nextDeadlineMs(): number {
    return this.deadlines.peekMs();
  }

  /**
   * The driver wrote (or failed to write) an append's records. `error` is
   * the write's Kafka error, undefined on success.
   */
  appendCompleted(append: PendingAppend, error: ErrorName | undefined, nowMs: number): Effects {
    // Runs after an unload too: writes that were in flight still answer their commits.
    return this.run(nowMs, (ctx) => {
      const c = append.completion;
      switch (c.kind) {
        case 'store-assignment': {
          const g = c.group;
          // Another member may have joined meanwhile: only the same generation, still waiting, completes.
          if (this.groups.get(g.groupId) !== g || !g.is('CompletingRebalance') || g.generationId !== c.generationId) return;
          if (error !== undefined) {
            resetAndPropagateAssignmentError(ctx, g, storeGroupError(error));
            maybePrepareRebalance(ctx, g, `error ${error} when storing the group assignment`);
          } else {
            setAndPropagateAssignment(ctx, g, c.assignment);
            g.transitionTo('Stable', ctx.wallMs());
          }
          return;
        }
        case 'store-static-member':
          this.staticMemberStored(ctx, c, error);
          return;
        case 'commit': {
          onCommitWritten(c.group, c.committed, error !== undefined);
          const e: ErrorName = error === undefined ? 'NONE' : storeOffsetsError(error);
          const results = [...c.committed.map((o) => ({ topic: o.topic, partition: o.partition, error: e })), ...c.rejected];
          ctx.reply({ requestId: c.requestId, kind: 'commit', response: { results } });
          return;
        }
        case 'txn-commit': {
          if (error === undefined) this.txnOffsets.add(c.producerId, c.group.groupId, c.committed);
          // A refused epoch is the producer's own fencing (the partition knows a newer one).
          const e: ErrorName = error === undefined ? 'NONE' : error === 'INVALID_PRODUCER_EPOCH' ? 'PRODUCER_FENCED' : storeOffsetsError(error);
          const results = [...c.committed.map((o) => ({ topic: o.topic, partition: o.partition, error: e })), ...c.rejected];
          ctx.reply({ requestId: c.requestId, kind: 'txn-commit', response: { results } });
          return;
        }
        case 'delete-groups': {
          const e = error === undefined ? 'NONE' : storeOffsetsError(error);
          ctx.reply({ requestId: c.requestId, kind: 'delete', response: c.results.map((r) => (c.deleted.has(r.groupId) ? { groupId: r.groupId, error: e } : r)) });
          return;
        }
        case 'store-empty':
        case 'expire':
          // Nothing waits for these; a lost write only means the previous
          // state comes back after a failover, as in Kafka.
          return;
      }
    }, true);
  }

  /**
   * This broker stops coordinating the partition: every group is Dead
   * (Kafka's onGroupUnloaded) and every waiting JoinGroup/SyncGroup gets
   * NOT_COORDINATOR, so members find the new coordinator. Appends in
   * flight must still be completed (they fail), which answers commits.
   */
  unload(nowMs: number): Effects {
    return this.run(nowMs, (ctx) => {
      this.unloaded = true;
      for (const g of this.groups.values()) {
        g.transitionTo('Dead', ctx.wallMs());
        for (const m of g.members.values()) {
          answerJoin(ctx, m, joinError(m.memberId, 'NOT_COORDINATOR'));
          if (m.syncRequest !== undefined) {
            ctx.reply({ requestId: m.syncRequest, kind: 'sync', response: { error: 'NOT_COORDINATOR', protocolType: null, protocolName: null, assignment: Buffer.alloc(0) } });
            m.syncRequest = undefined;
          }
        }
      }
      this.groups.clear();
      this.deadlines.clear();
    });
  }

  get isUnloaded(): boolean {
    return this.unloaded;
  }

  // ---- loading -------------------------------------------------------------

  /**
   * Rebuilds state from the partition's records, latest per key winning
   * (see OffsetsLoader): groups with members come back Stable in their last
   * stored generation, their members' sessions restarting now — so members
   * that keep heartbeating carry on without a rebalance, as after a Kafka
   * coordinator failover. Groups with only offsets come back Empty.
   */
  loadGroups(groups: ReadonlyMap<string, GroupMetadataValue>, offsets: ReadonlyMap<string, ReadonlyMap<string, OffsetValue & { topic: string; partition: number }>>, nowMs: number): Effects {
    return this.run(nowMs, (ctx) => {
      for (const [groupId, value] of groups) this.groups.set(groupId, this.loadedGroup(ctx, groupId, value));
      for (const [groupId, byPartition] of offsets) {
        let g = this.groups.get(groupId);
        if (g === undefined) {
          g = new ClassicGroup(groupId, ctx.wallMs());
          this.groups.set(groupId, g);
        }
        for (const o of byPartition.values()) {
          g.offsets.set(offsetKey(o.topic, o.partition), {
            topic: o.topic,
            partition: o.partition,
            offset: o.offset,
            leaderEpoch: o.leaderEpoch,
            metadata: o.metadata,
            commitTimestampMs: o.commitTimestampMs,
            expireTimestampMs: o.expireTimestampMs,
          });
        }
      }
    });
  }

  private loadedGroup(ctx: Ctx, groupId: string, v: GroupMetadataValue): ClassicGroup {
    const g = new ClassicGroup(groupId, v.currentStateTimestampMs >= 0 ? v.currentStateTimestampMs : ctx.wallMs());
    g.generationId = v.generationId;
    g.protocolName = v.protocolName;
    if (v.members.length > 0 && v.protocolName === null) {
      throw new GregorError('CORRUPT_MESSAGE', `group ${groupId} is stored with ${v.members.length} members but no protocol`);
    }
    for (const s of v.members) {
      const member: Member = {
        memberId: s.memberId,
        groupInstanceId: s.groupInstanceId,
        clientId: s.clientId,
        clientHost: s.clientHost,
        rebalanceTimeoutMs: s.rebalanceTimeoutMs,
        sessionTimeoutMs: s.sessionTimeoutMs,
        protocolType: v.protocolType,
        protocols: [{ name: v.protocolName!, metadata: s.subscription }],
        assignment: s.assignment,
        joinRequest: undefined,
        syncRequest: undefined,
        isNew: false,
        heartbeatDeadlineMs: undefined,
      };
      g.add(member);
      scheduleHeartbeat(ctx, g, member);
    }
    g.protocolType = v.protocolType === '' ? null : v.protocolType;
    if (v.leader !== null && g.has(v.leader)) g.leaderId = v.leader;
    g.state = v.members.length > 0 ? 'Stable' : 'Empty';
    return g;
  }

  // ---- introspection (tests, tools) ---------------------------------------

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  /** Read-only view of a group's state (tests). */
  group(groupId: string): Readonly<ClassicGroup> | undefined {
    return this.groups.get(groupId);
  }

  get pendingDeadlines(): number {
    return this.deadlines.size;
  }

  /** Checks the structural invariants of every group; throws AssertionError on a broken one. */
  checkInvariants(): void {
    for (const g of this.groups.values()) checkGroupInvariants(g);
  }

  // ---- internals -----------------------------------------------------------

  private run(nowMs: number, fn: (ctx: Ctx) => void, afterUnload = false): Effects {
    const ctx = new Ctx(this.deps, nowMs, this.deadlines);
    if (this.unloaded && !afterUnload) {
      // The driver stops sending requests to an unloaded shard; one that
      // raced with the unload is dropped here and answered by the driver.
      return ctx.effects;
    }
    if (this.retentionAtMs === undefined) this.scheduleRetention(ctx);
    fn(ctx);
    return ctx.effects;
  }

  private scheduleRetention(ctx: Ctx): void {
    this.retentionAtMs = ctx.nowMs + this.deps.config.offsetsRetentionCheckIntervalMs;
    this.deadlines.push({ atMs: this.retentionAtMs, kind: 'retention', groupId: '', memberId: '', generationId: -1 });
  }

  private expire(ctx: Ctx, d: Deadline): void {
    if (d.kind === 'retention') {
      if (d.atMs !== this.retentionAtMs) return;
      this.expireOffsets(ctx);
      this.scheduleRetention(ctx);
      return;
    }
    const g = this.groups.get(d.groupId);
    if (g === undefined) return;
    switch (d.kind) {
      case 'heartbeat':
        onHeartbeatExpired(ctx, g, d.memberId, d.atMs);
        return;
      case 'pending-member':
        onPendingMemberExpired(ctx, g, d.memberId, d.atMs);
        return;
      case 'join':
        if (g.joinTimer?.deadlineMs === d.atMs) onJoinTimerExpired(ctx, g);
        return;
      case 'sync':
        onSyncExpired(ctx, g, d.generationId, d.atMs);
        return;
    }
  }

  /** Offsets past retention get tombstones; an Empty group left with nothing is deleted (Kafka's cleanupGroupMetadata). */
  private expireOffsets(ctx: Ctx): void {
    const wallMs = ctx.wallMs();
    const records: CoordinatorRecord[] = [];
    for (const g of [...this.groups.values()]) {
      for (const key of expiredOffsets(g, wallMs, ctx.config.offsetsRetentionMs)) {
        const o = g.offsets.get(key)!;
        g.offsets.delete(key);
        records.push({ type: 'offset', groupId: g.groupId, topic: o.topic, partition: o.partition, value: null });
      }
      if (g.is('Empty') && g.offsets.size === 0 && g.pendingOffsetCommits.size === 0 && g.pendingMembers.size === 0) {
        g.transitionTo('Dead', wallMs);
        this.groups.delete(g.groupId);
        records.push({ type: 'group', groupId: g.groupId, value: null });
      }
    }
    if (records.length > 0) ctx.append(records, { kind: 'expire' });
  }

  private staticMemberStored(ctx: Ctx, c: Extract<PendingAppend['completion'], { kind: 'store-static-member' }>, error: ErrorName | undefined): void {
    const { group: g, member } = c;
    if (this.groups.get(g.groupId) !== g || member.joinRequest !== c.requestId) return;
    if (!g.is('Stable')) return; // a rebalance started meanwhile: the JoinGroup waits for it
    if (error !== undefined) {
      // The new member id is not durable: go back to the old one (Kafka reverts too).
      member.joinRequest = undefined;
      updateMember(ctx, member, c.previous, undefined);
      if (g.members.get(c.newMemberId) === member) {
        replaceStaticMember(ctx, g, c.groupInstanceId, c.newMemberId, c.oldMemberId);
        scheduleHeartbeat(ctx, g, member);
      }
      ctx.reply({
        requestId: c.requestId,
        kind: 'join',
        response: {
          error: storeGroupError(error),
          generationId: g.generationId,
          protocolType: g.protocolType,
          protocolName: g.protocolName,
          leader: c.leaderBefore ?? '',
          skipAssignment: false,
          memberId: '',
          members: [],
        },
      });
      return;
    }
    const isLeader = g.isLeader(member.memberId);
    answerJoin(ctx, member, {
      error: 'NONE',
      generationId: g.generationId,
      protocolType: g.protocolType,
      protocolName: g.protocolName,
      leader: g.leaderId ?? '',
      // KIP-814: the leader keeps the current assignment rather than computing one a Stable group would not send out.
      skipAssignment: isLeader,
      memberId: member.memberId,
      members: isLeader ? currentMemberMetadata(g) : [],
    });
  }
}
