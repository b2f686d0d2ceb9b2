import { GregorError, backoffMs, sleep, toGregorError, validateTopicName } from '@gregor/common';
import type { Cluster } from '../cluster';
import type { ResolvedClientOptions } from '../options';
import { StickyPartitioner, partitionForKey } from '../partitioner';
import { topicPartitionCount } from '../topic-partitions';
import type { Message, ProducerBatchInput, ProducerRecord, RecordMetadata, RecordOutcome } from '../types';
import { RecordAccumulator, type PendingRecord } from './accumulator';
import { Delivery, type DeliveryMode } from './delivery';
import { MemoryBudget } from './memory-budget';
import { resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './options';
import { toPendingRecord } from './pending-record';
import { Sender } from './sender';
import { TransactionManager, type ConsumerGroupMetadata, type TransactionOffset } from './transaction-manager';
import { WaitingQueue, waitingChargeBytes } from './waiting-queue';

/**
 * Batches records per partition and sends them to partition leaders.
 *
 * `send` appends to the accumulator synchronously when it can (metadata
 * known, buffer.memory free) — the hot path does no awaiting. Otherwise the
 * send joins a FIFO that waits for metadata or memory, at most maxBlockMs;
 * sends are appended in call order either way, so records of one partition
 * keep the order of the `send` calls. That FIFO holds at most bufferMemory
 * bytes of records (see WaitingQueue); a call that does not fit is rejected
 * at once with THROTTLING_QUOTA_EXCEEDED and nothing of it is queued.
 *
 * Per call, not per record: one promise (a Delivery), one topic-name check,
 * one read of each clock. A call's messages are all checked before any is
 * queued, so a bad message fails the call and sends nothing of it.
 */
export class Producer {
  private readonly config: ResolvedProducerOptions;
  private readonly accumulator: RecordAccumulator;
  private readonly memory: MemoryBudget;
  private readonly sender: Sender;
  private readonly sticky: StickyPartitioner;
  private readonly random: () => number;
  /** Sends that could not be appended at once (no metadata yet, or buffer.memory full), oldest first; bounded. */
  private readonly waiting: WaitingQueue;
  private pumping = false;
  /**
   * flush() waits for the records sent before it. Deliveries (send calls)
   * carry the epoch of their send; each flush starts a new epoch;
   * `unsettled` counts deliveries per epoch (a handful of entries), which
   * costs nothing per call beyond a counter, unlike a set of promises.
   */
  private flushEpoch = 0;
  private readonly unsettled = new Map<number, number>();
  /** No record may be larger: it could never fit a request or the buffer. */
  private readonly maxRecordBytes: number;
  /** Given to every Delivery (one function per producer, not one per send). */
  private readonly deliverySettled = (delivery: Delivery): void => this.onSettled(delivery.epoch);
  private flushWaiters: { epoch: number; resolve: () => void }[] = [];
  private closing: Promise<void> | undefined;
  /** Present when the producer is transactional (transactionalId). */
  private readonly transactions: TransactionManager | undefined;

  /** @internal Use `client.producer()`. */
  constructor(
    private readonly cluster: Cluster,
    client: ResolvedClientOptions,
    opts: ProducerOptions = {},
    private readonly onClose: (p: Producer) => void = () => undefined,
  ) {
    this.config = resolveProducerOptions(opts, client);
    this.maxRecordBytes = Math.min(this.config.maxRequestBytes, this.config.bufferMemoryBytes);
    this.random = client.random;
    this.accumulator = new RecordAccumulator({ batchSizeBytes: this.config.batchSizeBytes, lingerMs: this.config.lingerMs });
    this.memory = new MemoryBudget(this.config.bufferMemoryBytes);
    this.waiting = new WaitingQueue(this.config.bufferMemoryBytes);
    this.sticky = new StickyPartitioner(client.random);
    this.transactions =
      this.config.transactionalId === undefined
        ? undefined
        : new TransactionManager({
            cluster,
            transactionalId: this.config.transactionalId,
            transactionTimeoutMs: this.config.transactionTimeoutMs,
            retry: this.config.retry,
            logger: client.logger,
            random: client.random,
            now: () => client.clock.monotonicMs(),
            maxBlockMs: this.config.maxBlockMs,
          });
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
      ...(this.transactions !== undefined ? { transactions: this.transactions } : {}),
    });
    const sender = this.sender;
    this.transactions?.attach({
      setIdentity: (identity) => sender.setProducerIdentity(identity),
      identity: () => sender.producerIdentity,
      wakeup: () => sender.wakeup(),
      failUnsent: (error) => sender.failUnsent(error),
      needsEpochBump: () => sender.epochBumpNeeded,
    });
  }

  // ---- transactions (KIP-98; Kafka's producer API) ----

  /**
   * Registers the transactionalId with its coordinator (InitProducerId):
   * fences any older producer with the same id and aborts what it left
   * open. Once, before the first transaction.
   */
  initTransactions(): Promise<void> {
    return this.txn().initTransactions();
  }

  /** Starts a transaction: sends until commit/abort belong to it. */
  beginTransaction(): void {
    this.txn().beginTransaction();
  }

  /**
   * Commits consumed offsets as part of the transaction (exactly-once
   * consume-transform-produce): visible to the group only if it commits.
   * `offsets` are the next offsets to read; `group` is the consumer's
   * groupMetadata() (KIP-447: a consumer with an older generation is fenced).
   */
  sendOffsetsToTransaction(offsets: readonly TransactionOffset[], group: ConsumerGroupMetadata): Promise<void> {
    return this.txn().sendOffsets(offsets, group);
  }

  /** Flushes, then commits: every record and offset of the transaction becomes visible to read_committed consumers. */
  commitTransaction(): Promise<void> {
    return this.txn().commit(() => this.flush());
  }

  /** Aborts: read_committed consumers never see the transaction's records; its offsets are not committed. */
  abortTransaction(): Promise<void> {
    return this.txn().abort(() => this.flush());
  }

  private txn(): TransactionManager {
    if (this.transactions === undefined) throw new GregorError('INVALID_TXN_STATE', 'the producer is not transactional: create it with a transactionalId');
    return this.transactions;
  }

  /** The options in effect, defaults filled in. */
  get options(): Readonly<ResolvedProducerOptions> {
    return this.config;
  }

  /**
   * Records accepted by `send` that still wait for metadata or bufferMemory
   * (not yet in a batch). Their heap is bounded by about bufferMemory
   * (each counted as its size plus ~200 bytes, ~700 for a single send),
   * plus the records of one call, which an empty queue always admits.
   */
  get waitingRecordCount(): number {
    return this.waiting.length;
  }

  /**
   * Sends one record; resolves once it is acknowledged at the producer's
   * `acks` level (with `acks: 0`, once sent; offset -1n), rejects with a
   * GregorError when it fails for good (non-retriable error, or
   * deliveryTimeoutMs / maxBlockMs passed). Rejects at once, with the
   * retriable THROTTLING_QUOTA_EXCEEDED, when the sends already waiting for
   * metadata or bufferMemory hold bufferMemory bytes: await earlier sends
   * (or back off) and send again.
   */
  send(record: ProducerRecord): Promise<RecordMetadata>;
  /** Sends several records to one topic; resolves to their metadata in order, rejects on the first failure. */
  send(batch: ProducerBatchInput): Promise<RecordMetadata[]>;
  send(input: ProducerRecord | ProducerBatchInput): Promise<RecordMetadata> | Promise<RecordMetadata[]> {
    // The casts: a delivery resolves to a list of metadata exactly when it is not `single`.
    if ('messages' in input && Array.isArray(input.messages)) {
      // No records, no checks: as Promise.all([]) always did.
      if (input.messages.length === 0) return Promise.resolve([]);
      return this.enqueue(input.topic, input.messages, undefined, 'all') as Promise<RecordMetadata[]>;
    }
    const record = input as ProducerRecord;
    return this.enqueue(record.topic, undefined, record, 'single') as Promise<RecordMetadata>;
  }

  /**
   * Sends several records to one topic and resolves, once every record has
   * settled, to each record's metadata or GregorError in order (it does not
   * reject on a record's failure, unlike send). Bad input — a record too
   * large, a bad timestamp, a closed producer, a full waiting queue — still
   * rejects the whole call with nothing of it queued, as send does. For
   * callers that report per record, like the node's Records service.
   */
  sendEach(batch: ProducerBatchInput): Promise<RecordOutcome[]> {
    if (batch.messages.length === 0) return Promise.resolve([]);
    return this.enqueue(batch.topic, batch.messages, undefined, 'each') as Promise<RecordOutcome[]>;
  }

  /**
   * The topic's partition count (Kafka's partitionsFor); rejects at once
   * with UNKNOWN_TOPIC_OR_PARTITION when it does not exist, where send
   * would wait maxBlockMs for it (see topicPartitionCount).
   */
  partitionsFor(topic: string): Promise<number> {
    return topicPartitionCount(this.cluster, topic);
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

  /**
   * One send call: `messages` for a batch send, `single` for send(record).
   * Checks everything first, so that bad input rejects the call with nothing
   * of it queued; then appends each record, or queues it behind the sends
   * already waiting for metadata or memory.
   */
  private enqueue(topic: string, messages: readonly Message[] | undefined, single: Message | undefined, mode: DeliveryMode): Promise<RecordMetadata | RecordMetadata[] | RecordOutcome[]> {
    let delivery: Delivery;
    let records: PendingRecord | PendingRecord[];
    const nowMs = this.now();
    try {
      if (this.closing !== undefined) throw new GregorError('INVALID_REQUEST', 'producer is closed', { topic });
      validateTopicName(topic);
      this.transactions?.checkSend(topic);
      const timestamp = BigInt(Date.now());
      delivery = new Delivery(topic, messages?.length ?? 1, mode, nowMs + this.config.maxBlockMs, this.flushEpoch, this.deliverySettled);
      if (single !== undefined) records = toPendingRecord(single, delivery, 0, timestamp, this.maxRecordBytes);
      else {
        const list = new Array<PendingRecord>(messages!.length);
        for (let i = 0; i < list.length; i++) list[i] = toPendingRecord(messages![i]!, delivery, i, timestamp, this.maxRecordBytes);
        records = list;
      }
      // When sends already wait, every record of this call waits behind them (call order): all of it fits, or none is queued.
      if (this.waiting.length > 0) this.admitOrThrow(topic, records);
    } catch (err) {
      // Bad input or no room to wait: nothing was queued, and the delivery (if made) is dropped unsettled.
      return Promise.reject(err);
    }
    this.unsettled.set(delivery.epoch, (this.unsettled.get(delivery.epoch) ?? 0) + 1);
    let waited = false;
    if (Array.isArray(records)) {
      for (const r of records) if (!this.appendOrWait(r, nowMs)) waited = true;
    } else if (!this.appendOrWait(records, nowMs)) waited = true;
    if (waited) void this.pump();
    return delivery.promise;
  }

  /**
   * Throws THROTTLING_QUOTA_EXCEEDED when the waiting queue has no room for
   * the call. Why this code: Kafka's producer throws BufferExhaustedException
   * (a retriable TimeoutException) here after blocking; without blocking,
   * REQUEST_TIMED_OUT would claim a wait that did not happen and look like a
   * broker timeout. THROTTLING_QUOTA_EXCEEDED (KIP-599) is Kafka's retriable
   * "rejected at once because the caller goes faster than a limit allows,
   * back off and retry", which is exactly this.
   */
  private admitOrThrow(topic: string, records: PendingRecord | PendingRecord[]): void {
    let bytes = 0;
    if (Array.isArray(records)) for (const r of records) bytes += waitingChargeBytes(r);
    else bytes = waitingChargeBytes(records);
    if (this.waiting.admits(bytes)) return;
    const head = this.waiting.peek()!.delivery.topic;
    const why = this.cluster.metadata.topic(head) === undefined ? `metadata of topic "${head}"` : 'bufferMemory';
    throw new GregorError(
      'THROTTLING_QUOTA_EXCEEDED',
      `${this.waiting.length} records (${this.waiting.bytes} bytes with overhead) already wait for ${why}, at most bufferMemory (${this.waiting.limitBytes} bytes) may wait: await earlier sends or retry later`,
      { topic, waitingRecords: this.waiting.length, waitingBytes: this.waiting.bytes },
    );
  }

  /** Appends now, or queues behind the waiting sends (keeping call order); false when it waits. */
  private appendOrWait(r: PendingRecord, nowMs: number): boolean {
    if (this.waiting.length === 0 && this.tryAppend(r, nowMs)) return true;
    this.waiting.push(r);
    return false;
  }

  /** A delivery of `epoch` settled: wake the flushes that were waiting for it. */
  private onSettled(epoch: number): void {
    const left = (this.unsettled.get(epoch) ?? 0) - 1;
    if (left > 0) {
      this.unsettled.set(epoch, left);
      return;
    }
    this.unsettled.delete(epoch);
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

  /** Appends if metadata and memory allow; true when the record is done with (appended or rejected). */
  private tryAppend(r: PendingRecord, nowMs: number): boolean {
    const md = this.cluster.metadata;
    const topic = r.delivery.topic;
    const info = md.topic(topic);
    if (info === undefined) {
      const err = md.topicError(topic);
      if (err !== undefined && !err.retriable) {
        r.delivery.fail(err, r.index);
        return true;
      }
      return false;
    }
    const numPartitions = info.partitions.length;
    if (r.explicitPartition !== undefined && (r.explicitPartition < 0 || r.explicitPartition >= numPartitions)) {
      const err = new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `partition ${r.explicitPartition} is not in [0, ${numPartitions}) for topic "${topic}"`, {
        topic,
        partition: r.explicitPartition,
      });
      r.delivery.fail(err, r.index);
      return true;
    }
    if (!this.memory.tryReserve(r.sizeBytes)) return false;
    let partition: number;
    if (r.explicitPartition !== undefined) partition = r.explicitPartition;
    else if (r.key !== null) partition = partitionForKey(r.key, numPartitions);
    else {
      // The list of partitions with a leader is only built when a new sticky partition is chosen.
      partition = this.sticky.stickyPartition(topic, numPartitions) ?? this.sticky.partition(topic, numPartitions, () => md.availablePartitions(topic));
      if (this.accumulator.closeIfFull(topic, partition, r.sizeBytes)) {
        this.onBatchClosed(topic, partition);
        partition = this.sticky.partition(topic, numPartitions, () => md.availablePartitions(topic));
      }
    }
    if (this.accumulator.append(topic, partition, r, nowMs).closed) this.onBatchClosed(topic, partition);
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
        const { topic, deadlineMs } = w.delivery;
        if (this.tryAppend(w, this.now())) {
          this.waiting.shift();
          metadataAttempts = 0;
          lastError = undefined;
          continue;
        }
        const left = deadlineMs - this.now();
        const needsMetadata = this.cluster.metadata.topic(topic) === undefined;
        if (left <= 0) {
          this.waiting.shift();
          w.delivery.fail(this.blockedError(topic, needsMetadata, lastError), w.index);
          continue;
        }
        if (needsMetadata) {
          if (metadataAttempts > 0) await sleep(Math.min(left, backoffMs(metadataAttempts - 1, this.config.retry.initialBackoffMs, this.config.retry.maxBackoffMs, this.random)));
          metadataAttempts++;
          try {
            await withTimeout(this.cluster.refreshMetadata([topic]), Math.max(1, deadlineMs - this.now()));
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

  private blockedError(topic: string, needsMetadata: boolean, lastError: unknown): GregorError {
    const ctx = { topic };
    if (needsMetadata) {
      const known = this.cluster.metadata.topicError(topic) ?? (lastError !== undefined ? toGregorError(lastError, ctx) : undefined);
      const detail = known !== undefined ? `: ${known.message}` : '';
      return new GregorError(known?.errorName ?? 'REQUEST_TIMED_OUT', `topic "${topic}" not present in metadata after ${this.config.maxBlockMs} ms (maxBlockMs)${detail}`, ctx, known);
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
