import { GregorError, backoffMs, sleep, toGregorError } from '@gregor/common';
import type { Cluster } from '../cluster';
import { needsMetadataRefresh } from '../errors';

export type ItemResult<R> = R | GregorError;

export interface PerItemOptions {
  cluster: Cluster;
  deadlineMs: number;
  /** Which per-item errors are worth another attempt (a subset of retriable ones). */
  retriable(err: GregorError): boolean;
  random: () => number;
}

/**
 * Runs a batched admin request, retrying only the items that failed with a
 * retriable error (retrying all would turn a created topic into
 * TOPIC_ALREADY_EXISTS), with backoff, until the deadline. A whole-request
 * failure counts as every item failing with that error. Every item ends with
 * a result or its last error.
 */
export async function perItemWithRetry<I, R>(
  items: readonly I[],
  nameOf: (item: I) => string,
  attempt: (items: readonly I[]) => Promise<Map<string, ItemResult<R>>>,
  opts: PerItemOptions,
): Promise<Map<string, ItemResult<R>>> {
  const out = new Map<string, ItemResult<R>>();
  const { retry, clock } = opts.cluster.opts;
  let pending = items;
  for (let tries = 0; ; tries++) {
    let results: Map<string, ItemResult<R>>;
    try {
      results = await attempt(pending);
    } catch (err) {
      const error = toGregorError(err);
      results = new Map(pending.map((i) => [nameOf(i), error]));
    }
    const again: I[] = [];
    for (const item of pending) {
      const name = nameOf(item);
      const r = results.get(name) ?? new GregorError('UNKNOWN_SERVER_ERROR', `response has no result for "${name}"`);
      out.set(name, r);
      if (r instanceof GregorError && r.retriable && opts.retriable(r)) again.push(item);
    }
    const left = opts.deadlineMs - clock.monotonicMs();
    if (again.length === 0 || left <= 0 || tries >= retry.retries) return out;
    if (again.some((i) => needsMetadataRefresh(out.get(nameOf(i))))) await opts.cluster.refreshMetadata().catch(() => undefined);
    await sleep(Math.min(left, backoffMs(tries, retry.initialBackoffMs, retry.maxBackoffMs, opts.random)));
    pending = again;
  }
}

/** Splits results into successes (in item order) and failures. */
export function partitionResults<I, R>(items: readonly I[], nameOf: (i: I) => string, results: Map<string, ItemResult<R>>): { ok: R[]; failures: { name: string; error: GregorError }[] } {
  const ok: R[] = [];
  const failures: { name: string; error: GregorError }[] = [];
  for (const item of items) {
    const name = nameOf(item);
    const r = results.get(name);
    if (r instanceof GregorError) failures.push({ name, error: r });
    else if (r !== undefined) ok.push(r);
  }
  return { ok, failures };
}
