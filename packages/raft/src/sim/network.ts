import type { NodeId } from '@gregor/common';
import { assert } from '@gregor/common';
import type { Message } from '../message';
import type { SimRandom } from './random';

export interface NetworkFaults {
  dropProbability: number;
  duplicateProbability: number;
  maxExtraDelay: number;
}

/**
 * A simulated network: every message is delayed by 1 + [0, maxExtraDelay]
 * ticks, may be dropped or duplicated, and is reordered both by the random
 * delays and by shuffling whatever arrives in the same tick. Partitions are a
 * set of blocked directed links, checked at delivery, so a message already in
 * flight when a partition starts is lost too. The queue is bounded: past
 * `maxInFlight` messages new ones are dropped, as a full socket buffer would.
 */
export class SimNetwork {
  private readonly buckets = new Map<number, Message[]>();
  private inFlight = 0;
  private readonly blocked = new Set<number>();
  sent = 0;
  dropped = 0;
  duplicated = 0;
  delivered = 0;

  constructor(
    private readonly rng: SimRandom,
    public faults: NetworkFaults,
    private readonly maxInFlight = 100_000,
  ) {}

  /** Returns whether the message was queued (it may still meet a partition). */
  send(m: Message, now: number): boolean {
    this.sent++;
    if (this.rng.chance(this.faults.dropProbability) || this.inFlight >= this.maxInFlight) {
      this.dropped++;
      return false;
    }
    this.enqueue(m, now);
    if (this.rng.chance(this.faults.duplicateProbability)) {
      this.duplicated++;
      this.enqueue(m, now);
    }
    return true;
  }

  private enqueue(m: Message, now: number): void {
    const at = now + 1 + this.rng.intBetween(0, this.faults.maxExtraDelay);
    let bucket = this.buckets.get(at);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(at, bucket);
    }
    bucket.push(m);
    this.inFlight++;
  }

  /** Messages due at `now`, shuffled, minus those on blocked links. */
  takeDue(now: number): Message[] {
    const bucket = this.buckets.get(now);
    if (bucket === undefined) return [];
    this.buckets.delete(now);
    this.inFlight -= bucket.length;
    assert(this.inFlight >= 0, 'in-flight count went negative');
    const out: Message[] = [];
    for (const m of this.rng.shuffle(bucket)) {
      if (this.isBlocked(m.from, m.to)) this.dropped++;
      else out.push(m);
    }
    return out;
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked.has(linkKey(from, to));
  }

  block(from: NodeId, to: NodeId): void {
    this.blocked.add(linkKey(from, to));
  }

  heal(): void {
    this.blocked.clear();
  }

  blockedLinks(): string[] {
    return [...this.blocked].sort((a, b) => a - b).map((k) => `${Math.floor(k / 1024)}->${k % 1024}`);
  }

  pending(): number {
    return this.inFlight;
  }
}

function linkKey(from: NodeId, to: NodeId): number {
  return from * 1024 + to;
}
