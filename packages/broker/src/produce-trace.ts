import { assert, debugTimeline } from '@gregor/common';

/**
 * One produced batch's way through the leader, in host-monotonic ms
 * (`hostMonotonicMs`, comparable across the processes of one machine, so a
 * benchmark can put its own send and receive times beside them).
 */
export interface ProduceTraceSample {
  topic: string;
  partition: number;
  /** Decimal: first offset of the batch and one past its last. */
  baseOffset: string;
  endOffset: string;
  /** The produce request reached the handler. */
  receivedMs: number;
  /** The leader's append was issued: offsets assigned, followers may fetch it from here on. */
  appendedMs: number;
  /** The leader's own storage write finished (runs alongside replication; null if it failed). */
  writtenMs: number | null;
  /**
   * The last follower read that carried the batch before the high
   * watermark passed it (null: none did — acks=1, or a single replica).
   */
  replicatedMs: number | null;
  /** The high watermark passed the batch (null when the produce did not wait for it). */
  highWatermarkMs: number | null;
  /** The handler answered. */
  answeredMs: number;
}

/** A batch on its way; the handler holds it and passes it back. */
export interface TraceEntry {
  readonly key: string;
  readonly sample: ProduceTraceSample;
  readonly end: bigint;
}

/**
 * Per-stage timings of produces on the leader (issue #13), off unless the
 * node enables `debug.latency.trace`: then the handler opens an entry per
 * appended partition, follower reads and high-watermark moves stamp the
 * entries of their partition, and the answer closes it into a ring of
 * finished samples that `drain()` hands out (the node's /debug/latency).
 * Bounded: at most `maxPending` open entries (more are not traced) and
 * `maxSamples` finished ones until the next drain (later ones are counted
 * in `dropped`, not kept).
 */
export class ProduceTrace {
  private readonly open = new Map<string, TraceEntry[]>();
  private pending = 0;
  private finished: ProduceTraceSample[] = [];
  /** Samples not kept since the last drain (the ring was full). */
  dropped = 0;
  /** As a follower: ms from a fetch answer with records arriving to its appends being done. */
  private followerApplies: number[] = [];

  constructor(
    readonly now: () => number,
    private readonly maxPending = 10_000,
    private readonly maxSamples = 100_000,
  ) {}

  /** A batch was given offsets [base, end) and its write issued: starts its entry (undefined when the bound is reached). */
  appended(key: string, topic: string, partition: number, base: bigint, end: bigint, receivedMs: number): TraceEntry | undefined {
    if (this.pending >= this.maxPending) return undefined;
    const sample: ProduceTraceSample = {
      topic,
      partition,
      baseOffset: base.toString(),
      endOffset: end.toString(),
      receivedMs,
      appendedMs: this.now(),
      writtenMs: null,
      replicatedMs: null,
      highWatermarkMs: null,
      answeredMs: 0,
    };
    const entry: TraceEntry = { key, sample, end };
    if (debugTimeline.on) debugTimeline.event('leader.append', { key, end });
    let list = this.open.get(key);
    if (list === undefined) this.open.set(key, (list = []));
    list.push(entry);
    this.pending++;
    return entry;
  }

  /** The leader's write of the entry's batch finished. */
  written(entry: TraceEntry): void {
    entry.sample.writtenMs = this.now();
    if (debugTimeline.on) debugTimeline.event('leader.written', { key: entry.key, end: entry.end });
  }

  /** A follower read of `key` carried everything below `upTo`. */
  followerRead(key: string, upTo: bigint): void {
    const list = this.open.get(key);
    if (list === undefined) return;
    const at = this.now();
    for (const e of list) if (e.end <= upTo && e.sample.highWatermarkMs === null) e.sample.replicatedMs = at;
  }

  /** The high watermark of `key` moved to `hw`. */
  highWatermark(key: string, hw: bigint): void {
    const list = this.open.get(key);
    if (list === undefined) return;
    const at = this.now();
    for (const e of list) if (e.end <= hw && e.sample.highWatermarkMs === null) e.sample.highWatermarkMs = at;
  }

  /** As a follower, this broker applied a fetch answer carrying records in `applyMs` (bound: maxSamples). */
  readonly followerApplied = (applyMs: number): void => {
    if (this.followerApplies.length < this.maxSamples) this.followerApplies.push(applyMs);
  };

  /** The produce answered: the entry becomes a sample. */
  answered(entry: TraceEntry): void {
    const list = this.open.get(entry.key);
    const i = list?.indexOf(entry) ?? -1;
    if (list === undefined || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.open.delete(entry.key);
    this.pending--;
    assert(this.pending >= 0, 'produce trace: more entries closed than opened');
    entry.sample.answeredMs = this.now();
    if (this.finished.length < this.maxSamples) this.finished.push(entry.sample);
    else this.dropped++;
  }

  /** The finished samples since the last drain, how many were not kept, and the follower apply times. */
  drain(): { samples: ProduceTraceSample[]; dropped: number; followerApplyMs: number[] } {
    const out = { samples: this.finished, dropped: this.dropped, followerApplyMs: this.followerApplies };
    this.finished = [];
    this.dropped = 0;
    this.followerApplies = [];
    return out;
  }
}
