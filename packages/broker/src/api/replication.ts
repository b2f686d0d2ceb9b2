import type { ApiError } from './context';

/**
 * FetchFromLeader, the follower's fetch (broker to broker; served on the
 * gRPC listeners only, not part of BrokerApi): like a consumer Fetch plus
 * who asks and the epoch of its last fetched batch (KIP-320 divergence).
 */
export interface ReplicaFetchRequest {
  readonly replicaId: number;
  /** The follower's registration epoch (KIP-903); -1 when unknown. */
  readonly brokerEpoch: bigint;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  /** Every partition (a full fetch), or only those that changed (an incremental one: the session holds the rest). */
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly ReplicaFetchPartitionData[];
  }[];
  /** KIP-227 incremental fetch session (replication.proto ReplicaFetchSession); absent: a sessionless full fetch. */
  readonly session?: ReplicaFetchSessionFields;
}

/** Kafka's Fetch session fields: id 0 = none; epoch 0 opens a session, -1 fetches without one, n > 0 is the n-th incremental fetch. */
export interface ReplicaFetchSessionFields {
  readonly id: number;
  readonly epoch: number;
  readonly forgotten: readonly { readonly topic: string; readonly partitions: readonly number[] }[];
}

export interface ReplicaFetchPartitionData {
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes: number;
  readonly currentLeaderEpoch: number;
  readonly lastFetchedEpoch: number;
  /** The follower's log start offset (DeleteRecords waits for it to reach the leader's); -1 when not sent. */
  readonly logStartOffset: bigint;
}

export interface ReplicaFetchResponse {
  /** Every partition of a full fetch; only those with news for an incremental one. */
  readonly topics: ReplicaFetchTopicResponse[];
  /** The session later requests may use; 0 or absent: none. */
  readonly sessionId?: number;
}

export interface ReplicaFetchTopicResponse {
  readonly name: string;
  readonly partitions: ReplicaFetchPartitionResponse[];
}

export interface ReplicaFetchPartitionResponse {
  readonly partition: number;
  /** Carries `context.leaderHint` on NOT_LEADER_OR_FOLLOWER. */
  error: ApiError | null;
  highWatermark: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
  /** Set (and no records) when the follower's log diverged from the leader's (KIP-320). */
  divergingEpoch: { epoch: number; endOffset: bigint } | null;
  records: Buffer;
}
