/**
 * How long a partition could not take writes during a round, from the times
 * its acks=all produces were acknowledged: the longest stretch of the window
 * [fromMs, toMs] without an acknowledgement. The workload always has sends
 * outstanding on every partition, so a stretch without acks is a stretch in
 * which produce to that partition failed or hung. Pure, for tests.
 */
export function longestAckGapMs(ackTimesMs: readonly number[], fromMs: number, toMs: number): number {
  let longest = 0;
  let previous = fromMs;
  for (const t of ackTimesMs) {
    if (t <= fromMs) continue;
    if (t >= toMs) break;
    longest = Math.max(longest, t - previous);
    previous = t;
  }
  return Math.max(longest, toMs - previous);
}
