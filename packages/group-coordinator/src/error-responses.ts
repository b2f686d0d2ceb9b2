import type { ErrorName } from '@gregor/common';
import type {
  DeleteGroupResult,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupResponse,
} from './types';

/**
 * Each API's answer when the request cannot reach a shard
 * (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, …), in its own shape.
 */
export const errorResponse = {
  join: (req: JoinGroupRequest, error: ErrorName): JoinGroupResponse => ({
    error,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId: req.memberId,
    members: [],
  }),
  sync: (error: ErrorName): SyncGroupResponse => ({ error, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }),
  heartbeat: (_req: HeartbeatRequest, error: ErrorName): HeartbeatResponse => ({ error }),
  leave: (_req: LeaveGroupRequest, error: ErrorName): LeaveGroupResponse => ({ error, members: [] }),
  commit: (req: OffsetCommitRequest, error: ErrorName): OffsetCommitResponse => ({
    results: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })),
  }),
  fetch: (_req: OffsetFetchRequest, error: ErrorName): OffsetFetchResponse => ({ error, offsets: [] }),
  delete: (groupIds: readonly string[], error: ErrorName): DeleteGroupResult[] => groupIds.map((groupId) => ({ groupId, error })),
};
