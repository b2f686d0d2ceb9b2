import { GregorError, tpKey, type ErrorName } from '@gregor/common';
import { BATCH_HEADER_SIZE, isControlBatch, isTransactionalBatch, readBatchHeader } from '@gregor/record-batch';
import type { TopicPartition } from '@gregor/transaction-coordinator';
import type { ProduceRequest } from '../api/produce';
import type { BrokerContext } from '../broker-context';

/**
 * KIP-890 part 1 on the produce path: a client's transactional batch opens
 * a transaction on its partition unless its producer has one open there
 * already; before that first batch, the leader checks with the
 * transactional id's coordinator that the partition is in the producer's
 * open transaction (TxnVerification). Returns the refusals by partition
 * key, or undefined — synchronously, so a request with nothing to verify
 * does not wait — when no partition needs the check:
 * - a transactional batch in a request without a transactional id:
 *   INVALID_REQUEST (the leader cannot find the coordinator);
 * - not in the transaction: INVALID_TXN_STATE (Kafka's answer);
 * - a fenced or unknown producer: INVALID_PRODUCER_EPOCH / INVALID_PRODUCER_ID_MAPPING;
 * - the coordinator unreachable, loading or moving: NOT_ENOUGH_REPLICAS,
 *   retriable, as Kafka answers producers there.
 */
export function checkTransactionalProduce(ctx: BrokerContext, req: ProduceRequest): Promise<Map<string, GregorError>> | undefined {
  const toVerify = new Map<string, { producerId: bigint; producerEpoch: number; partitions: TopicPartition[] }>();
  const refused = new Map<string, GregorError>();
  for (const topic of req.topics) {
    for (const p of topic.partitions) {
      if (p.records.length < BATCH_HEADER_SIZE) continue; // validation refuses it later
      const header = readBatchHeader(p.records, 0);
      if (!isTransactionalBatch(header.attributes) || isControlBatch(header.attributes)) continue;
      const key = tpKey(topic.name, p.partition);
      if (req.transactionalId === undefined) {
        refused.set(key, new GregorError('INVALID_REQUEST', `${key}: a transactional batch needs the producer's transactional id in the request`, { topic: topic.name, partition: p.partition }));
        continue;
      }
      if (openHere(ctx, topic.name, p.partition, header.producerId)) continue;
      const producer = `${header.producerId}/${header.producerEpoch}`;
      let group = toVerify.get(producer);
      if (group === undefined) toVerify.set(producer, (group = { producerId: header.producerId, producerEpoch: header.producerEpoch, partitions: [] }));
      group.partitions.push({ topic: topic.name, partition: p.partition });
    }
  }
  if (toVerify.size === 0) return refused.size === 0 ? undefined : Promise.resolve(refused);
  const transactionalId = req.transactionalId!;
  return Promise.all(
    [...toVerify.values()].map(async (g) => {
      const verdict = await ctx.transactions.verification.verify({ transactionalId, ...g });
      if (verdict === 'NONE') return;
      for (const tp of g.partitions) refused.set(tpKey(tp.topic, tp.partition), refusal(verdict, transactionalId, g, tp));
    }),
  ).then(() => refused);
}

/** The producer has a transaction open on the partition (this broker leads it); false when that cannot be told now. */
function openHere(ctx: BrokerContext, topic: string, partition: number, producerId: bigint): boolean {
  try {
    return ctx.replicas.leaderForNow(topic, partition)?.log.hasOpenTransaction(producerId) === true;
  } catch {
    return false; // not the leader / unknown: the produce path answers that itself
  }
}

function refusal(verdict: ErrorName, transactionalId: string, g: { producerId: bigint; producerEpoch: number }, tp: TopicPartition): GregorError {
  const where = { topic: tp.topic, partition: tp.partition };
  const who = `transactional id "${transactionalId}" (producer id ${g.producerId}, epoch ${g.producerEpoch})`;
  switch (verdict) {
    case 'INVALID_TXN_STATE':
      return new GregorError('INVALID_TXN_STATE', `${tpKey(tp.topic, tp.partition)} is not in the open transaction of ${who}: AddPartitionsToTxn first (KIP-890)`, where);
    // A stale epoch is INVALID_PRODUCER_EPOCH on the produce path, as the partition itself answers it.
    case 'PRODUCER_FENCED':
    case 'INVALID_PRODUCER_EPOCH':
      return new GregorError('INVALID_PRODUCER_EPOCH', `the transaction coordinator refused ${who}: a newer epoch exists (${verdict})`, where);
    case 'INVALID_PRODUCER_ID_MAPPING':
      return new GregorError(verdict, `the transaction coordinator refused ${who}: the transactional id has another producer id`, where);
    default:
      return new GregorError('NOT_ENOUGH_REPLICAS', `could not verify the transaction of ${who} with its coordinator (${verdict}); retry`, where);
  }
}
