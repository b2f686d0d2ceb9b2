import { GregorError, errorCode } from '@gregor/common';
import type {
  DeleteGroupsRequest as KDeleteGroupsRequest,
  DeleteGroupsResponse as KDeleteGroupsResponse,
  DescribeGroupsRequest as KDescribeGroupsRequest,
  DescribeGroupsResponse as KDescribeGroupsResponse,
  Encodable,
  FindCoordinatorRequest as KFindCoordinatorRequest,
  FindCoordinatorResponse as KFindCoordinatorResponse,
  HeartbeatRequest as KHeartbeatRequest,
  HeartbeatResponse as KHeartbeatResponse,
  JoinGroupRequest as KJoinGroupRequest,
  JoinGroupResponse as KJoinGroupResponse,
  LeaveGroupRequest as KLeaveGroupRequest,
  LeaveGroupResponse as KLeaveGroupResponse,
  ListGroupsRequest as KListGroupsRequest,
  ListGroupsResponse as KListGroupsResponse,
  OffsetCommitRequest as KOffsetCommitRequest,
  OffsetCommitResponse as KOffsetCommitResponse,
  OffsetFetchRequest as KOffsetFetchRequest,
  OffsetFetchResponse as KOffsetFetchResponse,
  OffsetFetchResponseTopic,
  SyncGroupRequest as KSyncGroupRequest,
  SyncGroupResponse as KSyncGroupResponse,
} from '@gregor/kafka-protocol';
import type { BrokerApi } from '../api/broker-api';
import type { ApiError, RequestContext } from '../api/context';
import type { OffsetFetchResponse } from '../api/groups';
import { errorCodeOf, errorMessageOf } from './wire';

/**
 * The classic group APIs. The domain is shaped like Kafka's newest
 * versions; older versions differ only in shape (one FindCoordinator key,
 * one leaving member, one OffsetFetch group) and in JoinGroup's KIP-394
 * rule (v4+ first answer MEMBER_ID_REQUIRED to a new member).
 */

/** FindCoordinator v0–v4: v0–v3 ask for one key (v0: always a group), v4 batches them. */
export async function findCoordinator(
  api: BrokerApi,
  ctx: RequestContext,
  version: number,
  req: KFindCoordinatorRequest,
): Promise<Encodable<KFindCoordinatorResponse>> {
  const keys = version >= 4 ? req.coordinatorKeys : [req.key];
  const res = await api.findCoordinator(ctx, { keyType: req.keyType, keys });
  if (version >= 4) {
    return {
      coordinators: res.coordinators.map((c) => ({
        key: c.key,
        nodeId: c.nodeId,
        host: c.host,
        port: c.port,
        errorCode: errorCodeOf(c.error),
        errorMessage: errorMessageOf(c.error),
      })),
    };
  }
  const c = res.coordinators[0];
  if (c === undefined) return { errorCode: errorCode('INVALID_REQUEST'), nodeId: -1, host: '', port: -1 };
  return { errorCode: errorCodeOf(c.error), errorMessage: errorMessageOf(c.error), nodeId: c.nodeId, host: c.host, port: c.port };
}

/** JoinGroup v0–v9. */
export async function joinGroup(api: BrokerApi, ctx: RequestContext, version: number, req: KJoinGroupRequest): Promise<Encodable<KJoinGroupResponse>> {
  const res = await api.joinGroup(ctx, {
    groupId: req.groupId,
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    protocolType: req.protocolType,
    protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
    reason: req.reason,
    requireKnownMemberId: version >= 4,
  });
  return {
    errorCode: errorCodeOf(res.error),
    generationId: res.generationId,
    protocolType: res.protocolType,
    // Not nullable before v7.
    protocolName: version >= 7 ? res.protocolName : (res.protocolName ?? ''),
    leader: res.leader,
    ...(version >= 9 ? { skipAssignment: res.skipAssignment } : {}),
    memberId: res.memberId,
    members: res.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
  };
}

/** SyncGroup v0–v5. */
export async function syncGroup(api: BrokerApi, ctx: RequestContext, _version: number, req: KSyncGroupRequest): Promise<Encodable<KSyncGroupResponse>> {
  const res = await api.syncGroup(ctx, {
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    protocolType: req.protocolType,
    protocolName: req.protocolName,
    assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
  });
  return { errorCode: errorCodeOf(res.error), protocolType: res.protocolType, protocolName: res.protocolName, assignment: res.assignment };
}

/** Heartbeat v0–v4. */
export async function heartbeat(api: BrokerApi, ctx: RequestContext, _version: number, req: KHeartbeatRequest): Promise<Encodable<KHeartbeatResponse>> {
  const res = await api.heartbeat(ctx, {
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
  });
  return { errorCode: errorCodeOf(res.error) };
}

