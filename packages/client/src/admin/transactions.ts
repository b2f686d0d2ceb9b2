import { GregorError } from '@gregor/common';
import type { BrokerConnection } from '../broker-connection';
import type { Cluster } from '../cluster';
import { GroupCoordinator } from '../consumer/group/coordinator';
import { errorFromWire } from '../errors';
import type { ResolvedClientOptions } from '../options';
import { int64 } from '../wire';
import { askEveryBroker, perItemWithRetry } from './per-item';

/** A transactional id as ListTransactions names it. */
export interface TransactionListing {
  transactionalId: string;
  producerId: bigint;
  /** Kafka's state names: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort. */
  state: string;
}

/** A transactional id as its coordinator describes it (DescribeTransactions). */
export interface TransactionDescription extends TransactionListing {
  coordinator: number;
  producerEpoch: number;
  timeoutMs: number;
  /** When the open transaction started (ms since the epoch); null when none is open. */
  startTimeMs: number | null;
  /** The partitions of the open transaction. */
  partitions: { topic: string; partition: number }[];
}

/** A producer with state in a partition (DescribeProducers, KIP-664). */
export interface ProducerStateDescription {
  producerId: bigint;
  producerEpoch: number;
  /** -1 when the partition keeps no batch of the current epoch. */
  lastSequence: number;
  lastTimestamp: bigint;
  /** The first offset of the producer's open transaction in the partition; null when none is open. */
  currentTransactionStartOffset: bigint | null;
}

/** Which open transaction of a partition to abort (Kafka's AbortTransactionSpec). */
export interface AbortTransactionSpec {
  topic: string;
  partition: number;
  producerId: bigint;
  /** The epoch of the open transaction (or newer: an ABORT marker of a newer epoch also fences the producer). */
  producerEpoch: number;
  /** Kafka's coordinator epoch of the marker; Gregor's partitions do not check it. Default -1. */
  coordinatorEpoch?: number;
}

/** Kafka's Admin listTransactions / describeTransactions / describeProducers / abortTransaction (KIP-664). */
export class TransactionAdmin {
  constructor(
    private readonly cluster: Cluster,
    private readonly client: ResolvedClientOptions,
  ) {}

  private deadline(timeoutMs: number | undefined): number {
    return this.client.clock.monotonicMs() + (timeoutMs ?? this.client.defaultApiTimeoutMs);
  }

