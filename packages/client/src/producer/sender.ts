import { GregorError, backoffMs, toGregorError, withRetry, type Clock, type Logger } from '@gregor/common';
import { encodeRecordBatch } from '@gregor/record-batch';
import type { ProducePartition, ProduceResponse__Output, ProduceTopic } from '@gregor/proto';
import type { BrokerConnection } from '../broker-connection';
import type { Cluster } from '../cluster';
import { errorFromWire, isRetriableError, needsMetadataRefresh } from '../errors';
import { IoLoop } from '../io-loop';
import { watchSlowLeader } from '../slow-leader';
import { int64 } from '../wire';
import type { ProducerBatch, RecordAccumulator } from './accumulator';
import { IdempotenceState } from './idempotence';
import type { MemoryBudget } from './memory-budget';
import type { ResolvedProducerOptions } from './options';

export interface SenderDeps {
  cluster: Cluster;
  accumulator: RecordAccumulator;
  memory: MemoryBudget;
  config: ResolvedProducerOptions;
  logger: Logger;
  clock: Clock;
  random: () => number;
  /** A batch left the accumulator: the sticky partitioner moves on. */
  onBatchClosed(topic: string, partition: number): void;
  /** Sends are waiting for buffer.memory: send without lingering. */
  memoryWanted(): boolean;
  /** A transactional producer's manager: batches wait until their partition is in the transaction. */
  transactions?: { mayDrain(topic: string, partition: number): boolean; batchFailed(error: GregorError): void };
}

/** How often the producer says, per node, that records wait for a leader it has no broker for. */
const UNKNOWN_LEADER_LOG_MS = 5000;

/**
 * The producer's I/O loop. Each run: fail batches past delivery.timeout.ms,
 * ask the accumulator what is ready, and send one Produce request per broker
 * carrying every ready partition's batches, up to maxInFlight requests per
 * broker.
 *
 * Order per partition: without idempotence a partition with a request in
 * flight is muted, so its batches are sent, and retried, strictly one after
 * the other. An idempotent producer (see idempotence.ts) sends one batch per
 * partition per request and keeps up to maxInFlight of them in flight per
 * partition: the sequence numbers let the leader put them in order, drop a
 * retry of one it already has and refuse one that would leave a gap.
 */
export class Sender {
  private readonly inFlightByNode = new Map<number, number>();
  /** Requests in flight per partition; at the limit the partition is muted. */
  private readonly inFlightByPartition = new Map<string, number>();
  private readonly muted = new Set<string>();
  private readonly perPartitionLimit: number;
  /** Present when the producer is idempotent. */
  private readonly idempotence: IdempotenceState | undefined;
  private initializingProducerId = false;
  private producerIdRetryAtMs = 0;
  /**
   * Partitions that failed with stale metadata (NOT_LEADER_OR_FOLLOWER…),
   * with the metadata version they saw: they wait for a newer version so the
   * retry goes to the new leader, not the old one again.
   */
  private readonly staleMetadata = new Map<string, number>();
  private flushDepth = 0;
  private readonly loop = new IoLoop(() => this.run());
  private requestsInFlight = 0;

  constructor(private readonly deps: SenderDeps) {
    this.idempotence = deps.config.idempotent ? new IdempotenceState(deps.config.maxInFlight, deps.transactions === undefined) : undefined;
    this.perPartitionLimit = this.idempotence?.maxInFlightPerPartition ?? 1;
  }

  get inFlight(): number {
    return this.requestsInFlight;
  }

  /** The idempotent producer's id and epoch once it has one (tests, tools). */
  get producerIdentity(): { producerId: bigint; epoch: number } | undefined {
    return this.idempotence?.producer;
  }

  /** Transactional producers: the id and epoch InitProducerId gave (no batch may be unresolved). */
  setProducerIdentity(identity: { producerId: bigint; epoch: number }): void {
    this.idempotence!.setProducer(identity);
    this.wakeup();
  }

