import { assert, tpKey, type Clock, type TopicPartition } from '@gregor/common';

export interface HighWatermarkCacheOptions {
  /** Bound on the partitions tracked; at the limit new ones are refused until old ones are forgotten. */
  maxKeys: number;
  /** A value fetched longer ago than this reads as unknown: a missing series beats a wrong one. */
  staleAfterMs: number;
  /**
   * A partition nobody asked for this long is forgotten (its group went,
   * or its commit expired). Longer than any sane scrape interval, or a
   * slow scraper would find its series gone on every scrape.
   */
  forgetAfterMs: number;
  clock: Clock;
}

interface Entry {
  readonly topic: string;
  readonly partition: number;
  lastWantedMs: number;
  highWatermark: bigint | undefined;
  fetchedAtMs: number;
}

/**
 * Leaders' high watermarks of partitions another broker leads, as last
 * fetched, for the consumer-lag metric. Memory only, no I/O: the scrape
 * asks (`get`, which also records the partition as wanted) and a
 * background refresh reads `wanted()` and answers (`record`). Both sides
 * are bounded by `maxKeys`: `record` only fills partitions already wanted.
 */
export class HighWatermarkCache {
  private readonly entries = new Map<string, Entry>();
  private refused = 0;

  constructor(private readonly opts: HighWatermarkCacheOptions) {
    assert(opts.maxKeys > 0 && opts.staleAfterMs > 0 && opts.forgetAfterMs > 0, 'high watermark cache bounds are positive');
  }

  /** The fresh value, or undefined (never fetched, or stale); either way the partition is now wanted. */
  get(topic: string, partition: number): bigint | undefined {
    const now = this.opts.clock.monotonicMs();
    const key = tpKey(topic, partition);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.opts.maxKeys) {
        this.refused++;
        return undefined;
      }
      entry = { topic, partition, lastWantedMs: now, highWatermark: undefined, fetchedAtMs: 0 };
      this.entries.set(key, entry);
      return undefined;
    }
    entry.lastWantedMs = now;
    if (entry.highWatermark === undefined || now - entry.fetchedAtMs > this.opts.staleAfterMs) return undefined;
    return entry.highWatermark;
  }

  /**
   * Stores a leader's answer, asked at `askedAtMs` (monotonic; staleness
   * counts from the question, the conservative end). Ignored for a
   * partition that is not wanted, and for one that already holds a newer
   * answer (two refreshes may overlap across a leader change).
   */
  record(topic: string, partition: number, highWatermark: bigint, askedAtMs: number): boolean {
    const entry = this.entries.get(tpKey(topic, partition));
    if (entry === undefined || askedAtMs < entry.fetchedAtMs) return false;
    entry.highWatermark = highWatermark;
    entry.fetchedAtMs = askedAtMs;
    return true;
  }

  /** Drops partitions nobody asked for within `forgetAfterMs`; returns how many. */
  forgetUnwanted(): number {
    const now = this.opts.clock.monotonicMs();
    let forgotten = 0;
    for (const [key, entry] of this.entries) {
      if (now - entry.lastWantedMs > this.opts.forgetAfterMs) {
        this.entries.delete(key);
        forgotten++;
      }
    }
    return forgotten;
  }

  /** The partitions to refresh, in the order they were first wanted. */
  wanted(): TopicPartition[] {
    return [...this.entries.values()].map((e) => ({ topic: e.topic, partition: e.partition }));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Partitions refused at the limit since the last call (for a debug line); resets the count. */
  takeRefusedCount(): number {
    const n = this.refused;
    this.refused = 0;
    return n;
  }
}

/** One ListOffsets to send: every wanted partition `leaderId` leads. */
export interface LeaderQuery {
  leaderId: number;
  address: string;
  partitions: TopicPartition[];
}

/**
 * Pure: groups the wanted partitions by their current leader, one query per
 * leader. Skipped (and counted): partitions without a leader
 * (-1) or of unknown topics, those whose leader has no address on the
 * inter-broker listener, and those `selfId` leads (the broker answers
 * those from its own log).
 */
export function planLeaderQueries(
  wanted: Iterable<TopicPartition>,
  selfId: number,
  leaderOf: (topic: string, partition: number) => number | undefined,
  leaderAddress: (leaderId: number) => string | undefined,
): { queries: LeaderQuery[]; skipped: number } {
  const byLeader = new Map<number, LeaderQuery>();
  let skipped = 0;
  for (const tp of wanted) {
    const leaderId = leaderOf(tp.topic, tp.partition);
    if (leaderId === undefined || leaderId < 0 || leaderId === selfId) {
      skipped++;
      continue;
    }
    let query = byLeader.get(leaderId);
    if (query === undefined) {
      const address = leaderAddress(leaderId);
      if (address === undefined) {
        skipped++;
        continue;
      }
      query = { leaderId, address, partitions: [] };
      byLeader.set(leaderId, query);
    }
    query.partitions.push({ topic: tp.topic, partition: tp.partition });
  }
  return { queries: [...byLeader.values()], skipped };
}
