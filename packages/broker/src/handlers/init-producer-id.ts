import { GregorError } from '@gregor/common';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../api/producer-id';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { txnError } from './transactions';

/**
 * InitProducerId (KIP-98). For idempotent producers: a fresh producer id
 * with epoch 0 from the controller-allocated block, from any broker. As in
 * Kafka, a producer without a transactional id always gets a new id, even
 * when it names its current one (KIP-360): the client bumps its epoch
 * locally and only asks again when the epoch would overflow. With a
 * transactional id: its transaction coordinator bumps the id's epoch
 * (fencing older producers) and aborts a transaction left open.
 */
export async function handleInitProducerId(ctx: BrokerContext, req: InitProducerIdRequest, outcome: RequestOutcome): Promise<InitProducerIdResponse> {
  try {
    if (ctx.isStopping()) throw new GregorError('COORDINATOR_NOT_AVAILABLE', `node ${ctx.config.nodeId} is shutting down`);
    if (req.transactionalId !== null) {
      const partition = await ctx.transactions.partitionForSoon(req.transactionalId);
      if (partition === undefined) throw txnError('NOT_COORDINATOR', outcome)!;
      const r = await ctx.transactions.runtime.initProducerId(
        partition,
        { transactionalId: req.transactionalId, transactionTimeoutMs: req.transactionTimeoutMs, producerId: req.producerId, producerEpoch: req.producerEpoch },
        () => ctx.producerIds.nextProducerId(),
      );
      return { error: txnError(r.error, outcome), producerId: r.producerId, producerEpoch: r.producerEpoch };
    }
    const producerId = await ctx.producerIds.nextProducerId();
    return { error: null, producerId, producerEpoch: 0 };
  } catch (err) {
    return { error: outcome.fail(err), producerId: -1n, producerEpoch: -1 };
  }
}
