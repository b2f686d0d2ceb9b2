import { GregorError, toGregorError, withRetry } from '@gregor/common';
import type { BrokerConnection } from '../broker-connection';
import type { Cluster } from '../cluster';
import { firstFailure, needsMetadataRefresh } from '../errors';

export type ItemResult<R> = R | GregorError;

export interface PerItemOptions {
  cluster: Cluster;
  deadlineMs: number;
  /** Which per-item errors are worth another attempt (a subset of retriable ones). */
  retriable(err: GregorError): boolean;
  random: () => number;
}

/** Thrown inside the retry loop to ask for another round; never escapes. */
class RetryRound extends Error {
  constructor(readonly errors: GregorError[]) {
    super('some items failed with retriable errors');
  }
}

/**
 * Runs a batched admin request through withRetry, re-sending only the items
 * that failed with a retriable error (re-sending all would turn a created
 * topic into TOPIC_ALREADY_EXISTS), until the deadline. A whole-request
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
  try {
    await withRetry(
      async () => {
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
        if (again.length > 0) {
          pending = again;
          throw new RetryRound(again.map((i) => out.get(nameOf(i)) as GregorError));
        }
      },
      {
        retries: retry.retries,
        initialBackoffMs: retry.initialBackoffMs,
        maxBackoffMs: retry.maxBackoffMs,
        deadlineMs: Math.max(0, opts.deadlineMs - clock.monotonicMs()),
        now: () => clock.monotonicMs(),
        random: opts.random,
        isRetriable: (err) => err instanceof RetryRound,
        onRetry: async (err) => {
          if (err instanceof RetryRound && err.errors.some(needsMetadataRefresh)) await opts.cluster.refreshMetadata().catch(() => undefined);
        },
      },
    );
  } catch (err) {
    // Out of retries or time: `out` holds each item's last error.
    if (!(err instanceof RetryRound)) throw err;
  }
  return out;
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

/**
 * Asks every broker in fresh metadata (APIs each broker answers for itself:
 * ListGroups, ListTransactions), retrying brokers that fail until the
 * deadline; the answers of all, or the first failure (with the count of others).
 */
export async function askEveryBroker<R>(
  cluster: Cluster,
  opts: { deadlineMs: number; random: () => number },
  ask: (conn: BrokerConnection) => Promise<R | GregorError>,
): Promise<R[]> {
  const md = await cluster.refreshMetadata();
  const results = await perItemWithRetry<number, R>(
    md.brokers.map((b) => b.nodeId),
    (id) => String(id),
    async (pending) => {
      const out = new Map<string, ItemResult<R>>();
      await Promise.all(
        pending.map(async (id) => {
          try {
            const conn = cluster.connectionForNode(id);
            if (conn === undefined) throw new GregorError('NETWORK_EXCEPTION', `broker ${id} is not in metadata`, { transport: true });
            out.set(String(id), await ask(conn));
          } catch (err) {
            out.set(String(id), err instanceof GregorError ? err : new GregorError('UNKNOWN_SERVER_ERROR', String(err)));
          }
        }),
      );
      return out;
    },
    { cluster, deadlineMs: opts.deadlineMs, retriable: () => true, random: opts.random },
  );
  const answers: R[] = [];
  const failures: { name: string; error: GregorError }[] = [];
  for (const [id, r] of results) {
    if (r instanceof GregorError) failures.push({ name: `broker ${id}`, error: r });
    else answers.push(r);
  }
  const err = firstFailure(failures);
  if (err !== undefined) throw err;
  return answers;
}
