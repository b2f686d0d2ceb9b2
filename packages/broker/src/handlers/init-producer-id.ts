import { GregorError } from '@gregor/common';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../api/producer-id';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';

/**
 * InitProducerId for idempotent producers (KIP-98): a fresh producer id
 * with epoch 0 from the controller-allocated block, from any broker. As in
 * Kafka, a producer without a transactional id always gets a new id, even
 * when it names its current one (KIP-360): the client bumps its epoch
 * locally and only asks again when the epoch would overflow.
 * Transactions are not supported.
 */
export async function handleInitProducerId(ctx: BrokerContext, req: InitProducerIdRequest, outcome: RequestOutcome): Promise<InitProducerIdResponse> {
  try {
    if (req.transactionalId !== null) {
      throw new GregorError('INVALID_REQUEST', `transactional id "${req.transactionalId}": transactions are not supported, only idempotent producers`);
    }
    if (ctx.isStopping()) throw new GregorError('COORDINATOR_NOT_AVAILABLE', `node ${ctx.config.nodeId} is shutting down`);
    const producerId = await ctx.producerIds.nextProducerId();
    return { error: null, producerId, producerEpoch: 0 };
  } catch (err) {
    return { error: outcome.fail(err), producerId: -1n, producerEpoch: -1 };
  }
}
