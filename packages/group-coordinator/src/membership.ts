import type { Ctx } from './context';
import type { ClassicGroup } from './group';
import {
  clearPendingSync,
  groupMetadataRecord,
  prepareRebalance,
  removeMemberAndUpdateGroup,
  removePendingMemberAndUpdateGroup,
  scheduleHeartbeat,
} from './rebalance';
import { withClientReason } from './group-events';
import type { GroupRegistry } from './registry';
import {
  UNKNOWN_MEMBER_ID,
  type HeartbeatRequest,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
  type RequestId,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from './types';
import type { ErrorName } from '@gregor/common';

/** SyncGroup, Heartbeat and LeaveGroup (Kafka's doSyncGroup, heartbeat, leaveGroup) and member expiry. */

function syncError(error: ErrorName): SyncGroupResponse {
  return { error, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

/**
 * The checks SyncGroup, Heartbeat and member-bound OffsetCommit share, in
 * Kafka's order: the group is gone, the instance id belongs to another
 * member, the member is unknown, the generation is not current.
 */
function validateMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null, generationId: number): ErrorName | undefined {
  if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
  if (group.isStaticMemberFenced(groupInstanceId, memberId)) return 'FENCED_INSTANCE_ID';
  if (!group.has(memberId)) return 'UNKNOWN_MEMBER_ID';
  if (generationId !== group.generationId) return 'ILLEGAL_GENERATION';
  return undefined;
}

export function handleSyncGroup(ctx: Ctx, groups: GroupRegistry, requestId: RequestId, req: SyncGroupRequest): void {
  const reply = (response: SyncGroupResponse): void => ctx.reply({ requestId, kind: 'sync', response });
  if (req.groupId === '') return reply(syncError('INVALID_GROUP_ID'));
  const group = groups.get(req.groupId);
  if (group === undefined) return reply(syncError('UNKNOWN_MEMBER_ID'));
  const invalid = validateMember(group, req.memberId, req.groupInstanceId, req.generationId);
  if (invalid !== undefined) return reply(syncError(invalid));
  if (req.protocolType !== null && req.protocolType !== group.protocolType) return reply(syncError('INCONSISTENT_GROUP_PROTOCOL'));
  if (req.protocolName !== null && req.protocolName !== group.protocolName) return reply(syncError('INCONSISTENT_GROUP_PROTOCOL'));
  const member = group.get(req.memberId);
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return reply(syncError('UNKNOWN_MEMBER_ID'));
    case 'PreparingRebalance':
      return reply(syncError('REBALANCE_IN_PROGRESS'));
    case 'CompletingRebalance': {
      if (member.syncRequest !== undefined) {
        // A retry while the first is still waiting: the first was given up.
        ctx.reply({ requestId: member.syncRequest, kind: 'sync', response: syncError('REBALANCE_IN_PROGRESS') });
      }
      member.syncRequest = requestId;
      removePendingSyncMember(group, member.memberId);
      if (group.isLeader(member.memberId)) {
        // Members the leader left out get an empty assignment; entries for
        // non-members are ignored.
        const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
        const assignment = new Map([...group.members.keys()].map((id) => [id, given.get(id) ?? Buffer.alloc(0)]));
        ctx.append([groupMetadataRecord(group, assignment)], { kind: 'store-assignment', group, generationId: group.generationId, assignment });
      }
      return;
    }
    case 'Stable':
      removePendingSyncMember(group, member.memberId);
      reply({ error: 'NONE', protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
      scheduleHeartbeat(ctx, group, member);
      return;
  }
}

function removePendingSyncMember(group: ClassicGroup, memberId: string): void {
  group.pendingSyncMembers.delete(memberId);
  if (group.pendingSyncMembers.size === 0) group.syncDeadlineMs = undefined;
}

export function handleHeartbeat(ctx: Ctx, groups: GroupRegistry, requestId: RequestId, req: HeartbeatRequest): void {
  const reply = (error: ErrorName): void => ctx.reply({ requestId, kind: 'heartbeat', response: { error } });
  if (req.groupId === '') return reply('INVALID_GROUP_ID');
  const group = groups.get(req.groupId);
  if (group === undefined) return reply('UNKNOWN_MEMBER_ID');
  const invalid = validateMember(group, req.memberId, req.groupInstanceId, req.generationId);
  if (invalid !== undefined) return reply(invalid);
  const member = group.get(req.memberId);
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return reply('UNKNOWN_MEMBER_ID');
    case 'CompletingRebalance':
    case 'Stable':
      // Members may heartbeat as soon as they have the JoinGroup answer.
      scheduleHeartbeat(ctx, group, member);
      return reply('NONE');
    case 'PreparingRebalance':
      scheduleHeartbeat(ctx, group, member);
      return reply('REBALANCE_IN_PROGRESS');
  }
}

/**
 * LeaveGroup v3+: several members at once, each by member id, or by
 * group.instance.id alone (an admin removing a static member).
 */
export function handleLeaveGroup(ctx: Ctx, groups: GroupRegistry, requestId: RequestId, req: LeaveGroupRequest): void {
  const reply = (response: LeaveGroupResponse): void => ctx.reply({ requestId, kind: 'leave', response });
  if (req.groupId === '') return reply({ error: 'INVALID_GROUP_ID', members: [] });
  const group = groups.get(req.groupId);
  const results: LeaveGroupResponse['members'] = [];
  if (group === undefined) {
    for (const m of req.members) results.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, error: 'UNKNOWN_MEMBER_ID' });
    return reply({ error: 'NONE', members: results });
  }
  if (group.is('Dead')) return reply({ error: 'COORDINATOR_NOT_AVAILABLE', members: [] });
  for (const leaving of req.members) {
    let error: ErrorName = 'NONE';
    if (leaving.memberId === UNKNOWN_MEMBER_ID) {
      const current = group.staticMemberId(leaving.groupInstanceId);
      if (current === undefined) error = 'UNKNOWN_MEMBER_ID';
      else removeMemberAndUpdateGroup(ctx, group, group.get(current), withClientReason(`Removing member ${current} on LeaveGroup`, leaving.reason));
    } else if (group.pendingMembers.has(leaving.memberId)) {
      removePendingMemberAndUpdateGroup(ctx, group, leaving.memberId);
    } else if (group.isStaticMemberFenced(leaving.groupInstanceId, leaving.memberId)) {
      error = 'FENCED_INSTANCE_ID';
    } else if (!group.has(leaving.memberId) || (leaving.groupInstanceId !== null && group.staticMemberId(leaving.groupInstanceId) === undefined)) {
      error = 'UNKNOWN_MEMBER_ID';
    } else {
      removeMemberAndUpdateGroup(ctx, group, group.get(leaving.memberId), withClientReason(`Removing member ${leaving.memberId} on LeaveGroup`, leaving.reason));
    }
    results.push({ memberId: leaving.memberId, groupInstanceId: leaving.groupInstanceId, error });
  }
  reply({ error: 'NONE', members: results });
}

