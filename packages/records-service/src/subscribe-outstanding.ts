import { assert, tpKey, type TopicPartition } from '@gregor/common';

/** One delivered record not yet covered by its partition's acked prefix. */
interface Delivered {
  offset: bigint;
  bytes: number;
  deliveredAtMs: number;
  attempt: number;
  acked: boolean;
}

interface PartitionWindow {
  topic: string;
  partition: number;
  /** Delivered records past the acked prefix, in offset order (delivery order within a partition), from index `head` on. */
  entries: Delivered[];
  /** Entries before this index were folded into the prefix (compacted now and then: Array#splice at the front is O(n)). */
  head: number;
  /** The offset after the acked prefix (what the group should commit); undefined until one is acked. */
  ackedUpTo: bigint | undefined;
  /** The last ackedUpTo handed out by takeCommits (or committed at start). */
  committedUpTo: bigint | undefined;
  /** Offsets rewound for redelivery → how often they were delivered before (best effort, bounded). */
  earlierAttempts: Map<bigint, number>;
}

export interface OutstandingLimits {
  maxRecords: number;
  maxBytes: number;
}

export interface CommitOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/**
 * What one Subscribe stream has delivered and not yet had acked, per
 * partition — the pure part of the stream: no timers, no I/O, time passed in.
 *
 * Invariants (checked by asserts): a partition's entries are in strictly
 * increasing offset order; the entry at `head` is never acked (acked heads are
 * folded into `ackedUpTo` at once); `records`/`bytes` are the sums over
 * every partition's entries. Acked entries behind an unacked one still
 * count against the limits: they are the memory this stream holds, so a
 * subscriber that never acks one record cannot grow it past the bound.
 */
export class OutstandingWindow {
  private readonly partitions = new Map<string, PartitionWindow>();
  /** The partition looked up last: records and acks come in runs of one partition, so most lookups skip building a key. */
  private lastFound: PartitionWindow | undefined;
  private recordCount = 0;
  private byteCount = 0;

  constructor(private readonly limits: OutstandingLimits) {}

  get records(): number {
    return this.recordCount;
  }

  get bytes(): number {
    return this.byteCount;
  }

  /** Whether delivery must wait for acks: a bound is reached. */
  atLimit(): boolean {
    return this.recordCount >= this.limits.maxRecords || this.byteCount >= this.limits.maxBytes;
  }

  /** How many more records may go out now (0 at the bound). */
  roomRecords(): number {
    return this.atLimit() ? 0 : this.limits.maxRecords - this.recordCount;
  }

  /**
   * Whether a record of `bytes` may go out now. A record larger than the
   * byte bound goes out alone (when nothing is outstanding), so a big
   * record cannot block its partition forever.
   */
  fits(bytes: number): boolean {
    if (this.recordCount === 0) return true;
    return this.recordCount < this.limits.maxRecords && this.byteCount + bytes <= this.limits.maxBytes;
  }

  /** A partition this stream now owns. */
  addPartition(tp: TopicPartition): void {
    const key = tpKey(tp.topic, tp.partition);
    if (this.partitions.has(key)) return;
    this.partitions.set(key, { topic: tp.topic, partition: tp.partition, entries: [], head: 0, ackedUpTo: undefined, committedUpTo: undefined, earlierAttempts: new Map() });
  }

  owns(tp: TopicPartition): boolean {
    return this.find(tp) !== undefined;
  }

  /** Records a delivery; returns its delivery attempt (1 the first time). */
  deliver(tp: TopicPartition, offset: bigint, bytes: number, nowMs: number): number {
    const w = this.find(tp);
    // Messages built only on failure: this runs once per pushed record.
    if (w === undefined) assert(false, `delivery from ${tpKey(tp.topic, tp.partition)}, which the stream does not own`);
    const last = w.entries.length > w.head ? w.entries[w.entries.length - 1] : undefined;
    if (last !== undefined && last.offset >= offset) assert(false, `delivery of ${tpKey(tp.topic, tp.partition)}@${offset} after @${last.offset}: out of order`);
    // Only after a rewind is there an earlier attempt to look up (a Map lookup per record otherwise).
    let attempt = 1;
    if (w.earlierAttempts.size > 0) {
      attempt += w.earlierAttempts.get(offset) ?? 0;
      w.earlierAttempts.delete(offset);
    }
    w.entries.push({ offset, bytes, deliveredAtMs: nowMs, attempt, acked: false });
    this.recordCount++;
    this.byteCount += bytes;
    return attempt;
  }

  /**
   * An ack; returns whether it advanced the partition's acked prefix. Acks
   * for partitions or offsets the stream does not hold are ignored (the
   * record was rewound, or its partition revoked).
   */
  ack(tp: TopicPartition, offset: bigint): boolean {
    return this.ackRange(tp, offset, offset);
  }

