/**
 * Kafka's fetch session epochs (KIP-227), shared by the leader's session
 * cache (broker) and the follower's end of a session (replication-fetcher).
 */

/** A full fetch without a session (closing the one named, if any). */
export const FETCH_SESSION_FINAL_EPOCH = -1;
/** A full fetch that opens a session (closing the one named, if any). */
export const FETCH_SESSION_INITIAL_EPOCH = 0;

/** Kafka's nextEpoch: epochs run 1 … 2^31-1, then 1 again. */
export function nextFetchSessionEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}
