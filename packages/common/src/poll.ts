import { sleep } from './retry';

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** What we wait for, for the timeout message. */
  what: string;
}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails
 * with a message saying what never happened. The way tests and tools wait for
 * a condition: never a fixed sleep.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${why}`);
    }
    await sleep(Math.min(opts.intervalMs ?? 50, Math.max(1, deadline - Date.now())));
  }
}
