/**
 * "A retried send never duplicates a record" (issue 4 item 4), end to end:
 * the SDK talks to a real in-process gregor-node through a gRPC proxy that
 * forwards every call but can lose a Produce response on its way back (the
 * broker has appended; the client sees a failed call and retries). Every
 * record must be in the log exactly once, at the offset its send reported.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pollUntil, silentLogger } from '@gregor/common';
import { createClient, type ConsumerRecord, type Gregor, type RecordMetadata } from '@gregor/client';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { loadClientProto } from '@gregor/proto';

/** Forwards gregor.v1.Gregor to `upstream`; Metadata names the proxy as the only broker. */
class LossyProxy {
  /** Decides, per Produce (numbered per topic), whether its response is lost after the broker handled it. */
  loseProduceResponse: (topic: string, n: number) => boolean = () => false;
  readonly produces = new Map<string, number>();
  readonly lost = new Map<string, number>();
  private readonly server = new grpc.Server();
  private readonly upstream: grpc.Client;
  port = 0;

  constructor(upstreamAddress: string) {
    const Gregor = loadClientProto().gregor.v1.Gregor;
    this.upstream = new Gregor(upstreamAddress, grpc.credentials.createInsecure());
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [name, def] of Object.entries(Gregor.service)) {
      // Unary calls only: the SDK's ProduceStream then answers UNIMPLEMENTED and
      // the SDK falls back to unary Produce calls, whose responses this proxy loses.
      if (def.requestStream || def.responseStream) continue;
      impl[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const topic = name === 'Produce' ? ((call.request as { topics: { name: string }[] }).topics[0]?.name ?? '') : '';
        const n = this.produces.get(topic) ?? 0;
        if (name === 'Produce') this.produces.set(topic, n + 1);
        this.upstream.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, call.request, (err, res) => {
          if (err !== null) return callback(err);
          if (name === 'Produce' && this.loseProduceResponse(topic, n)) {
            this.lost.set(topic, (this.lost.get(topic) ?? 0) + 1);
            return callback({ code: grpc.status.UNAVAILABLE, details: 'proxy: response lost' });
          }
          if (name === 'Metadata') {
            const md = res as { brokers: { nodeId: number; host: string; port: number }[] };
            md.brokers = md.brokers.map((b) => ({ ...b, host: '127.0.0.1', port: this.port }));
          }
          callback(null, res);
        });
      };
    }
    this.server.addService(Gregor.service, impl);
  }

  async start(): Promise<string> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    return `127.0.0.1:${this.port}`;
  }

  stop(): void {
    this.server.forceShutdown();
    this.upstream.close();
  }
}

/** Every record of the topic: as many as the partitions' log ends say, read from the start. */
async function readAll(client: Gregor, topic: string, partitions: number): Promise<ConsumerRecord[]> {
  const ends = await client.admin().listOffsets(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, spec: 'latest' as const })));
  const total = Number(ends.reduce((sum, e) => sum + e.offset, 0n));
  const consumer = client.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 200 });
  consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
  const out: ConsumerRecord[] = [];
  await pollUntil(
    async () => {
      out.push(...(await consumer.poll({ timeoutMs: 200 })));
      return out.length >= total;
    },
    { timeoutMs: 30_000, what: `${total} records of ${topic}` },
  );
  await consumer.close();
  return out;
}

describe('retried sends never duplicate (real node behind a response-losing proxy)', () => {
  let dir: string;
  let node: RunningNode;
  let proxy: LossyProxy;
  let direct: Gregor;
  let viaProxy: Gregor;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-client-idem-'));
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1 }), { logger: silentLogger() });
    proxy = new LossyProxy(node.clientAddress!);
    viaProxy = createClient({ bootstrap: await proxy.start(), retry: { initialBackoffMs: 10, maxBackoffMs: 50 } });
    direct = createClient({ bootstrap: node.clientAddress! });
  });

  afterAll(async () => {
    await viaProxy?.close();
    await direct?.close();
    proxy?.stop();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('one lost response: the retry is answered with the original offset, the record is there once', async () => {
    await direct.admin().createTopics([{ topic: 'idem-one', numPartitions: 1 }]);
    proxy.loseProduceResponse = (topic, n) => topic === 'idem-one' && n === 0;
    const producer = viaProxy.producer({ lingerMs: 0 });
    const first = await producer.send({ topic: 'idem-one', value: 'first' });
    const second = await producer.send({ topic: 'idem-one', value: 'second' });
    expect(proxy.lost.get('idem-one')).toBe(1);
    expect([first.offset, second.offset]).toEqual([0n, 1n]);
    expect((await readAll(direct, 'idem-one', 1)).map((r) => r.value!.toString())).toEqual(['first', 'second']);
  });

  it('many lost responses with batches pipelined on several partitions: every acknowledged record once, where its ack said', async () => {
    await direct.admin().createTopics([{ topic: 'idem-many', numPartitions: 3 }]);
    proxy.loseProduceResponse = (topic, n) => topic === 'idem-many' && n % 3 === 1;
    const producer = viaProxy.producer({ lingerMs: 1, batchSize: 512 });
    const n = 600;
    const metas: RecordMetadata[] = await Promise.all(
      Array.from({ length: n }, (_, i) => producer.send({ topic: 'idem-many', partition: i % 3, value: `r${i}`.padEnd(60, '.') })),
    );
    expect(proxy.lost.get('idem-many')).toBeGreaterThan(10);
    const records = await readAll(direct, 'idem-many', 3);
    expect(records).toHaveLength(n);
    const seen = new Map<string, ConsumerRecord>();
    for (const r of records) {
      const v = r.value!.toString();
      expect(seen.has(v)).toBe(false);
      seen.set(v, r);
    }
    metas.forEach((m, i) => {
      const r = seen.get(`r${i}`.padEnd(60, '.'))!;
      expect([r.partition, r.offset]).toEqual([m.partition, m.offset]);
    });
    // Per partition, the send order is the log order.
    for (let p = 0; p < 3; p++) {
      const mine = records.filter((r) => r.partition === p).map((r) => Number(r.value!.toString().slice(1).replace(/\.+$/, '')));
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
  });

  it('the same losses with idempotence turned off do write duplicates (the control experiment)', async () => {
    await direct.admin().createTopics([{ topic: 'idem-off', numPartitions: 1 }]);
    proxy.loseProduceResponse = (topic, n) => topic === 'idem-off' && n === 0;
    const producer = viaProxy.producer({ lingerMs: 0, idempotent: false });
    await producer.send({ topic: 'idem-off', value: 'dup' });
    expect(proxy.lost.get('idem-off')).toBe(1);
    expect((await readAll(direct, 'idem-off', 1)).map((r) => r.value!.toString())).toEqual(['dup', 'dup']);
  });
});
