import { backoffMs } from '@gregor/common';

/**
 * When a failed task is restarted by itself (Kafka Connect leaves a failed
 * task failed until someone restarts it, a known complaint). Pure:
 * the worker asks and schedules the answer. Attempts back off exponentially
 * with jitter from `initialMs` to `maxMs`; after `maxAttempts` consecutive
 * failures the task stays FAILED until someone restarts it by REST. A task
 * that ran for `healthyAfterMs` without failing starts again from attempt 0.
 */
export interface RestartPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** 0 turns automatic restarts off. */
  readonly maxAttempts: number;
  readonly healthyAfterMs: number;
}

export interface RestartHistory {
  /** Consecutive failures so far, this one included. */
  readonly failures: number;
  readonly lastStartMs: number;
}

/** The attempt count after a failure at `nowMs`: reset when the task had been healthy long enough. */
export function failuresAfter(history: RestartHistory | undefined, nowMs: number, policy: RestartPolicy): number {
  if (history === undefined || nowMs - history.lastStartMs >= policy.healthyAfterMs) return 1;
  return history.failures + 1;
}

/** ms until the next automatic restart, or undefined when the task should stay failed. */
export function restartDelayMs(failures: number, policy: RestartPolicy, random: () => number = Math.random): number | undefined {
  if (failures > policy.maxAttempts) return undefined;
  return backoffMs(failures - 1, policy.initialMs, policy.maxMs, random);
}
