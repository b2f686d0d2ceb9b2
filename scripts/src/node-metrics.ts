import type { ClusterNode } from '@gregor/dev-cluster';

/** One series of a node's /metrics. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format → samples (comments skipped). */
export function parseMetrics(text: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** A node's metrics, or undefined when it does not answer within 5 s (a bench carries on without them). */
export async function scrapeNode(node: ClusterNode): Promise<MetricSample[] | undefined> {
  try {
    const res = await fetch(`${node.http}/metrics`, { signal: AbortSignal.timeout(5000) });
    return parseMetrics(await res.text());
  } catch {
    return undefined;
  }
}

/** Sum of a metric's series whose labels include `labels`. */
export function metricSum(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of samples) if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  return sum;
}
