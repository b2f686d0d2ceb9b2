import { assert, type ErrorName } from '@gregor/common';
import { isEpochExhausted, type TransactionCoordinatorConfig } from './config';
import { appendErrorForClient, emptyEffects, type TxnAppend, type TxnCompletion, type TxnEffects, type TxnEvent } from './effects';
import {
  VALID_PREVIOUS_STATES,
  type AddPartitionsRequest,
  type DescribedTransaction,
  type EndTxnRequest,
  type InitProducerIdRequest,
  type ListedTransaction,
  type RequestId,
  type TopicPartition,
  type TxnMetadata,
  type TxnState,
} from './types';

/** One transactional id in the shard: what is on disk, and the one transition being written. */
interface Entry {
  /** undefined only while the first write of a new transactional id is in flight. */
  committed: TxnMetadata | undefined;
  pending: TxnMetadata | null | undefined;
  /** Prepare*: markers have been handed to the driver and not reported back yet. */
  markersInFlight: boolean;
  /** Prepare*: markers failed or the outcome's write failed; retry at this wall-clock ms. */
  retryAtMs: number | undefined;
  /** Failed marker rounds in a row: the retry backoff doubles with each, up to MAX_RETRY_BACKOFF_MS. */
  failedRounds: number;
  /**
   * The producer's next AddPartitionsToTxn, arrived while its previous
   * transaction was still completing (Prepare*: markers out, Complete*
   * being written): answered once that completes, instead of
   * CONCURRENT_TRANSACTIONS and a client retry — the next transaction
   * starts as soon as the last one is done. At most one per id.
   */
  parkedAdd: { requestId: RequestId; req: AddPartitionsRequest } | undefined;
}

/** Longest wait between marker rounds while a partition has no reachable leader. */
const MAX_RETRY_BACKOFF_MS = 2000;

export interface TransactionShardDeps {
  config: TransactionCoordinatorConfig;
  /** The leader epoch of this shard's __transaction_state partition, carried by every marker. */
  coordinatorEpoch: number;
  /** How often open transactions are checked for their timeout (Kafka: 10 s). */
  abortScanIntervalMs: number;
  /** How often idle transactional ids are checked for expiry (Kafka: 1 h). */
  expiryScanIntervalMs: number;
}

/**
 * Kafka's transaction coordinator (TransactionCoordinator +
 * TransactionMetadata, KIP-98/KIP-360) for the transactional ids of one
 * __transaction_state partition, as a pure state machine: every call takes
 * the wall-clock time and returns TxnEffects; it owns no clock, timer,
 * socket or disk.
 *
 * Each transactional id has at most one transition being written
 * (`pending`); requests meanwhile get CONCURRENT_TRANSACTIONS (retriable).
 * State only moves once its write succeeded, so what is on disk is the
 * truth a new coordinator loads. A transaction ends in two writes:
 * Prepare{Commit,Abort} — after which the outcome is decided and EndTxn is
 * answered — then markers to every partition, then Complete{Commit,Abort}.
 * A coordinator that loads a Prepare* state sends the markers again
 * (markers are idempotent on the partitions).
 *
 * Fencing: InitProducerId bumps the epoch; an open transaction of the old
 * epoch is aborted with the new one (its markers carry the new epoch, so
 * the partitions refuse the zombie's later writes), as is a transaction
 * open longer than its timeout (transaction.timeout.ms, checked every
 * `abortScanIntervalMs` as Kafka does).
 */
export class TransactionShard {
  private readonly entries = new Map<string, Entry>();
  private nextAbortScanMs: number;
  private nextExpiryScanMs: number;

  constructor(
    private readonly deps: TransactionShardDeps,
    nowMs: number,
  ) {
    this.nextAbortScanMs = nowMs + deps.abortScanIntervalMs;
    this.nextExpiryScanMs = nowMs + deps.expiryScanIntervalMs;
  }

