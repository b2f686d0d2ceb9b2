/** Time as a dependency, so tests and simulations can control it. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch (record timestamps, retention). */
  nowMs(): number;
  /** Monotonic milliseconds (timeouts, durations); never goes back. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/**
 * A clock that moves only when told to (tests and simulations): wall and
 * monotonic time are the same number and start at `startMs`.
 */
export class ManualClock implements Clock {
  constructor(private ms = 1_000_000) {}

  nowMs(): number {
    return this.ms;
  }

  monotonicMs(): number {
    return this.ms;
  }

  /** Moves time forward by `ms` and returns the new time. */
  advance(ms: number): number {
    if (ms < 0) throw new RangeError(`a ManualClock does not go back (advance ${ms})`);
    this.ms += ms;
    return this.ms;
  }
}

/**
 * CLOCK_MONOTONIC in milliseconds (fractional): unlike performance.now(),
 * which counts from each process's start, the same clock in every process
 * of one host — so a benchmark can line up its own timestamps with the
 * nodes' (latency tracing). Not for durations inside one process: use
 * Clock.monotonicMs, which tests can control.
 */
export function hostMonotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
