import { assert, tpKey, type GregorError } from '@gregor/common';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from '@gregor/record-batch';
import type { RecordHeader } from '../types';
import type { Delivery } from './delivery';
import { BATCH_OVERHEAD_BYTES } from './record-size';

/**
 * A record from `send` until it settles: waiting for metadata or memory,
 * then in a batch. One object per record on the hot path, so it holds only
 * what differs per record; the call's topic, deadline and flush epoch are on
 * its Delivery. Its key, value, headers and timestamp are what
 * encodeRecordBatch reads, so a batch's records are encoded as they are.
 */
export interface PendingRecord {
  /** The partition the caller asked for, if any. */
  explicitPartition: number | undefined;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  timestamp: bigint;
  /** Estimated encoded size; reserved from buffer.memory until the record completes. */
  sizeBytes: number;
  /** The send call this record belongs to, and its position in it. */
  delivery: Delivery;
  index: number;
}

/** Records for one partition that travel, and succeed or fail, together. */
export class ProducerBatch {
  readonly records: PendingRecord[] = [];
  sizeBytes = BATCH_OVERHEAD_BYTES;
  /** No more appends: it is full, or drained for sending. */
  closed = false;
  /** Send attempts that failed with a retriable error. */
  attempts = 0;
  /** Monotonic ms before which a retry must not be sent to `failedOn`. */
  retryAtMs = 0;
  /**
   * The broker the last failed attempt went to (undefined: not known). The retry
   * backoff protects that broker; once metadata names another leader the
   * retry goes at once (as Kafka's producer does since KIP-951) — a
   * failover is not made longer by a backoff meant for the dead leader.
   */
  failedOn: number | undefined;
  lastError: GregorError | undefined;
  /** The encoded bytes, kept so that a retry sends exactly the same batch. */
  encoded: Buffer | undefined;
  /**
   * An idempotent producer stamps these when the batch is first drained
   * (see idempotence.ts); a retry resends the same bytes with the same
   * sequence. Without idempotence they stay "none" (-1), which brokers
   * accept without deduplication.
   */
  producerId: bigint = NO_PRODUCER_ID;
  producerEpoch: number = NO_PRODUCER_EPOCH;
  baseSequence: number = NO_SEQUENCE;
  /** Order of sequence assignment within the producer (-1 until assigned): retries are queued by it. */
  sequenceOrder = -1;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
  ) {}

  get key(): string {
    return tpKey(this.topic, this.partition);
  }

  /** Bytes of its records (estimated), as reserved from buffer.memory. */
  recordBytes(): number {
    return this.sizeBytes - BATCH_OVERHEAD_BYTES;
  }
}

export interface AccumulatorConfig {
  batchSizeBytes: number;
  lingerMs: number;
}

export interface ReadyContext {
  /** Send everything now, ignoring linger (flush, close, buffer.memory exhausted). */
  flushing: boolean;
  /** Partitions that may not send now (requests in flight up to the per-partition limit); they wait, which keeps per-partition order. */
  muted: ReadonlySet<string>;
  leaderOf(topic: string, partition: number): number | undefined;
  /** Whether the queue's first batch may go now (idempotence: retries in sequence order); default yes. */
  canSendHead?(head: ProducerBatch): boolean;
  /**
   * Whether a batch that failed this way waits for metadata to name another
   * leader (NOT_LEADER_OR_FOLLOWER, connection failures…); default no.
   */
  waitsForNewLeader?(batch: ProducerBatch): boolean;
}

export interface ReadyResult {
  /** Partition keys ready to send, per leader node id. */
  readyByLeader: Map<number, string[]>;
  /** Some partition with data has no known leader: metadata is needed. */
  unknownLeader: boolean;
  /**
   * Some retry is backing off from the broker metadata still names as its
   * leader, after an error that means leadership is moving: metadata is
   * worth refreshing while it waits, so the retry goes to the new leader as
   * soon as there is one (not at the end of a backoff, then a refresh).
   */
  awaitingNewLeader: boolean;
  /** Monotonic ms when something may become ready (linger or backoff ends); Infinity if nothing waits. */
  nextCheckMs: number;
}

/**
 * Per-partition queues of batches, oldest first. Pure: time comes in as an
 * argument, no timers and no I/O; the Sender asks it what is ready and drains it.
 *
 * Invariants: only the last batch of a queue may be open; a queue never holds
 * an empty batch; batches leave the queue only through drain/expire.
 */
export class RecordAccumulator {
  private readonly queues = new Map<string, ProducerBatch[]>();
  private records = 0;
  /**
   * The queue the last append or closeIfFull looked up: records come in runs
   * for one partition (a send call, sticky partitioning), and this spares
   * each of them building the partition's key string. Invariant: when set,
   * it is the map's queue for (cachedTopic, cachedPartition); every delete
   * or replacement of a map entry clears it.
   */
  private cachedQueue: ProducerBatch[] | undefined;
  private cachedTopic = '';
  private cachedPartition = -1;