  /**
   * Acks every delivered record of `tp` with an offset from `first` to
   * `last` (both included; nothing when last < first): the same as one ack
   * per such record, in one pass over them. Returns whether the acked
   * prefix moved.
   */
  ackRange(tp: TopicPartition, first: bigint, last: bigint): boolean {
    const w = this.find(tp);
    if (w === undefined || last < first || w.head === w.entries.length) return false;
    // Most ranges start at the head (subscribers ack in order): no search then.
    const headOffset = w.entries[w.head]!.offset;
    let i = first <= headOffset ? w.head : firstAtOrAfter(w.entries, w.head, first);
    for (; i < w.entries.length; i++) {
      const e = w.entries[i]!;
      if (e.offset > last) break;
      e.acked = true;
    }
    if (!w.entries[w.head]!.acked) return false;
    let end = w.head;
    while (end < w.entries.length && w.entries[end]!.acked) this.byteCount -= w.entries[end++]!.bytes;
    this.recordCount -= end - w.head;
    const lastAcked = w.entries[end - 1]!;
    w.head = end;
    if (w.head === w.entries.length) {
      w.entries = [];
      w.head = 0;
    } else if (w.head >= 1024 && w.head * 2 >= w.entries.length) {
      w.entries = w.entries.slice(w.head);
      w.head = 0;
    }
    w.ackedUpTo = lastAcked.offset + 1n;
    // Redelivery counts for offsets now behind the prefix will never be used.
    if (w.earlierAttempts.size > 0) for (const o of w.earlierAttempts.keys()) if (o < w.ackedUpTo) w.earlierAttempts.delete(o);
    return true;
  }

  /** Partitions whose acked prefix moved since the last call: the offsets to commit. */
  takeCommits(): CommitOffset[] {
    const out: CommitOffset[] = [];
    for (const w of this.partitions.values()) {
      if (w.ackedUpTo === undefined || w.ackedUpTo === w.committedUpTo) continue;
      w.committedUpTo = w.ackedUpTo;
      out.push({ topic: w.topic, partition: w.partition, offset: w.ackedUpTo });
    }
    return out;
  }

  /** A commit taken with takeCommits failed: offer it again next time. */
  commitFailed(c: CommitOffset): void {
    const w = this.partitions.get(tpKey(c.topic, c.partition));
    if (w !== undefined && w.committedUpTo === c.offset) w.committedUpTo = undefined;
  }

  /** The acked prefix of each of `tps` (for the commit before they are revoked). */
  prefixes(tps: readonly TopicPartition[]): CommitOffset[] {
    const out: CommitOffset[] = [];
    for (const tp of tps) {
      const w = this.partitions.get(tpKey(tp.topic, tp.partition));
      if (w?.ackedUpTo !== undefined) out.push({ topic: w.topic, partition: w.partition, offset: w.ackedUpTo });
    }
    return out;
  }

  /**
   * Partitions whose oldest unacked record was delivered `ackDeadlineMs`
   * ago or more, each with the offset to redeliver from.
   */
  expired(nowMs: number, ackDeadlineMs: number): CommitOffset[] {
    const out: CommitOffset[] = [];
    for (const w of this.partitions.values()) {
      const head = w.entries[w.head];
      if (head !== undefined && nowMs - head.deliveredAtMs >= ackDeadlineMs) out.push({ topic: w.topic, partition: w.partition, offset: head.offset });
    }
    return out;
  }

  /**
   * Forgets everything delivered past the acked prefix of `tp` so that it
   * is delivered again from its first unacked record (per-partition order
   * holds: what follows it comes again too). Returns that offset, or
   * undefined when nothing was outstanding.
   */
  rewind(tp: TopicPartition): bigint | undefined {
    const w = this.partitions.get(tpKey(tp.topic, tp.partition));
    if (w === undefined || w.entries.length === w.head) return undefined;
    const from = w.entries[w.head]!.offset;
    for (let i = w.head; i < w.entries.length; i++) {
      const e = w.entries[i]!;
      // Bounded: at most maxRecords entries are rewound at once, and the map is cut back to that.
      w.earlierAttempts.set(e.offset, e.attempt);
      this.byteCount -= e.bytes;
    }
    this.recordCount -= w.entries.length - w.head;
    w.entries = [];
    w.head = 0;
    trimHighest(w.earlierAttempts, this.limits.maxRecords);
    return from;
  }

  /** A partition leaves the stream (revoked, lost, stream end): its outstanding records are dropped. */
  removePartition(tp: TopicPartition): void {
    const key = tpKey(tp.topic, tp.partition);
    const w = this.partitions.get(key);
    if (w === undefined) return;
    if (this.lastFound === w) this.lastFound = undefined;
    for (let i = w.head; i < w.entries.length; i++) this.byteCount -= w.entries[i]!.bytes;
    this.recordCount -= w.entries.length - w.head;
    this.partitions.delete(key);
  }

  private find(tp: TopicPartition): PartitionWindow | undefined {
    const l = this.lastFound;
    if (l !== undefined && l.partition === tp.partition && l.topic === tp.topic) return l;
    const w = this.partitions.get(tpKey(tp.topic, tp.partition));
    if (w !== undefined) this.lastFound = w;
    return w;
  }

  partitionsOwned(): TopicPartition[] {
    return [...this.partitions.values()].map((w) => ({ topic: w.topic, partition: w.partition }));
  }
}

/** Index of the first entry at or after `from` whose offset is at least `offset` (entries sorted by offset); entries.length when none. */
function firstAtOrAfter(entries: readonly Delivered[], from: number, offset: bigint): number {
  let lo = from;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Drops the highest offsets (redelivered last) until the map holds at most `max`. */
function trimHighest(m: Map<bigint, number>, max: number): void {
  if (m.size <= max) return;
  const sorted = [...m.keys()].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  for (const o of sorted.slice(0, m.size - max)) m.delete(o);
}