  /** Transactional producers: a batch failed for good in this epoch, so the next one is needed. */
  get epochBumpNeeded(): boolean {
    return this.idempotence?.bumpNeeded ?? false;
  }

  /** Fails every batch still queued (a transaction aborted or broken); batches in flight finish. */
  failUnsent(error: GregorError): void {
    for (const batch of this.deps.accumulator.drainAll()) {
      if (batch.sequenceOrder >= 0) this.idempotence?.failed(batch, error, false);
      this.failBatch(batch, error);
    }
  }

  beginFlush(): void {
    this.flushDepth++;
    this.wakeup();
  }

  endFlush(): void {
    this.flushDepth--;
  }

  /** Runs the loop soon (coalesced: many sends in one tick cause one run). */
  wakeup(): void {
    this.loop.wakeup();
  }

  stop(): void {
    this.loop.stop();
  }

  private run(): void {
    if (this.loop.stopped) return;
    const { accumulator, cluster, config, clock } = this.deps;
    const now = clock.monotonicMs();
    for (const batch of accumulator.expire(now, config.deliveryTimeoutMs)) {
      // A sequenced batch that expires waiting for its retry may or may not be in the log.
      if (batch.sequenceOrder >= 0) this.idempotence?.failed(batch, batch.lastError, false);
      this.failBatch(batch, expiryError(batch, now, config.deliveryTimeoutMs));
    }
    if (this.idempotence !== undefined) this.prepareIdempotence(now);
    const flushing = this.flushDepth > 0 || this.deps.memoryWanted();
    const version = cluster.metadata.version;
    for (const [key, seen] of this.staleMetadata) if (version > seen) this.staleMetadata.delete(key);
    if (this.staleMetadata.size > 0) this.awaitMetadata();
    const idem = this.idempotence;
    const txn = this.deps.transactions;
    // A transactional batch waits until its partition is in the transaction (AddPartitionsToTxn; retries are in already).
    const canSendHead =
      idem === undefined
        ? undefined
        : txn === undefined
          ? (head: ProducerBatch): boolean => idem.canSendHead(head)
          : (head: ProducerBatch): boolean => idem.canSendHead(head) && (head.sequenceOrder >= 0 || txn.mayDrain(head.topic, head.partition));
    const ready = accumulator.ready(now, {
      flushing,
      muted: this.staleMetadata.size === 0 ? this.muted : new Set([...this.muted, ...this.staleMetadata.keys()]),
      leaderOf: (topic, partition) => cluster.leaderOf(topic, partition),
      ...(canSendHead !== undefined ? { canSendHead } : {}),
      waitsForNewLeader: (batch) => batch.lastError !== undefined && needsMetadataRefresh(batch.lastError),
    });
    // Refreshes are coalesced and at most one per retry backoff (Cluster.requestRefresh).
    if (ready.unknownLeader || ready.awaitingNewLeader) this.awaitMetadata();
    const batchesPerPartition = idem === undefined ? Number.POSITIVE_INFINITY : 1;
    for (const [node, keys] of ready.readyByLeader) {
      let pending = keys;
      while (pending.length > 0 && (this.inFlightByNode.get(node) ?? 0) < config.maxInFlight) {
        const conn = cluster.isClosed ? undefined : cluster.connectionForNode(node);
        if (conn === undefined) {
          this.noteUnknownLeaderNode(node, keys.length, now);
          this.awaitMetadata();
          break;
        }
        const groups = accumulator.drain(pending, config.maxRequestBytes, now, flushing, batchesPerPartition);
        if (groups.length === 0) break;
        this.send(node, conn, groups);
        // Partitions that may send again at once: an idempotent one with room in its window and a due head.
        pending = pending.filter((k) => {
          if (this.muted.has(k) || !accumulator.headReady(k, now, flushing)) return false;
          const head = accumulator.peek(k);
          return head !== undefined && (canSendHead === undefined || canSendHead(head));
        });
      }
    }
    cluster.maybeRefreshStale();
    this.loop.runAt(Math.min(ready.nextCheckMs, accumulator.nextExpiryMs(config.deliveryTimeoutMs)), now);
  }

