import type { Ctx } from './context';
import { sameProtocols, type ClassicGroup, type Member } from './group';
import {
  answerJoin,
  currentMemberMetadata,
  failSync,
  groupMetadataRecord,
  joinError,
  maybePrepareRebalance,
  scheduleHeartbeat,
  tryCompleteJoin,
} from './rebalance';
import { withClientReason } from './group-events';
import type { GroupRegistry } from './registry';
import { UNKNOWN_MEMBER_ID, type JoinGroupRequest, type RequestId } from './types';

/**
 * JoinGroup, as Kafka's GroupCoordinator.handleJoinGroup: validate, then a
 * new member (no member id: dynamic with the KIP-394 member-id handshake,
 * or static, replacing an earlier incarnation of the same
 * group.instance.id) or a known one (which rejoins, or re-reads the
 * current generation when nothing changed). The answer comes when the join
 * phase completes, except for errors and the shortcuts noted below.
 */
export function handleJoinGroup(ctx: Ctx, groups: GroupRegistry, requestId: RequestId, req: JoinGroupRequest): void {
  const fail = (error: Parameters<typeof joinError>[1], memberId = req.memberId): void => {
    ctx.reply({ requestId, kind: 'join', response: joinError(memberId, error) });
  };
  if (req.groupId === '') return fail('INVALID_GROUP_ID');
  if (req.sessionTimeoutMs < ctx.config.groupMinSessionTimeoutMs || req.sessionTimeoutMs > ctx.config.groupMaxSessionTimeoutMs) {
    return fail('INVALID_SESSION_TIMEOUT');
  }
  const isUnknownMember = req.memberId === UNKNOWN_MEMBER_ID;
  let group = groups.get(req.groupId);
  if (group === undefined) {
    // A group is created by a member without an id; one with an id is stale.
    if (!isUnknownMember) return fail('UNKNOWN_MEMBER_ID');
    group = groups.create(req.groupId, ctx);
    if (group === undefined) return fail('COORDINATOR_NOT_AVAILABLE');
  }
  if (!acceptJoiningMember(ctx, group, req.memberId)) {
    const member = group.members.get(req.memberId);
    if (member !== undefined) {
      group.remove(req.memberId);
      answerJoin(ctx, member, joinError(UNKNOWN_MEMBER_ID, 'UNKNOWN_MEMBER_ID'));
      failSync(ctx, member, 'UNKNOWN_MEMBER_ID');
    }
    fail('GROUP_MAX_SIZE_REACHED', UNKNOWN_MEMBER_ID);
  } else if (isUnknownMember) {
    joinNewMember(ctx, group, requestId, req);
  } else {
    joinCurrentMember(ctx, group, requestId, req);
  }
  tryCompleteJoin(ctx, group);
}

function acceptJoiningMember(ctx: Ctx, group: ClassicGroup, memberId: string): boolean {
  const max = ctx.config.groupMaxSize;
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return true;
    case 'PreparingRebalance': {
      const m = group.members.get(memberId);
      return (m !== undefined && m.joinRequest !== undefined) || group.numAwaitingJoin() < max;
    }
    case 'CompletingRebalance':
    case 'Stable':
      return group.has(memberId) || group.size < max;
  }
}

function protocolNames(req: JoinGroupRequest): string[] {
  return req.protocols.map((p) => p.name);
}

