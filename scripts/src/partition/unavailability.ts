/**
 * How long a partition could not take writes during a round, from the times
 * its acks=all produces were acknowledged: the longest stretch of the window
 * [fromMs, toMs] without an acknowledgement. The workload always has sends
 * outstanding on every partition, so a stretch without acks is a stretch in
 * which produce to that partition failed or hung. Returns its length and
 * when it began (the first of the longest). Pure, for tests.
 */
export function longestAckGap(ackTimesMs: readonly number[], fromMs: number, toMs: number): { ms: number; startMs: number } {
  let longest = { ms: 0, startMs: fromMs };
  let previous = fromMs;
  for (const t of ackTimesMs) {
    if (t <= fromMs) continue;
    if (t >= toMs) break;
    if (t - previous > longest.ms) longest = { ms: t - previous, startMs: previous };
    previous = t;
  }
  return toMs - previous > longest.ms ? { ms: toMs - previous, startMs: previous } : longest;
}
