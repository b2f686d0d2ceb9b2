import { GregorError } from '@gregor/common';

/** A window's bounds in ms: [startMs, endMs). */
export interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

/** A key of a windowed table (Kafka's Windowed<K>). */
export interface Windowed<K> {
  readonly key: K;
  readonly window: Window;
}

/**
 * Tumbling (advance = size) or hopping (advance < size) windows aligned to
 * the epoch, with a grace period for records that arrive out of order
 * (Kafka's TimeWindows). A record later than `end + grace` in stream time
 * is dropped and counted, never silently added to a closed window.
 */
export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  static ofSizeWithGrace(sizeMs: number, graceMs: number): TimeWindows {
    positive('window size', sizeMs);
    if (!Number.isInteger(graceMs) || graceMs < 0) throw invalid(`window grace must be a non-negative integer of ms, got ${graceMs}`);
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeWithGrace(sizeMs, 0);
  }

  /** Hopping windows: a new window every `advanceMs` (0 < advance ≤ size). */
  advanceBy(advanceMs: number): TimeWindows {
    positive('window advance', advanceMs);
    if (advanceMs > this.sizeMs) throw invalid(`window advance (${advanceMs} ms) must not exceed the size (${this.sizeMs} ms)`);
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** The windows that contain `timestampMs`, oldest first. */
  windowsFor(timestampMs: number): Window[] {
    const out: Window[] = [];
    const lastStart = timestampMs - (((timestampMs % this.advanceMs) + this.advanceMs) % this.advanceMs);
    for (let start = lastStart; start > timestampMs - this.sizeMs; start -= this.advanceMs) {
      if (start >= 0) out.push({ startMs: start, endMs: start + this.sizeMs });
    }
    return out.reverse();
  }

  /** A window is closed once stream time reaches its end plus the grace period. */
  isClosed(window: Window, streamTimeMs: number): boolean {
    return streamTimeMs >= window.endMs + this.graceMs;
  }
}

/**
 * Sliding windows (Kafka's SlidingWindows, KIP-450): windows of a fixed
 * time difference that move with the records instead of the epoch. Two
 * records fall in one window when their timestamps are at most
 * `timeDifferenceMs` apart; the windows kept are exactly the distinct sets
 * of records that can share one: for each record its "left" window
 * [t − difference, t] and, when later records exist within the difference,
 * its "right" window [t + 1, t + 1 + difference] (both bounds inclusive).
 * A record earlier than the difference goes to the window [0, difference].
 * A window is closed once stream time passes its end plus the grace period.
 */
export class SlidingWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    positive('sliding window time difference', timeDifferenceMs);
    if (!Number.isInteger(graceMs) || graceMs < 0) throw invalid(`sliding window grace must be a non-negative integer of ms, got ${graceMs}`);
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }
}

function positive(what: string, ms: number): void {
  if (!Number.isInteger(ms) || ms <= 0) throw invalid(`${what} must be a positive integer of ms, got ${ms}`);
}

function invalid(message: string): GregorError {
  return new GregorError('INVALID_CONFIG', message);
}

/**
 * How far apart in event time two records of a KStream–KStream join may
 * be (Kafka's JoinWindows): |t1 − t2| ≤ timeDifferenceMs, plus a grace
 * period for out-of-order records. Each side keeps its records for
 * 2 × difference + grace of stream time.
 */
export class JoinWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    if (!Number.isInteger(timeDifferenceMs) || timeDifferenceMs < 0) throw invalid(`join window time difference must be a non-negative integer of ms, got ${timeDifferenceMs}`);
    if (!Number.isInteger(graceMs) || graceMs < 0) throw invalid(`join window grace must be a non-negative integer of ms, got ${graceMs}`);
    return new JoinWindows(timeDifferenceMs, graceMs);
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  get retentionMs(): number {
    return 2 * this.timeDifferenceMs + this.graceMs;
  }
}

/**
 * Session windows (Kafka's SessionWindows): a key's records less than
 * `gapMs` apart belong to one session; a record within the gap of two
 * sessions merges them. A session closes `gap + grace` after its end in
 * stream time (until then a record may still extend it).
 */
export class SessionWindows {
  private constructor(
    readonly gapMs: number,
    readonly graceMs: number,
  ) {}

  static ofInactivityGapAndGrace(gapMs: number, graceMs: number): SessionWindows {
    positive('session inactivity gap', gapMs);
    if (!Number.isInteger(graceMs) || graceMs < 0) throw invalid(`session grace must be a non-negative integer of ms, got ${graceMs}`);
    return new SessionWindows(gapMs, graceMs);
  }

  static ofInactivityGapWithNoGrace(gapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(gapMs, 0);
  }
}
