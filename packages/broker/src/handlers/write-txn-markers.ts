import { OFFSETS_TOPIC } from '@gregor/group-coordinator';
import { encodeTxnMarkerBatch } from '@gregor/record-batch';
import type { TxnTopicResult, WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../api/transactions';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { handleProduce } from './produce';

/**
 * WriteTxnMarkers (broker to broker, KIP-98): each marker becomes one
 * COMMIT/ABORT control batch per partition, appended by this broker as
 * leader through the produce path with acks=all, so it is replicated like
 * data before the coordinator completes the transaction. The partition's
 * log closes the producer's open transaction there (storage's
 * transaction index) and adopts a bumped epoch, fencing the old one.
 */
export async function handleWriteTxnMarkers(ctx: BrokerContext, req: WriteTxnMarkersRequest, outcome: RequestOutcome): Promise<WriteTxnMarkersResponse> {
  const markers: WriteTxnMarkersResponse['markers'] = [];
  for (const m of req.markers) {
    const batch = encodeTxnMarkerBatch(
      { producerId: m.producerId, producerEpoch: m.producerEpoch, commit: m.committed, coordinatorEpoch: m.coordinatorEpoch },
      BigInt(ctx.clock.nowMs()),
    );
    const res = await handleProduce(
      ctx,
      {
        acks: -1,
        timeoutMs: ctx.config.defaultProduceTimeoutMs,
        // Each partition gets its own copy: the append writes offsets into the bytes.
        topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((partition) => ({ partition, records: Buffer.from(batch) })) })),
      },
      outcome,
      { txnMarkers: true },
    );
    const topics: TxnTopicResult[] = res.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition, error: p.error })) }));
    // The group coordinator applies (or drops) the transaction's offsets once its marker is in (Kafka's onTransactionCompleted).
    for (const t of res.topics) {
      if (t.name !== OFFSETS_TOPIC) continue;
      for (const p of t.partitions) if (p.error === null) ctx.groups.runtime.onTransactionCompleted(p.partition, m.producerId, m.committed);
    }
    markers.push({ producerId: m.producerId, topics });
  }
  return { markers };
}