  /**
   * Metadata names a leader this client has no broker for (fenced, gone):
   * records wait on refreshes until it names another. Said at most once per
   * UNKNOWN_LEADER_LOG_MS per node, so a stall like session 5's stale-topic
   * bug shows in the log instead of a silent refresh loop.
   */
  private noteUnknownLeaderNode(node: number, partitions: number, nowMs: number): void {
    const last = this.unknownLeaderLoggedMs.get(node);
    if (last !== undefined && nowMs - last < UNKNOWN_LEADER_LOG_MS) return;
    if (this.unknownLeaderLoggedMs.size >= 1000) this.unknownLeaderLoggedMs.clear();
    this.unknownLeaderLoggedMs.set(node, nowMs);
    this.deps.logger.info('records wait for metadata: their leader is not among the known brokers; refreshing', { node, partitions });
  }

  private readonly unknownLeaderLoggedMs = new Map<number, number>();

  private awaitMetadata(): void {
    this.loop.wakeAfter(() => this.deps.cluster.requestRefresh());
  }

  /**
   * Idempotence housekeeping before draining: bump the epoch once a broken
   * sequence has drained out, and get a producer id when there is none.
   */
  private prepareIdempotence(now: number): void {
    const idem = this.idempotence!;
    const bumped = idem.maybeBumpEpoch();
    if (bumped !== undefined) {
      this.deps.logger.warn('idempotent producer: a batch failed for good, sequences restart in a new epoch', {
        outcome: bumped,
        producerId: idem.producer?.producerId.toString(),
        epoch: idem.producer?.epoch,
      });
    }
    // A transactional producer's id comes from initTransactions() (its coordinator), never from here.
    if (this.deps.transactions === undefined && idem.needsProducerId && !this.initializingProducerId && this.deps.accumulator.recordCount > 0) {
      if (now >= this.producerIdRetryAtMs) this.initProducerId();
      else this.loop.runAt(this.producerIdRetryAtMs, now);
    }
  }

  /**
   * InitProducerId from any broker, retried on retriable errors (no broker
   * answers, the controller has no block yet) within the delivery timeout.
   * A non-retriable answer fails the queued batches, as a fatal error does
   * in Kafka's producer; either way a later run may try again.
   */
  private initProducerId(): void {
    const { cluster, config, logger, random } = this.deps;
    this.initializingProducerId = true;
    const started = this.deps.clock.monotonicMs();
    withRetry(
      async () => {
        const res = await cluster.callAny('InitProducerId', { transactionalId: '', transactionTimeoutMs: 0, producerId: '-1', producerEpoch: -1 });
        const err = errorFromWire(res.error);
        if (err !== undefined) throw err;
        return { producerId: int64(res.producerId), epoch: res.producerEpoch };
      },
      {
        retries: config.retry.retries,
        initialBackoffMs: config.retry.initialBackoffMs,
        maxBackoffMs: config.retry.maxBackoffMs,
        deadlineMs: config.deliveryTimeoutMs,
        isRetriable: isRetriableError,
        random,
        onRetry: (err, attempt) => void logger.debug('InitProducerId failed, will retry', { attempt, error: String(err) }),
      },
    )
      .then(
        (identity) => {
          if (this.loop.stopped) return;
          this.idempotence!.setProducer(identity);
          logger.debug('idempotent producer ready', { producerId: identity.producerId.toString(), epoch: identity.epoch, ms: Math.round(this.deps.clock.monotonicMs() - started) });
        },
        (err: unknown) => {
          const error = toGregorError(err);
          logger.warn('InitProducerId failed', { error: error.message });
          this.producerIdRetryAtMs = this.deps.clock.monotonicMs() + config.retry.maxBackoffMs;
          if (!error.retriable) {
            for (const batch of this.deps.accumulator.drainAll()) this.failBatch(batch, new GregorError(error.errorName, `no producer id for the idempotent producer: ${error.message}`, {}, error));
          }
        },
      )
      .finally(() => {
        this.initializingProducerId = false;
        this.wakeup();
      });
  }

