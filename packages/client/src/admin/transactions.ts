import { GregorError } from '@gregor/common';
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

/** Kafka's Admin listTransactions / describeTransactions (KIP-664). */
export class TransactionAdmin {
  constructor(
    private readonly cluster: Cluster,
    private readonly client: ResolvedClientOptions,
  ) {}

  private deadline(timeoutMs: number | undefined): number {
    return this.client.clock.monotonicMs() + (timeoutMs ?? this.client.defaultApiTimeoutMs);
  }

  /** Every broker lists the transactional ids it coordinates; filters are ANDed (empty: all). */
  async listTransactions(opts: { states?: readonly string[]; producerIds?: readonly bigint[]; timeoutMs?: number } = {}): Promise<TransactionListing[]> {
    const answers = await askEveryBroker(this.cluster, { deadlineMs: this.deadline(opts.timeoutMs), random: this.client.random }, async (conn) => {
      const res = await conn.call('ListTransactions', { stateFilters: [...(opts.states ?? [])], producerIdFilters: (opts.producerIds ?? []).map(String) });
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
}
