import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { API_VERSIONS_API, CREATE_TOPICS_API, FETCH_API, METADATA_API, PRODUCE_API } from '@gregor/kafka-protocol';
import { LogStore } from '@gregor/storage';
import { Broker, LocalMetadataStore, NOOP_OBSERVER, defaultBrokerConfig, type BrokerConfig, type BrokerObserver } from '@gregor/broker';
import { batchOf, valuesOf } from './helpers/grpc-client';
import { KafkaTestClient, fetchBody, requestFrame } from './helpers/kafka-client';

const MAX_FRAME_BYTES = 1024 * 1024;

interface Running {
  broker: Broker;
  store: LogStore;
  dir: string;
  fetches: { count: number };
}

async function startBroker(overrides: Partial<BrokerConfig> = {}): Promise<Running> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-kafka-bad-'));
  const store = await LogStore.open({ dataDir: dir });
  const metadata = await LocalMetadataStore.open({ dir, nodeId: 1 });
  const fetches = { count: 0 };
  const observer: BrokerObserver = {
    ...NOOP_OBSERVER,
    requestCompleted: (api) => {
      if (api === 'Fetch') fetches.count++;
    },
  };
  const broker = await Broker.start({
    config: defaultBrokerConfig({
      retentionCheckIntervalMs: 3_600_000,
      kafkaListener: { host: '127.0.0.1', port: 0 },
      socketRequestMaxBytes: MAX_FRAME_BYTES,
      ...overrides,
    }),
    metadata,
    store,
    observer,
  });
  return { broker, store, dir, fetches };
}

async function stopBroker(r: Running): Promise<void> {
  await r.broker.stop();
  await r.store.close();
  await rm(r.dir, { recursive: true, force: true });
}

async function expectClosed(c: KafkaTestClient): Promise<void> {
  await pollUntil(() => c.closed, { timeoutMs: 10_000, what: 'the broker to close the connection' });
}

async function expectServing(port: number): Promise<void> {
  const c = await KafkaTestClient.connect(port);
  try {
    expect((await c.send(API_VERSIONS_API, 3, {})).errorCode).toBe(0);
  } finally {
    c.close();
  }
}

function sizePrefix(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size);
  return b;
}

/** A request frame whose header says `apiKey`/`apiVersion`, with `body` after a client id. */
function frameWithHeader(apiKey: number, apiVersion: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(7, 4);
  header.writeInt16BE(-1, 8); // null client id
  return Buffer.concat([sizePrefix(header.length + body.length), header, body]);
}

