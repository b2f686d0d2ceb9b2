import * as grpc from '@grpc/grpc-js';
import { loadClientProto, type GregorClient } from '@gregor/proto';
import { decodeRecordBatches, encodeRecordBatch } from '@gregor/record-batch';

export type Client = GregorClient;

export function connect(address: string): Client {
  const Ctor = loadClientProto().gregor.v1.Gregor;
  return new Ctor(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
}

/** Any of the service's methods, by its proto name. */
type Method = Extract<keyof GregorClient, string>;

/** Promisified unary call: call(client, 'Produce', {...}). */
export function call<Res = any>(client: Client, method: Method, req: unknown, deadlineMs = 20_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as any)[method](req, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: Res) =>
      err !== null ? reject(err) : resolve(res),
    );
  });
}

export function batchOf(values: string[], timestampMs = 1_000n): Buffer {
  return encodeRecordBatch(
    values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: timestampMs + BigInt(i) })),
    { baseTimestamp: timestampMs },
  );
}

export function valuesOf(records: Buffer): string[] {
  return decodeRecordBatches(records).flatMap((b) => b.records.map((r) => r.value?.toString() ?? ''));
}

export function offsetsOf(records: Buffer): bigint[] {
  return decodeRecordBatches(records).flatMap((b) => b.records.map((r) => r.offset));
}

export async function createTopic(client: Client, name: string, numPartitions = 1, configs: Record<string, string> = {}): Promise<any> {
  const res = await call(client, 'CreateTopics', { topics: [{ name, numPartitions, replicationFactor: -1, configs }] });
  return res.topics[0];
}

export async function produce(client: Client, topic: string, partition: number, records: Buffer, acks = 1): Promise<any> {
  const res = await call(client, 'Produce', { acks, timeoutMs: 5000, topics: [{ name: topic, partitions: [{ partition, records }] }] });
  return res.topics[0]?.partitions[0];
}

export async function fetchOnce(
  client: Client,
  topic: string,
  partition: number,
  fetchOffset: bigint,
  opts: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; partitionMaxBytes?: number } = {},
): Promise<any> {
  const res = await call(client, 'Fetch', {
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 1,
    maxBytes: opts.maxBytes ?? 0,
    topics: [{ name: topic, partitions: [{ partition, fetchOffset: fetchOffset.toString(), partitionMaxBytes: opts.partitionMaxBytes ?? 0, currentLeaderEpoch: -1 }] }],
  });
  return res.topics[0]?.partitions[0];
}

export async function listOffset(client: Client, topic: string, partition: number, timestamp: bigint): Promise<any> {
  const res = await call(client, 'ListOffsets', { topics: [{ name: topic, partitions: [{ partition, timestamp: timestamp.toString() }] }] });
  return res.topics[0]?.partitions[0];
}
