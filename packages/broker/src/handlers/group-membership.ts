import type { ErrorName } from '@gregor/common';
import type {
  HeartbeatRequest__Output,
  HeartbeatResponse,
  JoinGroupRequest__Output,
  JoinGroupResponse,
  LeaveGroupRequest__Output,
  LeaveGroupResponse,
  SyncGroupRequest__Output,
  SyncGroupResponse,
} from '@gregor/proto';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { clientHostOf, clientIdOf, groupError, nullable, orEmpty, type CallerInfo } from './group-wire';

/**
 * JoinGroup, SyncGroup, Heartbeat and LeaveGroup: converted to the
 * coordinator's domain types and routed to the group's
 * __consumer_offsets partition; NOT_COORDINATOR when this broker does not
 * coordinate it (the client then asks FindCoordinator again).
 */

function partitionOf(ctx: BrokerContext, groupId: string): number | undefined {
  return ctx.groups.partitionFor(groupId);
}

function note(outcome: RequestOutcome, error: ErrorName): void {
  if (error !== 'NONE' && outcome.firstError === 'NONE') outcome.firstError = error;
}

export async function handleJoinGroup(
  ctx: BrokerContext,
  req: JoinGroupRequest__Output,
  outcome: RequestOutcome,
  call?: CallerInfo,
): Promise<JoinGroupResponse> {
  const partition = partitionOf(ctx, req.groupId);
  const r =
    partition === undefined
      ? { error: 'NOT_COORDINATOR' as const, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: req.memberId, members: [] }
      : await ctx.groups.runtime.joinGroup(partition, {
          groupId: req.groupId,
          memberId: req.memberId,
          groupInstanceId: nullable(req.groupInstanceId),
          sessionTimeoutMs: req.sessionTimeoutMs,
          // Kafka: a client that sends no rebalance timeout gets its session timeout.
          rebalanceTimeoutMs: req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
          protocolType: req.protocolType,
          protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
          clientId: clientIdOf(call),
          clientHost: clientHostOf(call),
          requireKnownMemberId: true,
          reason: nullable(req.reason),
        });
  note(outcome, r.error);
  return {
    error: groupError(r.error),
    generationId: r.generationId,
    protocolType: orEmpty(r.protocolType),
    protocolName: orEmpty(r.protocolName),
    leader: r.leader,
    skipAssignment: r.skipAssignment,
    memberId: r.memberId,
    members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: orEmpty(m.groupInstanceId), metadata: m.metadata })),
  };
}

export async function handleSyncGroup(ctx: BrokerContext, req: SyncGroupRequest__Output, outcome: RequestOutcome): Promise<SyncGroupResponse> {
  const partition = partitionOf(ctx, req.groupId);
  const r =
    partition === undefined
      ? { error: 'NOT_COORDINATOR' as const, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
      : await ctx.groups.runtime.syncGroup(partition, {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: nullable(req.groupInstanceId),
          protocolType: nullable(req.protocolType),
          protocolName: nullable(req.protocolName),
          assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
        });
  note(outcome, r.error);
  return { error: groupError(r.error), protocolType: orEmpty(r.protocolType), protocolName: orEmpty(r.protocolName), assignment: r.assignment };
}

export async function handleHeartbeat(ctx: BrokerContext, req: HeartbeatRequest__Output, outcome: RequestOutcome): Promise<HeartbeatResponse> {
  const partition = partitionOf(ctx, req.groupId);
  const r =
    partition === undefined
      ? { error: 'NOT_COORDINATOR' as const }
      : await ctx.groups.runtime.heartbeat(partition, {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: nullable(req.groupInstanceId),
        });
  note(outcome, r.error);
  return { error: groupError(r.error) };
}

export async function handleLeaveGroup(ctx: BrokerContext, req: LeaveGroupRequest__Output, outcome: RequestOutcome): Promise<LeaveGroupResponse> {
  const partition = partitionOf(ctx, req.groupId);
  const r =
    partition === undefined
      ? { error: 'NOT_COORDINATOR' as const, members: [] }
      : await ctx.groups.runtime.leaveGroup(partition, {
          groupId: req.groupId,
          members: req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: nullable(m.groupInstanceId), reason: nullable(m.reason) })),
        });
  note(outcome, r.error);
  return {
    error: groupError(r.error),
    members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: orEmpty(m.groupInstanceId), error: groupError(m.error) })),
  };
}