  private send(node: number, conn: BrokerConnection, groups: ProducerBatch[][]): void {
    const { config } = this.deps;
    const topics = new Map<string, ProducePartition[]>();
    const sent: ProducerBatch[][] = [];
    for (const group of groups) {
      const first = group[0]!;
      if (this.idempotence !== undefined) for (const batch of group) if (batch.sequenceOrder < 0) this.idempotence.assign(batch);
      let records: Buffer;
      try {
        // One batch per partition is the common case (always, when idempotent): no copy then.
        records = group.length === 1 ? this.encode(first) : Buffer.concat(group.map((batch) => this.encode(batch)));
      } catch (err) {
        // Encoding only fails on records the batch format cannot hold: never sent, so its sequence goes back.
        const error = toGregorError(err, { topic: first.topic, partition: first.partition });
        for (const batch of group) {
          if (batch.sequenceOrder >= 0) this.idempotence?.failed(batch, error, true);
          this.failBatch(batch, error);
        }
        continue;
      }
      for (const batch of group) this.deps.onBatchClosed(batch.topic, batch.partition);
      const inFlight = (this.inFlightByPartition.get(first.key) ?? 0) + 1;
      this.inFlightByPartition.set(first.key, inFlight);
      if (inFlight >= this.perPartitionLimit) this.muted.add(first.key);
      sent.push(group);
      let list = topics.get(first.topic);
      if (list === undefined) topics.set(first.topic, (list = []));
      list.push({ partition: first.partition, records });
    }
    if (sent.length === 0) return;
    const request = {
      acks: config.acks,
      timeoutMs: config.requestTimeoutMs,
      topics: [...topics].map(([name, partitions]): ProduceTopic => ({ name, partitions })),
      // KIP-890: the leader checks a partition's first transactional batch with this id's coordinator.
      ...(config.transactionalId !== undefined ? { transactionalId: config.transactionalId } : {}),
    };
    this.inFlightByNode.set(node, (this.inFlightByNode.get(node) ?? 0) + 1);
    this.requestsInFlight++;
    // A leader that keeps a request waiting may have been cut off and
    // replaced: once other brokers name a new leader, give up on this one
    // (the batches keep their sequence numbers, so nothing is written twice).
    const abandon = new AbortController();
    let moved: GregorError | undefined;
    const stopWatch = watchSlowLeader(
      this.deps.cluster,
      node,
      sent.map((g) => ({ topic: g[0]!.topic, partition: g[0]!.partition, leaderEpoch: this.deps.cluster.metadata.partition(g[0]!.topic, g[0]!.partition)?.leaderEpoch ?? -1 })),
      (to, waitedMs) => {
        moved = new GregorError(
          'NOT_LEADER_OR_FOLLOWER',
          `broker ${node} has not answered for ${Math.round(waitedMs)} ms and the other brokers name ${to.leader} as the leader of ${to.topic}-${to.partition}`,
          { topic: to.topic, partition: to.partition, leaderHint: to.leader },
        );
        this.deps.logger.info('leader did not answer and leadership moved: sending the request\'s batches to the new leader', {
          broker: node,
          newLeader: to.leader,
          waitedMs: Math.round(waitedMs),
          partitions: sent.length,
        });
        abandon.abort();
      },
    );
    const deadline = this.produceCallDeadline(sent);
    const call = conn.produce(request, { timeoutMs: deadline.timeoutMs, signal: abandon.signal });
    config.onRequestSent?.(sent.map((g) => ({ topic: g[0]!.topic, partition: g[0]!.partition, recordCount: g.reduce((n, b) => n + b.records.length, 0) })));
    call
      .then(
        (res) => this.handleResponse(sent, res, node),
        (err: unknown) => {
          const error = moved ?? toGregorError(err);
          for (const group of sent) this.retryOrFail(group, error, false, node, moved !== undefined, moved === undefined && deadline.atDeliveryDeadline);
        },
      )
      .finally(() => {
        stopWatch();
        this.inFlightByNode.set(node, (this.inFlightByNode.get(node) ?? 1) - 1);
        this.requestsInFlight--;
        for (const group of sent) {
          const key = group[0]!.key;
          const left = (this.inFlightByPartition.get(key) ?? 1) - 1;
          if (left > 0) this.inFlightByPartition.set(key, left);
          else this.inFlightByPartition.delete(key);
          if (left < this.perPartitionLimit) this.muted.delete(key);
        }
        this.wakeup();
      });
  }

