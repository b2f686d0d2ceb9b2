/**
 * The failover demo's producer narrates a send slower than 1 s with why it
 * was slow: the first send also looks up metadata and a producer id (and
 * the sends made meanwhile wait behind it); later
 * ones with what the script says is happening to the cluster (`phase`: a
 * node was killed, a node took its partitions back), and with no reason at
 * all when nothing is happening, rather than claiming a failover.
 */
export function slowSendNote(value: number, tookMs: number, phase: string | undefined, beforeFirstAnswer = false): string {
  if (value === 0) return ` (took ${tookMs} ms, with the first metadata and producer-id lookups)`;
  // Sent while the first send was still looking things up: it waited for those.
  if (beforeFirstAnswer) return ` (took ${tookMs} ms, waiting behind the first lookups)`;
  return phase === undefined ? ` (took ${tookMs} ms)` : ` (took ${tookMs} ms: ${phase})`;
}