  constructor(private readonly config: AccumulatorConfig) {}

  /** Records currently queued (not in flight). */
  get recordCount(): number {
    return this.records;
  }

  /**
   * Appends to the partition's open batch, or a new one. Returns the batch;
   * `batch.closed` says the append closed it (it reached batch.size): time
   * to switch sticky partitions.
   */
  append(topic: string, partition: number, record: PendingRecord, nowMs: number): ProducerBatch {
    let queue = this.queueOf(topic, partition);
    if (queue === undefined) {
      queue = [];
      this.queues.set(tpKey(topic, partition), queue);
      this.cache(topic, partition, queue);
    }
    let batch = queue[queue.length - 1];
    if (batch !== undefined && !batch.closed && batch.sizeBytes + record.sizeBytes > this.config.batchSizeBytes) {
      // Does not fit: close this one; the record starts a new batch. A record
      // larger than batch.size gets a batch of its own.
      batch.closed = true;
    }
    if (batch === undefined || batch.closed) {
      batch = new ProducerBatch(topic, partition, nowMs);
      queue.push(batch);
    }
    batch.records.push(record);
    batch.sizeBytes += record.sizeBytes;
    this.records++;
    if (batch.sizeBytes >= this.config.batchSizeBytes) batch.closed = true;
    return batch;
  }

  /**
   * Closes the partition's open batch when `sizeBytes` more would not fit,
   * and says so. The sticky partitioner asks before appending, so that a
   * full batch makes the record move to the next partition (as Kafka's
   * abortOnNewBatch) instead of starting a nearly empty batch here.
   */
  closeIfFull(topic: string, partition: number, sizeBytes: number): boolean {
    const queue = this.queueOf(topic, partition);
    const last = queue?.[queue.length - 1];
    if (last === undefined || last.closed || last.sizeBytes + sizeBytes <= this.config.batchSizeBytes) return false;
    last.closed = true;
    return true;
  }

  /** The partition's queue, if it has one. */
  private queueOf(topic: string, partition: number): ProducerBatch[] | undefined {
    if (this.cachedQueue !== undefined && partition === this.cachedPartition && topic === this.cachedTopic) return this.cachedQueue;
    const queue = this.queues.get(tpKey(topic, partition));
    if (queue !== undefined) this.cache(topic, partition, queue);
    return queue;
  }

  private cache(topic: string, partition: number, queue: ProducerBatch[]): void {
    this.cachedTopic = topic;
    this.cachedPartition = partition;
    this.cachedQueue = queue;
  }

  /** Removes a partition's queue from the map (see the invariant of cachedQueue). */
  private deleteQueue(key: string): void {
    this.queues.delete(key);
    this.cachedQueue = undefined;
  }

  ready(nowMs: number, ctx: ReadyContext): ReadyResult {
    const readyByLeader = new Map<number, string[]>();
    let unknownLeader = false;
    let awaitingNewLeader = false;
    let nextCheckMs = Number.POSITIVE_INFINITY;
    for (const [key, queue] of this.queues) {
      const head = queue[0];
      if (head === undefined || ctx.muted.has(key)) continue;
      if (ctx.canSendHead !== undefined && !ctx.canSendHead(head)) continue;
      const leader = ctx.leaderOf(head.topic, head.partition);
      if (leader === undefined) {
        unknownLeader = true;
        continue;
      }
      const waitUntilMs = this.headWaitUntil(queue, nowMs, ctx.flushing, leader);
      if (waitUntilMs === undefined) {
        let list = readyByLeader.get(leader);
        if (list === undefined) readyByLeader.set(leader, (list = []));
        list.push(key);
      } else {
        nextCheckMs = Math.min(nextCheckMs, waitUntilMs);
        if (head.attempts > 0 && head.failedOn === leader && ctx.waitsForNewLeader?.(head) === true) awaitingNewLeader = true;
      }
    }
    return { readyByLeader, unknownLeader, awaitingNewLeader, nextCheckMs };
  }

  /** The partition's first batch, if any. */
  peek(key: string): ProducerBatch | undefined {
    return this.queues.get(key)?.[0];
  }

  /** Whether the partition's first batch is due (its backoff and linger are over), ignoring mutes. */
  headReady(key: string, nowMs: number, flushing: boolean): boolean {
    const queue = this.queues.get(key);
    return queue !== undefined && queue.length > 0 && this.headWaitUntil(queue, nowMs, flushing) === undefined;
  }

