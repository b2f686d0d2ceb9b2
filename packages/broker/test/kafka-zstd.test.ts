import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorCode } from '@gregor/common';
import { CREATE_TOPICS_API, FETCH_API, PRODUCE_API, type FetchResponse } from '@gregor/kafka-protocol';
import { CompressionType, encodeRecordBatch } from '@gregor/record-batch';
import { LogStore } from '@gregor/storage';
import { Broker, LocalMetadataStore, NOOP_OBSERVER, defaultBrokerConfig } from '@gregor/broker';
import { firstZstdBatchAt } from '../src/kafka/zstd-gate';
import { valuesOf } from './helpers/grpc-client';
import { KafkaTestClient, fetchBody } from './helpers/kafka-client';

const NONE = 0;
const UNSUPPORTED_COMPRESSION_TYPE = errorCode('UNSUPPORTED_COMPRESSION_TYPE');

function batch(values: string[], compression = CompressionType.None): Buffer {
  return encodeRecordBatch(
    values.map((v) => ({ value: Buffer.from(v) })),
    { compression },
  );
}

describe('firstZstdBatchAt: the codec from batch headers only', () => {
  test('finds the first zstd batch among others, by byte position', () => {
    const plain = batch(['a']);
    const gzip = batch(['b'], CompressionType.Gzip);
    const zstd = batch(['c'], CompressionType.Zstd);
    expect(firstZstdBatchAt(null)).toBe(-1);
    expect(firstZstdBatchAt(Buffer.alloc(0))).toBe(-1);
    expect(firstZstdBatchAt(Buffer.concat([plain, gzip]))).toBe(-1);
    expect(firstZstdBatchAt(zstd)).toBe(0);
    expect(firstZstdBatchAt(Buffer.concat([plain, gzip, zstd, plain]))).toBe(plain.length + gzip.length);
  });

  test('a trailing partial batch counts once its header is there; garbage and v0/v1 messages stop the walk', () => {
    const plain = batch(['a']);
    const zstd = batch(['c'], CompressionType.Zstd);
    expect(firstZstdBatchAt(Buffer.concat([plain, zstd.subarray(0, 61)]))).toBe(plain.length);
    expect(firstZstdBatchAt(Buffer.concat([plain, zstd.subarray(0, 60)]))).toBe(-1);
    const legacy = Buffer.from(zstd);
    legacy[16] = 1;
    expect(firstZstdBatchAt(legacy)).toBe(-1);
    const badLength = Buffer.from(plain);
    badLength.writeInt32BE(-12, 8);
    expect(firstZstdBatchAt(Buffer.concat([badLength, zstd]))).toBe(-1);
  });
});

/** KIP-110 over a real socket: zstd needs Produce v7+ and Fetch v10+. */
describe('Kafka front end: zstd below Produce v7 / Fetch v10 is UNSUPPORTED_COMPRESSION_TYPE', () => {
  let dir: string;
  let store: LogStore;
  let broker: Broker;
  let client: KafkaTestClient;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-kafka-zstd-'));
    store = await LogStore.open({ dataDir: dir });
    const metadata = await LocalMetadataStore.open({ dir, nodeId: 1 });
    broker = await Broker.start({
      config: defaultBrokerConfig({ retentionCheckIntervalMs: 3_600_000, kafkaListener: { host: '127.0.0.1', port: 0 } }),
      metadata,
      store,
      observer: NOOP_OBSERVER,
    });
    client = await KafkaTestClient.connect(broker.kafkaPort!);
    const created = await client.send(CREATE_TOPICS_API, 7, {
      topics: ['z6', 'z7', 'zf'].map((name) => ({ name, numPartitions: 2, replicationFactor: -1 })),
      timeoutMs: 5000,
    });
    expect(created.topics.map((t) => t.errorCode)).toEqual([NONE, NONE, NONE]);
  });
  afterAll(async () => {
    client.close();
    await broker.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const produce = (version: number, topic: string, byPartition: Buffer[]) =>
    client.send(PRODUCE_API, version, {
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: byPartition.map((records, index) => ({ index, records })) }],
    });

  const fetch = async (version: number, topic: string, partition: number, fetchOffset = 0n): Promise<FetchResponse['responses'][number]['partitions'][number]> => {
    const body = fetchBody(topic, { fetchOffset, partition });
    const res = await client.send(FETCH_API, version, body);
    return res.responses[0]!.partitions[0]!;
  };

  test('Produce v6: the zstd partition is refused and not written, the other partition is written', async () => {
    const res = await produce(6, 'z6', [batch(['plain']), Buffer.concat([batch(['gz'], CompressionType.Gzip), batch(['zs'], CompressionType.Zstd)])]);
    const [plain, zstd] = res.responses[0]!.partitionResponses;
    expect(plain).toMatchObject({ index: 0, errorCode: NONE, baseOffset: 0n });
    expect(zstd).toMatchObject({ index: 1, errorCode: UNSUPPORTED_COMPRESSION_TYPE, baseOffset: -1n });
    expect((await fetch(12, 'z6', 0)).records).not.toBeNull();
    expect(valuesOf((await fetch(12, 'z6', 0)).records!)).toEqual(['plain']);
    expect((await fetch(12, 'z6', 1)).records?.length ?? 0).toBe(0);
  });

  test('Produce v6 with only zstd partitions reaches no broker call and refuses each; v7 writes zstd', async () => {
    const refused = await produce(6, 'z7', [batch(['a'], CompressionType.Zstd), batch(['b'], CompressionType.Zstd)]);
    expect(refused.responses[0]!.partitionResponses.map((p) => p.errorCode)).toEqual([UNSUPPORTED_COMPRESSION_TYPE, UNSUPPORTED_COMPRESSION_TYPE]);
    const written = await produce(7, 'z7', [batch(['a'], CompressionType.Zstd), batch(['b'], CompressionType.Zstd)]);
    expect(written.responses[0]!.partitionResponses.map((p) => [p.errorCode, p.baseOffset])).toEqual([
      [NONE, 0n],
      [NONE, 0n],
    ]);
  });

  test('Fetch v9 gets the batches before the first zstd one, then UNSUPPORTED_COMPRESSION_TYPE; v10 gets everything', async () => {
    // Partition 0: plain (offset 0), gzip (1), zstd (2), plain (3).
    for (const records of [batch(['p0']), batch(['g1'], CompressionType.Gzip), batch(['z2'], CompressionType.Zstd), batch(['p3'])]) {
      const res = await produce(9, 'zf', [records]);
      expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(NONE);
    }
    const before = await fetch(9, 'zf', 0, 0n);
    expect(before.errorCode).toBe(NONE);
    expect(valuesOf(before.records!)).toEqual(['p0', 'g1']);
    const at = await fetch(9, 'zf', 0, 2n);
    expect(at.errorCode).toBe(UNSUPPORTED_COMPRESSION_TYPE);
    expect(at.records?.length ?? 0).toBe(0);
    expect(at.highWatermark).toBe(4n);
    const after = await fetch(9, 'zf', 0, 3n);
    expect(after.errorCode).toBe(NONE);
    expect(valuesOf(after.records!)).toEqual(['p3']);
    expect(valuesOf((await fetch(10, 'zf', 0, 0n)).records!)).toEqual(['p0', 'g1', 'z2', 'p3']);
    expect(valuesOf((await fetch(4, 'zf', 0, 1n)).records!)).toEqual(['g1']);
  });
});