/**
 * A member's session ran out. Members waiting in a rebalance are not
 * expected to heartbeat (the rebalance timeout governs them), unless they
 * are new: those go after newMemberJoinTimeoutMs (Kafka's hasSatisfiedHeartbeat).
 */
export function onHeartbeatExpired(ctx: Ctx, group: ClassicGroup, memberId: string, atMs: number): void {
  const member = group.members.get(memberId);
  if (member === undefined || member.heartbeatDeadlineMs !== atMs || group.is('Dead')) return;
  member.heartbeatDeadlineMs = undefined;
  const waiting = member.joinRequest !== undefined || member.syncRequest !== undefined;
  if (!member.isNew && waiting) return;
  removeMemberAndUpdateGroup(ctx, group, member, `Removing member ${memberId} on heartbeat expiration`);
}

export function onPendingMemberExpired(ctx: Ctx, group: ClassicGroup, memberId: string, atMs: number): void {
  if (group.pendingMembers.get(memberId) !== atMs) return;
  removePendingMemberAndUpdateGroup(ctx, group, memberId);
}

/** Members that did not send SyncGroup within the rebalance timeout are removed (Kafka's onExpirePendingSync). */
export function onSyncExpired(ctx: Ctx, group: ClassicGroup, generationId: number, atMs: number): void {
  if (group.syncDeadlineMs !== atMs || generationId !== group.generationId) return;
  if (!(group.is('CompletingRebalance') || group.is('Stable'))) return;
  group.syncDeadlineMs = undefined;
  if (group.pendingSyncMembers.size === 0) return;
  const expired = [...group.pendingSyncMembers];
  for (const id of expired) {
    const member = group.remove(id);
    if (member !== undefined) member.heartbeatDeadlineMs = undefined;
  }
  clearPendingSync(group);
  prepareRebalance(ctx, group, `Removing members [${expired.join(', ')}] on pending sync request expiration`);
}

export { validateMember };
