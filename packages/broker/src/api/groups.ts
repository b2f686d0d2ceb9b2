import type { ApiError } from './context';

/**
 * The classic consumer-group APIs, shaped like Kafka's newest versions of
 * each (a front end serving older versions fills in what they lack: one
 * FindCoordinator key, one leaving member, …). Nullable strings are `null`
 * (gRPC's "" maps to null). Protocol metadata and assignments are opaque
 * bytes (consumers use Kafka's ConsumerProtocol encoding). Requests for a
 * group this broker does not coordinate answer NOT_COORDINATOR;
 * COORDINATOR_LOAD_IN_PROGRESS while its partition loads.
 */

/** Kafka's FindCoordinator key types: 0 = group; 1 = transaction. */
export const COORDINATOR_KEY_TYPE = { GROUP: 0, TRANSACTION: 1 } as const;

export interface FindCoordinatorRequest {
  readonly keyType: number;
  /** Group ids or transactional ids (batched, KIP-699); asked twice, answered once. */
  readonly keys: readonly string[];
}

export interface FindCoordinatorResponse {
  readonly coordinators: Coordinator[];
}

/** Named by its address on the request's listener; nodeId -1, host "", port -1 on error. */
export interface Coordinator {
  readonly key: string;
  readonly error: ApiError | null;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinGroupRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  /** <= 0: the session timeout (JoinGroup v0 has none). */
  readonly rebalanceTimeoutMs: number;
  /** "" on a member's first join. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
  readonly reason: string | null;
  /**
   * KIP-394 (JoinGroup v4+, and gRPC): a new dynamic member first gets
   * MEMBER_ID_REQUIRED with its id and joins again with it. False for
   * Kafka's v0–v3, which take the new member at once.
   */
  readonly requireKnownMemberId: boolean;
}

export interface JoinGroupResponse {
  readonly error: ApiError | null;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  /** KIP-814: a static leader that rejoined keeps the current assignment. */
  readonly skipAssignment: boolean;
  readonly memberId: string;
  /** Only for the leader: every member with its metadata for protocolName. */
  readonly members: JoinGroupMember[];
}

export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Buffer;
}

export interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** SyncGroup v5 (KIP-559): checked against the group's when not null. */
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** The leader's assignment; empty from followers. */
  readonly assignments: readonly { readonly memberId: string; readonly assignment: Buffer }[];
}

export interface SyncGroupResponse {
  readonly error: ApiError | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export interface HeartbeatRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  readonly error: ApiError | null;
}

export interface LeaveGroupRequest {
  readonly groupId: string;
  /** By member id, or by groupInstanceId alone (memberId ""). */
  readonly members: readonly LeavingMember[];
}

export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly reason: string | null;
}

export interface LeaveGroupResponse {
  readonly error: ApiError | null;
  readonly members: LeftMember[];
}

export interface LeftMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly error: ApiError | null;
}

export interface OffsetCommitRequest {
  readonly groupId: string;
  /** -1 (with memberId "") for a commit from outside the group: admin tools, manual assignment. */
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: readonly OffsetCommitTopic[];
}

export interface OffsetCommitTopic {
  readonly name: string;
  readonly partitions: readonly OffsetCommitPartition[];
}

export interface OffsetCommitPartition {
  readonly partition: number;
  /** The next offset to consume. */
  readonly committedOffset: bigint;
  /** -1 when unknown. */
  readonly committedLeaderEpoch: number;
  /** null is stored as "". */
  readonly committedMetadata: string | null;
}

export interface OffsetCommitResponse {
  readonly topics: OffsetCommitTopicResult[];
}

export interface OffsetCommitTopicResult {
  readonly name: string;
  readonly partitions: { readonly partition: number; readonly error: ApiError | null }[];
}

/** One group (Kafka's OffsetFetch v8 batches groups: the front end asks once per group). */
export interface OffsetFetchRequest {
  readonly groupId: string;
  /** null = every partition the group has an offset for. */
  readonly topics: readonly { readonly name: string; readonly partitions: readonly number[] }[] | null;
  /** UNSTABLE_OFFSET_COMMIT for partitions with a commit being written. */
  readonly requireStable: boolean;
}

export interface OffsetFetchResponse {
  readonly error: ApiError | null;
  readonly topics: OffsetFetchTopicResult[];
}

export interface OffsetFetchTopicResult {
  readonly name: string;
  readonly partitions: OffsetFetchPartitionResult[];
}

export interface OffsetFetchPartitionResult {
  readonly partition: number;
  /** -1 when the group has no offset for the partition. */
  readonly committedOffset: bigint;
  readonly committedLeaderEpoch: number;
  readonly metadata: string;
  readonly error: ApiError | null;
}

export interface DescribeGroupsRequest {
  readonly groups: readonly string[];
}

export interface DescribeGroupsResponse {
  readonly groups: DescribedGroup[];
}

export interface DescribedGroup {
  readonly error: ApiError | null;
  readonly groupId: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable or Dead (an unknown group is Dead). */
  readonly groupState: string;
  readonly protocolType: string;
  /** The chosen protocol (assignor) when Stable, else "". */
  readonly protocolData: string;
  readonly members: DescribedGroupMember[];
}

export interface DescribedGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** Metadata and assignment only while the group is Stable. */
  readonly memberMetadata: Buffer;
  readonly memberAssignment: Buffer;
}

/** The groups this broker coordinates (clients ask every broker and merge, as with Kafka). */
export interface ListGroupsRequest {
  /** [] = any state; matched case-insensitively. */
  readonly statesFilter: readonly string[];
}

export interface ListGroupsResponse {
  readonly error: ApiError | null;
  readonly groups: { readonly groupId: string; readonly protocolType: string; readonly groupState: string }[];
}

export interface DeleteGroupsRequest {
  readonly groups: readonly string[];
}

export interface DeleteGroupsResponse {
  readonly results: { readonly groupId: string; readonly error: ApiError | null }[];
}
