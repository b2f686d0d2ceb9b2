/**
 * Splits the replication part of an acks=all produce — the latency
 * breakdown's "followers fetched → HW" and the follower's write — into the
 * steps of its two gRPC hops, from the nodes' debug timelines
 * (`debug.latency.timeline.dir`, @gregor/common debug-timeline.ts; `pnpm
 * bench --timeline`). Pure apart from `readTimelines`; tested in
 * scripts/test.
 *
 * For each batch a leader appended, the follower whose fetch let the high
 * watermark pass it (the last one to report) is followed through:
 * leader reads the batch for it → answer handed to grpc-js → HTTP/2
 * flushes it (end of the loop turn) → the follower's stream receives it →
 * the fetcher has it decoded → appended (its storage write) → next fetch
 * built → handed to grpc-js → flushed → the leader's stream receives it →
 * the leader handles the fetch → high watermark moves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { percentile, round } from './latency-breakdown';

export interface TimelineEvent {
  ev: string;
  t: number;
  [field: string]: unknown;
}

export const TIMELINE_STAGES = [
  'leader_read_to_answer_written',
  'answer_written_to_flushed',
  'answer_flushed_to_follower_received',
  'follower_received_to_decoded',
  'follower_append',
  'follower_applied_to_next_fetch',
  'next_fetch_to_request_written',
  'request_written_to_flushed',
  'request_flushed_to_leader_received',
  'leader_received_to_fetch_handled',
  'fetch_handled_to_hw',
] as const;
export type TimelineStage = (typeof TIMELINE_STAGES)[number];

export interface Spread {
  p50: number;
  p90: number;
  p99: number;
}

export interface TimelineBreakdown {
  /** Appended batches followed all the way to the high watermark. */
  batches: number;
  /** The leader's read of a batch for the follower that reported it last → the high watermark passed it; the stages below add up to it. */
  read_to_hw: Spread | null;
  stages: Record<TimelineStage, Spread | null>;
  /** Batches whose high watermark waited for the leader's own write rather than for a follower. */
  hw_waited_for_leader_write: number;
  /** Per node: storage writes (every group the write queue issued): waiting in the queue, building the LevelDB batch, the write itself (libuv thread pool, until its completion runs on the loop). */
  storage: { node: number; writes: number; queued: Spread | null; build: Spread | null; write: Spread | null }[];
}

function spread(values: number[]): Spread | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return { p50: round(percentile(values, 50)), p90: round(percentile(values, 90)), p99: round(percentile(values, 99)) };
}