  /**
   * Every broker lists the transactional ids it coordinates; filters are ANDed (empty: all).
   * `durationFilterMs`: only transactions running longer than that (KIP-994), as kafka-transactions.sh list --duration-filter.
   */
  async listTransactions(opts: { states?: readonly string[]; producerIds?: readonly bigint[]; durationFilterMs?: number; timeoutMs?: number } = {}): Promise<TransactionListing[]> {
    const answers = await askEveryBroker(this.cluster, { deadlineMs: this.deadline(opts.timeoutMs), random: this.client.random }, async (conn) => {
      const res = await conn.call('ListTransactions', {
        stateFilters: [...(opts.states ?? [])],
        producerIdFilters: (opts.producerIds ?? []).map(String),
        ...(opts.durationFilterMs !== undefined ? { durationFilterMs: String(opts.durationFilterMs) } : {}),
      });
      return (
        errorFromWire(res.error) ??
        res.transactionStates.map((t): TransactionListing => ({ transactionalId: t.transactionalId, producerId: int64(t.producerId), state: t.transactionState }))
      );
    });
    const byId = new Map<string, TransactionListing>();
    for (const list of answers) for (const t of list) byId.set(t.transactionalId, t);
    return [...byId.values()].sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0));
  }

  /** Each id from its coordinator (FindCoordinator key type 1); TRANSACTIONAL_ID_NOT_FOUND for an unknown one. */
  async describeTransactions(transactionalIds: readonly string[], opts: { timeoutMs?: number } = {}): Promise<TransactionDescription[]> {
    const deadline = this.deadline(opts.timeoutMs);
    const results = await perItemWithRetry<string, TransactionDescription>(
      [...new Set(transactionalIds)],
      (id) => id,
      async (pending) => {
        const out = new Map<string, TransactionDescription | GregorError>();
        await Promise.all(
          pending.map(async (id) => {
            const coordinator = new GroupCoordinator(this.cluster, id, { retry: this.client.retry, logger: this.client.logger, random: this.client.random, now: () => this.client.clock.monotonicMs() }, 1);
            try {
              const res = await coordinator.call('DescribeTransactions', { transactionalIds: [id] }, deadline);
              const t = res.transactionStates.find((x) => x.transactionalId === id);
              if (t === undefined) throw new GregorError('UNKNOWN_SERVER_ERROR', `DescribeTransactions answer has no "${id}"`);
              const err = errorFromWire(t.error, { transactionalId: id });
              if (err !== undefined) throw err;
              const start = Number(int64(t.transactionStartTimeMs));
              out.set(id, {
                transactionalId: id,
                coordinator: coordinator.nodeId ?? -1,
                producerId: int64(t.producerId),
                producerEpoch: t.producerEpoch,
                state: t.transactionState,
                timeoutMs: t.transactionTimeoutMs,
                startTimeMs: start < 0 ? null : start,
                partitions: t.topics.flatMap((tp) => tp.partitions.map((partition) => ({ topic: tp.name, partition }))),
              });
            } catch (err) {
              out.set(id, err instanceof GregorError ? err : new GregorError('UNKNOWN_SERVER_ERROR', String(err)));
            }
          }),
        );
        return out;
      },
      { cluster: this.cluster, deadlineMs: deadline, retriable: (e) => e.retriable, random: this.client.random },
    );
    const out: TransactionDescription[] = [];
    for (const id of new Set(transactionalIds)) {
      const r = results.get(id);
      if (r instanceof GregorError) throw r;
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  /** DescribeProducers from the partition's leader: its producers and the transactions they have open there. */
  async describeProducers(topic: string, partition: number, opts: { timeoutMs?: number } = {}): Promise<ProducerStateDescription[]> {
    return this.onLeader(topic, partition, opts.timeoutMs, async (conn) => {
      const res = await conn.call('DescribeProducers', { topics: [{ name: topic, partitions: [partition] }] });
      const p = res.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partition === partition);
      if (p === undefined) return new GregorError('UNKNOWN_SERVER_ERROR', `DescribeProducers answer has no ${topic}-${partition}`);
      return (
        errorFromWire(p.error, { topic, partition }) ??
        p.activeProducers.map((a): ProducerStateDescription => {
          const start = int64(a.currentTxnStartOffset);
          return { producerId: int64(a.producerId), producerEpoch: a.producerEpoch, lastSequence: a.lastSequence, lastTimestamp: int64(a.lastTimestamp), currentTransactionStartOffset: start < 0n ? null : start };
        })
      );
    });
  }

  /**
   * Writes an ABORT marker for the producer's open transaction into the
   * partition (WriteTxnMarkers to its leader, as Kafka's Admin does): for a
   * hanging transaction that no coordinator will finish, which holds the
   * partition's last stable offset back. read_committed consumers then skip
   * its records.
   */
  async abortTransaction(spec: AbortTransactionSpec, opts: { timeoutMs?: number } = {}): Promise<void> {
    const { topic, partition } = spec;
    await this.onLeader(topic, partition, opts.timeoutMs, async (conn) => {
      const res = await conn.call('WriteTxnMarkers', {
        markers: [
          {
            producerId: spec.producerId.toString(),
            producerEpoch: spec.producerEpoch,
            transactionResult: false,
            coordinatorEpoch: spec.coordinatorEpoch ?? -1,
            topics: [{ name: topic, partitions: [partition] }],
          },
        ],
      });
      const p = res.markers[0]?.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partition === partition);
      if (p === undefined) return new GregorError('UNKNOWN_SERVER_ERROR', `WriteTxnMarkers answer has no ${topic}-${partition}`);
      return errorFromWire(p.error, { topic, partition }) ?? true;
    });
  }

  /** One call to the partition's leader, retried (with fresh metadata when the leader moved) until the deadline. */
  private async onLeader<R>(topic: string, partition: number, timeoutMs: number | undefined, ask: (conn: BrokerConnection) => Promise<R | GregorError>): Promise<R> {
    const name = `${topic}-${partition}`;
    if (this.cluster.metadata.topic(topic) === undefined) await this.cluster.refreshMetadata([topic]).catch(() => undefined);
    const results = await perItemWithRetry<string, R>(
      [name],
      (n) => n,
      async () => {
        const leader = this.cluster.leaderOf(topic, partition);
        const conn = leader === undefined ? undefined : this.cluster.connectionForNode(leader);
        if (conn === undefined) return new Map([[name, new GregorError('LEADER_NOT_AVAILABLE', `${name} has no known leader`, { topic, partition })]]);
        return new Map([[name, await ask(conn)]]);
      },
      { cluster: this.cluster, deadlineMs: this.deadline(timeoutMs), retriable: (e) => e.retriable, random: this.client.random },
    );
    const r = results.get(name)!;
    if (r instanceof GregorError) throw r;
    return r;
  }
}
