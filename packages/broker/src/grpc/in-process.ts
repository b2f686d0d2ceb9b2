import type * as wire from '@gregor/proto';
import type { BrokerApi } from '../api/broker-api';
import type { RequestContext } from '../api/context';
import { decodeFetch, encodeFetch } from './data-codec';

/**
 * Fetch through the broker core of this very process, in the gRPC front
 * end's message shapes: for an SDK client that runs inside the node (the
 * records service's Subscribe streams), so that reading the node's own
 * partitions skips serializing the request and the records, the loopback
 * connection and two event-loop hops. Same decode and encode as the gRPC
 * Fetch; every field of the answer is set, as proto-loader's output has it.
 */
export async function fetchInProcess(api: BrokerApi, req: wire.FetchRequest__Output, ctx: RequestContext): Promise<wire.FetchResponse__Output> {
  return encodeFetch(await api.fetch(ctx, decodeFetch(req))) as wire.FetchResponse__Output;
}
