/**
 * Fetch sizing, as Kafka does it (KIP-74): the response has a byte budget
 * (`max_bytes`), each partition its own (`partition_max_bytes`); partitions
 * are read in request order and each gets what is left of the response
 * budget. Storage returns at least one whole batch when the budget is
 * smaller than the next batch, so an oversized batch cannot stall a
 * consumer; that only happens while the response is still empty.
 */
export const DEFAULT_FETCH_MAX_BYTES = 52_428_800;
export const DEFAULT_PARTITION_FETCH_MAX_BYTES = 1_048_576;
/**
 * Longest a fetch may wait. Kafka bounds it only by the request timeout;
 * here a waiter holds a timer and a slot in a bounded set, so it is capped.
 */
export const MAX_FETCH_WAIT_MS = 60_000;

export interface FetchShape {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
}

/** Non-positive values mean "the default" (proto3 sends 0 for absent). */
export function normalizeFetchShape(raw: { maxWaitMs: number; minBytes: number; maxBytes: number }): FetchShape {
  return {
    maxWaitMs: Math.min(Math.max(0, raw.maxWaitMs), MAX_FETCH_WAIT_MS),
    minBytes: Math.max(0, raw.minBytes),
    maxBytes: raw.maxBytes > 0 ? raw.maxBytes : DEFAULT_FETCH_MAX_BYTES,
  };
}

/**
 * Bytes to ask storage for, for one partition. 0 means: skip the read, the
 * response is already full (the partition still reports its offsets).
 */
export function partitionReadBudget(responseBytesLeft: number, partitionMaxBytes: number, responseIsEmpty: boolean): number {
  const partitionMax = partitionMaxBytes > 0 ? partitionMaxBytes : DEFAULT_PARTITION_FETCH_MAX_BYTES;
  if (responseBytesLeft <= 0) return 0;
  // An empty response may take one batch larger than the budget (storage's
  // minimum-one-batch rule); asking for at least 1 byte keeps that possible.
  const budget = Math.min(partitionMax, responseBytesLeft);
  return responseIsEmpty ? Math.max(1, budget) : budget;
}

/**
 * Whether a fetch should answer now instead of waiting (Kafka's
 * DelayedFetch rules): no wait asked, enough bytes, any partition in error,
 * or the broker is shutting down.
 */
export function shouldAnswerFetchNow(shape: FetchShape, bytes: number, anyError: boolean, shuttingDown: boolean): boolean {
  return shape.maxWaitMs <= 0 || bytes >= shape.minBytes || anyError || shuttingDown;
}
