import type * as wire from '@gregor/proto';
import type * as api from '../api';
import { int64, nullable, orEmpty, wireError } from './wire';

/**
 * gregor.v1.Gregor's group RPCs ↔ the broker's domain types: Kafka's
 * nullable strings are "" on this wire, and JoinGroup always follows
 * KIP-394 (a new member first gets MEMBER_ID_REQUIRED), as Kafka's v4+.
 */

export function decodeFindCoordinator(req: wire.FindCoordinatorRequest__Output): api.FindCoordinatorRequest {
  return { keyType: req.keyType, keys: req.keys };
}

export function encodeFindCoordinator(res: api.FindCoordinatorResponse): wire.FindCoordinatorResponse {
  return { coordinators: res.coordinators.map((c) => ({ ...c, error: wireError(c.error) })) };
}

export function decodeJoinGroup(req: wire.JoinGroupRequest__Output): api.JoinGroupRequest {
  return {
    groupId: req.groupId,
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    memberId: req.memberId,
    groupInstanceId: nullable(req.groupInstanceId),
    protocolType: req.protocolType,
    protocols: req.protocols,
    reason: nullable(req.reason),
    requireKnownMemberId: true,
  };
}

export function encodeJoinGroup(res: api.JoinGroupResponse): wire.JoinGroupResponse {
  return {
    error: wireError(res.error),
    generationId: res.generationId,
    protocolType: orEmpty(res.protocolType),
    protocolName: orEmpty(res.protocolName),
    leader: res.leader,
    skipAssignment: res.skipAssignment,
    memberId: res.memberId,
    members: res.members.map((m) => ({ memberId: m.memberId, groupInstanceId: orEmpty(m.groupInstanceId), metadata: m.metadata })),
  };
}

export function decodeSyncGroup(req: wire.SyncGroupRequest__Output): api.SyncGroupRequest {
  return {
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: nullable(req.groupInstanceId),
    protocolType: nullable(req.protocolType),
    protocolName: nullable(req.protocolName),
    assignments: req.assignments,
  };
}

export function encodeSyncGroup(res: api.SyncGroupResponse): wire.SyncGroupResponse {
  return { error: wireError(res.error), protocolType: orEmpty(res.protocolType), protocolName: orEmpty(res.protocolName), assignment: res.assignment };
}

export function decodeHeartbeat(req: wire.HeartbeatRequest__Output): api.HeartbeatRequest {
  return { groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: nullable(req.groupInstanceId) };
}

export function encodeHeartbeat(res: api.HeartbeatResponse): wire.HeartbeatResponse {
  return { error: wireError(res.error) };
}

export function decodeLeaveGroup(req: wire.LeaveGroupRequest__Output): api.LeaveGroupRequest {
  return {
    groupId: req.groupId,
    members: req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: nullable(m.groupInstanceId), reason: nullable(m.reason) })),
  };
}

export function encodeLeaveGroup(res: api.LeaveGroupResponse): wire.LeaveGroupResponse {
  return {
    error: wireError(res.error),
    members: res.members.map((m) => ({ memberId: m.memberId, groupInstanceId: orEmpty(m.groupInstanceId), error: wireError(m.error) })),
  };
}

export function decodeOffsetCommit(req: wire.OffsetCommitRequest__Output): api.OffsetCommitRequest {
  return {
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: nullable(req.groupInstanceId),
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        committedOffset: int64(p.committedOffset, 'committed_offset'),
        committedLeaderEpoch: p.committedLeaderEpoch,
        committedMetadata: p.committedMetadata,
      })),
    })),
  };
}

export function encodeOffsetCommit(res: api.OffsetCommitResponse): wire.OffsetCommitResponse {
  return {
    topics: res.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition, error: wireError(p.error) })) })),
  };
}

export function decodeOffsetFetch(req: wire.OffsetFetchRequest__Output): api.OffsetFetchRequest {
  // Empty means every partition the group has an offset for.
  return { groupId: req.groupId, topics: req.topics.length === 0 ? null : req.topics, requireStable: req.requireStable };
}

export function encodeOffsetFetch(res: api.OffsetFetchResponse): wire.OffsetFetchResponse {
  return {
    error: wireError(res.error),
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        committedOffset: p.committedOffset.toString(),
        committedLeaderEpoch: p.committedLeaderEpoch,
        metadata: p.metadata,
        error: wireError(p.error),
      })),
    })),
  };
}

export function decodeDescribeGroups(req: wire.DescribeGroupsRequest__Output): api.DescribeGroupsRequest {
  return { groups: req.groups };
}

export function encodeDescribeGroups(res: api.DescribeGroupsResponse): wire.DescribeGroupsResponse {
  return {
    groups: res.groups.map((g) => ({
      ...g,
      error: wireError(g.error),
      members: g.members.map((m) => ({ ...m, groupInstanceId: orEmpty(m.groupInstanceId) })),
    })),
  };
}

export function decodeListGroups(req: wire.ListGroupsRequest__Output): api.ListGroupsRequest {
  return { statesFilter: req.statesFilter };
}

export function encodeListGroups(res: api.ListGroupsResponse): wire.ListGroupsResponse {
  return { error: wireError(res.error), groups: res.groups };
}

export function decodeDeleteGroups(req: wire.DeleteGroupsRequest__Output): api.DeleteGroupsRequest {
  return { groups: req.groups };
}

export function encodeDeleteGroups(res: api.DeleteGroupsResponse): wire.DeleteGroupsResponse {
  return { results: res.results.map((r) => ({ groupId: r.groupId, error: wireError(r.error) })) };
}
