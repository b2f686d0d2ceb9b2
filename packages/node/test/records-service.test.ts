/**
 * gregor.v1.Records on a real node (in-process: real broker and storage in a
 * temp dir, gRPC on an ephemeral port), called through a stub generated at
 * run time from records.proto — as a client in any language would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pollUntil, silentLogger } from '@gregor/common';
import { RecordsService } from '@gregor/records-service';
import { createClient, partitionForKey, type Gregor } from '@gregor/client';
import { loadRecordsProto, type PublishRequest, type PublishResponse__Output, type ReadRequest, type ReadResponse__Output, type RecordsClient } from '@gregor/proto';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';

/** A create time after every other record's, so that a read by timestamp finds exactly that record. */
const FUTURE_MS = Date.now() + 86_400_000;

type Failure = { code: grpc.status; name: string | undefined; codeMeta: string | undefined; details: string; metadata: Record<string, unknown> };

function unary<Req, Res>(fn: (req: Req, cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => fn(req, (err, res) => (err !== null ? reject(err) : resolve(res!))));
}

async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (e) {
    const err = e as grpc.ServiceError;
    return {
      code: err.code,
      name: err.metadata?.get('gregor-error-name')[0] as string | undefined,
      codeMeta: err.metadata?.get('gregor-error-code')[0] as string | undefined,
      details: err.details,
      metadata: err.metadata?.getMap() ?? {},
    };
  }
  throw new Error('the call succeeded, a failure was expected');
}

