import type { PunctuationType } from './api';

/** One scheduled punctuator; `nextMs` undefined means "at the first stream time" (Kafka's STREAM_TIME rule). */
export interface PunctuationSchedule {
  readonly intervalMs: number;
  readonly type: PunctuationType;
  readonly nodeName: string;
  readonly callback: (timestampMs: number) => void;
  nextMs: number | undefined;
  cancelled: boolean;
}

/**
 * Whether a schedule fires at `nowMs` and when it fires next (pure). It
 * fires once however many intervals were skipped — a punctuator that
 * stalled does not run a burst to catch up — and the next time stays on
 * its grid (first time + k × interval).
 */
export function punctuationDue(s: Pick<PunctuationSchedule, 'intervalMs' | 'nextMs'>, nowMs: number): { fire: boolean; nextMs: number } {
  if (s.nextMs === undefined) return { fire: true, nextMs: nowMs + s.intervalMs };
  if (nowMs < s.nextMs) return { fire: false, nextMs: s.nextMs };
  const skipped = Math.floor((nowMs - s.nextMs) / s.intervalMs) + 1;
  return { fire: true, nextMs: s.nextMs + skipped * s.intervalMs };
}
