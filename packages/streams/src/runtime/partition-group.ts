import { GregorError } from '@gregor/common';
import type { IncomingRecord } from '../processor/record-collector';

/**
 * A task's buffered input (Kafka's PartitionGroup): one queue per input
 * partition, each in offset order, and the choice of what to process now.
 * Among the partitions' next records the smallest timestamp goes first
 * (ties: the partition listed first), so a join sees both sides in
 * event-time order. When a partition's queue is empty the task may not
 * know what comes next there — a record with an earlier timestamp may be
 * on its way — so with `maxTaskIdleMs` > 0 (Kafka's max.task.idle.ms) it
 * waits: it processes nothing while any partition is empty, until every
 * partition has a record or the wait has lasted `maxTaskIdleMs` (then it
 * goes on with what it has, until every partition has data again). 0 (the
 * default) never waits; Kafka's 0 also waits while the broker says an
 * empty partition has records not yet fetched — here that lag is not
 * known, so a deterministic join sets a wait longer than a fetch.
 * Pure: time comes in as arguments.
 */
export class PartitionGroup {
  private readonly queues: IncomingRecord[][];
  private readonly heads: number[];
  private readonly index = new Map<string, number>();
  /** When the task first found a partition empty with records waiting elsewhere (undefined: not waiting). */
  private idleSinceMs: number | undefined;

  /** `partitions`: the task's input topic-partitions, as `tpKey`s. */
  constructor(
    partitions: readonly string[],
    private readonly maxTaskIdleMs: number,
  ) {
    partitions.forEach((p, i) => this.index.set(p, i));
    this.queues = partitions.map(() => []);
    this.heads = partitions.map(() => 0);
  }

  /** Appends a record of one of the task's partitions (records of a partition come in offset order). */
  add(partitionKey: string, record: IncomingRecord): void {
    const i = this.index.get(partitionKey);
    if (i === undefined) throw new GregorError('UNKNOWN_SERVER_ERROR', `partition ${partitionKey} is not an input of this task`);
    this.queues[i]!.push(record);
  }

  /** Records buffered for one partition. */
  buffered(partitionKey: string): number {
    const i = this.index.get(partitionKey);
    return i === undefined ? 0 : this.queues[i]!.length - this.heads[i]!;
  }

  get totalBuffered(): number {
    return this.queues.reduce((n, q, i) => n + q.length - this.heads[i]!, 0);
  }

  /** Whether the task is holding records back, waiting for an empty partition. */
  get waiting(): boolean {
    return this.idleSinceMs !== undefined && this.totalBuffered > 0;
  }

  /** Takes the records to process now, in processing order (see the class comment). */
  drain(nowMs: number): IncomingRecord[] {
    const out: IncomingRecord[] = [];
    for (;;) {
      let best = -1;
      let anyEmpty = false;
      for (let i = 0; i < this.queues.length; i++) {
        const r = this.queues[i]![this.heads[i]!];
        if (r === undefined) anyEmpty = true;
        else if (best < 0 || r.timestamp < this.queues[best]![this.heads[best]!]!.timestamp) best = i;
      }
      if (best < 0) {
        // Nothing buffered: the next record to arrive alone waits again.
        this.idleSinceMs = undefined;
        break;
      }
      if (!anyEmpty) this.idleSinceMs = undefined;
      else if (this.maxTaskIdleMs > 0) {
        this.idleSinceMs ??= nowMs;
        if (nowMs - this.idleSinceMs < this.maxTaskIdleMs) break;
      }
      out.push(this.queues[best]![this.heads[best]!++]!);
    }
    this.compact();
    return out;
  }

  /** Drops consumed entries, so the queues do not grow with everything ever added. */
  private compact(): void {
    for (let i = 0; i < this.queues.length; i++) {
      if (this.heads[i] === 0) continue;
      this.queues[i]!.splice(0, this.heads[i]);
      this.heads[i] = 0;
    }
  }
}
