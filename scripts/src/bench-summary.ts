/** A run's figures, by field name (the JSON line a bench run prints). */
export type RunFigures = { protocol: string } & Record<string, unknown>;

/** The fields summarised: throughput, CPU per record and latency. */
const FIELDS = [
  'produce_rps',
  'produce_cpu_us_per_record_client',
  'produce_cpu_us_per_record_nodes',
  'consume_rps',
  'consume_cpu_us_per_record_client',
  'consume_cpu_us_per_record_nodes',
  'lat_p50_ms',
  'lat_p99_ms',
  'lat_p999_ms',
] as const;

/**
 * Min, median and max of each figure per protocol over several runs: on a
 * loaded machine one run says little, a range side by side says more.
 * Pure (tested in scripts/test).
 */
export function summarize(runs: readonly RunFigures[]): { summary: Record<string, Record<string, [number, number, number]>> & { runs: Record<string, number> } } {
  const byProtocol = new Map<string, RunFigures[]>();
  for (const r of runs) {
    let list = byProtocol.get(r.protocol);
    if (list === undefined) byProtocol.set(r.protocol, (list = []));
    list.push(r);
  }
  const summary: Record<string, Record<string, [number, number, number]>> = {};
  const counts: Record<string, number> = {};
  for (const [protocol, list] of byProtocol) {
    counts[protocol] = list.length;
    const figures: Record<string, [number, number, number]> = {};
    for (const field of FIELDS) {
      const values = list.map((r) => r[field]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
      if (values.length === 0) continue;
      figures[field] = [values[0]!, values[Math.floor((values.length - 1) / 2)]!, values[values.length - 1]!];
    }
    summary[protocol] = figures;
  }
  return { summary: Object.assign(summary, { runs: counts }) };
}

/**
 * The shape of a series over time (a soak's samples): its first, median,
 * max and last values, nulls left out; null when nothing is left.
 */
export function seriesShape(values: readonly (number | null)[]): { first: number; median: number; max: number; last: number } | null {
  const v = values.filter((x): x is number => x !== null);
  if (v.length === 0) return null;
  const sorted = [...v].sort((a, b) => a - b);
  return { first: v[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]!, max: sorted[sorted.length - 1]!, last: v[v.length - 1]! };
}
