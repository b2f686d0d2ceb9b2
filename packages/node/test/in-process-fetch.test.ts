/**
 * fetchInProcess (the broker core's Fetch in the gRPC front end's shapes)
 * against a real node: it answers what the node's gRPC Fetch answers, and
 * an SDK consumer given the node as its inProcessBroker reads its records
 * through it, not through the listener.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@gregor/common';
import { CLIENT_LISTENER, fetchInProcess } from '@gregor/broker';
import { createClient, type Gregor } from '@gregor/client';
import * as grpc from '@grpc/grpc-js';
import { loadClientProto, type FetchRequest__Output, type FetchResponse__Output } from '@gregor/proto';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';

describe('in-process Fetch', () => {
  let dir: string;
  let node: RunningNode;
  let sdk: Gregor;
  const ctx = { listener: CLIENT_LISTENER, clientId: 'test', clientHost: '/127.0.0.1' };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-in-process-fetch-'));
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1 }), { logger: silentLogger() });
    sdk = createClient({ bootstrap: node.clientAddress!, retry: { initialBackoffMs: 10, maxBackoffMs: 50 } });
    await sdk.admin().createTopics([{ topic: 'ipf', numPartitions: 2 }]);
    const producer = sdk.producer({ lingerMs: 0 });
    await Promise.all([0, 1].flatMap((p) => Array.from({ length: 5 }, (_, i) => producer.send({ topic: 'ipf', partition: p, key: `k${i}`, value: `v-${p}-${i}` }))));
    await producer.close();
  });

  afterAll(async () => {
    await sdk?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('answers as the gRPC Fetch does: every field set, the same record bytes', async () => {
    const req: FetchRequest__Output = {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      topics: [{ name: 'ipf', partitions: [0, 1, 7].map((partition) => ({ partition, fetchOffset: '0', partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 })) }],
    };
    const local = await fetchInProcess(node.broker!.api, req, ctx);
    const stub = new (loadClientProto().gregor.v1.Gregor)(node.clientAddress!, grpc.credentials.createInsecure());
    const viaGrpc = await new Promise<FetchResponse__Output>((resolve, reject) => stub.Fetch(req, (err, res) => (err !== null ? reject(err) : resolve(res!))));
    stub.close();
    expect(local).toEqual(viaGrpc);
    expect(local.topics[0]!.partitions.map((p) => [p.partition, p.error?.name ?? null, p.highWatermark])).toEqual([
      [0, null, '5'],
      [1, null, '5'],
      [7, 'UNKNOWN_TOPIC_OR_PARTITION', '-1'],
    ]);
  });

  test('a consumer whose client runs in the node reads the node\'s partitions through it', async () => {
    const calls: FetchRequest__Output[] = [];
    const inNode = createClient({
      bootstrap: node.clientAddress!,
      inProcessBroker: { nodeId: 1, fetch: (req, signal) => (calls.push(req), fetchInProcess(node.broker!.api, req, { ...ctx, signal })) },
    });
    try {
      const consumer = inNode.consumer({ autoOffsetReset: 'earliest' });
      consumer.assign([0, 1].map((partition) => ({ topic: 'ipf', partition })));
      const got: string[] = [];
      while (got.length < 10) for (const r of await consumer.poll({ timeoutMs: 10_000 })) got.push(r.value!.toString());
      expect(got.sort()).toEqual([0, 1].flatMap((p) => Array.from({ length: 5 }, (_, i) => `v-${p}-${i}`)).sort());
      expect(calls.length).toBeGreaterThan(0);
      await consumer.close();
    } finally {
      await inNode.close();
    }
  });
});
