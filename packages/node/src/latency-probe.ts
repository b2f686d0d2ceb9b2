import { PerformanceObserver, constants, monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { hostMonotonicMs } from '@gregor/common';
import { ProduceTrace, type ProduceTraceSample } from '@gregor/broker';

/** What GET /debug/latency answers: everything since the previous call (or start). */
export interface LatencyReport {
  nodeId: number;
  /** Host-monotonic ms (CLOCK_MONOTONIC) of the window. */
  fromMs: number;
  toMs: number;
  /** How late the event loop ran a 10 ms timer beyond those 10 ms (perf_hooks.monitorEventLoopDelay), ms. */
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
  /** V8 garbage-collection pauses, ms. */
  gc: { count: number; totalMs: number; maxMs: number; byKind: Record<string, { count: number; totalMs: number }> };
  produces: ProduceTraceSample[];
  producesDropped: number;
  /** As a follower: from a fetch answer with records arriving to its appends being done, ms. */
  followerApplyMs: { count: number; p50: number; p99: number };
}

const EVENT_LOOP_RESOLUTION_MS = 10;

const GC_KINDS: Readonly<Record<number, string>> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * The node's latency tracing (`debug.latency.trace`, issue #13): the
 * broker's per-stage produce trace, event-loop delay and GC pauses, read
 * and reset together by the HTTP listener's /debug/latency, so a benchmark
 * takes one window around its measurement. Off by default: the event-loop
 * monitor runs a 10 ms timer (prom-client's default metrics run one too; a
 * 1 ms one woke the node 1,000 times a second and showed in the very p99 it
 * measures) and the GC observer a callback per collection.
 */
export class LatencyProbe {
  readonly produceTrace = new ProduceTrace(hostMonotonicMs);
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  private readonly gcObserver: PerformanceObserver;
  private gc: LatencyReport['gc'] = emptyGc();
  private fromMs = hostMonotonicMs();

  constructor(private readonly nodeId: number) {
    this.loopDelay.enable();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const detail = (entry as { detail?: { kind?: number } }).detail;
        const kind = GC_KINDS[detail?.kind ?? -1] ?? 'other';
        this.gc.count++;
        this.gc.totalMs += entry.duration;
        this.gc.maxMs = Math.max(this.gc.maxMs, entry.duration);
        const k = (this.gc.byKind[kind] ??= { count: 0, totalMs: 0 });
        k.count++;
        k.totalMs += entry.duration;
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  /** The window since the last call; starts the next one. */
  takeReport(): LatencyReport {
    // The histogram holds whole timer intervals: the lateness is what exceeds the resolution.
    const ms = (ns: number): number => Number(Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS).toFixed(3));
    const h = this.loopDelay;
    const { samples, dropped, followerApplyMs } = this.produceTrace.drain();
    const applies = followerApplyMs.sort((a, b) => a - b);
    const at = (p: number): number => Number((applies[Math.min(applies.length - 1, Math.floor(p * applies.length))] ?? 0).toFixed(3));
    const toMs = hostMonotonicMs();
    const report: LatencyReport = {
      nodeId: this.nodeId,
      fromMs: this.fromMs,
      toMs,
      eventLoopDelayMs: h.count === 0 ? { p50: 0, p99: 0, max: 0, mean: 0 } : { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) },
      gc: this.gc,
      produces: samples,
      producesDropped: dropped,
      followerApplyMs: { count: applies.length, p50: at(0.5), p99: at(0.99) },
    };
    h.reset();
    this.gc = emptyGc();
    this.fromMs = toMs;
    return report;
  }

  stop(): void {
    this.loopDelay.disable();
    this.gcObserver.disconnect();
  }
}

function emptyGc(): LatencyReport['gc'] {
  return { count: 0, totalMs: 0, maxMs: 0, byKind: {} };
}
