import { isGregorError, systemClock, type Clock, type ErrorName, type Logger } from '@gregor/common';
import { decodeKeyedBatches, encodeKeyedBatch, partitionForKey, ShardHosts, type CoordinatorLogPort, type ShardKind } from '@gregor/coordinator-runtime';
import type { TransactionCoordinatorConfig } from './config';
import { txnAppendRecords, type TxnAppend, type TxnEffects, type TxnEvent } from './effects';
import { TransactionLoader } from './loader';
import { decodeTxnRecord, encodeTxnRecord, TRANSACTION_STATE_TOPIC } from './records';
import { TransactionShard, type TransactionShardDeps } from './transaction-shard';
import type {
  AddPartitionsRequest,
  AddPartitionsResponse,
  DescribedTransaction,
  EndTxnRequest,
  EndTxnResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  ListedTransaction,
  Reply,
  TxnMarkerRequest,
} from './types';

/**
 * Writes a transaction's COMMIT/ABORT control batch into each of its
 * partitions (WriteTxnMarkers to their leaders); resolves once every one
 * has it, rejects if any could not be written (the shard retries after a
 * backoff — markers are idempotent on the partitions).
 */
export interface TxnMarkerPort {
  writeMarkers(request: TxnMarkerRequest): Promise<void>;
}

export interface TransactionCoordinatorRuntimeOptions {
  config: TransactionCoordinatorConfig;
  log: CoordinatorLogPort;
  markers: TxnMarkerPort;
  logger: Logger;
  clock?: Clock;
  /** Kafka's transaction.abort.timed.out.transaction.cleanup.interval.ms (10 s). */
  abortScanIntervalMs?: number;
  /** Kafka's transactional.id.expiration check interval (1 h). */
  expiryScanIntervalMs?: number;
  /** Requests waiting for a write, over all partitions; beyond it COORDINATOR_NOT_AVAILABLE. */
  maxWaitingRequests?: number;
  loadReadMaxBytes?: number;
  maxRecordsPerWrite?: number;
}

/**
 * The transaction coordinator of one broker: a ShardHost per
 * __transaction_state partition it leads (loaded on election; requests get
 * COORDINATOR_LOAD_IN_PROGRESS meanwhile, NOT_COORDINATOR for partitions it
 * does not lead), which also sends each shard's markers through the
 * TxnMarkerPort and reports the outcome back. Callers route by
 * `partitionForTransactionalId`; this class never looks at metadata.
 */
export class TransactionCoordinatorRuntime {
  private readonly hosts: ShardHosts<TransactionShard, TxnAppend, Reply, TxnEffects>;
  private readonly clock: Clock;
  private readonly maxWaiting: number;
  private nextRequestId = 1;

  constructor(private readonly opts: TransactionCoordinatorRuntimeOptions) {
    this.clock = opts.clock ?? systemClock;
    this.maxWaiting = opts.maxWaitingRequests ?? 100_000;
    this.hosts = new ShardHosts({
      what: 'transactions',
      log: opts.log,
      logger: opts.logger,
      kind: (leaderEpoch) => this.kind(leaderEpoch),
      ...(opts.loadReadMaxBytes !== undefined ? { loadReadMaxBytes: opts.loadReadMaxBytes } : {}),
      ...(opts.maxRecordsPerWrite !== undefined ? { maxRecordsPerWrite: opts.maxRecordsPerWrite } : {}),
    });
  }

  /** This broker became leader of `partition` in `leaderEpoch`: load its transactions. Idempotent per epoch. */
  onElection(partition: number, leaderEpoch: number): void {
    this.hosts.onElection(partition, leaderEpoch);
  }

  onResignation(partition: number, leaderEpoch?: number): Promise<void> {
    return this.hosts.onResignation(partition, leaderEpoch);
  }

  partitionState(partition: number): 'active' | 'loading' | 'none' {
    return this.hosts.partitionState(partition);
  }

  coordinatedEpoch(partition: number): number | undefined {
    return this.hosts.coordinatedEpoch(partition);
  }

  coordinatedPartitions(): number[] {
    return this.hosts.coordinatedPartitions();
  }

  /** `allocateProducerId` is asked only when the id is new or its epoch exhausted. */
  async initProducerId(partition: number, req: InitProducerIdRequest, allocateProducerId: () => Promise<bigint>): Promise<InitProducerIdResponse> {
    const fail = (error: ErrorName): InitProducerIdResponse => ({ error, producerId: -1n, producerEpoch: -1 });
    const before = await this.hosts.activeSoon(partition);
    if (typeof before === 'string') return fail(before);
    let fresh = -1n;
    if (before.read((s) => s.needsFreshProducerId(req.transactionalId))) {
      try {
        fresh = await allocateProducerId();
      } catch (err) {
        return fail(isGregorError(err) ? err.errorName : 'COORDINATOR_NOT_AVAILABLE');
      }
    }
    const r = await this.call(partition, (s, id, now) => s.initProducerId(id, req, fresh, now));
    return typeof r === 'string' ? fail(r) : expectKind(r, 'init').response;
  }

  async addPartitions(partition: number, req: AddPartitionsRequest): Promise<AddPartitionsResponse> {
    const r = await this.call(partition, (s, id, now) => s.addPartitions(id, req, now));
    return typeof r === 'string' ? { error: r } : expectKind(r, 'add').response;
  }

  /** KIP-890 part 1: whether the partitions are in the producer's open transaction (TransactionShard.verifyPartitions). */
  verifyPartitions(partition: number, req: AddPartitionsRequest): ErrorName {
    const host = this.hosts.active(partition);
    return typeof host === 'string' ? host : host.read((s) => s.verifyPartitions(req));
  }

