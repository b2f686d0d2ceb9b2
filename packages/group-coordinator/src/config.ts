/**
 * Coordinator settings. Names are Kafka's broker configs, camelCased with
 * the unit last; defaults are Kafka's unless noted.
 */
export interface GroupCoordinatorConfig {
  /** group.min.session.timeout.ms: smaller session timeouts get INVALID_SESSION_TIMEOUT. */
  groupMinSessionTimeoutMs: number;
  /** group.max.session.timeout.ms. */
  groupMaxSessionTimeoutMs: number;
  /**
   * group.initial.rebalance.delay.ms: how long a new group waits for more
   * members before its first rebalance completes (and again per joiner, up
   * to the rebalance timeout).
   */
  groupInitialRebalanceDelayMs: number;
  /**
   * group.max.size. Kafka's default is unbounded (Int.MaxValue); Gregor
   * bounds every map, so the default is 1000 members — far above any group
   * we expect. Joiners beyond it get GROUP_MAX_SIZE_REACHED.
   */
  groupMaxSize: number;
  /**
   * A new member that joined but whose rebalance has not completed is
   * removed after this long (Kafka's GroupCoordinator.NewMemberJoinTimeoutMs, KIP-394).
   */
  newMemberJoinTimeoutMs: number;
  /** offset.metadata.max.bytes: longer commit metadata gets OFFSET_METADATA_TOO_LARGE. */
  offsetMetadataMaxBytes: number;
  /** offsets.retention.minutes (in ms): offsets of an empty group are dropped this long after it emptied. */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms. */
  offsetsRetentionCheckIntervalMs: number;
  /**
   * Groups one coordinator shard (one __consumer_offsets partition) holds
   * at most; Kafka has no limit. New groups beyond it are refused with
   * COORDINATOR_NOT_AVAILABLE, which clients retry.
   */
  maxGroupsPerShard: number;
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: Readonly<GroupCoordinatorConfig> = {
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 3000,
  groupMaxSize: 1000,
  newMemberJoinTimeoutMs: 300_000,
  offsetMetadataMaxBytes: 4096,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  offsetsRetentionCheckIntervalMs: 600_000,
  maxGroupsPerShard: 100_000,
};
