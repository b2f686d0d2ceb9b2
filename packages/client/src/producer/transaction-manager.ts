import { GregorError, backoffMs, sleep, type ErrorName, type Logger } from '@gregor/common';
import type { RpcName, Rpcs } from '../broker-connection';
import type { Cluster } from '../cluster';
import { errorFromWire } from '../errors';
import { COORDINATOR_MOVED, GroupCoordinator } from '../consumer/group/coordinator';
import type { RetryPolicy } from '../options';
import { int64 } from '../wire';
import type { ProducerIdentity } from './idempotence';

/** Where a transactional producer is (Kafka's TransactionManager.State, simplified). */
export type TransactionState = 'uninitialized' | 'ready' | 'in-transaction' | 'committing' | 'aborting' | 'abortable-error' | 'fatal';

/** A consumer's group position for sendOffsetsToTransaction (KIP-447: generation and member fence zombies). */
export interface ConsumerGroupMetadata {
  groupId: string;
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
}

export interface TransactionOffset {
  topic: string;
  partition: number;
  /** The next offset to consume (Kafka's convention: last processed + 1). */
  offset: bigint;
  metadata?: string;
}

/** What the manager needs from the Sender. */
export interface TransactionalSender {
  setIdentity(identity: ProducerIdentity): void;
  identity(): ProducerIdentity | undefined;
  /** Unsequenced batches are held until their partition joins the transaction: wake the sender once it has. */
  wakeup(): void;
  /** Fails every batch not yet sent (an abortable or fatal error). */
  failUnsent(error: GregorError): void;
  /** A batch of this epoch failed for good: its sequences are broken and the epoch must be bumped (KIP-360). */
  needsEpochBump(): boolean;
}

export interface TransactionManagerDeps {
  cluster: Cluster;
  transactionalId: string;
  transactionTimeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
  random: () => number;
  now: () => number;
  /** How long initTransactions, commit and abort may retry (max.block.ms). */
  maxBlockMs: number;
}

/** Errors after which the producer can do nothing but close (Kafka: fatal). */
const FATAL: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'INVALID_TRANSACTION_TIMEOUT',
]);

/** First wait after CONCURRENT_TRANSACTIONS (growing linearly with each retry). */
const CONCURRENT_RETRY_MS = 20;

/** Retried with backoff by every coordinator call (CONCURRENT_TRANSACTIONS: a previous change is still being written). */
const RETRY: ReadonlySet<ErrorName> = new Set<ErrorName>(['CONCURRENT_TRANSACTIONS', 'COORDINATOR_LOAD_IN_PROGRESS', 'NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION']);

/**
 * The client half of transactions (KIP-98): the transactional id's
 * coordinator (FindCoordinator key type 1), InitProducerId with the
 * transactional id (its epoch fences older producers of the same id), the
 * partitions of the open transaction (AddPartitionsToTxn before a
 * partition's first batch is sent — the Sender holds batches until then),
 * sendOffsetsToTransaction (AddOffsetsToTxn, then TxnOffsetCommit to the
 * group's coordinator) and EndTxn. Calls are sequential (a producer has one
 * transaction at a time); each retries the coordinator's retriable answers
 * until maxBlockMs. A fenced producer is fatal: everything after fails.
 * Any other failed send makes the transaction abortable only: commit then
 * fails, abortTransaction recovers (bumping the epoch when sequences broke).
 */
export class TransactionManager {
  state: TransactionState = 'uninitialized';
  private readonly coordinator: GroupCoordinator;
  /** Partitions already in the open transaction at the coordinator. */
  private readonly added = new Set<string>();
  private readonly toAdd = new Map<string, { topic: string; partition: number }>();
  private adding = false;
  private lastError: GregorError | undefined;
  private sender: TransactionalSender | undefined;

  constructor(private readonly deps: TransactionManagerDeps) {
    this.coordinator = new GroupCoordinator(deps.cluster, deps.transactionalId, { retry: deps.retry, logger: deps.logger, random: deps.random, now: deps.now }, 1);
  }

  attach(sender: TransactionalSender): void {
    this.sender = sender;
  }

  get transactionalId(): string {
    return this.deps.transactionalId;
  }

  /** InitProducerId with the transactional id: fences older producers, aborts what they left open. */
  async initTransactions(): Promise<void> {
    if (this.state !== 'uninitialized') throw this.illegal('initTransactions', 'uninitialized');
    await this.initProducerId(undefined);
    this.state = 'ready';
  }

  beginTransaction(): void {
    this.checkNotFatal();
    if (this.state !== 'ready') throw this.illegal('beginTransaction', 'ready');
    this.state = 'in-transaction';
    this.added.clear();
    this.lastError = undefined;
  }

  /** Whether `send` may be called now (only inside a transaction). */
  checkSend(topic: string): void {
    this.checkNotFatal();
    if (this.state === 'abortable-error') throw new GregorError('INVALID_TXN_STATE', `the transaction must be aborted first: ${this.lastError?.message ?? ''}`, { topic }, this.lastError);
    if (this.state !== 'in-transaction') throw new GregorError('INVALID_TXN_STATE', 'send needs an open transaction: call beginTransaction() first', { topic });
  }

