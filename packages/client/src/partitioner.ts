import { murmur2, toPositive } from './murmur2';

/**
 * Kafka's BuiltInPartitioner for keyed records:
 * toPositive(murmur2(keyBytes)) % numPartitions.
 */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

/** Partitions with a leader, or a function computing them (called only when a choice is made). */
export type Available = readonly number[] | (() => readonly number[]);

/**
 * Sticky partitioning for records without a key (KIP-480): every null-key
 * record of a topic goes to one partition until that partition's batch is
 * closed (full or sent), then the topic moves to another partition. Batches
 * fill up instead of spreading a few records over every partition.
 *
 * Pure: the caller tells it when a batch closes; randomness is injected.
 */
export class StickyPartitioner {
  private readonly current = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  /**
   * The sticky partition for `topic`. `available` lists partitions that have
   * a leader; when none has one, any partition is used (the record waits in
   * the accumulator for a leader).
   */
  partition(topic: string, numPartitions: number, available: Available = []): number {
    return this.stickyPartition(topic, numPartitions) ?? this.choose(topic, numPartitions, available, undefined);
  }

  /**
   * The sticky partition for `topic` if one is chosen (and below
   * `numPartitions`), without choosing: lets a caller on the hot path skip
   * building `available` when it would not be used.
   */
  stickyPartition(topic: string, numPartitions: number): number | undefined {
    const sticky = this.current.get(topic);
    return sticky !== undefined && sticky < numPartitions ? sticky : undefined;
  }

  /** A batch for `topic`/`partition` closed: move on if that was the sticky one. */
  onBatchClosed(topic: string, partition: number, numPartitions: number, available: Available = []): void {
    if (this.current.get(topic) !== partition) return;
    this.choose(topic, numPartitions, available, partition);
  }

  private choose(topic: string, numPartitions: number, available: Available, previous: number | undefined): number {
    const listed = typeof available === 'function' ? available() : available;
    const pool = listed.length > 0 ? listed : Array.from({ length: numPartitions }, (_, i) => i);
    // Kafka picks at random among partitions other than the previous one.
    const candidates = pool.length > 1 && previous !== undefined ? pool.filter((p) => p !== previous) : pool;
    const next = candidates[Math.floor(this.random() * candidates.length) % candidates.length]!;
    this.current.set(topic, next);
    return next;
  }
}