describe('Records service (Publish, Read) on a real node', () => {
  let dir: string;
  let node: RunningNode;
  let sdk: Gregor;
  let stub: RecordsClient;
  const publish = (req: PublishRequest): Promise<PublishResponse__Output> => unary(stub.Publish.bind(stub), req);
  const read = (req: ReadRequest): Promise<ReadResponse__Output> => unary(stub.Read.bind(stub), req);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-records-'));
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1 }), { logger: silentLogger() });
    sdk = createClient({ bootstrap: node.clientAddress!, retry: { initialBackoffMs: 10, maxBackoffMs: 50 } });
    await sdk.admin().createTopics([{ topic: 'rec', numPartitions: 3 }]);
    const Records = loadRecordsProto().gregor.v1.Records;
    stub = new Records(node.clientAddress!, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    stub?.close();
    await sdk?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('Publish places keyed records by murmur2 like the SDK, answers per record in order, and Read replays them', async () => {
    const records = Array.from({ length: 300 }, (_, i) => ({ key: Buffer.from(`k${i % 17}`), value: Buffer.from(`v${i}`), headers: [{ key: 'i', value: Buffer.from(String(i)) }] }));
    const res = await publish({ topic: 'rec', records });
    expect(res.results).toHaveLength(300);
    const byPartition = new Map<number, { offset: bigint; i: number }[]>();
    res.results.forEach((r, i) => {
      expect(r.error).toBeNull();
      expect(r.partition).toBe(partitionForKey(Buffer.from(`k${i % 17}`), 3));
      const list = byPartition.get(r.partition) ?? [];
      list.push({ offset: BigInt(r.offset), i });
      byPartition.set(r.partition, list);
    });
    // Request order is offset order within a partition.
    for (const list of byPartition.values()) for (let j = 1; j < list.length; j++) expect(list[j]!.offset).toBeGreaterThan(list[j - 1]!.offset);

    for (const [partition, list] of byPartition) {
      const got: string[] = [];
      let offset = '0';
      for (let rounds = 0; got.length < list.length && rounds < 100; rounds++) {
        const r = await read({ topic: 'rec', partition, offset, maxRecords: 50 });
        expect(r.records.length).toBeLessThanOrEqual(50);
        for (const rec of r.records) {
          expect(rec.topic).toBe('rec');
          expect(rec.partition).toBe(partition);
          expect(rec.headers).toEqual([{ key: 'i', value: Buffer.from(rec.value!.toString().slice(1)) }]);
          got.push(rec.value!.toString());
        }
        offset = r.nextOffset;
        expect(BigInt(r.highWatermark)).toBe(BigInt(list.length));
      }
      expect(got).toEqual(list.map((x) => `v${x.i}`));
    }
  });

  it('explicit partitions, null keys and values, timestamps; acks=LEADER too', async () => {
    const res = await publish({
      topic: 'rec',
      acks: 'PUBLISH_ACKS_LEADER',
      records: [{ value: Buffer.from('p2'), partition: 2, timestampMs: FUTURE_MS }, { key: Buffer.from('tomb') }],
    });
    expect(res.results[0]).toMatchObject({ error: null, partition: 2, timestampMs: String(FUTURE_MS) });
    expect(res.results[1]!.error).toBeNull();
    const r = await read({ topic: 'rec', partition: res.results[1]!.partition, offset: res.results[1]!.offset, maxRecords: 1 });
    expect(r.records).toHaveLength(1);
    expect(r.records[0]!.key).toEqual(Buffer.from('tomb'));
    expect(r.records[0]!.value).toBeUndefined(); // a null value stays unset
    // By timestamp: the first record at or after it (every other record of partition 2 is older).
    const byTime = await read({ topic: 'rec', partition: 2, timestampMs: FUTURE_MS, maxRecords: 1 });
    expect(byTime.records.map((x) => [x.offset, x.value!.toString()])).toEqual([[res.results[0]!.offset, 'p2']]);
  });

  it('Read with isolation_level READ_COMMITTED stops at the last stable offset and skips aborted transactions', async () => {
    await sdk.admin().createTopics([{ topic: 'rec-txn', numPartitions: 1 }]);
    const p = sdk.producer({ transactionalId: 'records-read', lingerMs: 0 });
    await p.initTransactions();
    p.beginTransaction();
    await p.send({ topic: 'rec-txn', value: 'committed' });
    await p.commitTransaction();
    p.beginTransaction();
    await p.send({ topic: 'rec-txn', value: 'aborted' });
    await p.abortTransaction();
    p.beginTransaction();
    await p.send({ topic: 'rec-txn', value: 'open' });
    try {
      const values = (r: ReadResponse__Output): string[] => r.records.map((x) => x.value!.toString());
      const committed = await read({ topic: 'rec-txn', partition: 0, offset: '-2', isolationLevel: 'ISOLATION_LEVEL_READ_COMMITTED' });
      expect(values(committed)).toEqual(['committed']);
      // The open transaction starts at the last offset: the LSO stops there, below the HW.
      expect(BigInt(committed.lastStableOffset)).toBe(BigInt(committed.highWatermark) - 1n);
      expect(BigInt(committed.nextOffset)).toBe(BigInt(committed.lastStableOffset));
      const all = await read({ topic: 'rec-txn', partition: 0, offset: '-2' });
      expect(values(all)).toEqual(['committed', 'aborted', 'open']);
      // 'latest' under read_committed is the LSO.
      expect((await read({ topic: 'rec-txn', partition: 0, offset: '-1', isolationLevel: 'ISOLATION_LEVEL_READ_COMMITTED' })).nextOffset).toBe(committed.lastStableOffset);
      expect(await failure(read({ topic: 'rec-txn', partition: 0, isolationLevel: 7 as never }))).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, name: 'INVALID_REQUEST' });
      await p.commitTransaction();
      const after = await read({ topic: 'rec-txn', partition: 0, offset: '-2', isolationLevel: 'ISOLATION_LEVEL_READ_COMMITTED' });
      expect(values(after)).toEqual(['committed', 'open']);
    } finally {
      await p.close();
    }
  });

  it('Read long-polls: a read at the end waits for the next record', async () => {
    const end = await read({ topic: 'rec', partition: 0, offset: '-1' });
    expect(end.records).toEqual([]);
    expect(end.nextOffset).toBe(end.highWatermark);
    const waiting = read({ topic: 'rec', partition: 0, offset: end.nextOffset, maxWaitMs: 20_000 });
    await publish({ topic: 'rec', records: [{ value: Buffer.from('late'), partition: 0 }] });
    const r = await waiting;
    expect(r.records.map((x) => x.value!.toString())).toEqual(['late']);
    expect(BigInt(r.nextOffset)).toBe(BigInt(end.nextOffset) + 1n);
  });

  it('bad input: clear gRPC status with Kafka\'s error name, nothing written, and the node serves on', async () => {
    const hw = async (): Promise<bigint> => BigInt((await read({ topic: 'rec', partition: 1, offset: '-1' })).highWatermark);
    const before = await hw();
    expect(await failure(publish({ topic: 'no-such-topic', records: [{ value: Buffer.from('x') }] }))).toMatchObject({
      code: grpc.status.NOT_FOUND,
      name: 'UNKNOWN_TOPIC_OR_PARTITION',
      codeMeta: '3',
    });
    expect(await failure(publish({ topic: 'rec', records: [{ value: Buffer.from('ok'), partition: 1 }, { value: Buffer.from('x'), partition: 3 }] }))).toMatchObject({
      code: grpc.status.NOT_FOUND,
      name: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    expect(await failure(publish({ topic: 'rec', records: [{ value: Buffer.from('x'), partition: -1 }] }))).toMatchObject({ code: grpc.status.NOT_FOUND, name: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(await failure(publish({ topic: 'rec', records: [] }))).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, name: 'INVALID_REQUEST' });
    expect(await failure(publish({ topic: '', records: [{ value: Buffer.from('x') }] }))).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, name: 'INVALID_TOPIC_EXCEPTION' });
    const big = Buffer.alloc(600 * 1024, 1);
    expect(await failure(publish({ topic: 'rec', records: [{ value: big }, { value: big }] }))).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      name: 'MESSAGE_TOO_LARGE',
      codeMeta: '10',
    });
    expect(await failure(read({ topic: 'no-such-topic', partition: 0 }))).toMatchObject({ code: grpc.status.NOT_FOUND, name: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(await failure(read({ topic: 'rec', partition: 7 }))).toMatchObject({ code: grpc.status.NOT_FOUND, name: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(await failure(read({ topic: 'rec', partition: 0, offset: '-5' }))).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, name: 'INVALID_REQUEST' });
    expect(await failure(read({ topic: 'rec', partition: 0, maxRecords: -1 }))).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, name: 'INVALID_REQUEST' });
    const outOfRange = await failure(read({ topic: 'rec', partition: 1, offset: '1000000' }));
    expect(outOfRange).toMatchObject({ code: grpc.status.OUT_OF_RANGE, name: 'OFFSET_OUT_OF_RANGE' });
    expect(outOfRange.metadata).toMatchObject({ 'gregor-log-start-offset': '0', 'gregor-high-watermark': String(before) });
    // Nothing of the failed calls was written (the one valid record of the mixed call included) ...
    expect(await hw()).toBe(before);
    // ... and the node still serves.
    const ok = await publish({ topic: 'rec', records: [{ value: Buffer.from('after'), partition: 1 }] });
    expect(ok.results[0]).toMatchObject({ error: null, partition: 1, offset: String(before) });
  });

  it('bounds concurrent Reads: past maxConcurrentReads a Read fails at once with RESOURCE_EXHAUSTED, and serves again after', async () => {
    const service = new RecordsService({ maxConcurrentReads: 1, logger: silentLogger() });
    const server = new grpc.Server();
    server.addService(service.grpcService().definition, service.grpcService().implementation);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err !== null ? reject(err) : resolve(p))),
    );
    const Records = loadRecordsProto().gregor.v1.Records;
    const small = new Records(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      // Not attached yet: UNAVAILABLE, which clients retry elsewhere.
      expect(await failure(unary(small.Read.bind(small), { topic: 'rec', partition: 0 }))).toMatchObject({ code: grpc.status.UNAVAILABLE, name: 'BROKER_NOT_AVAILABLE' });
      service.attach(node.clientAddress!);
      const end = await unary<ReadRequest, ReadResponse__Output>(small.Read.bind(small), { topic: 'rec', partition: 0, offset: '-1' });
      const waiting = unary<ReadRequest, ReadResponse__Output>(small.Read.bind(small), { topic: 'rec', partition: 0, offset: end.nextOffset, maxWaitMs: 30_000 });
      await pollUntil(() => service.status().readsInProgress === 1 || undefined, { timeoutMs: 10_000, what: 'the long-poll Read to be in progress' });
      expect(await failure(unary(small.Read.bind(small), { topic: 'rec', partition: 1 }))).toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, name: 'THROTTLING_QUOTA_EXCEEDED' });
      await publish({ topic: 'rec', records: [{ value: Buffer.from('wake'), partition: 0 }] });
      expect((await waiting).records.map((r) => r.value!.toString())).toEqual(['wake']);
      expect(service.status()).toEqual({ publishBytesInFlight: 0, readsInProgress: 0 });
      expect((await unary<ReadRequest, ReadResponse__Output>(small.Read.bind(small), { topic: 'rec', partition: 0, offset: end.nextOffset })).records).toHaveLength(1);
    } finally {
      small.close();
      await service.close();
      server.forceShutdown();
    }
  });
});
