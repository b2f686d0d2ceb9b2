import * as grpc from '@grpc/grpc-js';
import * as http from 'node:http';
import { createServer } from 'node:net';
import { loadClientProto, type GregorClient } from '@gregor/proto';
import { decodeRecordBatches, encodeRecordBatch } from '@gregor/record-batch';

export function connect(address: string): GregorClient {
  const Ctor = loadClientProto().gregor.v1.Gregor;
  return new Ctor(address, grpc.credentials.createInsecure());
}

export function call<Res = any>(client: GregorClient, method: string, req: unknown, deadlineMs = 20_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as any)[method](req, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: Res) =>
      err !== null ? reject(err) : resolve(res),
    );
  });
}

export function batchOf(values: string[]): Buffer {
  return encodeRecordBatch(values.map((v) => ({ value: Buffer.from(v), timestamp: BigInt(Date.now()) })));
}

export function valuesOf(records: Buffer): string[] {
  return decodeRecordBatches(records).flatMap((b) => b.records.map((r) => r.value?.toString() ?? ''));
}

export async function createTopic(client: GregorClient, name: string, numPartitions = 1): Promise<void> {
  const res = await call(client, 'CreateTopics', { topics: [{ name, numPartitions, replicationFactor: -1, configs: {} }] });
  if (res.topics[0].error !== null) throw new Error(`create ${name}: ${res.topics[0].error.message}`);
}

export async function produce(client: GregorClient, topic: string, values: string[], acks = 1): Promise<string> {
  const res = await call(client, 'Produce', { acks, topics: [{ name: topic, partitions: [{ partition: 0, records: batchOf(values) }] }] });
  const p = res.topics[0].partitions[0];
  if (p.error !== null) throw new Error(`produce: ${p.error.message}`);
  return p.baseOffset;
}

/** Every value of partition 0, following fetches until the HW. */
export async function readAll(client: GregorClient, topic: string): Promise<string[]> {
  const out: string[] = [];
  let offset = 0n;
  for (let i = 0; i < 10_000; i++) {
    const res = await call(client, 'Fetch', {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 0,
      topics: [{ name: topic, partitions: [{ partition: 0, fetchOffset: offset.toString(), partitionMaxBytes: 0, currentLeaderEpoch: -1 }] }],
    });
    const p = res.topics[0].partitions[0];
    if (p.error !== null) throw new Error(`fetch: ${p.error.message}`);
    for (const batch of decodeRecordBatches(p.records)) {
      for (const r of batch.records) {
        if (r.offset >= offset) out.push(r.value?.toString() ?? '');
      }
      offset = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta) + 1n;
    }
    if (offset >= BigInt(p.highWatermark)) return out;
  }
  throw new Error('readAll did not reach the high watermark');
}

export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** A port that was free a moment ago (listen on 0, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