  /** A shard holding loaded state; transactions found in Prepare* get their markers sent again. */
  static load(deps: TransactionShardDeps, loaded: Iterable<TxnMetadata>, nowMs: number): { shard: TransactionShard; effects: TxnEffects } {
    const shard = new TransactionShard(deps, nowMs);
    const fx = emptyEffects();
    for (const m of loaded) {
      const entry: Entry = { committed: m, pending: undefined, markersInFlight: false, retryAtMs: undefined, failedRounds: 0, parkedAdd: undefined };
      shard.entries.set(m.transactionalId, entry);
      if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') shard.sendMarkers(entry, m, fx);
    }
    return { shard, effects: fx };
  }

  get size(): number {
    return this.entries.size;
  }

  /** The metadata on disk for `transactionalId` (for tests and the loader's round trip). */
  committed(transactionalId: string): TxnMetadata | undefined {
    return this.entries.get(transactionalId)?.committed;
  }

  allCommitted(): TxnMetadata[] {
    const out: TxnMetadata[] = [];
    for (const e of this.entries.values()) if (e.committed !== undefined) out.push(e.committed);
    return out;
  }

  /**
   * InitProducerId with a transactional id. `freshProducerId` is an unused
   * producer id from the broker's block, taken when the id is new or its
   * epoch is exhausted (it is simply not used otherwise); the driver may
   * pass -1 when `needsFreshProducerId` said no, and the request is then
   * answered CONCURRENT_TRANSACTIONS (retriable) should that have changed.
   */
  initProducerId(requestId: RequestId, req: InitProducerIdRequest, freshProducerId: bigint, nowMs: number): TxnEffects {
    const fx = emptyEffects();
    const fail = (error: ErrorName): TxnEffects => {
      fx.replies.push({ kind: 'init', requestId, response: { error, producerId: -1n, producerEpoch: -1 } });
      return fx;
    };
    if (req.transactionalId === '') return fail('INVALID_REQUEST');
    if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > this.deps.config.maxTransactionTimeoutMs) return fail('INVALID_TRANSACTION_TIMEOUT');
    let entry = this.entries.get(req.transactionalId);
    if (entry === undefined) {
      if (this.entries.size >= this.deps.config.maxTransactionalIdsPerShard) return fail('COORDINATOR_NOT_AVAILABLE');
      if (freshProducerId < 0n) return fail('CONCURRENT_TRANSACTIONS');
      entry = { committed: undefined, pending: undefined, markersInFlight: false, retryAtMs: undefined, failedRounds: 0, parkedAdd: undefined };
      this.entries.set(req.transactionalId, entry);
      const next = emptyMetadata(req.transactionalId, freshProducerId, 0, req.transactionTimeoutMs, nowMs);
      this.plan(entry, next, { kind: 'init', requestId }, fx);
      return fx;
    }
    if (entry.pending !== undefined) return fail('CONCURRENT_TRANSACTIONS');
    const m = entry.committed!;
    const expected = req.producerId >= 0n ? { producerId: req.producerId, epoch: req.producerEpoch } : undefined;
    // KIP-360: a producer naming another id than this one's is a zombie, unless it
    // retries an InitProducerId whose answer (a new id after exhaustion) it never got.
    const rotationRetry = expected !== undefined && expected.producerId === m.lastProducerId && isEpochExhausted(expected.epoch);
    if (expected !== undefined && expected.producerId !== m.producerId && !rotationRetry) return fail('PRODUCER_FENCED');
    switch (m.state) {
      case 'PrepareCommit':
      case 'PrepareAbort':
      case 'Dead':
        return fail('CONCURRENT_TRANSACTIONS');
      case 'Ongoing':
        // Kafka: fence the open transaction's producer by aborting it with a
        // bumped epoch; the caller retries and gets the next epoch once done.
        this.planFenceAbort(entry, m, { kind: 'fence', requestId }, nowMs, fx);
        return fx;
      default:
        break;
    }
    let producerId = m.producerId;
    let lastProducerId = m.lastProducerId;
    let epoch: number;
    let lastEpoch: number;
    if (rotationRetry) {
      epoch = m.producerEpoch;
      lastEpoch = m.lastProducerEpoch;
    } else if (expected !== undefined && expected.epoch !== m.producerEpoch) {
      // A retry of a bump whose answer was lost names the epoch before it.
      if (expected.epoch !== m.lastProducerEpoch) return fail('PRODUCER_FENCED');
      epoch = m.producerEpoch;
      lastEpoch = m.lastProducerEpoch;
    } else if (isEpochExhausted(m.producerEpoch)) {
      if (freshProducerId < 0n) return fail('CONCURRENT_TRANSACTIONS');
      lastProducerId = m.producerId;
      producerId = freshProducerId;
      epoch = 0;
      lastEpoch = -1;
    } else {
      epoch = m.producerEpoch + 1;
      lastEpoch = m.producerEpoch;
    }
    const next: TxnMetadata = {
      ...emptyMetadata(m.transactionalId, producerId, epoch, req.transactionTimeoutMs, nowMs),
      lastProducerId,
      lastProducerEpoch: lastEpoch,
    };
    this.plan(entry, next, { kind: 'init', requestId }, fx);
    return fx;
  }

  /** Whether InitProducerId for `transactionalId` would take a fresh producer id now. */
  needsFreshProducerId(transactionalId: string): boolean {
    const m = this.entries.get(transactionalId)?.committed;
    return m === undefined || isEpochExhausted(m.producerEpoch);
  }

  /** AddPartitionsToTxn (and AddOffsetsToTxn, which adds the group's __consumer_offsets partition). */
  addPartitions(requestId: RequestId, req: AddPartitionsRequest, nowMs: number): TxnEffects {
    const fx = emptyEffects();
    const answer = (error: ErrorName): TxnEffects => {
      fx.replies.push({ kind: 'add', requestId, response: { error } });
      return fx;
    };
    const completing = this.entries.get(req.transactionalId);
    const c = completing?.committed;
    if (
      completing !== undefined &&
      c !== undefined &&
      (c.state === 'PrepareCommit' || c.state === 'PrepareAbort') &&
      c.producerId === req.producerId &&
      c.producerEpoch === req.producerEpoch &&
      completing.parkedAdd === undefined
    ) {
      completing.parkedAdd = { requestId, req };
      return fx;
    }
    const checked = this.checkProducer(req.transactionalId, req.producerId, req.producerEpoch);
    if (typeof checked === 'string') return answer(checked);
    const { entry, m } = checked;
    if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort' || m.state === 'Dead') return answer('CONCURRENT_TRANSACTIONS');
    if (m.state === 'Ongoing' && mergePartitions(m.partitions, req.partitions).length === m.partitions.length) return answer('NONE');
    const next = withPartitions(m, req, this.deps.config.maxPartitionsPerTransaction, nowMs);
    if (typeof next === 'string') return answer(next);
    this.plan(entry, next, { kind: 'add', requestId }, fx);
    return fx;
  }

  /**
   * KIP-890 part 1: a partition leader asks, before a producer's first
   * transactional batch there, whether the partition is in that producer's
   * open transaction (what is on disk: the producer waited for its
   * AddPartitionsToTxn answer, given once written). NONE, or the error the
   * batch is refused with — INVALID_TXN_STATE when it is not in it, so no
   * batch outside a transaction the coordinator knows can hold a
   * partition's last stable offset back.
   */
  verifyPartitions(req: AddPartitionsRequest): ErrorName {
    const m = this.entries.get(req.transactionalId)?.committed;
    if (m === undefined || m.producerId !== req.producerId) return 'INVALID_PRODUCER_ID_MAPPING';
    if (m.producerEpoch !== req.producerEpoch) return 'PRODUCER_FENCED';
    if (m.state !== 'Ongoing') return 'INVALID_TXN_STATE';
    return mergePartitions(m.partitions, req.partitions).length === m.partitions.length ? 'NONE' : 'INVALID_TXN_STATE';
  }

  /** EndTxn: answered once the outcome (Prepare*) is written; markers and Complete* follow. */
  endTxn(requestId: RequestId, req: EndTxnRequest, nowMs: number): TxnEffects {
    const fx = emptyEffects();
    const answer = (error: ErrorName): TxnEffects => {
      fx.replies.push({ kind: 'end', requestId, response: { error } });
      return fx;
    };
    const checked = this.checkProducer(req.transactionalId, req.producerId, req.producerEpoch);
    if (typeof checked === 'string') return answer(checked);
    const { entry, m } = checked;
    switch (m.state) {
      case 'Ongoing': {
        const next: TxnMetadata = { ...m, state: req.commit ? 'PrepareCommit' : 'PrepareAbort', lastUpdateMs: nowMs };
        this.plan(entry, next, { kind: 'end', requestId }, fx);
        return fx;
      }
      // A retry of an EndTxn already decided: the same outcome is fine.
      case 'CompleteCommit':
        return answer(req.commit ? 'NONE' : 'INVALID_TXN_STATE');
      case 'CompleteAbort':
        return answer(req.commit ? 'INVALID_TXN_STATE' : 'NONE');
      case 'PrepareCommit':
        return answer(req.commit ? 'CONCURRENT_TRANSACTIONS' : 'INVALID_TXN_STATE');
      case 'PrepareAbort':
        return answer(req.commit ? 'INVALID_TXN_STATE' : 'CONCURRENT_TRANSACTIONS');
      case 'Dead':
        return answer('CONCURRENT_TRANSACTIONS');
      case 'Empty':
        return answer('INVALID_TXN_STATE');
    }
  }

  /** Every partition of the transaction has its marker: write the outcome's completion. */
  markersWritten(transactionalId: string, producerEpoch: number, nowMs: number): TxnEffects {
    const fx = emptyEffects();
    const entry = this.entries.get(transactionalId);
    const m = entry?.committed;
    if (entry === undefined || m === undefined || !entry.markersInFlight || m.producerEpoch !== producerEpoch) return fx;
    entry.markersInFlight = false;
    entry.failedRounds = 0;
    const complete = completeOf(m, nowMs);
    const parked = entry.parkedAdd;
    if (parked !== undefined) {
      // The producer's next transaction waits on this write: its Ongoing goes in the
      // same batch as this one's Complete* (one acks=all round trip, not two in a row).
      entry.parkedAdd = undefined;
      const next = withPartitions(complete, parked.req, this.deps.config.maxPartitionsPerTransaction, nowMs);
      if (typeof next !== 'string') {
        this.plan(entry, next, { kind: 'add', requestId: parked.requestId }, fx, { completes: complete });
        return fx;
      }
      fx.replies.push({ kind: 'add', requestId: parked.requestId, response: { error: next } });
    }
    this.plan(entry, complete, { kind: 'complete' }, fx);
    return fx;
  }

  /** Some marker could not be written (a partition without leader): try again after the backoff. */
  markersFailed(transactionalId: string, producerEpoch: number, nowMs: number): TxnEffects {
    const entry = this.entries.get(transactionalId);
    if (entry !== undefined && entry.markersInFlight && entry.committed?.producerEpoch === producerEpoch) {
      entry.markersInFlight = false;
      entry.retryAtMs = nowMs + Math.min(this.deps.config.retryBackoffMs * 2 ** entry.failedRounds, MAX_RETRY_BACKOFF_MS);
      entry.failedRounds++;
    }
    return emptyEffects();
  }

  /** The driver wrote (or failed to write: `error`) `append`. */
  appendCompleted(append: TxnAppend, error: ErrorName | undefined, nowMs: number): TxnEffects {
    const fx = emptyEffects();
    const entry = this.entries.get(append.transactionalId);
    assert(entry !== undefined && entry.pending !== undefined, `transactional id ${append.transactionalId}: a write completed with no transition pending`);
    const next = entry.pending;
    entry.pending = undefined;
    const c = append.completion;
    if (error !== undefined) {
      this.writeFailed(entry, append.transactionalId, c, appendErrorForClient(error), nowMs, fx);
      // The previous transaction's Complete* went down with it: it is decided, so write it again later.
      if (append.completes !== undefined) entry.retryAtMs = nowMs + this.deps.config.retryBackoffMs;
      return fx;
    }
    let from: TxnState | 'None' = entry.committed?.state ?? 'None';
    if (next === null) {
      this.entries.delete(append.transactionalId);
      return fx;
    }
    if (append.completes !== undefined) {
      fx.events.push(eventOf(append.completes, from, 'complete'));
      from = append.completes.state;
    }
    entry.committed = next;
    entry.retryAtMs = undefined;
    fx.events.push(eventOf(next, from, reasonOf(c)));
    switch (c.kind) {
      case 'init':
        fx.replies.push({ kind: 'init', requestId: c.requestId, response: { error: 'NONE', producerId: next.producerId, producerEpoch: next.producerEpoch } });
        break;
      case 'add':
      case 'end':
        fx.replies.push({ kind: c.kind, requestId: c.requestId, response: { error: 'NONE' } });
        break;
      case 'fence':
        if (c.requestId !== undefined) fx.replies.push({ kind: 'init', requestId: c.requestId, response: { error: 'CONCURRENT_TRANSACTIONS', producerId: -1n, producerEpoch: -1 } });
        break;
      case 'complete':
      case 'expire':
        break;
    }
    if (next.state === 'PrepareCommit' || next.state === 'PrepareAbort') this.sendMarkers(entry, next, fx);
    else if (entry.parkedAdd !== undefined) {
      // The previous transaction is complete: the next one's first AddPartitions goes now.
      const parked = entry.parkedAdd;
      entry.parkedAdd = undefined;
      const more = this.addPartitions(parked.requestId, parked.req, nowMs);
      fx.replies.push(...more.replies);
      fx.appends.push(...more.appends);
    }
    return fx;
  }

  /** Time passed: abort timed-out transactions, expire idle transactional ids, retry failed markers. */
  tick(nowMs: number): TxnEffects {
    const fx = emptyEffects();
    const abortScan = nowMs >= this.nextAbortScanMs;
    const expiryScan = nowMs >= this.nextExpiryScanMs;
    if (abortScan) this.nextAbortScanMs = nowMs + this.deps.abortScanIntervalMs;
    if (expiryScan) this.nextExpiryScanMs = nowMs + this.deps.expiryScanIntervalMs;
    for (const entry of this.entries.values()) {
      const m = entry.committed;
      if (m === undefined || entry.pending !== undefined) continue;
      if (entry.retryAtMs !== undefined && entry.retryAtMs <= nowMs) {
        entry.retryAtMs = undefined;
        this.sendMarkers(entry, m, fx);
      } else if (abortScan && m.state === 'Ongoing' && m.txnStartMs + m.timeoutMs <= nowMs) {
        this.planFenceAbort(entry, m, { kind: 'fence', requestId: undefined }, nowMs, fx);
      } else if (expiryScan && isIdle(m.state) && m.lastUpdateMs + this.deps.config.transactionalIdExpirationMs <= nowMs) {
        this.plan(entry, null, { kind: 'expire' }, fx, { current: m });
      }
    }
    return fx;
  }

  /** When `tick` has something to do next (wall-clock ms). */
  nextDeadlineMs(): number {
    let next = Math.min(this.nextAbortScanMs, this.nextExpiryScanMs);
    for (const e of this.entries.values()) if (e.retryAtMs !== undefined && e.retryAtMs < next) next = e.retryAtMs;
    return next;
  }

  describe(transactionalIds: readonly string[]): DescribedTransaction[] {
    return transactionalIds.map((id) => {
      const m = this.entries.get(id)?.committed;
      if (m === undefined) {
        return { transactionalId: id, error: 'TRANSACTIONAL_ID_NOT_FOUND', state: 'Unknown', producerId: -1n, producerEpoch: -1, timeoutMs: -1, txnStartMs: -1, partitions: [] };
      }
      return { transactionalId: id, error: 'NONE', state: m.state, producerId: m.producerId, producerEpoch: m.producerEpoch, timeoutMs: m.timeoutMs, txnStartMs: m.txnStartMs, partitions: m.partitions };
    });
  }

  /**
   * ListTransactions: filters are ANDed, an empty filter matches all (Kafka's
   * semantics). `durationFilterMs` ≥ 0 (v1, KIP-994) keeps only transactions
   * running longer than that at `nowMs`; one not running (no start time) is not.
   */
  list(states: readonly string[], producerIds: readonly bigint[], durationFilterMs = -1, nowMs = 0): ListedTransaction[] {
    const out: ListedTransaction[] = [];
    for (const e of this.entries.values()) {
      const m = e.committed;
      if (m === undefined) continue;
      if (states.length > 0 && !states.includes(m.state)) continue;
      if (producerIds.length > 0 && !producerIds.includes(m.producerId)) continue;
      if (durationFilterMs >= 0 && (m.txnStartMs < 0 || nowMs - m.txnStartMs <= durationFilterMs)) continue;
      out.push({ transactionalId: m.transactionalId, producerId: m.producerId, state: m.state });
    }
    return out;
  }

  // ---- internals ----------------------------------------------------------

  /** The checks AddPartitions and EndTxn share (Kafka's order): mapping, epoch, transition in flight. */
  private checkProducer(transactionalId: string, producerId: bigint, producerEpoch: number): { entry: Entry; m: TxnMetadata } | ErrorName {
    if (transactionalId === '') return 'INVALID_REQUEST';
    const entry = this.entries.get(transactionalId);
    const m = entry?.committed;
    if (entry === undefined || m === undefined) return entry === undefined ? 'INVALID_PRODUCER_ID_MAPPING' : 'CONCURRENT_TRANSACTIONS';
    if (m.producerId !== producerId) return 'INVALID_PRODUCER_ID_MAPPING';
    if (m.producerEpoch !== producerEpoch) return 'PRODUCER_FENCED';
    if (entry.pending !== undefined) return 'CONCURRENT_TRANSACTIONS';
    return { entry, m };
  }

  /** Abort the open transaction with a bumped epoch (the old producer is fenced by the markers). */
  private planFenceAbort(entry: Entry, m: TxnMetadata, completion: TxnCompletion, nowMs: number, fx: TxnEffects): void {
    // An exhausted epoch cannot be bumped: the abort uses it as is (the next InitProducerId rotates the id).
    const bumped = isEpochExhausted(m.producerEpoch) ? m.producerEpoch : m.producerEpoch + 1;
    const next: TxnMetadata = { ...m, state: 'PrepareAbort', producerEpoch: bumped, lastProducerEpoch: m.producerEpoch, lastUpdateMs: nowMs };
    this.plan(entry, next, completion, fx);
  }

  /**
   * Records a transition as pending and asks the driver to write it;
   * `completes`: a Complete* state written just before it, in the same batch.
   */
  private plan(entry: Entry, next: TxnMetadata | null, completion: TxnCompletion, fx: TxnEffects, extra: { current?: TxnMetadata; completes?: TxnMetadata } = {}): void {
    assert(entry.pending === undefined, 'a second transition was planned while one is being written');
    const legal = (from: TxnState | undefined, to: TxnState): void =>
      // Invariant (Kafka's validPreviousStates): every written transition is a legal one.
      assert(from === undefined ? to === 'Empty' : VALID_PREVIOUS_STATES[to].includes(from), `illegal transaction state transition ${from ?? 'None'} -> ${to}`);
    const to: TxnState = next === null ? 'Dead' : next.state;
    if (extra.completes !== undefined) {
      legal(entry.committed?.state, extra.completes.state);
      legal(extra.completes.state, to);
    } else legal(entry.committed?.state, to);
    entry.pending = next;
    const transactionalId = (next ?? extra.current ?? entry.committed)!.transactionalId;
    fx.appends.push({ transactionalId, value: next, completion, ...(extra.completes !== undefined ? { completes: extra.completes } : {}) });
  }

  private sendMarkers(entry: Entry, m: TxnMetadata, fx: TxnEffects): void {
    if (m.state !== 'PrepareCommit' && m.state !== 'PrepareAbort') return;
    entry.markersInFlight = true;
    fx.markers.push({
      transactionalId: m.transactionalId,
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      commit: m.state === 'PrepareCommit',
      coordinatorEpoch: this.deps.coordinatorEpoch,
      partitions: m.partitions,
    });
  }

  private writeFailed(entry: Entry, transactionalId: string, c: TxnCompletion, error: ErrorName, nowMs: number, fx: TxnEffects): void {
    // Nothing was decided: what is on disk stands.
    if (entry.committed === undefined) this.entries.delete(transactionalId);
    switch (c.kind) {
      case 'init':
        fx.replies.push({ kind: 'init', requestId: c.requestId, response: { error, producerId: -1n, producerEpoch: -1 } });
        break;
      case 'fence':
        if (c.requestId !== undefined) fx.replies.push({ kind: 'init', requestId: c.requestId, response: { error, producerId: -1n, producerEpoch: -1 } });
        break;
      case 'add':
      case 'end':
        fx.replies.push({ kind: c.kind, requestId: c.requestId, response: { error } });
        break;
      case 'complete':
        // The outcome is decided (Prepare* is on disk): write it again later.
        entry.retryAtMs = nowMs + this.deps.config.retryBackoffMs;
        break;
      case 'expire':
        break;
    }
  }
}

