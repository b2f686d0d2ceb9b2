import { GregorError, type ErrorName } from '@gregor/common';
import { OFFSETS_TOPIC, partitionForGroup } from '@gregor/group-coordinator';
import { TXN_STATES, type TopicPartition } from '@gregor/transaction-coordinator';
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  DescribeProducersRequest,
  DescribeProducersResponse,
  DescribeTransactionsRequest,
  DescribeTransactionsResponse,
  EndTxnRequest,
  EndTxnResponse,
  ListTransactionsRequest,
  ListTransactionsResponse,
  TxnTopicPartitions,
} from '../api/transactions';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';

/**
 * The transaction coordinator's APIs: routed to the transactional id's
 * __transaction_state partition; NOT_COORDINATOR when this broker does not
 * coordinate it (the client asks FindCoordinator with key type 1 again).
 */

const MESSAGES: Partial<Record<ErrorName, string>> = {
  NOT_COORDINATOR: 'this broker is not the coordinator of the transactional id; find it again with FindCoordinator (key type 1)',
  COORDINATOR_LOAD_IN_PROGRESS: 'the coordinator is loading its transactions; retry shortly',
  COORDINATOR_NOT_AVAILABLE: 'the transaction coordinator is not available; retry shortly',
  CONCURRENT_TRANSACTIONS: 'a change of this transactional id is being written; retry shortly',
  PRODUCER_FENCED: 'a newer producer with the same transactional id has been initialised (or the transaction timed out)',
  INVALID_PRODUCER_ID_MAPPING: 'the producer id is not the one this transactional id has',
  INVALID_TXN_STATE: 'the request does not fit the transaction’s state',
  INVALID_TRANSACTION_TIMEOUT: 'transaction.timeout.ms must be positive and at most transaction.max.timeout.ms',
};

/** A coordinator's error name as a response error; null for NONE. */
export function txnError(name: ErrorName, outcome: RequestOutcome, detail?: string): GregorError | null {
  if (name === 'NONE') return null;
  return outcome.fail(new GregorError(name, detail ?? MESSAGES[name] ?? name.toLowerCase().replace(/_/g, ' ')));
}

function partitionOf(ctx: BrokerContext, transactionalId: string): Promise<number | undefined> {
  return ctx.transactions.partitionForSoon(transactionalId);
}

function flatten(topics: readonly TxnTopicPartitions[]): TopicPartition[] {
  return topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
}

function checkTopicNames(ctx: BrokerContext, topics: readonly TxnTopicPartitions[]): string | undefined {
  for (const t of topics) {
    const view = ctx.metadata.topic(t.name);
    if (view === undefined) return `unknown topic "${t.name}"`;
    for (const p of t.partitions) if (p < 0 || p >= view.partitions.length) return `unknown partition ${t.name}-${p}`;
  }
  return undefined;
}

export async function handleAddPartitionsToTxn(ctx: BrokerContext, req: AddPartitionsToTxnRequest, outcome: RequestOutcome): Promise<AddPartitionsToTxnResponse> {
  const answer = (name: ErrorName, detail?: string): AddPartitionsToTxnResponse => {
    const error = txnError(name, outcome, detail);
    return { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((partition) => ({ partition, error })) })) };
  };
  const unknown = checkTopicNames(ctx, req.topics);
  if (unknown !== undefined) return answer('UNKNOWN_TOPIC_OR_PARTITION', unknown);
  const partition = await partitionOf(ctx, req.transactionalId);
  if (partition === undefined) return answer('NOT_COORDINATOR');
  const add = { transactionalId: req.transactionalId, producerId: req.producerId, producerEpoch: req.producerEpoch, partitions: flatten(req.topics) };
  if (req.verifyOnly === true) {
    const verdict = ctx.transactions.runtime.verifyPartitions(partition, add);
    return answer(verdict, verdict === 'INVALID_TXN_STATE' ? 'a partition is not in the producer’s open transaction: AddPartitionsToTxn first (KIP-890)' : undefined);
  }
  const r = await ctx.transactions.runtime.addPartitions(partition, add);
  return answer(r.error);
}

/** KIP-98: the group's __consumer_offsets partition joins the transaction, so its offsets get the marker. */
export async function handleAddOffsetsToTxn(ctx: BrokerContext, req: AddOffsetsToTxnRequest, outcome: RequestOutcome): Promise<AddOffsetsToTxnResponse> {
  if (req.groupId === '') return { error: txnError('INVALID_GROUP_ID', outcome, 'the group id is empty') };
  // As Kafka, the partition follows from the configured count even before
  // __consumer_offsets exists (it is created with that count; creation starts here).
  let offsetsPartition = ctx.groups.partitionFor(req.groupId);
  if (offsetsPartition === undefined) {
    offsetsPartition = partitionForGroup(req.groupId, ctx.config.offsetsTopicNumPartitions);
    ctx.groups.topic.ensureCreated().catch((err: unknown) => ctx.logger.debug('creating the offsets topic from AddOffsetsToTxn failed', { err: String(err) }));
  }
  const partition = await partitionOf(ctx, req.transactionalId);
  if (partition === undefined) return { error: txnError('NOT_COORDINATOR', outcome) };
  const r = await ctx.transactions.runtime.addPartitions(partition, {
    transactionalId: req.transactionalId,
    producerId: req.producerId,
    producerEpoch: req.producerEpoch,
    partitions: [{ topic: OFFSETS_TOPIC, partition: offsetsPartition }],
  });
  return { error: txnError(r.error, outcome) };
}

