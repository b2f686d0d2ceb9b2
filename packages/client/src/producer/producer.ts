import { GregorError, backoffMs, sleep, toGregorError, validateTopicName } from '@gregor/common';
import type { Cluster } from '../cluster';
import type { ResolvedClientOptions } from '../options';
import { StickyPartitioner, partitionForKey } from '../partitioner';
import type { Message, ProducerBatchInput, ProducerRecord, RecordMetadata } from '../types';
import { normalizeHeaders, toBuffer, toTimestamp } from '../wire';
import { RecordAccumulator, type PendingRecord } from './accumulator';
import { MemoryBudget } from './memory-budget';
import { resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './options';
import { estimateRecordSize } from './record-size';
import { Sender } from './sender';
import { Fifo } from '../fifo';

/**
 * Batches records per partition and sends them to partition leaders.
 *
 * `send` appends to the accumulator synchronously when it can (metadata
 * known, buffer.memory free) — the hot path does no awaiting. Otherwise the
 * send joins a FIFO that waits for metadata or memory, at most maxBlockMs;
 * sends are appended in call order either way, so records of one partition
 * keep the order of the `send` calls.
 */
export class Producer {
  private readonly config: ResolvedProducerOptions;
  private readonly accumulator: RecordAccumulator;
  private readonly memory: MemoryBudget;
  private readonly sender: Sender;
  private readonly sticky: StickyPartitioner;
  private readonly random: () => number;
  /** Sends that could not be appended at once (no metadata yet, or buffer.memory full), oldest first. */
  private readonly waiting = new Fifo<PendingRecord>();
  private pumping = false;
  /**
   * flush() waits for the records sent before it. Records carry the epoch
   * of their send; each flush starts a new epoch; `unsettled` counts records
   * per epoch (a handful of entries), which costs nothing per record beyond
   * a counter, unlike a set of promises.
   */
  private flushEpoch = 0;
  private readonly unsettled = new Map<number, number>();
  private flushWaiters: { epoch: number; resolve: () => void }[] = [];
  private closing: Promise<void> | undefined;

  /** @internal Use `client.producer()`. */
  constructor(
    private readonly cluster: Cluster,
    client: ResolvedClientOptions,
    opts: ProducerOptions = {},
    private readonly onClose: (p: Producer) => void = () => undefined,
  ) {
    this.config = resolveProducerOptions(opts, client);
    this.random = client.random;
    this.accumulator = new RecordAccumulator({ batchSizeBytes: this.config.batchSizeBytes, lingerMs: this.config.lingerMs });
    this.memory = new MemoryBudget(this.config.bufferMemoryBytes);
    this.sticky = new StickyPartitioner(client.random);
    this.sender = new Sender({
      cluster,
      accumulator: this.accumulator,
      memory: this.memory,
      config: this.config,
      logger: client.logger,
      clock: client.clock,
      random: client.random,
      onBatchClosed: (topic, partition) => this.onBatchClosed(topic, partition),
      memoryWanted: () => this.waiting.length > 0,
      onSettled: (record) => this.onSettled(record),
    });
  }

  /** The options in effect, defaults filled in. */
  get options(): Readonly<ResolvedProducerOptions> {
    return this.config;
  }

  /**
   * Sends one record; resolves once it is acknowledged at the producer's
   * `acks` level (with `acks: 0`, once sent; offset -1n), rejects with a
   * GregorError when it fails for good (non-retriable error, or
   * deliveryTimeoutMs / maxBlockMs passed).
   */
  send(record: ProducerRecord): Promise<RecordMetadata>;
  /** Sends several records to one topic; resolves to their metadata in order, rejects on the first failure. */
  send(batch: ProducerBatchInput): Promise<RecordMetadata[]>;
  send(input: ProducerRecord | ProducerBatchInput): Promise<RecordMetadata> | Promise<RecordMetadata[]> {
    if ('messages' in input && Array.isArray(input.messages)) {
      const acks = input.messages.map((m) => this.enqueue(input.topic, m));
      return Promise.all(acks);
    }
    return this.enqueue((input as ProducerRecord).topic, input as ProducerRecord);
  }

  /** Sends everything buffered now (ignoring linger) and waits until every earlier send has settled. */
  async flush(): Promise<void> {
    const epoch = this.flushEpoch++;
    if (this.settledUpTo(epoch)) return;
    this.sender.beginFlush();
    try {
      await new Promise<void>((resolve) => this.flushWaiters.push({ epoch, resolve }));
    } finally {
      this.sender.endFlush();
    }
  }

  /** Refuses new sends, flushes, and stops. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      this.sender.stop();
      this.onClose(this);
    })();
    return this.closing;
  }

  private enqueue(topic: string, message: Message): Promise<RecordMetadata> {
    let pending: PendingRecord | undefined;
    const ack = new Promise<RecordMetadata>((resolve, reject) => {
      if (this.closing !== undefined) throw new GregorError('INVALID_REQUEST', 'producer is closed', { topic });
      validateTopicName(topic);
      const key = toBuffer(message.key);
      const value = toBuffer(message.value);
      const headers = normalizeHeaders(message.headers);
      const timestamp = toTimestamp(message.timestamp, Date.now());
      const sizeBytes = estimateRecordSize(key, value, headers);
      const limit = Math.min(this.config.maxRequestBytes, this.config.bufferMemoryBytes);
      if (sizeBytes > limit) {
        throw new GregorError('MESSAGE_TOO_LARGE', `record of about ${sizeBytes} bytes exceeds maxRequestSize/bufferMemory (${limit})`, { topic });
      }
      if (message.partition !== undefined && !Number.isInteger(message.partition)) {
        throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `partition ${String(message.partition)} is not an integer`, { topic });
      }
      pending = {
        topic,
        explicitPartition: message.partition,
        key,
        value,
        headers,
        timestamp,
        sizeBytes,
        deadlineMs: this.now() + this.config.maxBlockMs,
        epoch: this.flushEpoch,
        resolve,
        reject,
      };
    });
    // The executor threw (bad input): nothing was queued.
    if (pending === undefined) return ack;
    this.unsettled.set(pending.epoch, (this.unsettled.get(pending.epoch) ?? 0) + 1);
    if (this.waiting.length > 0 || !this.tryAppend(pending)) {
      this.waiting.push(pending);
      void this.pump();
    }
    return ack;
  }

  private onSettled(record: PendingRecord): void {
    const left = (this.unsettled.get(record.epoch) ?? 0) - 1;
    if (left > 0) {
      this.unsettled.set(record.epoch, left);
      return;
    }
    this.unsettled.delete(record.epoch);
    if (this.flushWaiters.length === 0) return;
    const still: { epoch: number; resolve: () => void }[] = [];
    for (const w of this.flushWaiters) {
      if (this.settledUpTo(w.epoch)) w.resolve();
      else still.push(w);
    }
    this.flushWaiters = still;
  }

  /** Every record sent in epochs up to `epoch` has settled. */
  private settledUpTo(epoch: number): boolean {
    for (const e of this.unsettled.keys()) if (e <= epoch) return false;
    return true;
  }

  private rejectPending(r: PendingRecord, err: GregorError): void {
    r.reject(err);
    this.onSettled(r);
  }

  /** Appends if metadata and memory allow; true when the send is done with (appended or rejected). */
  private tryAppend(r: PendingRecord): boolean {
    const md = this.cluster.metadata;
    const info = md.topic(r.topic);
    if (info === undefined) {
      const err = md.topicError(r.topic);
      if (err !== undefined && !err.retriable) {
        this.rejectPending(r, err);
        return true;
      }
      return false;
    }
    const numPartitions = info.partitions.length;
    if (r.explicitPartition !== undefined && (r.explicitPartition < 0 || r.explicitPartition >= numPartitions)) {
      const err = new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `partition ${r.explicitPartition} is not in [0, ${numPartitions}) for topic "${r.topic}"`, {
        topic: r.topic,
        partition: r.explicitPartition,
      });
      this.rejectPending(r, err);
      return true;
    }
    if (!this.memory.tryReserve(r.sizeBytes)) return false;
    let partition: number;
    if (r.explicitPartition !== undefined) partition = r.explicitPartition;
    else if (r.key !== null) partition = partitionForKey(r.key, numPartitions);
    else {
      const available = (): number[] => md.availablePartitions(r.topic);
      partition = this.sticky.partition(r.topic, numPartitions, available);
      if (this.accumulator.closeIfFull(r.topic, partition, r.sizeBytes)) {
        this.onBatchClosed(r.topic, partition);
        partition = this.sticky.partition(r.topic, numPartitions, available);
      }
    }
    const { batchClosed } = this.accumulator.append(r.topic, partition, r, this.now());
    if (batchClosed) this.onBatchClosed(r.topic, partition);
    this.sender.wakeup();
    return true;
  }

  /** Works through sends that wait for metadata or memory, oldest first. One pump runs at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let metadataAttempts = 0;
    let lastError: unknown;
    try {
      while (this.waiting.length > 0) {
        const w = this.waiting.peek()!;
        if (this.tryAppend(w)) {
          this.waiting.shift();
          metadataAttempts = 0;
          lastError = undefined;
          continue;
        }
        const left = w.deadlineMs - this.now();
        const needsMetadata = this.cluster.metadata.topic(w.topic) === undefined;
        if (left <= 0) {
          this.waiting.shift();
          this.rejectPending(w, this.blockedError(w, needsMetadata, lastError));
          continue;
        }
        if (needsMetadata) {
          if (metadataAttempts > 0) await sleep(Math.min(left, backoffMs(metadataAttempts - 1, this.config.retry.initialBackoffMs, this.config.retry.maxBackoffMs, this.random)));
          metadataAttempts++;
          try {
            await withTimeout(this.cluster.refreshMetadata([w.topic]), Math.max(1, w.deadlineMs - this.now()));
          } catch (err) {
            lastError = err;
          }
        } else {
          // buffer.memory is full: the sender sends without lingering while we wait.
          this.sender.wakeup();
          await withTimeout(this.memory.released(), left).catch(() => undefined);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private blockedError(w: PendingRecord, needsMetadata: boolean, lastError: unknown): GregorError {
    const ctx = { topic: w.topic };
    if (needsMetadata) {
      const known = this.cluster.metadata.topicError(w.topic) ?? (lastError !== undefined ? toGregorError(lastError, ctx) : undefined);
      const detail = known !== undefined ? `: ${known.message}` : '';
      return new GregorError(known?.errorName ?? 'REQUEST_TIMED_OUT', `topic "${w.topic}" not present in metadata after ${this.config.maxBlockMs} ms (maxBlockMs)${detail}`, ctx, known);
    }
    return new GregorError(
      'REQUEST_TIMED_OUT',
      `bufferMemory (${this.config.bufferMemoryBytes} bytes) stayed full for ${this.config.maxBlockMs} ms (maxBlockMs): records are produced faster than brokers acknowledge them`,
      ctx,
    );
  }

  private onBatchClosed(topic: string, partition: number): void {
    const md = this.cluster.metadata;
    const n = md.topic(topic)?.partitions.length;
    if (n !== undefined) this.sticky.onBatchClosed(topic, partition, n, () => md.availablePartitions(topic));
  }

  private now(): number {
    return this.cluster.opts.clock.monotonicMs();
  }
}

/** Resolves or rejects with `p`, or rejects after `ms` (the timer is cleared either way). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new GregorError('REQUEST_TIMED_OUT', `timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