describe('Kafka front end: bad input closes the connection (or answers Kafka’s error), the node keeps serving', () => {
  let r: Running;
  let port: number;

  beforeAll(async () => {
    r = await startBroker({ maxConnections: 100 });
    port = r.broker.kafkaPort!;
    const c = await KafkaTestClient.connect(port);
    const created = await c.send(CREATE_TOPICS_API, 7, { topics: [{ name: 'keep', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 });
    expect(created.topics[0]!.errorCode).toBe(0);
    const produced = await c.send(PRODUCE_API, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'keep', partitionData: [{ index: 0, records: batchOf(['k0', 'k1']) }] }] });
    expect(produced.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    c.close();
  });
  afterAll(async () => {
    // Earlier data is intact after everything below.
    const c = await KafkaTestClient.connect(port);
    const fetched = await c.send(FETCH_API, 12, fetchBody('keep', { maxWaitMs: 0, minBytes: 0 }));
    expect(valuesOf(fetched.responses[0]!.partitions[0]!.records!).slice(0, 2)).toEqual(['k0', 'k1']);
    c.close();
    await stopBroker(r);
  });

  const metadataV1 = requestFrame(METADATA_API, 1, { topics: [{ name: 'keep' }] });
  const cases: [string, () => Buffer][] = [
    ['a truncated frame (size says 100, 10 bytes come, then EOF)', () => Buffer.concat([sizePrefix(100), Buffer.alloc(10, 1)])],
    ['a size over socket.request.max.bytes', () => Buffer.concat([sizePrefix(MAX_FRAME_BYTES + 1), Buffer.alloc(16)])],
    ['a negative size', () => sizePrefix(-5)],
    ['an HTTP request (garbage: its first 4 bytes are a 1.2 GB size)', () => Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a frame too short for a request header', () => Buffer.concat([sizePrefix(3), Buffer.from([0, 3, 0])])],
    ['an unknown API key (999)', () => frameWithHeader(999, 0)],
    ['an API key Kafka has but Gregor does not serve (DescribeAcls)', () => frameWithHeader(29, 1, Buffer.alloc(20))],
    ['Fetch v3 (below the served 4–12)', () => frameWithHeader(1, 3, Buffer.alloc(40))],
    ['Metadata v13 (above the served 0–12)', () => frameWithHeader(3, 13, Buffer.alloc(8))],
    ['a Metadata body cut short', () => {
      const f = Buffer.from(metadataV1.subarray(0, metadataV1.length - 3));
      f.writeInt32BE(f.length - 4, 0);
      return f;
    }],
    ['a Metadata body with bytes after it', () => {
      const f = Buffer.concat([metadataV1, Buffer.from([1, 2, 3])]);
      f.writeInt32BE(f.length - 4, 0);
      return f;
    }],
    ['an array count larger than the frame', () => frameWithHeader(3, 1, Buffer.from([0x7f, 0xff, 0xff, 0xff]))],
  ];

  test.each(cases)('%s', async (_name, bytes) => {
    const c = await KafkaTestClient.connect(port);
    c.writeRaw(bytes());
    if (_name.startsWith('a truncated')) c.socket.end();
    await expectClosed(c);
    await expectServing(port);
  });

  test('requests before a bad frame on the same connection are still answered', async () => {
    const c = await KafkaTestClient.connect(port);
    const good = c.send(API_VERSIONS_API, 2, {});
    c.writeRaw(frameWithHeader(999, 0));
    expect((await good).errorCode).toBe(0);
    await expectClosed(c);
  });

  test('max.connections: 1000 connections that send nothing do not lock others out; idle ones give way, busy ones are kept', async () => {
    const busy = await KafkaTestClient.connect(port);
    // A long-poll keeps this connection busy throughout the flood.
    const waiting = busy.send(FETCH_API, 12, fetchBody('keep', { maxWaitMs: 60_000, minBytes: 1, fetchOffset: 2n }));
    await pollUntil(() => r.broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the long-poll to wait' });
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 1000; i++) {
        const s = net.connect({ port, host: '127.0.0.1' });
        s.on('error', () => undefined);
        sockets.push(s);
      }
      await pollUntil(() => (r.broker.kafkaStatus()!.evictedConnections >= 900 ? true : undefined), { timeoutMs: 60_000, what: '900 idle connections evicted' });
      expect(r.broker.kafkaStatus()!.connections).toBeLessThanOrEqual(100);
      // A new client is served while the flood's sockets are still open, and the busy one was kept.
      await expectServing(port);
      expect(busy.closed).toBe(false);
      const produced = await (await KafkaTestClient.connect(port)).send(PRODUCE_API, 9, {
        acks: 1,
        timeoutMs: 5000,
        topicData: [{ name: 'keep', partitionData: [{ index: 0, records: batchOf(['k2']) }] }],
      });
      expect(produced.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
      expect(valuesOf((await waiting).responses[0]!.partitions[0]!.records!)).toEqual(['k2']);
    } finally {
      for (const s of sockets) s.destroy();
      busy.close();
    }
  });

  test('max.connections: when every connection is busy, a new one is refused', async () => {
    const small = await startBroker({ maxConnections: 2 });
    const clients: KafkaTestClient[] = [];
    try {
      const p = small.broker.kafkaPort!;
      const setup = await KafkaTestClient.connect(p);
      await setup.send(CREATE_TOPICS_API, 7, { topics: [{ name: 'w', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 });
      setup.close();
      await pollUntil(() => small.broker.kafkaStatus()!.connections === 0, { timeoutMs: 10_000, what: 'setup to close' });
      for (let i = 0; i < 2; i++) {
        const c = await KafkaTestClient.connect(p);
        clients.push(c);
        void c.send(FETCH_API, 12, fetchBody('w', { maxWaitMs: 60_000, minBytes: 1 })).catch(() => undefined);
      }
      await pollUntil(() => small.broker.waitingFetches === 2, { timeoutMs: 10_000, what: 'both long-polls to wait' });
      const third = await KafkaTestClient.connect(p);
      await expectClosed(third);
      expect(small.broker.kafkaStatus()).toMatchObject({ connections: 2, rejectedConnections: 1, evictedConnections: 0 });
    } finally {
      for (const c of clients) c.close();
      await stopBroker(small);
    }
  });
});

describe('Kafka front end: a slow reader is paused at its bound and the node keeps serving others', () => {
  let r: Running;
  beforeAll(async () => {
    r = await startBroker({ kafkaMaxBufferedBytesPerConnection: 1024 * 1024, kafkaMaxInflightRequestsPerConnection: 20 });
  });
  afterAll(() => stopBroker(r));

  test('pipelined fetches whose answers are never read', async () => {
    const port = r.broker.kafkaPort!;
    const c = await KafkaTestClient.connect(port);
    await c.send(CREATE_TOPICS_API, 7, { topics: [{ name: 'big', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 });
    const value = 'x'.repeat(200 * 1024);
    for (let i = 0; i < 4; i++) {
      const p = await c.send(PRODUCE_API, 9, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'big', partitionData: [{ index: 0, records: batchOf([value]) }] }] });
      expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
    c.close();

    // A raw socket that writes 2,000 fetches (each answered with ~800 KiB) and never reads.
    const fetch = requestFrame(FETCH_API, 11, fetchBody('big', { maxWaitMs: 0, minBytes: 0 }));
    const slow = net.connect({ port, host: '127.0.0.1' });
    slow.on('error', () => undefined);
    slow.pause();
    slow.write(Buffer.concat(Array.from({ length: 2000 }, () => fetch)));
    try {
      // Paused, and what was in flight when it paused has been answered (into the socket buffers).
      await pollUntil(
        () => {
          const s = r.broker.kafkaStatus()!;
          return s.pausedConnections === 1 && s.inflightRequests === 0;
        },
        { timeoutMs: 30_000, what: 'the slow connection to be paused with nothing in flight' },
      );
      const handled = r.fetches.count;
      // Only what fitted the bounds was handled: the in-flight bound, plus what the socket buffers took before the byte bound.
      expect(handled).toBeLessThan(200);

      // Others are served meanwhile.
      const other = await KafkaTestClient.connect(port);
      const p = await other.send(PRODUCE_API, 9, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'big', partitionData: [{ index: 0, records: batchOf(['small']) }] }] });
      expect(p.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 4n });
      other.close();
      expect(r.broker.kafkaStatus()!.pausedConnections).toBe(1);
      // Still paused: nothing more was read from it.
      expect(r.fetches.count).toBe(handled);
    } finally {
      slow.destroy();
    }
    await pollUntil(() => r.broker.kafkaStatus()!.connections === 0, { timeoutMs: 10_000, what: 'the slow connection to close' });
  });
});

