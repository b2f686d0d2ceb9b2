/**
 * One retry helper for the whole codebase: exponential backoff with full
 * jitter, a bounded number of attempts and an overall deadline, retrying only
 * what `isRetriable` accepts (programmer errors are never retried).
 */
export interface RetryOptions {
  retries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Overall budget in ms, measured from the first attempt. */
  deadlineMs?: number;
  isRetriable: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void | Promise<void>;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function backoffMs(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
  // Full jitter (AWS architecture blog): spreads retries of many clients apart.
  return Math.max(1, Math.floor(ceiling * (0.5 + random() * 0.5)));
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const random = opts.random ?? Math.random;
  const doSleep = opts.sleep ?? sleep;
  const now = opts.now ?? Date.now;
  const start = now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= opts.retries || !opts.isRetriable(err)) throw err;
      let delay = backoffMs(attempt, opts.initialBackoffMs, opts.maxBackoffMs, random);
      if (opts.deadlineMs !== undefined) {
        const left = opts.deadlineMs - (now() - start);
        if (left <= 0) throw err;
        delay = Math.min(delay, left);
      }
      await opts.onRetry?.(err, attempt + 1, delay);
      await doSleep(delay);
    }
  }
}
