import type {
  DeleteRecordsRequest as KDeleteRecordsRequest,
  DeleteRecordsResponse as KDeleteRecordsResponse,
  Encodable,
} from '@gregor/kafka-protocol';
import type { BrokerApi } from '../api/broker-api';
import type { RequestContext } from '../api/context';
import { errorCodeOf } from './wire';

/** DeleteRecords v0–v2 (KIP-107): offsets per partition, -1 = the high watermark; answers each partition's low watermark. */
export async function deleteRecords(
  api: BrokerApi,
  ctx: RequestContext,
  _version: number,
  req: KDeleteRecordsRequest,
): Promise<Encodable<KDeleteRecordsResponse>> {
  const res = await api.deleteRecords(ctx, {
    timeoutMs: req.timeoutMs,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.offset })) })),
  });
  return {
    throttleTimeMs: 0,
    topics: res.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, lowWatermark: p.lowWatermark, errorCode: errorCodeOf(p.error) })),
    })),
  };
}
