import type { Clock } from '@gregor/common';

/**
 * Monotonic time with this process's own stalls taken out, for the
 * leader's judgements of its followers' silence (issue 10). A leader whose
 * event loop was blocked for a second (a GC pause, an overloaded host) has
 * not read the fetches its followers sent meanwhile; right after the stall
 * its timers run before that I/O is read, and the first fetch it reads can
 * be another follower's, so measured on the plain clock every follower
 * would look silent for the stall. Measured on this clock the stall did not
 * happen: a follower is blamed only for silence the leader was awake to
 * hear. The quorum watch and the controller's session check forgive their
 * own stalls the same way.
 *
 * A stall shows as a gap between two samples longer than `stallMs`: a
 * timer samples every `intervalMs` (so an idle process is not taken for a
 * stalled one), and every reading samples too (so a reading right after a
 * stall, before the timer has run, already leaves it out).
 */
export interface StallState {
  /** The previous sample (plain monotonic ms). */
  lastSampleMs: number;
  /** Plain time left out so far: the sum of every stall seen. */
  stalledMs: number;
}

/** Folds one sample at plain time `nowMs` into the state (pure). */
export function observeStall(state: StallState, nowMs: number, stallMs: number): StallState {
  const gapMs = nowMs - state.lastSampleMs;
  if (gapMs <= 0) return state;
  return { lastSampleMs: nowMs, stalledMs: gapMs > stallMs ? state.stalledMs + gapMs : state.stalledMs };
}

export class StallFreeClock {
  private state: StallState;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    readonly intervalMs: number,
    readonly stallMs: number,
  ) {
    this.state = { lastSampleMs: clock.monotonicMs(), stalledMs: 0 };
  }

  /** Starts the sampling timer (unref'd). Before it runs, every gap between readings longer than `stallMs` counts as a stall. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.monotonicMs(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Now, in monotonic ms without this process's stalls (samples). */
  monotonicMs(): number {
    this.state = observeStall(this.state, this.clock.monotonicMs(), this.stallMs);
    return this.state.lastSampleMs - this.state.stalledMs;
  }
}