/** LeaveGroup v0–v5: v0–v2 name one member and answer one error; v3+ batch members (KIP-345). */
export async function leaveGroup(api: BrokerApi, ctx: RequestContext, version: number, req: KLeaveGroupRequest): Promise<Encodable<KLeaveGroupResponse>> {
  const members = version >= 3 ? req.members : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
  const res = await api.leaveGroup(ctx, { groupId: req.groupId, members });
  if (version < 3) return { errorCode: errorCodeOf(res.error ?? res.members[0]?.error ?? null) };
  return {
    errorCode: errorCodeOf(res.error),
    members: res.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: errorCodeOf(m.error) })),
  };
}

/** OffsetCommit v2–v8 (retention_time_ms of v2–v4 is ignored, as Kafka does since 2.1). */
export async function offsetCommit(api: BrokerApi, ctx: RequestContext, _version: number, req: KOffsetCommitRequest): Promise<Encodable<KOffsetCommitResponse>> {
  const res = await api.offsetCommit(ctx, {
    groupId: req.groupId,
    generationId: req.generationIdOrMemberEpoch,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partitionIndex,
        committedOffset: p.committedOffset,
        committedLeaderEpoch: p.committedLeaderEpoch,
        committedMetadata: p.committedMetadata,
      })),
    })),
  });
  return {
    topics: res.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: errorCodeOf(p.error) })) })),
  };
}

function offsetFetchTopics(res: OffsetFetchResponse): Encodable<OffsetFetchResponseTopic>[] {
  return res.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partition,
      committedOffset: p.committedOffset,
      committedLeaderEpoch: p.committedLeaderEpoch,
      metadata: p.metadata,
      errorCode: errorCodeOf(p.error),
    })),
  }));
}

/**
 * v1 has no group-level error: a group error goes on every partition
 * asked for, as Kafka did before v2.
 */
function withGroupErrorOnPartitions(
  error: ApiError,
  topics: readonly { name: string; partitionIndexes: number[] }[] | null,
): Encodable<OffsetFetchResponseTopic>[] {
  return (topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: error.code })),
  }));
}

/** OffsetFetch v1–v8: v1–v7 ask for one group (v1 needs its partitions named), v8 batches groups (one domain call each). */
export async function offsetFetch(api: BrokerApi, ctx: RequestContext, version: number, req: KOffsetFetchRequest): Promise<Encodable<KOffsetFetchResponse>> {
  if (version >= 8) {
    const groups = await Promise.all(
      req.groups.map(async (g) => {
        const res = await api.offsetFetch(ctx, {
          groupId: g.groupId,
          topics: g.topics?.map((t) => ({ name: t.name, partitions: t.partitionIndexes })) ?? null,
          requireStable: req.requireStable,
        });
        return { groupId: g.groupId, errorCode: errorCodeOf(res.error), topics: offsetFetchTopics(res) };
      }),
    );
    return { groups };
  }
  if (version < 2 && req.topics === null) throw new GregorError('INVALID_REQUEST', 'OffsetFetch v1 must name its partitions');
  const res = await api.offsetFetch(ctx, {
    groupId: req.groupId,
    topics: req.topics?.map((t) => ({ name: t.name, partitions: t.partitionIndexes })) ?? null,
    requireStable: req.requireStable,
  });
  if (version < 2) return { topics: res.error !== null ? withGroupErrorOnPartitions(res.error, req.topics) : offsetFetchTopics(res) };
  return { errorCode: errorCodeOf(res.error), topics: offsetFetchTopics(res) };
}

/** DescribeGroups v0–v5 (authorized operations are not computed: Kafka's "omitted"). */
export async function describeGroups(
  api: BrokerApi,
  ctx: RequestContext,
  _version: number,
  req: KDescribeGroupsRequest,
): Promise<Encodable<KDescribeGroupsResponse>> {
  const res = await api.describeGroups(ctx, { groups: req.groups });
  return {
    groups: res.groups.map((g) => ({
      errorCode: errorCodeOf(g.error),
      groupId: g.groupId,
      groupState: g.groupState,
      protocolType: g.protocolType,
      protocolData: g.protocolData,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: m.memberMetadata,
        memberAssignment: m.memberAssignment,
      })),
    })),
  };
}

/** ListGroups v0–v4 (states filter v4+). */
export async function listGroups(api: BrokerApi, ctx: RequestContext, _version: number, req: KListGroupsRequest): Promise<Encodable<KListGroupsResponse>> {
  const res = await api.listGroups(ctx, { statesFilter: req.statesFilter });
  return {
    errorCode: errorCodeOf(res.error),
    groups: res.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.groupState })),
  };
}

/** DeleteGroups v0–v2. */
export async function deleteGroups(api: BrokerApi, ctx: RequestContext, _version: number, req: KDeleteGroupsRequest): Promise<Encodable<KDeleteGroupsResponse>> {
  const res = await api.deleteGroups(ctx, { groups: req.groupsNames });
  return { results: res.results.map((r) => ({ groupId: r.groupId, errorCode: errorCodeOf(r.error) })) };
}
