/**
 * Fencings and unfencings in a stretch of the nodes' logs: one line each,
 * written by the active controller (`fenced broker 2 (epoch 57): …`,
 * `unfenced broker 2 (epoch 90): …`, packages/controller change-log). A
 * round reports them per broker, so that flapping after a heal (a broker
 * fenced and unfenced again and again while it catches up: issue 10) shows
 * in the report. Pure, for tests.
 */
export interface FencingCounts {
  /** Broker id → how many times it was fenced. */
  fenced: Record<string, number>;
  /** Broker id → how many times it was unfenced. */
  unfenced: Record<string, number>;
}

const LINE = /\b(un)?fenced broker (\d+) \(epoch \d+\)/;

export function countFencings(logText: string): FencingCounts {
  const out: FencingCounts = { fenced: {}, unfenced: {} };
  for (const line of logText.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) continue;
    const counts = m[1] === undefined ? out.fenced : out.unfenced;
    counts[m[2]!] = (counts[m[2]!] ?? 0) + 1;
  }
  return out;
}