function joinNewMember(ctx: Ctx, group: ClassicGroup, requestId: RequestId, req: JoinGroupRequest): void {
  if (group.is('Dead')) {
    ctx.reply({ requestId, kind: 'join', response: joinError(req.memberId, 'COORDINATOR_NOT_AVAILABLE') });
    return;
  }
  if (!group.supportsProtocols(req.protocolType, protocolNames(req))) {
    ctx.reply({ requestId, kind: 'join', response: joinError(req.memberId, 'INCONSISTENT_GROUP_PROTOCOL') });
    return;
  }
  const newMemberId = ctx.deps.newMemberId(req.groupInstanceId ?? req.clientId);
  if (req.groupInstanceId !== null) {
    const oldMemberId = group.staticMemberId(req.groupInstanceId);
    if (oldMemberId !== undefined) updateStaticMemberAndRebalance(ctx, group, requestId, req, oldMemberId, newMemberId);
    else addMemberAndRebalance(ctx, group, requestId, req, newMemberId);
    return;
  }
  if (req.requireKnownMemberId) {
    // KIP-394: hand out the id and wait for the member to come back with
    // it, so that retried JoinGroups cannot pile up unknown members.
    // Pending members are bounded like members.
    if (group.pendingMembers.size >= ctx.config.groupMaxSize) {
      ctx.reply({ requestId, kind: 'join', response: joinError(UNKNOWN_MEMBER_ID, 'GROUP_MAX_SIZE_REACHED') });
      return;
    }
    const deadlineMs = ctx.nowMs + req.sessionTimeoutMs;
    group.pendingMembers.set(newMemberId, deadlineMs);
    ctx.deadlines.push({ atMs: deadlineMs, kind: 'pending-member', groupId: group.groupId, memberId: newMemberId, generationId: -1 });
    ctx.reply({ requestId, kind: 'join', response: joinError(newMemberId, 'MEMBER_ID_REQUIRED') });
    return;
  }
  addMemberAndRebalance(ctx, group, requestId, req, newMemberId);
}

