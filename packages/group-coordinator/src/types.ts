import type { ErrorName } from '@gregor/common';

/**
 * Domain types of the classic group protocol, one per Kafka API. They carry
 * exactly the fields of Kafka's requests and responses that the coordinator
 * uses (JoinGroup v9, SyncGroup v5, Heartbeat v4, LeaveGroup v5,
 * OffsetCommit v9, OffsetFetch v8, DescribeGroups v5, ListGroups v4,
 * DeleteGroups v2), so the gRPC handlers and, later, the Kafka-protocol
 * listener both map onto them. `null` stands for Kafka's nullable strings;
 * the member id "" is Kafka's UNKNOWN_MEMBER_ID. Errors are Kafka's names.
 */

/** Kafka's classic group states (GroupState in the Java coordinator). */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const GROUP_STATES: readonly GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

/** Kafka's JoinGroupRequest.UNKNOWN_MEMBER_ID. */
export const UNKNOWN_MEMBER_ID = '';
/** Kafka's generation id of "no generation" (also what an admin commit sends). */
export const NO_GENERATION = -1;

/** Who asked: the driver's handle for a request whose answer may come later. */
export type RequestId = number;

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** Kafka: when a v0 client does not send it, the session timeout is used. */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly GroupProtocol[];
  clientId: string;
  clientHost: string;
  /**
   * JoinGroup v4+ (KIP-394): a new dynamic member first gets
   * MEMBER_ID_REQUIRED with its id and must join again with it.
   */
  requireKnownMemberId: boolean;
  reason?: string | null;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  error: ErrorName;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  /** KIP-814: a static leader that rejoined a stable group keeps the current assignment. */
  skipAssignment: boolean;
  memberId: string;
  /** Only the leader gets the members (with their metadata for the chosen protocol). */
  members: JoinGroupMember[];
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** SyncGroup v5 (KIP-559): checked against the group's when present. */
  protocolType: string | null;
  protocolName: string | null;
  /** The leader's assignment; empty for followers. */
  assignments: readonly { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResponse {
  error: ErrorName;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  error: ErrorName;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  members: readonly LeavingMember[];
}

export interface LeaveGroupResponse {
  error: ErrorName;
  members: { memberId: string; groupInstanceId: string | null; error: ErrorName }[];
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: bigint;
  /** -1 when unknown. */
  leaderEpoch: number;
  metadata: string;
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 (with member id "") for a commit from outside the group: admin tools, manual assignment. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  offsets: readonly OffsetToCommit[];
}

export interface OffsetCommitResponse {
  results: { topic: string; partition: number; error: ErrorName }[];
}

export interface OffsetFetchRequest {
  groupId: string;
  /** null = every partition the group has an offset for. */
  partitions: readonly { topic: string; partition: number }[] | null;
  requireStable: boolean;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  /** -1n when the group has no offset for the partition. */
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  error: ErrorName;
}

export interface OffsetFetchResponse {
  error: ErrorName;
  offsets: FetchedOffset[];
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Empty unless the group is Stable (Kafka's summaryNoMetadata). */
  metadata: Buffer;
  assignment: Buffer;
}

export interface DescribedGroup {
  groupId: string;
  error: ErrorName;
  state: GroupState;
  protocolType: string;
  /** The protocol name when Stable, else "". */
  protocolData: string;
  members: DescribedMember[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

export interface DeleteGroupResult {
  groupId: string;
  error: ErrorName;
}

/** An answer the driver delivers to the request it names. */
export type Reply =
  | { requestId: RequestId; kind: 'join'; response: JoinGroupResponse }
  | { requestId: RequestId; kind: 'sync'; response: SyncGroupResponse }
  | { requestId: RequestId; kind: 'heartbeat'; response: HeartbeatResponse }
  | { requestId: RequestId; kind: 'leave'; response: LeaveGroupResponse }
  | { requestId: RequestId; kind: 'commit'; response: OffsetCommitResponse }
  | { requestId: RequestId; kind: 'txn-commit'; response: OffsetCommitResponse }
  | { requestId: RequestId; kind: 'delete'; response: DeleteGroupResult[] };