  /**
   * The deadline of a Produce call. The broker answers acks=all itself
   * after timeoutMs; the RPC deadline leaves it a moment to do so. But the
   * call ends by the delivery deadline of its oldest batch at the latest:
   * deliveryTimeoutMs bounds batches in flight too (as in Kafka's
   * producer), so a send, and a flush(), settle within it whatever the
   * leader does; the batch then fails as expired (retryOrFail).
   * `atDeliveryDeadline`: that is what set the deadline.
   */
  private produceCallDeadline(sent: readonly ProducerBatch[][]): { timeoutMs: number; atDeliveryDeadline: boolean } {
    const { config, clock } = this.deps;
    let oldestCreatedMs = Number.POSITIVE_INFINITY;
    for (const group of sent) for (const batch of group) oldestCreatedMs = Math.min(oldestCreatedMs, batch.createdMs);
    const deliveryLeftMs = Math.max(1, Math.ceil(oldestCreatedMs + config.deliveryTimeoutMs - clock.monotonicMs()));
    const requestMs = config.requestTimeoutMs + 1000;
    return deliveryLeftMs < requestMs ? { timeoutMs: deliveryLeftMs, atDeliveryDeadline: true } : { timeoutMs: requestMs, atDeliveryDeadline: false };
  }

  private encode(batch: ProducerBatch): Buffer {
    // PendingRecord carries the fields encodeRecordBatch reads (key, value, headers, timestamp), so no copy per record.
    batch.encoded ??= encodeRecordBatch(
      batch.records,
      {
        compression: this.deps.config.compression,
        producerId: batch.producerId,
        producerEpoch: batch.producerEpoch,
        baseSequence: batch.baseSequence,
        isTransactional: this.deps.transactions !== undefined,
      },
    );
    return batch.encoded;
  }

  private handleResponse(groups: ProducerBatch[][], res: ProduceResponse__Output, node: number): void {
    const results = new Map<string, ProduceResponse__Output['topics'][number]['partitions'][number]>();
    for (const t of res.topics) for (const p of t.partitions) results.set(`${t.name}\u0000${p.partition}`, p);
    for (const group of groups) {
      const { topic, partition } = group[0]!;
      const result = results.get(`${topic}\u0000${partition}`);
      const error =
        result === undefined
          ? new GregorError('UNKNOWN_SERVER_ERROR', `produce response has no result for ${topic}-${partition}`, { topic, partition })
          : errorFromWire(result.error, { topic, partition });
      if (error !== undefined) {
        this.retryOrFail(group, error, result !== undefined, node);
        continue;
      }
      const baseOffset = int64(result!.baseOffset);
      const appendTime = int64(result!.logAppendTimeMs);
      if (this.idempotence !== undefined) for (const batch of group) this.idempotence.acknowledged(batch);
      this.complete(group, baseOffset, appendTime);
    }
  }

