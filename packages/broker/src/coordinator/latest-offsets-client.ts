import * as grpc from '@grpc/grpc-js';
import { GregorError, grpcChannelOptions, INTER_NODE_KEEPALIVE, type TopicPartition } from '@gregor/common';
import { loadClientProto, type GregorClient, type ListOffsetsResponse__Output } from '@gregor/proto';
import { LATEST_TIMESTAMP } from '../handlers/list-offsets';

/** A leader's answer for one partition: its high watermark, or why not. */
export type LatestOffsetAnswer = TopicPartition & ({ highWatermark: bigint; error?: undefined } | { error: GregorError });

/**
 * ListOffsets(latest) to one broker: "latest" is the leader's high
 * watermark (see handlers/list-offsets.ts). An interface so that tests can
 * script leaders. `latestOffsets` rejects with a GregorError for the whole
 * call (NETWORK_EXCEPTION, REQUEST_TIMED_OUT past `timeoutMs`); errors of
 * single partitions are in the answers.
 */
export interface LatestOffsetsClient {
  latestOffsets(partitions: readonly TopicPartition[], timeoutMs: number, signal: AbortSignal): Promise<LatestOffsetAnswer[]>;
  close(): void;
}

export type LatestOffsetsClientFactory = (address: string) => LatestOffsetsClient;

/** The wire stops here: int64 strings become bigint, error messages GregorErrors. */
export function decodeLatestOffsets(res: ListOffsetsResponse__Output): LatestOffsetAnswer[] {
  const out: LatestOffsetAnswer[] = [];
  for (const t of res.topics) {
    for (const p of t.partitions) {
      const base = { topic: t.name, partition: p.partition };
      if (p.error !== null && p.error.code !== 0) {
        out.push({ ...base, error: GregorError.fromCode(p.error.code, p.error.message.replace(/^[A-Z_]+: /, ''), base) });
      } else {
        out.push({ ...base, highWatermark: BigInt(p.offset) });
      }
    }
  }
  return out;
}

function transportError(err: grpc.ServiceError, address: string): GregorError {
  if (err.code === grpc.status.DEADLINE_EXCEEDED) return new GregorError('REQUEST_TIMED_OUT', `no ListOffsets answer from ${address} in time`, {}, err);
  return new GregorError('NETWORK_EXCEPTION', `ListOffsets to ${address}: ${err.details || err.message}`, {}, err);
}

/** The real client: gregor.v1.Gregor's ListOffsets over one gRPC channel. */
export function grpcLatestOffsetsClient(address: string): LatestOffsetsClient {
  const Ctor = loadClientProto().gregor.v1.Gregor;
  const client: GregorClient = new Ctor(address, grpc.credentials.createInsecure(), grpcChannelOptions(INTER_NODE_KEEPALIVE));
  return {
    latestOffsets(partitions, timeoutMs, signal) {
      const topics = new Map<string, { partition: number; timestamp: string }[]>();
      for (const tp of partitions) {
        let list = topics.get(tp.topic);
        if (list === undefined) topics.set(tp.topic, (list = []));
        list.push({ partition: tp.partition, timestamp: LATEST_TIMESTAMP.toString() });
      }
      const request = { topics: [...topics].map(([name, ps]) => ({ name, partitions: ps })) };
      return new Promise((resolve, reject) => {
        const onAbort = (): void => call.cancel();
        const call = client.ListOffsets(request, { deadline: Date.now() + timeoutMs }, (err, res) => {
          signal.removeEventListener('abort', onAbort);
          if (err !== null) reject(transportError(err, address));
          else resolve(decodeLatestOffsets(res!));
        });
        if (signal.aborted) call.cancel();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    close() {
      client.close();
    },
  };
}