export async function handleEndTxn(ctx: BrokerContext, req: EndTxnRequest, outcome: RequestOutcome): Promise<EndTxnResponse> {
  const partition = await partitionOf(ctx, req.transactionalId);
  if (partition === undefined) return { error: txnError('NOT_COORDINATOR', outcome) };
  const r = await ctx.transactions.runtime.endTxn(partition, {
    transactionalId: req.transactionalId,
    producerId: req.producerId,
    producerEpoch: req.producerEpoch,
    commit: req.committed,
  });
  return { error: txnError(r.error, outcome) };
}

export async function handleDescribeTransactions(ctx: BrokerContext, req: DescribeTransactionsRequest, outcome: RequestOutcome): Promise<DescribeTransactionsResponse> {
  const transactionStates: DescribeTransactionsResponse['transactionStates'] = [];
  for (const id of new Set(req.transactionalIds)) {
    const partition = ctx.transactions.partitionFor(id);
    const d =
      partition === undefined
        ? { error: 'NOT_COORDINATOR' as const, state: 'Unknown', producerId: -1n, producerEpoch: -1, timeoutMs: -1, txnStartMs: -1, partitions: [] }
        : ctx.transactions.runtime.describe(partition, [id])[0]!;
    const byTopic = new Map<string, number[]>();
    for (const tp of d.partitions) {
      const list = byTopic.get(tp.topic);
      if (list === undefined) byTopic.set(tp.topic, [tp.partition]);
      else list.push(tp.partition);
    }
    transactionStates.push({
      transactionalId: id,
      error: txnError(d.error, outcome),
      state: d.error === 'NONE' ? d.state : '',
      timeoutMs: d.timeoutMs,
      startTimeMs: BigInt(d.txnStartMs),
      producerId: d.producerId,
      producerEpoch: d.producerEpoch,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    });
  }
  return { transactionStates };
}

/**
 * DescribeProducers (KIP-664), as the partitions' leader: every producer
 * with state there and the first offset of its open transaction — how an
 * operator finds a hanging transaction (one open long after its coordinator
 * forgot it) to abort with WriteTxnMarkers (`gregor transactions abort`).
 */
export async function handleDescribeProducers(ctx: BrokerContext, req: DescribeProducersRequest, outcome: RequestOutcome): Promise<DescribeProducersResponse> {
  return {
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition) => {
        try {
          const led = ctx.replicas.leaderForNow(t.name, partition);
          if (led === undefined) throw new GregorError('NOT_LEADER_OR_FOLLOWER', `node ${ctx.config.nodeId} is becoming the leader of ${t.name}-${partition}`, { topic: t.name, partition });
          const open = led.log.openTransactions();
          const activeProducers = [...led.log.producerStates()].map((p) => ({
            producerId: p.producerId,
            producerEpoch: p.epoch,
            lastSequence: p.batches.at(-1)?.lastSeq ?? -1,
            lastTimestamp: p.lastTimestamp,
            coordinatorEpoch: -1,
            currentTxnStartOffset: open.get(p.producerId) ?? -1n,
          }));
          return { partition, error: null, activeProducers };
        } catch (err) {
          return { partition, error: outcome.fail(err, { topic: t.name, partition }), activeProducers: [] };
        }
      }),
    })),
  };
}

export async function handleListTransactions(ctx: BrokerContext, req: ListTransactionsRequest, outcome: RequestOutcome): Promise<ListTransactionsResponse> {
  const known = new Set<string>(TXN_STATES);
  const unknownStateFilters = req.stateFilters.filter((s) => !known.has(s));
  const { error, transactions } = ctx.transactions.runtime.list(
    req.stateFilters.filter((s) => known.has(s)),
    req.producerIdFilters,
    durationFilterOf(req.durationFilterMs),
  );
  // Only unknown states asked for: nothing can match them.
  const matching = unknownStateFilters.length > 0 && unknownStateFilters.length === req.stateFilters.length ? [] : transactions;
  return {
    error: txnError(error, outcome),
    unknownStateFilters,
    transactionStates: matching.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, state: t.state })),
  };
}

/** The duration filter as ms: -1 for none; beyond 2^53 ms matches nothing, as the largest safe number does. */
function durationFilterOf(ms: bigint | undefined): number {
  if (ms === undefined || ms < 0n) return -1;
  return ms > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(ms);
}
