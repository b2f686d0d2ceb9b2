import { appendFile, appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { hostMonotonicMs } from './clock';

/**
 * An opt-in event log for latency investigations (issue #13): each event is
 * one JSON line `{ ev, t, ...fields }` with `t` on the host's monotonic
 * clock (hostMonotonicMs), so the events of every node on one machine line
 * up. It answers what the produce trace cannot: where inside a hop the time
 * goes — a gRPC message handed to grpc-js, flushed by HTTP/2 at the end of
 * the loop turn, received by the other process; a storage write queued,
 * built, written. `scripts/src/timeline-breakdown.ts` joins the events of a
 * bench run (`pnpm bench --timeline`).
 *
 * Off unless a node sets `debug.latency.timeline.dir`: callers test
 * `debugTimeline.on` before building an event's fields, so off costs one
 * property read. On, a process writes `<dir>/timeline-<pid>.jsonl`, appended
 * every FLUSH_INTERVAL_MS from a buffer of at most MAX_BUFFERED_EVENTS (more
 * are counted in `dropped`, not kept) and at most `maxEvents` in all (a
 * forgotten switch cannot fill the disk).
 */
const FLUSH_INTERVAL_MS = 250;
const MAX_BUFFERED_EVENTS = 100_000;

class DebugTimeline {
  on = false;
  dropped = 0;
  private file: string | undefined;
  private buffer: string[] = [];
  private left = 0;
  private writing = false;
  private timer: NodeJS.Timeout | undefined;

  /** Starts writing events to `dir` (which must exist), at most `maxEvents` of them. */
  enable(dir: string, maxEvents = 5_000_000): void {
    this.file = path.join(dir, `timeline-${process.pid}.jsonl`);
    this.left = maxEvents;
    this.on = true;
    this.timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
    // What the last interval did not write yet (a stopping node exits through here).
    process.once('exit', () => this.flushSync());
  }

  /** Records one event now; a no-op when off. */
  event(ev: string, fields: Record<string, unknown>): void {
    if (!this.on) return;
    if (this.left <= 0 || this.buffer.length >= MAX_BUFFERED_EVENTS) {
      this.dropped++;
      return;
    }
    this.left--;
    this.buffer.push(JSON.stringify({ ev, t: hostMonotonicMs(), ...fields }, bigintAsString));
  }

  /** Appends what is buffered (one write at a time); resolves when that write is done. */
  flush(): Promise<void> {
    if (this.file === undefined || this.writing || this.buffer.length === 0) return Promise.resolve();
    const text = this.buffer.join('\n') + '\n';
    this.buffer = [];
    this.writing = true;
    return new Promise((resolve) =>
      appendFile(this.file!, text, () => {
        this.writing = false;
        resolve();
      }),
    );
  }

  private flushSync(): void {
    if (this.file === undefined || this.buffer.length === 0) return;
    appendFileSync(this.file, this.buffer.join('\n') + '\n');
    this.buffer = [];
  }

  /** Stops recording (tests); what is buffered is written first. */
  async disable(): Promise<void> {
    this.on = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    while (this.writing) await new Promise((r) => setImmediate(r));
    await this.flush();
    this.file = undefined;
  }
}

function bigintAsString(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** The process's timeline (see DebugTimeline). */
export const debugTimeline = new DebugTimeline();
