import type { ErrorName } from '@gregor/common';
import {
  DEFAULT_TRANSACTION_COORDINATOR_CONFIG,
  TransactionLoader,
  TransactionShard,
  decodeTxnRecord,
  encodeTxnRecord,
  txnAppendRecords,
  type Reply,
  type TransactionShardDeps,
  type TxnAppend,
  type TxnEffects,
  type TxnMarkerRequest,
  type TxnRecord,
} from '@gregor/transaction-coordinator';

export const ABORT_SCAN_MS = 1000;
export const EXPIRY_SCAN_MS = 60_000;

export function deps(coordinatorEpoch: number, overrides: Partial<TransactionShardDeps['config']> = {}): TransactionShardDeps {
  return {
    config: { ...DEFAULT_TRANSACTION_COORDINATOR_CONFIG, transactionalIdExpirationMs: 3_600_000, ...overrides },
    coordinatorEpoch,
    abortScanIntervalMs: ABORT_SCAN_MS,
    expiryScanIntervalMs: EXPIRY_SCAN_MS,
  };
}

/**
 * Plays the I/O edge for a TransactionShard in tests: an in-memory
 * __transaction_state log (records go through the byte codec), writes in
 * order — at once, or held until released (optionally failing) — markers
 * collected until delivered, replies kept by request id, and coordinator
 * failover (a new shard loaded from the log; waiters answered
 * NOT_COORDINATOR, as the runtime does on unload).
 */
export class Driver {
  shard: TransactionShard;
  coordinatorEpoch = 1;
  nowMs = 1_000_000;
  readonly log: TxnRecord[] = [];
  readonly queue: TxnAppend[] = [];
  markers: TxnMarkerRequest[] = [];
  readonly answers = new Map<number, Reply | ErrorName>();
  hold = false;
  private nextRequestId = 1;
  private nextProducerId = 1000n;
  /** Request ids whose answer depends on a write in the queue. */
  private readonly waiting = new Set<number>();

  constructor(private readonly overrides: Partial<TransactionShardDeps['config']> = {}) {
    this.shard = new TransactionShard(deps(this.coordinatorEpoch, overrides), this.nowMs);
  }

  requestId(): number {
    return this.nextRequestId++;
  }

  freshProducerId(): bigint {
    return this.nextProducerId++;
  }

  apply(fx: TxnEffects): void {
    for (const r of fx.replies) {
      this.answers.set(r.requestId, r);
      this.waiting.delete(r.requestId);
    }
    for (const a of fx.appends) {
      const c = a.completion;
      if ('requestId' in c && c.requestId !== undefined) this.waiting.add(c.requestId);
      this.queue.push(a);
    }
    this.markers.push(...fx.markers);
    if (!this.hold) this.flush();
  }

  /** Writes everything queued (failing each with `error` when given). */
  flush(error?: ErrorName): void {
    while (this.queue.length > 0) {
      const a = this.queue.shift()!;
      if (error === undefined) {
        for (const record of txnAppendRecords(a)) {
          const { key, value } = encodeTxnRecord(record);
          this.log.push(decodeTxnRecord(key, value));
        }
      }
      this.apply(this.shard.appendCompleted(a, error, this.nowMs));
    }
  }

  deliverMarkers(ok = true): TxnMarkerRequest[] {
    const sent = this.markers;
    this.markers = [];
    for (const m of sent) {
      this.apply(ok ? this.shard.markersWritten(m.transactionalId, m.producerEpoch, this.nowMs) : this.shard.markersFailed(m.transactionalId, m.producerEpoch, this.nowMs));
    }
    return sent;
  }

  advance(ms: number): void {
    this.nowMs += ms;
    if (this.shard.nextDeadlineMs() <= this.nowMs) this.apply(this.shard.tick(this.nowMs));
  }

  /** A new coordinator (next epoch) loads from the log; queued writes are lost. */
  failover(): void {
    this.queue.length = 0;
    this.markers = [];
    // As the runtime's host on unload: every request still waiting (for a write, or parked) gets NOT_COORDINATOR.
    for (let id = 1; id < this.nextRequestId; id++) if (!this.answers.has(id)) this.answers.set(id, 'NOT_COORDINATOR');
    this.waiting.clear();
    this.coordinatorEpoch++;
    const loader = new TransactionLoader();
    for (const r of this.log) loader.replay(r);
    const { shard, effects } = TransactionShard.load(deps(this.coordinatorEpoch, this.overrides), loader.state(), this.nowMs);
    this.shard = shard;
    this.apply(effects);
  }

  get waitingCount(): number {
    return this.waiting.size;
  }

  init(transactionalId: string, producerId = -1n, producerEpoch = -1, transactionTimeoutMs = 60_000): number {
    const id = this.requestId();
    this.apply(this.shard.initProducerId(id, { transactionalId, transactionTimeoutMs, producerId, producerEpoch }, this.freshProducerId(), this.nowMs));
    return id;
  }

  add(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: { topic: string; partition: number }[]): number {
    const id = this.requestId();
    this.apply(this.shard.addPartitions(id, { transactionalId, producerId, producerEpoch, partitions }, this.nowMs));
    return id;
  }

  end(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean): number {
    const id = this.requestId();
    this.apply(this.shard.endTxn(id, { transactionalId, producerId, producerEpoch, commit }, this.nowMs));
    return id;
  }

  /** The error of a request's answer ('pending' when not answered yet). */
  error(requestId: number): ErrorName | 'pending' {
    const a = this.answers.get(requestId);
    if (a === undefined) return 'pending';
    return typeof a === 'string' ? a : a.response.error;
  }

  /** InitProducerId's answer. */
  initAnswer(requestId: number): { error: ErrorName; producerId: bigint; producerEpoch: number } | undefined {
    const a = this.answers.get(requestId);
    if (a === undefined) return undefined;
    if (typeof a === 'string') return { error: a, producerId: -1n, producerEpoch: -1 };
    if (a.kind !== 'init') throw new Error(`request ${requestId} was answered with a ${a.kind} reply`);
    return a.response;
  }
}