/** Index of the first element with t >= at (arrays sorted by t). */
function fromTime<T extends { t: number }>(list: readonly T[], at: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.t < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first element at or after `at` that satisfies `ok`. */
function firstFrom<T extends { t: number }>(list: readonly T[] | undefined, at: number, ok: (x: T) => boolean = () => true): T | undefined {
  if (list === undefined) return undefined;
  for (let i = fromTime(list, at); i < list.length; i++) if (ok(list[i]!)) return list[i];
  return undefined;
}

/** The last element at or before `at`. */
function lastUpTo<T extends { t: number }>(list: readonly T[] | undefined, at: number): T | undefined {
  if (list === undefined) return undefined;
  const i = fromTime(list, at + 1e-9) - 1;
  return i >= 0 ? list[i] : undefined;
}

class Index {
  private readonly lists = new Map<string, TimelineEvent[]>();
  add(key: string, e: TimelineEvent): void {
    let l = this.lists.get(key);
    if (l === undefined) this.lists.set(key, (l = []));
    l.push(e);
  }
  get(key: string): TimelineEvent[] | undefined {
    return this.lists.get(key);
  }
  sort(): void {
    for (const l of this.lists.values()) l.sort((a, b) => a.t - b.t);
  }
}

const big = (v: unknown): bigint => BigInt(v as string);

/**
 * `timelines`: each node's events (any order), keyed by node id. `lastBatches`
 * limits the join to the latest appends (the measured ones, after the
 * warm-up).
 */
export function timelineBreakdown(timelines: ReadonlyMap<number, readonly TimelineEvent[]>, lastBatches = Number.POSITIVE_INFINITY): TimelineBreakdown {
  const idx = new Index();
  const appends: { node: number; e: TimelineEvent }[] = [];
  const storage: TimelineBreakdown['storage'] = [];
  for (const [node, events] of timelines) {
    const queued: number[] = [];
    const build: number[] = [];
    const write: number[] = [];
    for (const e of events) {
      switch (e.ev) {
        case 'leader.append':
          appends.push({ node, e });
          break;
        case 'leader.written':
        case 'leader.hw':
          idx.add(`${node}|${e.ev}|${String(e['key'])}`, e);
          break;
        case 'leader.follower.read':
        case 'leader.follower.fetch':
          idx.add(`${node}|${e.ev}|${String(e['replica'])}|${String(e['key'])}`, e);
          break;
        case 'FetchFromLeader.answer.written':
        case 'FetchFromLeader.answer.flushed':
        case 'FetchFromLeader.request.received':
          idx.add(`${node}|${e.ev}|${String(e['replica'])}`, e);
          break;
        case 'follower.applied':
          for (const [key] of e['parts'] as [string, unknown][]) idx.add(`${node}|${e.ev}|${key}`, e);
          break;
        case 'follower.answer':
        case 'follower.fetch':
          idx.add(`${node}|${e.ev}|${String(e['leader'])}|${String(e['seq'])}`, e);
          break;
        case 'follower.answer.received':
        case 'follower.request.written':
        case 'follower.request.flushed':
          idx.add(`${node}|${e.ev}`, e);
          break;
        case 'storage.write': {
          const started = e['started'] as number;
          const built = e['built'] as number;
          for (const q of e['queued'] as (number | null)[]) if (typeof q === 'number') queued.push(started - q);
          build.push(built - started);
          write.push(e.t - built);
          break;
        }
      }
    }
    storage.push({ node, writes: write.length, queued: spread(queued), build: spread(build), write: spread(write) });
  }
  idx.sort();
  appends.sort((a, b) => a.e.t - b.e.t);
  const values = Object.fromEntries(TIMELINE_STAGES.map((s) => [s, [] as number[]])) as Record<TimelineStage, number[]>;
  const totals: number[] = [];
  let batches = 0;
  let waitedForLeader = 0;
  for (const { node: leader, e: app } of appends.slice(-Math.min(appends.length, lastBatches))) {
    const key = String(app['key']);
    const end = big(app['end']);
    const covers = (field: string) => (x: TimelineEvent) => big(x[field]) >= end;
    const hw = firstFrom(idx.get(`${leader}|leader.hw|${key}`), app.t, covers('hw'));
    if (hw === undefined) continue;
    // Each follower's way from the read that carried the batch to its next fetch, which reports it.
    const ways = [];
    for (const follower of timelines.keys()) {
      if (follower === leader) continue;
      const read = firstFrom(idx.get(`${leader}|leader.follower.read|${follower}|${key}`), app.t, covers('end'));
      const handled = firstFrom(idx.get(`${leader}|leader.follower.fetch|${follower}|${key}`), app.t, covers('offset'));
      const applied = firstFrom(idx.get(`${follower}|follower.applied|${key}`), app.t, (x) =>
        (x['parts'] as [string, string | null][]).some(([k, leo]) => k === key && leo !== null && BigInt(leo) >= end),
      );
      if (read === undefined || handled === undefined || applied === undefined) continue;
      const loop = `${String(applied['leader'])}|${String(applied['seq'])}`;
      const answer = idx.get(`${follower}|follower.answer|${loop}`)?.[0];
      const next = idx.get(`${follower}|follower.fetch|${applied['leader'] as number}|${(applied['seq'] as number) + 1}`)?.[0];
      if (answer === undefined || next === undefined) continue;
      ways.push({ follower, read, handled, applied, answer, next });
    }
    if (ways.length === 0 || ways.length < timelines.size - 1) continue;
    const w = ways.reduce((a, b) => (b.handled.t > a.handled.t ? b : a));
    const f = w.follower;
    const written = firstFrom(idx.get(`${leader}|FetchFromLeader.answer.written|${f}`), w.read.t);
    const flushed = written && firstFrom(idx.get(`${leader}|FetchFromLeader.answer.flushed|${f}`), written.t);
    const received = lastUpTo(idx.get(`${f}|follower.answer.received`), w.answer.t);
    const reqWritten = firstFrom(idx.get(`${f}|follower.request.written`), w.next.t);
    const reqFlushed = reqWritten && firstFrom(idx.get(`${f}|follower.request.flushed`), reqWritten.t);
    const reqReceived = lastUpTo(idx.get(`${leader}|FetchFromLeader.request.received|${f}`), w.handled.t);
    if (!written || !flushed || !received || !reqWritten || !reqFlushed || !reqReceived) continue;
    batches++;
    totals.push(hw.t - w.read.t);
    const steps: [TimelineStage, number][] = [
      ['leader_read_to_answer_written', written.t - w.read.t],
      ['answer_written_to_flushed', flushed.t - written.t],
      ['answer_flushed_to_follower_received', received.t - flushed.t],
      ['follower_received_to_decoded', w.answer.t - received.t],
      ['follower_append', w.applied.t - w.answer.t],
      ['follower_applied_to_next_fetch', w.next.t - w.applied.t],
      ['next_fetch_to_request_written', reqWritten.t - w.next.t],
      ['request_written_to_flushed', reqFlushed.t - reqWritten.t],
      ['request_flushed_to_leader_received', reqReceived.t - reqFlushed.t],
      ['leader_received_to_fetch_handled', w.handled.t - reqReceived.t],
      ['fetch_handled_to_hw', hw.t - w.handled.t],
    ];
    for (const [s, v] of steps) values[s].push(v);
    const leaderWritten = firstFrom(idx.get(`${leader}|leader.written|${key}`), app.t, covers('end'));
    if (leaderWritten !== undefined && leaderWritten.t > w.handled.t) waitedForLeader++;
  }
  const stages = Object.fromEntries(TIMELINE_STAGES.map((s) => [s, spread(values[s])])) as Record<TimelineStage, Spread | null>;
  return { batches, read_to_hw: spread(totals), stages, hw_waited_for_leader_write: waitedForLeader, storage };
}

/**
 * Reads every `timeline-<pid>.jsonl` in `dir`, keyed by node id — the
 * replica id of the node's follower fetches, or (a node that follows
 * nothing) 1, 2, … in file order.
 */
export function readTimelines(dir: string): Map<number, TimelineEvent[]> {
  const out = new Map<number, TimelineEvent[]>();
  const files = readdirSync(dir).filter((f) => /^timeline-\d+\.jsonl$/.test(f)).sort();
  files.forEach((f, i) => {
    const events = readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as TimelineEvent);
    const fetch = events.find((e) => e.ev === 'follower.fetch');
    out.set(fetch !== undefined ? (fetch['replica'] as number) : i + 1, events);
  });
  return out;
}
