import type { ErrorName } from '@gregor/common';
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../api/groups';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { groupError } from './group-error';

/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup: converted to the
 * coordinator's domain types and routed to the group's
 * __consumer_offsets partition; NOT_COORDINATOR when this broker does not
 * coordinate it (the client then asks FindCoordinator again).
 */

function partitionOf(ctx: BrokerContext, groupId: string): Promise<number | undefined> {
  return ctx.groups.partitionForSoon(groupId);
}

function note(outcome: RequestOutcome, error: ErrorName): void {
  if (error !== 'NONE' && outcome.firstError === 'NONE') outcome.firstError = error;
}

export async function handleJoinGroup(
  ctx: BrokerContext,
  req: JoinGroupRequest,
  outcome: RequestOutcome,
  client: { readonly clientId: string; readonly clientHost: string },
): Promise<JoinGroupResponse> {
  const partition = await partitionOf(ctx, req.groupId);
  const r =
    partition === undefined
      ? { error: 'NOT_COORDINATOR' as const, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: req.memberId, members: [] }
      : await ctx.groups.runtime.joinGroup(partition, {
          groupId: req.groupId,
          memberId: req.memberId,
          groupInstanceId: req.groupInstanceId,
          sessionTimeoutMs: req.sessionTimeoutMs,
          // Kafka: a client that sends no rebalance timeout gets its session timeout.
          rebalanceTimeoutMs: req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
          protocolType: req.protocolType,
          protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
          clientId: client.clientId,
          clientHost: client.clientHost,
          requireKnownMemberId: req.requireKnownMemberId,
          reason: req.reason,
        });
  note(outcome, r.error);
  return {
    error: groupError(r.error),
    generationId: r.generationId,
    protocolType: r.protocolType,
    protocolName: r.protocolName,
    leader: r.leader,
    skipAssignment: r.skipAssignment,
    memberId: r.memberId,
    members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
  };
}

export async function handleSyncGroup(ctx: BrokerContext, req: SyncGroupRequest, outcome: RequestOutcome): Promise<SyncGroupResponse> {
  const partition = await partitionOf(ctx, req.groupId);
  const r =
    partition === undefined
      ? { error: 'NOT_COORDINATOR' as const, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
      : await ctx.groups.runtime.syncGroup(partition, {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: req.groupInstanceId,
          protocolType: req.protocolType,
          protocolName: req.protocolName,
          assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
        });
  note(outcome, r.error);
  return { error: groupError(r.error), protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
}

export async function handleHeartbeat(ctx: BrokerContext, req: HeartbeatRequest, outcome: RequestOutcome): Promise<HeartbeatResponse> {
  const partition = await partitionOf(ctx, req.groupId);
  const r =
    partition === undefined
      ? { error: 'NOT_COORDINATOR' as const }
      : await ctx.groups.runtime.heartbeat(partition, {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: req.groupInstanceId,
        });
  note(outcome, r.error);
  return { error: groupError(r.error) };
}

export async function handleLeaveGroup(ctx: BrokerContext, req: LeaveGroupRequest, outcome: RequestOutcome): Promise<LeaveGroupResponse> {
  const partition = await partitionOf(ctx, req.groupId);
  const r =
    partition === undefined
      ? { error: 'NOT_COORDINATOR' as const, members: [] }
      : await ctx.groups.runtime.leaveGroup(partition, {
          groupId: req.groupId,
          members: req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason })),
        });
  note(outcome, r.error);
  return {
    error: groupError(r.error),
    members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, error: groupError(m.error) })),
  };
}
