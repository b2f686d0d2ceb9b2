/**
 * Follower fetch settings, with Kafka's names in the comments. The broker
 * fills them from node config; everything has a default.
 */
export interface ReplicaFetcherConfig {
  /** replica.fetch.max.bytes: budget per partition (at least one batch is always returned). */
  partitionMaxBytes: number;
  /** replica.fetch.response.max.bytes: budget of one response, i.e. the loop's buffer bound. */
  responseMaxBytes: number;
  /** replica.fetch.wait.max.ms: how long the leader may hold a fetch with nothing new. */
  maxWaitMs: number;
  /** replica.fetch.min.bytes. */
  minBytes: number;
  /**
   * replica.socket.timeout.ms: a fetch not answered within maxWaitMs plus
   * this is abandoned and retried (the leader may be gone without a reset).
   */
  requestTimeoutMs: number;
  /** replica.fetch.backoff.ms: first delay after an error; doubles up to maxBackoffMs, with jitter. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_REPLICA_FETCHER_CONFIG: ReplicaFetcherConfig = {
  partitionMaxBytes: 1_048_576,
  responseMaxBytes: 10_485_760,
  maxWaitMs: 500,
  minBytes: 1,
  requestTimeoutMs: 10_000,
  // Kafka waits 1 s; a follower that backs off that long after a leader
  // change delays acks=all and ISR rejoin, so start small and grow.
  backoffMs: 50,
  maxBackoffMs: 1000,
};