describe('Kafka front end: idle connections and shutdown', () => {
  test('connections.max.idle.ms closes an idle connection, but not one with a request in flight', async () => {
    const r = await startBroker({ connectionsMaxIdleMs: 300 });
    try {
      const port = r.broker.kafkaPort!;
      const idle = await KafkaTestClient.connect(port);
      await expectClosed(idle);

      const c = await KafkaTestClient.connect(port);
      await c.send(CREATE_TOPICS_API, 7, { topics: [{ name: 'quiet', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 });
      const fetched = await c.send(FETCH_API, 12, fetchBody('quiet', { maxWaitMs: 1000, minBytes: 1 }));
      expect(fetched.responses[0]!.partitions[0]!.errorCode).toBe(0);
      await expectClosed(c);
    } finally {
      await stopBroker(r);
    }
  });

  test('Broker.stop answers a waiting fetch on the KAFKA listener, then closes the connection', async () => {
    const r = await startBroker();
    try {
      const c = await KafkaTestClient.connect(r.broker.kafkaPort!);
      await c.send(CREATE_TOPICS_API, 7, { topics: [{ name: 'stop', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 });
      const waiting = c.send(FETCH_API, 12, fetchBody('stop', { maxWaitMs: 30_000, minBytes: 1 }));
      await pollUntil(() => r.broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to wait' });
      const stopped = r.broker.stop();
      const answer = await waiting;
      expect(answer.errorCode).toBe(0);
      await stopped;
      await expectClosed(c);
    } finally {
      await stopBroker(r);
    }
  });
});