function joinCurrentMember(ctx: Ctx, group: ClassicGroup, requestId: RequestId, req: JoinGroupRequest): void {
  const reply = (response: Parameters<typeof answerJoin>[2]): void => ctx.reply({ requestId, kind: 'join', response });
  if (group.is('Dead')) return reply(joinError(req.memberId, 'COORDINATOR_NOT_AVAILABLE'));
  if (!group.supportsProtocols(req.protocolType, protocolNames(req))) return reply(joinError(req.memberId, 'INCONSISTENT_GROUP_PROTOCOL'));
  if (group.pendingMembers.has(req.memberId)) {
    // The second half of the KIP-394 handshake (pending members are never static).
    if (req.groupInstanceId !== null) return reply(joinError(req.memberId, 'UNKNOWN_MEMBER_ID'));
    addMemberAndRebalance(ctx, group, requestId, req, req.memberId);
    return;
  }
  if (group.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return reply(joinError(req.memberId, 'FENCED_INSTANCE_ID'));
  const instanceUnknown = req.groupInstanceId !== null && group.staticMemberId(req.groupInstanceId) === undefined;
  if (!group.has(req.memberId) || instanceUnknown) return reply(joinError(req.memberId, 'UNKNOWN_MEMBER_ID'));
  const member = group.get(req.memberId);
  const current = (withMembers: boolean) => ({
    error: 'NONE' as const,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    skipAssignment: false,
    memberId: member.memberId,
    members: withMembers ? currentMemberMetadata(group) : [],
  });
  switch (group.state) {
    case 'PreparingRebalance':
      updateMemberAndRebalance(ctx, group, member, requestId, req);
      return;
    case 'CompletingRebalance':
      // Same metadata: the member probably missed our JoinGroup answer; send it again.
      if (sameProtocols(member.protocols, req.protocols)) reply(current(group.isLeader(member.memberId)));
      else updateMemberAndRebalance(ctx, group, member, requestId, req);
      return;
    case 'Stable':
      // A leader's JoinGroup always rebalances: that is how it reacts to
      // changes the metadata does not show (new partitions of a topic).
      if (group.isLeader(member.memberId) || !sameProtocols(member.protocols, req.protocols)) updateMemberAndRebalance(ctx, group, member, requestId, req);
      else reply(current(false));
      return;
    case 'Empty':
    case 'Dead':
      reply(joinError(req.memberId, 'UNKNOWN_MEMBER_ID'));
      return;
  }
}

function addMemberAndRebalance(ctx: Ctx, group: ClassicGroup, requestId: RequestId, req: JoinGroupRequest, memberId: string): void {
  const member: Member = {
    memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: req.clientId,
    clientHost: req.clientHost,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    sessionTimeoutMs: req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: [...req.protocols],
    assignment: Buffer.alloc(0),
    joinRequest: requestId,
    syncRequest: undefined,
    isNew: true,
    heartbeatDeadlineMs: undefined,
  };
  // The initial delayed rebalance waits a little longer for each newcomer.
  if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
  group.add(member);
  // A new member cannot heartbeat before its first JoinGroup answer, and a
  // client that gave up on a long rebalance would retry as yet another
  // member: new members are dropped if the rebalance takes this long.
  scheduleHeartbeat(ctx, group, member, ctx.config.newMemberJoinTimeoutMs);
  maybePrepareRebalance(ctx, group, withClientReason(`Adding new member ${memberId} with group instance id ${req.groupInstanceId ?? 'None'}`, req.reason));
}

/** New protocols and timeouts, and this JoinGroup now waits for the rebalance (updateMember). */
export function updateMember(
  ctx: Ctx,
  member: Member,
  fields: { protocols: readonly Member['protocols'][number][]; rebalanceTimeoutMs: number; sessionTimeoutMs: number },
  requestId: RequestId | undefined,
): void {
  member.protocols = [...fields.protocols];
  member.rebalanceTimeoutMs = fields.rebalanceTimeoutMs;
  member.sessionTimeoutMs = fields.sessionTimeoutMs;
  // A client has one JoinGroup in flight; an older one it still waits on
  // was given up (Kafka drops it unanswered; we answer so it is not left
  // hanging until its deadline).
  if (member.joinRequest !== undefined && member.joinRequest !== requestId) {
    answerJoin(ctx, member, joinError(member.memberId, 'REBALANCE_IN_PROGRESS'));
  }
  member.joinRequest = requestId;
}

function updateMemberAndRebalance(ctx: Ctx, group: ClassicGroup, member: Member, requestId: RequestId, req: JoinGroupRequest): void {
  const why = group.is('Stable') && group.isLeader(member.memberId) ? `Leader ${member.memberId} re-joining group` : `Updating metadata for member ${member.memberId}`;
  updateMember(ctx, member, req, requestId);
  maybePrepareRebalance(ctx, group, withClientReason(`${why} during ${group.state}`, req.reason));
}

/**
 * Moves a member to a new member id: the old incarnation's waiting
 * JoinGroup/SyncGroup are fenced (FENCED_INSTANCE_ID) at once.
 */
export function replaceStaticMember(ctx: Ctx, group: ClassicGroup, groupInstanceId: string, oldMemberId: string, newMemberId: string): Member {
  const member = group.get(oldMemberId);
  answerJoin(ctx, member, joinError(oldMemberId, 'FENCED_INSTANCE_ID'));
  failSync(ctx, member, 'FENCED_INSTANCE_ID');
  group.members.delete(oldMemberId);
  member.memberId = newMemberId;
  group.members.set(newMemberId, member);
  if (group.leaderId === oldMemberId) group.leaderId = newMemberId;
  group.staticMembers.set(groupInstanceId, newMemberId);
  if (group.pendingSyncMembers.delete(oldMemberId)) group.pendingSyncMembers.add(newMemberId);
  return member;
}

/**
 * A static member came back without its member id (a restart): it takes
 * over the old member's place under a new id. In a Stable group whose
 * protocol choice does not change, that needs no rebalance — only the new
 * id stored, after which it gets the current generation (and, as leader,
 * KIP-814's skipAssignment). Otherwise the group rebalances.
 */
function updateStaticMemberAndRebalance(ctx: Ctx, group: ClassicGroup, requestId: RequestId, req: JoinGroupRequest, oldMemberId: string, newMemberId: string): void {
  const groupInstanceId = req.groupInstanceId!;
  const leaderBefore = group.leaderId;
  const member = replaceStaticMember(ctx, group, groupInstanceId, oldMemberId, newMemberId);
  scheduleHeartbeat(ctx, group, member);
  const previous = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs };
  updateMember(ctx, member, req, requestId);
  const reason = withClientReason(`Static member ${oldMemberId} with group instance id ${groupInstanceId} rejoined as ${newMemberId} during ${group.state}`, req.reason);
  switch (group.state) {
    case 'Stable':
      if (group.protocolName === group.selectProtocol()) {
        const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
        ctx.append([groupMetadataRecord(group, assignment)], {
          kind: 'store-static-member',
          group,
          requestId,
          member,
          groupInstanceId,
          oldMemberId,
          newMemberId,
          previous,
          leaderBefore,
        });
      } else {
        maybePrepareRebalance(ctx, group, reason);
      }
      return;
    case 'CompletingRebalance':
      maybePrepareRebalance(ctx, group, reason);
      return;
    case 'PreparingRebalance':
      return;
    case 'Empty':
    case 'Dead':
      throw new Error(`static member ${groupInstanceId} of group ${group.groupId} rejoined in state ${group.state}`);
  }
}
