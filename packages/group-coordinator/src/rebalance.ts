import { assert, type ErrorName } from '@gregor/common';
import type { Ctx } from './context';
import type { ClassicGroup, Member } from './group';
import type { CoordinatorRecord, GroupMetadataValue } from './records';
import type { JoinGroupMember, JoinGroupResponse } from './types';

/**
 * The rebalance machinery shared by every API (Kafka's GroupCoordinator
 * prepareRebalance / onCompleteJoin / propagateAssignment and the heartbeat
 * scheduling). Each function mutates the group and records replies and
 * appends in `ctx`; none does I/O.
 */

/** Kafka's JoinGroupResult(memberId, error): an error answer. */
export function joinError(memberId: string, error: ErrorName): JoinGroupResponse {
  return { error, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

/** The members as the leader sees them in its JoinGroup answer. */
export function currentMemberMetadata(group: ClassicGroup): JoinGroupMember[] {
  return [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: group.metadataOf(m) }));
}

/** Resets the member's session timer (completeAndScheduleNextHeartbeatExpiration). */
export function scheduleHeartbeat(ctx: Ctx, group: ClassicGroup, member: Member, timeoutMs = member.sessionTimeoutMs): void {
  member.heartbeatDeadlineMs = ctx.nowMs + timeoutMs;
  ctx.deadlines.push({ atMs: member.heartbeatDeadlineMs, kind: 'heartbeat', groupId: group.groupId, memberId: member.memberId, generationId: -1 });
}

/** Answers the member's pending JoinGroup, if any (maybeInvokeJoinCallback). */
export function answerJoin(ctx: Ctx, member: Member, response: JoinGroupResponse): boolean {
  if (member.joinRequest === undefined) return false;
  ctx.reply({ requestId: member.joinRequest, kind: 'join', response });
  member.joinRequest = undefined;
  return true;
}

/** Answers the member's pending SyncGroup with an error, if any. */
export function failSync(ctx: Ctx, member: Member, error: ErrorName): void {
  if (member.syncRequest === undefined) return;
  ctx.reply({ requestId: member.syncRequest, kind: 'sync', response: { error, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) } });
  member.syncRequest = undefined;
}

export function maybePrepareRebalance(ctx: Ctx, group: ClassicGroup, reason: string): void {
  if (group.canRebalance()) prepareRebalance(ctx, group, reason);
}

/**
 * Starts a rebalance: members awaiting a SyncGroup answer are told
 * REBALANCE_IN_PROGRESS, the sync timer stops, and the join phase gets its
 * deadline — the initial delay for a group that was empty, else the
 * largest rebalance timeout of the members. `reason` goes into the log line.
 */
export function prepareRebalance(ctx: Ctx, group: ClassicGroup, reason: string): void {
  ctx.event({ kind: 'rebalance-started', groupId: group.groupId, fromState: group.state, oldGenerationId: group.generationId, reason });
  if (group.is('CompletingRebalance')) resetAndPropagateAssignmentError(ctx, group, 'REBALANCE_IN_PROGRESS');
  clearPendingSync(group);
  const rebalanceTimeoutMs = group.rebalanceTimeoutMs();
  if (group.is('Empty')) {
    const delayMs = ctx.config.groupInitialRebalanceDelayMs;
    setJoinTimer(ctx, group, { deadlineMs: ctx.nowMs + delayMs, kind: 'initial', remainingMs: Math.max(rebalanceTimeoutMs - delayMs, 0), delayMs });
  } else {
    setJoinTimer(ctx, group, { deadlineMs: ctx.nowMs + rebalanceTimeoutMs, kind: 'normal', remainingMs: 0, delayMs: rebalanceTimeoutMs });
  }
  group.transitionTo('PreparingRebalance', ctx.wallMs());
  // Kafka's tryCompleteElseWatch: done at once if everyone is already in
  // (say the last member left, or the only one rejoined).
  tryCompleteJoin(ctx, group);
}

export function setJoinTimer(ctx: Ctx, group: ClassicGroup, timer: NonNullable<ClassicGroup['joinTimer']>): void {
  group.joinTimer = timer;
  ctx.deadlines.push({ atMs: timer.deadlineMs, kind: 'join', groupId: group.groupId, memberId: '', generationId: group.generationId });
}

export function clearPendingSync(group: ClassicGroup): void {
  group.pendingSyncMembers.clear();
  group.syncDeadlineMs = undefined;
}