  /**
   * Undefined when the head may go now, else the monotonic ms when it may
   * (backoff or linger end). `leader`: where it would go; a retry backs off
   * only from the broker it failed on.
   */
  private headWaitUntil(queue: readonly ProducerBatch[], nowMs: number, flushing: boolean, leader?: number): number | undefined {
    const head = queue[0]!;
    if (head.attempts > 0 && nowMs < head.retryAtMs && (leader === undefined || head.failedOn === undefined || leader === head.failedOn)) {
      return head.retryAtMs;
    }
    const lingerEndMs = head.createdMs + this.config.lingerMs;
    const sendable = queue.length > 1 || head.closed || head.attempts > 0 || flushing || nowMs >= lingerEndMs;
    return sendable ? undefined : lingerEndMs;
  }

  /**
   * Takes the sendable batches of each partition, in order, while the request
   * stays under `maxRequestBytes` (the first batch always goes), at most
   * `maxBatchesPerPartition` each (an idempotent producer sends one, as
   * Kafka's does, so that each batch is answered on its own). The open
   * tail batch goes only when it is sendable by itself (linger over, flushing).
   * Returns them grouped per partition, oldest first; they are closed.
   */
  drain(keys: readonly string[], maxRequestBytes: number, nowMs: number, flushing: boolean, maxBatchesPerPartition = Number.POSITIVE_INFINITY): ProducerBatch[][] {
    const out: ProducerBatch[][] = [];
    let requestBytes = 0;
    for (const key of keys) {
      const queue = this.queues.get(key);
      if (queue === undefined || queue.length === 0) continue;
      const taken: ProducerBatch[] = [];
      while (queue.length > 0 && taken.length < maxBatchesPerPartition) {
        const batch = queue[0]!;
        const isTail = queue.length === 1;
        if (isTail && !batch.closed && !flushing && batch.attempts === 0 && nowMs < batch.createdMs + this.config.lingerMs && taken.length > 0) break;
        if (requestBytes > 0 && requestBytes + batch.sizeBytes > maxRequestBytes) break;
        queue.shift();
        batch.closed = true;
        taken.push(batch);
        requestBytes += batch.sizeBytes;
        this.records -= batch.records.length;
      }
      if (queue.length === 0) this.deleteQueue(key);
      if (taken.length > 0) out.push(taken);
      if (requestBytes >= maxRequestBytes) break;
    }
    assert(this.records >= 0, 'accumulator record count went negative');
    return out;
  }

  /**
   * Puts batches whose send failed back at the front of their queue, in
   * order, to retry at `retryAtMs`. Batches with sequence numbers go among
   * the other retries by the order their sequences were assigned: with
   * several in flight per partition, failures may come back in any order.
   */
  reenqueue(batches: readonly ProducerBatch[], retryAtMs: number): void {
    const first = batches[0];
    if (first === undefined) return;
    let queue = this.queues.get(first.key);
    if (queue === undefined) {
      queue = [];
      this.queues.set(first.key, queue);
    }
    for (const b of batches) {
      assert(b.key === first.key, 'reenqueue mixes partitions');
      b.retryAtMs = retryAtMs;
      this.records += b.records.length;
    }
    if (first.sequenceOrder < 0) {
      queue.unshift(...batches);
      return;
    }
    let at = 0;
    while (at < queue.length && queue[at]!.sequenceOrder >= 0 && queue[at]!.sequenceOrder < first.sequenceOrder) at++;
    queue.splice(at, 0, ...batches);
  }

  /** Removes and returns queued batches older than the delivery timeout. */
  expire(nowMs: number, deliveryTimeoutMs: number): ProducerBatch[] {
    const expired: ProducerBatch[] = [];
    for (const [key, queue] of this.queues) {
      // Batches are queued oldest first, but retried ones return to the front
      // with their original creation time, so check every batch.
      const keep: ProducerBatch[] = [];
      for (const b of queue) {
        if (nowMs - b.createdMs >= deliveryTimeoutMs) {
          expired.push(b);
          this.records -= b.records.length;
        } else keep.push(b);
      }
      if (keep.length === 0) this.deleteQueue(key);
      else if (keep.length !== queue.length) {
        this.queues.set(key, keep);
        this.cachedQueue = undefined;
      }
    }
    return expired;
  }

  /** Monotonic ms of the next delivery-timeout expiry, Infinity when empty. */
  nextExpiryMs(deliveryTimeoutMs: number): number {
    let min = Number.POSITIVE_INFINITY;
    for (const queue of this.queues.values()) for (const b of queue) min = Math.min(min, b.createdMs + deliveryTimeoutMs);
    return min;
  }

  /** Removes and returns every queued batch (close without flush, fatal errors). */
  drainAll(): ProducerBatch[] {
    const all = [...this.queues.values()].flat();
    this.queues.clear();
    this.cachedQueue = undefined;
    this.records = 0;
    return all;
  }
}