function emptyMetadata(transactionalId: string, producerId: bigint, epoch: number, timeoutMs: number, nowMs: number): TxnMetadata {
  return {
    transactionalId,
    producerId,
    lastProducerId: -1n,
    producerEpoch: epoch,
    lastProducerEpoch: -1,
    timeoutMs,
    state: 'Empty',
    partitions: [],
    txnStartMs: -1,
    lastUpdateMs: nowMs,
  };
}

/** A decided transaction (Prepare*) once every marker is written. */
function completeOf(m: TxnMetadata, nowMs: number): TxnMetadata {
  return { ...m, state: m.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort', partitions: [], txnStartMs: -1, lastUpdateMs: nowMs };
}

/**
 * `m` (Ongoing, Empty or Complete*) with the request's partitions in its
 * open transaction — started now unless it was open — or INVALID_REQUEST
 * past `maxPartitions`.
 */
function withPartitions(m: TxnMetadata, req: AddPartitionsRequest, maxPartitions: number, nowMs: number): TxnMetadata | ErrorName {
  const open = m.state === 'Ongoing';
  const partitions = mergePartitions(open ? m.partitions : [], req.partitions);
  if (partitions.length > maxPartitions) return 'INVALID_REQUEST';
  return { ...m, state: 'Ongoing', partitions, txnStartMs: open ? m.txnStartMs : nowMs, lastUpdateMs: nowMs };
}

function isIdle(state: TxnState): boolean {
  return state === 'Empty' || state === 'CompleteCommit' || state === 'CompleteAbort';
}

/** The union of two partition lists, sorted by topic then partition. */
export function mergePartitions(a: readonly TopicPartition[], b: readonly TopicPartition[]): TopicPartition[] {
  const byKey = new Map<string, TopicPartition>();
  for (const tp of [...a, ...b]) byKey.set(`${tp.topic}\u0000${tp.partition}`, { topic: tp.topic, partition: tp.partition });
  return [...byKey.values()].sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition));
}

function reasonOf(c: TxnCompletion): TxnEvent['reason'] {
  switch (c.kind) {
    case 'init':
      return 'init';
    case 'add':
      return 'add-partitions';
    case 'end':
      return 'end-txn';
    case 'fence':
      return c.requestId === undefined ? 'timeout' : 'fence';
    case 'complete':
      return 'complete';
    case 'expire':
      return 'expire';
  }
}

function eventOf(m: TxnMetadata, from: TxnState | 'None', reason: TxnEvent['reason']): TxnEvent {
  return { transactionalId: m.transactionalId, from, to: m.state, producerId: m.producerId, producerEpoch: m.producerEpoch, reason };
}