/** A DelayedJoin completes early once everyone has rejoined; the initial delay never does. */
export function tryCompleteJoin(ctx: Ctx, group: ClassicGroup): void {
  if (group.is('PreparingRebalance') && group.joinTimer?.kind === 'normal' && group.hasAllMembersJoined()) completeJoin(ctx, group);
}

/** The join timer ran out. */
export function onJoinTimerExpired(ctx: Ctx, group: ClassicGroup): void {
  const timer = group.joinTimer;
  if (timer === undefined || !group.is('PreparingRebalance')) return;
  if (timer.kind === 'initial' && group.newMemberAdded && timer.remainingMs !== 0) {
    // Kafka's InitialDelayedJoin: more members keep arriving, wait a bit longer.
    group.newMemberAdded = false;
    const delayMs = Math.min(ctx.config.groupInitialRebalanceDelayMs, timer.remainingMs);
    setJoinTimer(ctx, group, { deadlineMs: ctx.nowMs + delayMs, kind: 'initial', remainingMs: Math.max(timer.remainingMs - timer.delayMs, 0), delayMs });
    return;
  }
  completeJoin(ctx, group);
}

/**
 * Ends the join phase (Kafka's onCompleteJoin): dynamic members that did
 * not rejoin are dropped (static ones stay, with their last metadata), a
 * leader is chosen among those who joined, the generation advances and
 * every waiting member gets its JoinGroup answer — with every member's
 * metadata for the leader only. An emptied group is stored as such.
 */
export function completeJoin(ctx: Ctx, group: ClassicGroup): void {
  group.joinTimer = undefined;
  if (group.is('Dead')) return;
  for (const m of [...group.members.values()]) {
    if (m.joinRequest === undefined && m.groupInstanceId === null) {
      group.remove(m.memberId);
      failSync(ctx, m, 'UNKNOWN_MEMBER_ID');
    }
  }
  if (!maybeElectNewJoinedLeader(group) && group.size > 0) {
    // Only static members that did not rejoin remain: wait another round
    // for them to come back or for their sessions to expire.
    const timeoutMs = group.rebalanceTimeoutMs();
    setJoinTimer(ctx, group, { deadlineMs: ctx.nowMs + timeoutMs, kind: 'normal', remainingMs: 0, delayMs: timeoutMs });
    return;
  }
  initNextGeneration(ctx, group);
  if (group.is('Empty')) {
    ctx.event({ kind: 'group-emptied', groupId: group.groupId, generationId: group.generationId });
    ctx.append([groupMetadataRecord(group, new Map())], { kind: 'store-empty', group });
    return;
  }
  ctx.event({
    kind: 'generation-started',
    groupId: group.groupId,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    members: group.size,
  });
  const members = currentMemberMetadata(group);
  for (const m of group.members.values()) {
    answerJoin(ctx, m, {
      error: 'NONE',
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId: m.memberId,
      members: group.isLeader(m.memberId) ? members : [],
    });
    scheduleHeartbeat(ctx, group, m);
    m.isNew = false;
  }
  // Members must send SyncGroup within the rebalance timeout (KAFKA-13412's pending sync).
  for (const id of group.members.keys()) group.pendingSyncMembers.add(id);
  group.syncDeadlineMs = ctx.nowMs + group.rebalanceTimeoutMs();
  ctx.deadlines.push({ atMs: group.syncDeadlineMs, kind: 'sync', groupId: group.groupId, memberId: '', generationId: group.generationId });
}

/** If the leader did not rejoin, any member that did becomes leader; false when none did. */
function maybeElectNewJoinedLeader(group: ClassicGroup): boolean {
  if (group.leaderId === null) return false;
  const leader = group.members.get(group.leaderId);
  if (leader !== undefined && leader.joinRequest !== undefined) return true;
  for (const m of group.members.values()) {
    if (m.joinRequest !== undefined) {
      group.leaderId = m.memberId;
      return true;
    }
  }
  return false;
}

function initNextGeneration(ctx: Ctx, group: ClassicGroup): void {
  group.generationId++;
  if (group.size > 0) {
    group.protocolName = group.selectProtocol();
    group.transitionTo('CompletingRebalance', ctx.wallMs());
  } else {
    group.protocolName = null;
    group.transitionTo('Empty', ctx.wallMs());
  }
}