  async endTxn(partition: number, req: EndTxnRequest): Promise<EndTxnResponse> {
    const r = await this.call(partition, (s, id, now) => s.endTxn(id, req, now));
    return typeof r === 'string' ? { error: r } : expectKind(r, 'end').response;
  }

  describe(partition: number, transactionalIds: readonly string[]): DescribedTransaction[] {
    const host = this.hosts.active(partition);
    if (typeof host === 'string') {
      return transactionalIds.map((transactionalId) => ({ transactionalId, error: host, state: 'Unknown' as const, producerId: -1n, producerEpoch: -1, timeoutMs: -1, txnStartMs: -1, partitions: [] }));
    }
    return host.read((s) => s.describe(transactionalIds));
  }

  /** ListTransactions over every partition coordinated here; COORDINATOR_LOAD_IN_PROGRESS while any loads. */
  list(states: readonly string[], producerIds: readonly bigint[], durationFilterMs = -1): { error: ErrorName; transactions: ListedTransaction[] } {
    const nowMs = this.clock.nowMs();
    const { error, items } = this.hosts.readAll((s) => s.list(states, producerIds, durationFilterMs, nowMs));
    return { error, transactions: items };
  }

  stop(): Promise<void> {
    return this.hosts.stop();
  }

  private kind(leaderEpoch: number): ShardKind<TransactionShard, TxnAppend, Reply, TxnEffects> {
    const deps: TransactionShardDeps = {
      config: this.opts.config,
      coordinatorEpoch: leaderEpoch,
      abortScanIntervalMs: this.opts.abortScanIntervalMs ?? 10_000,
      expiryScanIntervalMs: this.opts.expiryScanIntervalMs ?? 3_600_000,
    };
    return {
      what: 'transactions',
      nowMs: () => this.clock.nowMs(),
      newLoader: () => {
        const loader = new TransactionLoader();
        let skipped = 0;
        return {
          replay: (bytes, fromOffset) => {
            const decoded = decodeKeyedBatches(bytes, fromOffset, (key, value) => (key === null || key.length < 2 || key.readInt16BE(0) !== 0 ? undefined : decodeTxnRecord(key, value)));
            for (const e of decoded.entries) if (e.kind === 'record') loader.replay(e.record);
            skipped += decoded.skipped;
            return decoded.nextOffset;
          },
          build: (nowMs) => TransactionShard.load(deps, loader.state(), nowMs),
          summary: (shard) => ({ transactionalIds: shard.size, records: loader.recordsReplayed, skipped }),
        };
      },
      encode: (appends) => encodeKeyedBatch(appends.flatMap(txnAppendRecords).map(encodeTxnRecord), this.clock.nowMs()),
      recordCount: (a) => txnAppendRecords(a).length,
      onEffects: (fx, partition) => {
        for (const e of fx.events) this.logEvent(e, partition);
        for (const m of fx.markers) this.sendMarkers(partition, leaderEpoch, m);
      },
    };
  }

  private logEvent(e: TxnEvent, partition: number): void {
    const fields = { transactionalId: e.transactionalId, producerId: e.producerId.toString(), producerEpoch: e.producerEpoch, partition: `${TRANSACTION_STATE_TOPIC}-${partition}` };
    const line = `transaction ${e.from} -> ${e.to} (${e.reason})`;
    if (e.reason === 'add-partitions' || e.reason === 'end-txn' || e.reason === 'complete') this.opts.logger.debug(line, fields);
    else this.opts.logger.info(line, fields);
  }

  /** One marker round per transaction at a time (the shard ensures it); its outcome goes back to the shard. */
  private sendMarkers(partition: number, leaderEpoch: number, m: TxnMarkerRequest): void {
    const report = (ok: boolean): void => {
      const host = this.hosts.get(partition);
      if (host === undefined || host.leaderEpoch !== leaderEpoch) return;
      host.mutate((s, now) => (ok ? s.markersWritten(m.transactionalId, m.producerEpoch, now) : s.markersFailed(m.transactionalId, m.producerEpoch, now)));
    };
    // Deferred: the host is still applying the effects that asked for it.
    setImmediate(() => {
      this.opts.markers.writeMarkers(m).then(
        () => report(true),
        (err: unknown) => {
          this.opts.logger.warn('writing transaction markers failed', { transactionalId: m.transactionalId, error: err instanceof Error ? err.message : String(err) });
          report(false);
        },
      );
    });
  }

  private async call(partition: number, run: (s: TransactionShard, requestId: number, nowMs: number) => TxnEffects): Promise<Reply | ErrorName> {
    const host = await this.hosts.activeSoon(partition);
    if (typeof host === 'string') return host;
    if (this.hosts.waitingRequests >= this.maxWaiting) return 'COORDINATOR_NOT_AVAILABLE';
    const id = this.nextRequestId++;
    const reply = await host.call(id, (s, now) => run(s, id, now));
    return reply ?? 'NOT_COORDINATOR';
  }
}

function expectKind<K extends Reply['kind']>(r: Reply, kind: K): Extract<Reply, { kind: K }> {
  if (r.kind !== kind) throw new Error(`transaction coordinator answered a ${kind} request with a ${r.kind} reply`);
  return r as Extract<Reply, { kind: K }>;
}

/** A transactional id's __transaction_state partition: Kafka's abs(String.hashCode) % partitions, as for groups. */
export function partitionForTransactionalId(transactionalId: string, partitionCount: number): number {
  return partitionForKey(transactionalId, partitionCount);
}