  /** Offsets are consecutive: the broker gives the first record `baseOffset`. */
  private complete(group: ProducerBatch[], baseOffset: bigint, logAppendTimeMs: bigint): void {
    const acked = this.deps.config.acks !== 0;
    const appendTime = logAppendTimeMs >= 0n;
    let offset = baseOffset;
    for (const batch of group) {
      const { topic, partition, records } = batch;
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        r.delivery.ack(r.index, { topic, partition, offset: acked ? offset : -1n, timestamp: appendTime ? logAppendTimeMs : r.timestamp });
        offset++;
      }
      this.deps.memory.release(batch.recordBytes());
    }
  }

  /**
   * A send to `node` failed: retry (back to the front of its queue, in
   * order) or fail for good. `answered`: the leader's response carried this
   * error for the partition (as opposed to the call failing), so a
   * non-retriable error means nothing was written. `newLeaderKnown`: the
   * request was abandoned because metadata already names another leader, so
   * the retry goes there at once. `cutAtDeliveryDeadline`: the call failed
   * at the deadline produceCallDeadline set from the delivery timeout.
   */
  private retryOrFail(group: ProducerBatch[], error: GregorError, answered: boolean, node: number, newLeaderKnown = false, cutAtDeliveryDeadline = false): void {
    const { config, clock, accumulator, logger } = this.deps;
    const now = clock.monotonicMs();
    const head = group[0]!;
    const idem = this.idempotence;
    const retriable = idem !== undefined && head.sequenceOrder >= 0 ? idem.mayRetry(head, error) : error.retriable;
    if (!retriable || head.attempts >= config.retry.retries) {
      for (const batch of group) {
        if (batch.sequenceOrder >= 0) idem?.failed(batch, error, answered && !error.retriable);
        this.failBatch(batch, error);
      }
      return;
    }
    if (now - head.createdMs >= config.deliveryTimeoutMs) {
      for (const batch of group) {
        // The call cut at the delivery deadline tells less than the attempt before it, if there was one.
        if (!cutAtDeliveryDeadline || batch.lastError === undefined) batch.lastError = error;
        if (batch.sequenceOrder >= 0) idem?.failed(batch, error, false);
        this.failBatch(batch, expiryError(batch, now, config.deliveryTimeoutMs));
      }
      return;
    }
    for (const batch of group) {
      batch.attempts++;
      batch.lastError = error;
      batch.failedOn = node;
    }
    // An idempotent batch that reached the leader ahead of an earlier one
    // (HTTP/2 streams do not keep request order) waits for its turn anyway
    // (only the oldest unresolved batch is sent): no backoff on top.
    const outOfTurn = idem !== undefined && (error.errorName === 'OUT_OF_ORDER_SEQUENCE_NUMBER' || error.errorName === 'UNKNOWN_PRODUCER_ID');
    const delay = outOfTurn || newLeaderKnown ? 0 : backoffMs(head.attempts - 1, config.retry.initialBackoffMs, config.retry.maxBackoffMs, this.deps.random);
    accumulator.reenqueue(group, now + delay);
    logger.debug('produce failed, will retry', { topic: head.topic, partition: head.partition, attempt: head.attempts, delayMs: delay, error: error.message });
    if (needsMetadataRefresh(error) && !newLeaderKnown) {
      // The broker that failed it may be the stale one: the refresh asks the others first.
      this.deps.cluster.distrust(node);
      this.staleMetadata.set(head.key, this.deps.cluster.metadata.version);
      this.awaitMetadata();
    }
  }

  private failBatch(batch: ProducerBatch, error: GregorError): void {
    this.deps.transactions?.batchFailed(error);
    for (const r of batch.records) r.delivery.fail(error, r.index);
    this.deps.memory.release(batch.recordBytes());
  }
}

function expiryError(batch: ProducerBatch, now: number, deliveryTimeoutMs: number): GregorError {
  const last = batch.lastError !== undefined ? `; last error: ${batch.lastError.message}` : '';
  return new GregorError(
    'REQUEST_TIMED_OUT',
    `${batch.records.length} record(s) for ${batch.topic}-${batch.partition} expired: ${Math.round(now - batch.createdMs)} ms since the batch was created (deliveryTimeoutMs ${deliveryTimeoutMs})${last}`,
    { topic: batch.topic, partition: batch.partition },
    batch.lastError,
  );
}