/** The leader's assignment was stored: every member gets its part; the group is Stable. */
export function setAndPropagateAssignment(ctx: Ctx, group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): void {
  assert(group.is('CompletingRebalance'), `group ${group.groupId} propagates an assignment in state ${group.state}`);
  for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? Buffer.alloc(0);
  propagateAssignment(ctx, group, 'NONE');
}

export function resetAndPropagateAssignmentError(ctx: Ctx, group: ClassicGroup, error: ErrorName): void {
  assert(group.is('CompletingRebalance'), `group ${group.groupId} resets its assignment in state ${group.state}`);
  for (const m of group.members.values()) m.assignment = Buffer.alloc(0);
  propagateAssignment(ctx, group, error);
}

function propagateAssignment(ctx: Ctx, group: ClassicGroup, error: ErrorName): void {
  const ok = error === 'NONE';
  for (const m of group.members.values()) {
    if (m.syncRequest === undefined) continue;
    ctx.reply({
      requestId: m.syncRequest,
      kind: 'sync',
      response: { error, protocolType: ok ? group.protocolType : null, protocolName: ok ? group.protocolName : null, assignment: m.assignment },
    });
    m.syncRequest = undefined;
    // A session that expired while the member waited was ignored; start a fresh one.
    scheduleHeartbeat(ctx, group, m);
  }
}

/**
 * A member leaves (LeaveGroup, session expiry, failed max size check): its
 * waiting JoinGroup gets UNKNOWN_MEMBER_ID, and the group rebalances (or,
 * mid-join, may now be complete). `reason` goes into the rebalance's log line.
 */
export function removeMemberAndUpdateGroup(ctx: Ctx, group: ClassicGroup, member: Member, reason: string): void {
  answerJoin(ctx, member, joinError('', 'UNKNOWN_MEMBER_ID'));
  failSync(ctx, member, 'UNKNOWN_MEMBER_ID');
  group.remove(member.memberId);
  member.heartbeatDeadlineMs = undefined;
  switch (group.state) {
    case 'Dead':
    case 'Empty':
      return;
    case 'Stable':
    case 'CompletingRebalance':
      maybePrepareRebalance(ctx, group, reason);
      return;
    case 'PreparingRebalance':
      tryCompleteJoin(ctx, group);
      return;
  }
}

export function removePendingMemberAndUpdateGroup(ctx: Ctx, group: ClassicGroup, memberId: string): void {
  group.pendingMembers.delete(memberId);
  if (group.is('PreparingRebalance')) tryCompleteJoin(ctx, group);
}

/** The GroupMetadata record for the group as it is now, with `assignment` per member. */
export function groupMetadataRecord(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): CoordinatorRecord {
  const value: GroupMetadataValue = {
    protocolType: group.protocolType ?? '',
    generationId: group.generationId,
    protocolName: group.protocolName,
    leader: group.leaderId,
    currentStateTimestampMs: group.stateTimestampMs,
    members: [...group.members.values()].map((m) => {
      assert(group.protocolName !== null, `non-empty group ${group.groupId} stored without a protocol`);
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: group.metadataOf(m),
        assignment: assignment.get(m.memberId) ?? Buffer.alloc(0),
      };
    }),
  };
  return { type: 'group', groupId: group.groupId, value };
}

/**
 * The part of Kafka's mapping that group and offset writes share: the
 * offsets partition is not writable here (COORDINATOR_NOT_AVAILABLE), or
 * not led here any more (NOT_COORDINATOR), or the write was too large
 * (`whenTooLarge`, which differs between the two).
 */
function storeError(error: ErrorName, whenTooLarge: ErrorName): ErrorName {
  switch (error) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
      return 'COORDINATOR_NOT_AVAILABLE';
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return 'NOT_COORDINATOR';
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
    case 'INVALID_FETCH_SIZE':
      return whenTooLarge;
    default:
      return error;
  }
}

/** Kafka's error mapping for a failed group metadata write (GroupMetadataManager.storeGroup). */
export function storeGroupError(error: ErrorName): ErrorName {
  return error === 'REQUEST_TIMED_OUT' ? 'REBALANCE_IN_PROGRESS' : storeError(error, 'UNKNOWN_SERVER_ERROR');
}

/** Kafka's error mapping for a failed offset commit write (GroupMetadataManager.storeOffsets). */
export function storeOffsetsError(error: ErrorName): ErrorName {
  return storeError(error, 'INVALID_COMMIT_OFFSET_SIZE');
}