  /** The Sender asks before a partition's first batch: true once it is in the transaction (else an add starts). */
  mayDrain(topic: string, partition: number): boolean {
    const key = `${topic}\u0000${partition}`;
    if (this.added.has(key)) return true;
    if (this.state !== 'in-transaction' && this.state !== 'committing') return false;
    if (!this.toAdd.has(key)) {
      this.toAdd.set(key, { topic, partition });
      if (!this.adding) void this.addPartitions();
    }
    return false;
  }

  /** A batch failed for good: fenced is fatal, anything else makes the transaction abortable. */
  batchFailed(error: GregorError): void {
    if (FATAL.has(error.errorName)) this.fail('fatal', error);
    else if (this.state === 'in-transaction' || this.state === 'committing') this.fail('abortable-error', error);
  }

  /** AddOffsetsToTxn, then TxnOffsetCommit: the offsets are committed with the transaction, visible only if it commits. */
  async sendOffsets(offsets: readonly TransactionOffset[], group: ConsumerGroupMetadata): Promise<void> {
    this.checkSend('__consumer_offsets');
    const identity = this.identity();
    await this.callCoordinator('AddOffsetsToTxn', () => ({
      transactionalId: this.deps.transactionalId,
      producerId: identity.producerId.toString(),
      producerEpoch: identity.epoch,
      groupId: group.groupId,
    }), (res) => errorFromWire(res.error));
    const groupCoordinator = new GroupCoordinator(this.deps.cluster, group.groupId, { retry: this.deps.retry, logger: this.deps.logger, random: this.deps.random, now: this.deps.now });
    const byTopic = new Map<string, { partition: number; committedOffset: string; committedLeaderEpoch: number; committedMetadata: string }[]>();
    for (const o of offsets) {
      let list = byTopic.get(o.topic);
      if (list === undefined) byTopic.set(o.topic, (list = []));
      list.push({ partition: o.partition, committedOffset: o.offset.toString(), committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' });
    }
    const request = {
      transactionalId: this.deps.transactionalId,
      groupId: group.groupId,
      producerId: identity.producerId.toString(),
      producerEpoch: identity.epoch,
      generationId: group.generationId ?? -1,
      memberId: group.memberId ?? '',
      groupInstanceId: group.groupInstanceId ?? '',
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    };
    await this.retrying('TxnOffsetCommit', groupCoordinator, async (deadline) => {
      const res = await groupCoordinator.call('TxnOffsetCommit', request, deadline);
      for (const t of res.topics) for (const p of t.partitions) {
        const e = errorFromWire(p.error, { topic: t.name, partition: p.partition });
        if (e !== undefined) return e;
      }
      return undefined;
    });
  }

  /** After `flush` (every batch of the transaction acknowledged): EndTxn(commit). */
  async commit(flush: () => Promise<void>): Promise<void> {
    this.checkNotFatal();
    if (this.state === 'abortable-error') throw new GregorError('INVALID_TXN_STATE', `cannot commit: a send failed (${this.lastError?.message ?? ''}); abort the transaction`, {}, this.lastError);
    if (this.state !== 'in-transaction') throw this.illegal('commitTransaction', 'in-transaction');
    this.state = 'committing';
    await flush();
    this.checkNotFatal();
    if (this.lastError !== undefined) {
      this.state = 'abortable-error';
      throw new GregorError('INVALID_TXN_STATE', `cannot commit: a send failed (${this.lastError.message}); abort the transaction`, {}, this.lastError);
    }
    await this.endTxn(true);
    this.state = 'ready';
  }

  /** Waits for batches in flight, then EndTxn(abort); a broken sequence gets a new epoch (KIP-360). */
  async abort(flush: () => Promise<void>): Promise<void> {
    this.checkNotFatal();
    if (this.state !== 'in-transaction' && this.state !== 'abortable-error') throw this.illegal('abortTransaction', 'in-transaction');
    this.state = 'aborting';
    this.sender?.failUnsent(new GregorError('INVALID_TXN_STATE', 'the transaction was aborted before this record was sent'));
    await flush();
    this.checkNotFatal();
    if (this.added.size > 0) await this.endTxn(false);
    if (this.sender?.needsEpochBump() === true) await this.initProducerId(this.sender.identity());
    this.state = 'ready';
  }

  // ---- internals ----------------------------------------------------------

  private identity(): ProducerIdentity {
    const id = this.sender?.identity();
    if (id === undefined) throw new GregorError('INVALID_TXN_STATE', 'the producer has no producer id: call initTransactions() first');
    return id;
  }

  private async initProducerId(current: ProducerIdentity | undefined): Promise<void> {
    const res = await this.callCoordinator(
      'InitProducerId',
      () => ({
        transactionalId: this.deps.transactionalId,
        transactionTimeoutMs: this.deps.transactionTimeoutMs,
        producerId: (current?.producerId ?? -1n).toString(),
        producerEpoch: current?.epoch ?? -1,
      }),
      (r) => errorFromWire(r.error),
    );
    const identity = { producerId: int64(res.producerId), epoch: res.producerEpoch };
    this.sender!.setIdentity(identity);
    this.deps.logger.info('transactional producer ready', { transactionalId: this.deps.transactionalId, producerId: identity.producerId.toString(), epoch: identity.epoch });
  }

  private async endTxn(committed: boolean): Promise<void> {
    const identity = this.identity();
    await this.callCoordinator(
      'EndTxn',
      () => ({ transactionalId: this.deps.transactionalId, producerId: identity.producerId.toString(), producerEpoch: identity.epoch, committed }),
      (r) => errorFromWire(r.error),
    );
    this.added.clear();
  }

  /** One AddPartitionsToTxn at a time, for every partition waiting; the Sender is woken when they are in. */
  private async addPartitions(): Promise<void> {
    this.adding = true;
    try {
      while (this.toAdd.size > 0 && (this.state === 'in-transaction' || this.state === 'committing')) {
        const batch = [...this.toAdd.values()];
        const byTopic = new Map<string, number[]>();
        for (const tp of batch) {
          const list = byTopic.get(tp.topic);
          if (list === undefined) byTopic.set(tp.topic, [tp.partition]);
          else list.push(tp.partition);
        }
        const identity = this.identity();
        await this.callCoordinator(
          'AddPartitionsToTxn',
          () => ({
            transactionalId: this.deps.transactionalId,
            producerId: identity.producerId.toString(),
            producerEpoch: identity.epoch,
            topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
          }),
          (r) => {
            for (const t of r.topics) for (const p of t.partitions) {
              const e = errorFromWire(p.error, { topic: t.name, partition: p.partition });
              if (e !== undefined) return e;
            }
            return undefined;
          },
        );
        for (const tp of batch) {
          const key = `${tp.topic}\u0000${tp.partition}`;
          this.toAdd.delete(key);
          this.added.add(key);
        }
        this.sender?.wakeup();
      }
    } catch (err) {
      const error = err instanceof GregorError ? err : new GregorError('UNKNOWN_SERVER_ERROR', String(err));
      this.batchFailed(error);
    } finally {
      this.adding = false;
      this.toAdd.clear();
    }
  }

  /** A call to the transaction coordinator, retrying its retriable answers until maxBlockMs. */
  private async callCoordinator<M extends RpcName>(method: M, request: () => Rpcs[M][0], errorOf: (res: Rpcs[M][1]) => GregorError | undefined): Promise<Rpcs[M][1]> {
    let result: Rpcs[M][1] | undefined;
    await this.retrying(method, this.coordinator, async (deadline) => {
      const res = await this.coordinator.call(method, request(), deadline);
      const e = errorOf(res);
      if (e === undefined) result = res;
      return e;
    });
    return result!;
  }

  private async retrying(what: string, coordinator: GroupCoordinator, attempt: (deadlineMs: number) => Promise<GregorError | undefined>): Promise<void> {
    const deadline = this.deps.now() + this.deps.maxBlockMs;
    for (let n = 0; ; n++) {
      let error: GregorError | undefined;
      try {
        error = await attempt(deadline);
      } catch (err) {
        if (!(err instanceof GregorError)) throw err;
        error = err;
      }
      if (error === undefined) return;
      if (COORDINATOR_MOVED.has(error.errorName)) coordinator.markUnknown(`${what}: ${error.errorName}`);
      if (FATAL.has(error.errorName)) {
        this.fail('fatal', error);
        throw error;
      }
      const retriable = RETRY.has(error.errorName) || error.retriable;
      // The previous transaction's completion is usually a few ms from done: Kafka's
      // producer retries CONCURRENT_TRANSACTIONS after 20 ms, not the full retry backoff.
      const delay =
        error.errorName === 'CONCURRENT_TRANSACTIONS'
          ? Math.min(CONCURRENT_RETRY_MS * (n + 1), this.deps.retry.maxBackoffMs)
          : backoffMs(n, this.deps.retry.initialBackoffMs, this.deps.retry.maxBackoffMs, this.deps.random);
      if (!retriable || this.deps.now() + delay > deadline) throw error;
      this.deps.logger.debug(`${what} will be retried`, { transactionalId: this.deps.transactionalId, error: error.errorName });
      await sleep(delay);
    }
  }

  private fail(state: 'fatal' | 'abortable-error', error: GregorError): void {
    if (this.state === 'fatal' || this.state === state) return;
    this.lastError = error;
    if (state === 'fatal' || this.state !== 'aborting') this.state = state;
    this.deps.logger.warn(state === 'fatal' ? 'transactional producer fenced or broken: it can only be closed' : 'transaction must be aborted', {
      transactionalId: this.deps.transactionalId,
      error: error.message,
    });
    this.sender?.failUnsent(error);
  }

  private checkNotFatal(): void {
    if (this.state === 'fatal') throw new GregorError(this.lastError?.errorName ?? 'PRODUCER_FENCED', `the transactional producer cannot continue: ${this.lastError?.message ?? 'fenced'}`, {}, this.lastError);
  }

  private illegal(call: string, needed: TransactionState): GregorError {
    return new GregorError('INVALID_TXN_STATE', `${call}() needs the producer ${needed}, it is ${this.state}`);
  }
}
