import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil, silentLogger, type Logger } from '@gregor/common';
import { DEFAULT_GROUP_COORDINATOR_CONFIG } from '@gregor/group-coordinator';
import {
  API_VERSIONS_API,
  CREATE_TOPICS_API,
  DESCRIBE_CLUSTER_API,
  DESCRIBE_CONFIGS_API,
  DESCRIBE_GROUPS_API,
  FETCH_API,
  FIND_COORDINATOR_API,
  HEARTBEAT_API,
  INIT_PRODUCER_ID_API,
  JOIN_GROUP_API,
  LIST_GROUPS_API,
  LIST_OFFSETS_API,
  METADATA_API,
  OFFSET_COMMIT_API,
  OFFSET_FETCH_API,
  OFFSET_FOR_LEADER_EPOCH_API,
  PRODUCE_API,
  SYNC_GROUP_API,
} from '@gregor/kafka-protocol';
import { createPrng, type Prng } from '@gregor/raft';
import { LogStore } from '@gregor/storage';
import { Broker, LocalMetadataStore, defaultBrokerConfig } from '@gregor/broker';
import { batchOf, valuesOf } from './helpers/grpc-client';
import { KafkaTestClient, fetchBody, requestFrame } from './helpers/kafka-client';

/**
 * Seeded fuzz of the KAFKA listener: ≥ 100,000 frames — random bytes, random
 * headers, and mutations of valid requests of every non-destructive served
 * API (bit flips, overwritten bytes and boundary ints, cuts, extensions,
 * other versions) — in batches of 20 on fresh connections, each batch
 * followed by an ApiVersions sentinel. Then the node must still answer,
 * earlier data must be intact, every connection must be gone, and the
 * broker must have logged no error (an encode failure or a handler bug).
 * Replay: SEED=<n> pnpm jest packages/broker/test/kafka-fuzz.test.ts
 */
const SEED = process.env['SEED'] !== undefined ? Number(process.env['SEED']) : Date.now() % 1_000_000;
const FRAMES = Number(process.env['FUZZ_FRAMES'] ?? 100_000);
const BATCH = 20;
const PARALLEL = 4;
const BATCH_DEADLINE_MS = 3000;

function seedFrames(): Buffer[] {
  const fetchTopic = { topic: 'fz', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 16, currentLeaderEpoch: -1 }] };
  const join = { groupId: 'fzg', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 1000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from([0, 1]) }] };
  return [
    requestFrame(API_VERSIONS_API, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    requestFrame(API_VERSIONS_API, 0, {}),
    requestFrame(METADATA_API, 1, { topics: [{ name: 'fz' }, { name: 'keep' }] }),
    requestFrame(METADATA_API, 12, { topics: null, allowAutoTopicCreation: false }),
    requestFrame(PRODUCE_API, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'fz', partitionData: [{ index: 0, records: batchOf(['f1', 'f2']) }] }] }),
    requestFrame(PRODUCE_API, 3, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'fz', partitionData: [{ index: 0, records: batchOf(['f3']) }] }] }),
    requestFrame(FETCH_API, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 16, sessionEpoch: -1, topics: [fetchTopic] }),
    requestFrame(FETCH_API, 4, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 16, topics: [fetchTopic] }),
    requestFrame(LIST_OFFSETS_API, 7, { replicaId: -1, topics: [{ name: 'fz', partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: -1 }] }] }),
    requestFrame(OFFSET_FOR_LEADER_EPOCH_API, 4, { replicaId: -1, topics: [{ topic: 'fz', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }),
    requestFrame(FIND_COORDINATOR_API, 4, { keyType: 0, coordinatorKeys: ['fzg'] }),
    requestFrame(JOIN_GROUP_API, 9, join),
    requestFrame(JOIN_GROUP_API, 1, join),
    requestFrame(SYNC_GROUP_API, 5, { groupId: 'fzg', generationId: 1, memberId: 'm', protocolType: 'consumer', protocolName: 'range', assignments: [] }),
    requestFrame(HEARTBEAT_API, 4, { groupId: 'fzg', generationId: 1, memberId: 'm' }),
    requestFrame(OFFSET_COMMIT_API, 8, { groupId: 'fzg', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'fz', partitions: [{ partitionIndex: 0, committedOffset: 1n }] }] }),
    requestFrame(OFFSET_FETCH_API, 8, { groups: [{ groupId: 'fzg', topics: null }] }),
    requestFrame(OFFSET_FETCH_API, 1, { groupId: 'fzg', topics: [{ name: 'fz', partitionIndexes: [0] }] }),
    requestFrame(DESCRIBE_GROUPS_API, 5, { groups: ['fzg'] }),
    requestFrame(LIST_GROUPS_API, 4, { statesFilter: [] }),
    requestFrame(DESCRIBE_CONFIGS_API, 4, { resources: [{ resourceType: 2, resourceName: 'fz', configurationKeys: null }] }),
    requestFrame(INIT_PRODUCER_ID_API, 4, { transactionalId: null, transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 }),
    requestFrame(DESCRIBE_CLUSTER_API, 1, { endpointType: 1 }),
  ];
}

const BOUNDARY_INT32 = [0, -1, 1, 0x7fffffff, -0x80000000, 0xffff, 0x7fff, 255];
/** Every API key Kafka defines up to 70 plus some it does not. */
const API_KEYS = [...Array.from({ length: 70 }, (_, i) => i), 999, -1, 0x7fff];

function withSize(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function randomBytes(prng: Prng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = prng.nextInt(256);
  return b;
}

/** One fuzzed frame (occasionally a broken size prefix). */
function fuzzFrame(prng: Prng, seeds: readonly Buffer[]): Buffer {
  const kind = prng.nextInt(10);
  if (kind === 0) return randomBytes(prng, 1 + prng.nextInt(64));
  if (kind === 1) {
    const header = Buffer.alloc(8);
    header.writeInt16BE(API_KEYS[prng.nextInt(API_KEYS.length)]!, 0);
    header.writeInt16BE(prng.nextInt(20) - 2, 2);
    header.writeInt32BE(prng.nextUint32() | 0, 4);
    return withSize(Buffer.concat([header, randomBytes(prng, prng.nextInt(80))]));
  }
  const body = Buffer.from(seeds[prng.nextInt(seeds.length)]!.subarray(4));
  const mutations = 1 + prng.nextInt(3);
  let out = body;
  for (let m = 0; m < mutations; m++) {
    const at = prng.nextInt(Math.max(1, out.length));
    switch (prng.nextInt(6)) {
      case 0:
        out[at] = out[at]! ^ (1 << prng.nextInt(8));
        break;
      case 1:
        out[at] = prng.nextInt(256);
        break;
      case 2:
        if (at + 4 <= out.length) out.writeInt32BE(BOUNDARY_INT32[prng.nextInt(BOUNDARY_INT32.length)]! | 0, at);
        break;
      case 3:
        out = out.subarray(0, at);
        break;
      case 4:
        out = Buffer.concat([out, randomBytes(prng, 1 + prng.nextInt(16))]);
        break;
      default:
        if (out.length >= 4) out.writeInt16BE(prng.nextInt(16), 2); // another version
    }
  }
  const frame = withSize(out);
  if (prng.nextInt(20) === 0) frame.writeInt32BE(prng.nextUint32() | 0, 0);
  return frame;
}

describe(`Kafka front end fuzz (SEED=${SEED}, ${FRAMES} frames)`, () => {
  let dir: string;
  let store: LogStore;
  let broker: Broker;
  const errors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-kafka-fuzz-'));
    store = await LogStore.open({ dataDir: dir });
    const metadata = await LocalMetadataStore.open({ dir, nodeId: 1 });
    const logger: Logger = silentLogger();
    // Any error line is a bug reached by fuzzed input (a handler's UNKNOWN_SERVER_ERROR, a response that failed to encode).
    logger.error = ((message: unknown, meta?: unknown) => {
      errors.push(`${String(message)} ${JSON.stringify(meta)}`);
      return logger;
    }) as Logger['error'];
    broker = await Broker.start({
      config: defaultBrokerConfig({
        retentionCheckIntervalMs: 3_600_000,
        kafkaListener: { host: '127.0.0.1', port: 0 },
        socketRequestMaxBytes: 1 << 20,
        groupCoordinator: { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupMinSessionTimeoutMs: 100, groupInitialRebalanceDelayMs: 0 },
        offsetsTopicNumPartitions: 1,
      }),
      metadata,
      store,
      logger,
    });
  });
  afterAll(async () => {
    await broker.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the node keeps serving and earlier data is intact', async () => {
    const port = broker.kafkaPort!;
    const setup = await KafkaTestClient.connect(port);
    const created = await setup.send(CREATE_TOPICS_API, 7, {
      topics: [
        { name: 'keep', numPartitions: 1, replicationFactor: 1 },
        { name: 'fz', numPartitions: 1, replicationFactor: 1 },
      ],
      timeoutMs: 5000,
    });
    expect(created.topics.map((t) => t.errorCode)).toEqual([0, 0]);
    const kept = await setup.send(PRODUCE_API, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'keep', partitionData: [{ index: 0, records: batchOf(['a', 'b', 'c']) }] }] });
    expect(kept.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    setup.close();

    const seeds = seedFrames();
    const sentinel = requestFrame(API_VERSIONS_API, 0, {}, 0x7eadbeef);
    let sent = 0;
    let batches = 0;
    const prng = createPrng(SEED);
    const runBatch = async (frames: Buffer[]): Promise<void> => {
      const c = await KafkaTestClient.connect(port);
      c.writeRaw(Buffer.concat([...frames, sentinel]));
      // Answered through the sentinel, closed by the broker, or cut by us at the deadline (a long-poll).
      await pollUntil(() => c.closed || c.answered.includes(0x7eadbeef), { timeoutMs: BATCH_DEADLINE_MS, what: 'batch' }).catch(() => undefined);
      c.close();
    };
    try {
      while (sent < FRAMES) {
        const round: Promise<void>[] = [];
        for (let i = 0; i < PARALLEL && sent < FRAMES; i++) {
          const frames = Array.from({ length: BATCH }, () => fuzzFrame(prng, seeds));
          sent += frames.length;
          batches++;
          round.push(runBatch(frames));
        }
        await Promise.all(round);
      }
    } catch (err) {
      throw new Error(`fuzz failed; replay with SEED=${SEED}: ${String(err)}`);
    }
    expect(sent).toBeGreaterThanOrEqual(FRAMES);

    // Still serving; earlier data intact; nothing left open; no bug logged.
    const after = await KafkaTestClient.connect(port);
    expect((await after.send(API_VERSIONS_API, 3, {})).errorCode).toBe(0);
    const fetched = await after.send(FETCH_API, 12, fetchBody('keep', { maxWaitMs: 0, minBytes: 0 }));
    expect(valuesOf(fetched.responses[0]!.partitions[0]!.records!).slice(0, 3)).toEqual(['a', 'b', 'c']);
    after.close();
    await pollUntil(() => broker.kafkaStatus()!.connections === 0, { timeoutMs: 10_000, what: 'every fuzz connection to close' });
    if (errors.length > 0) throw new Error(`SEED=${SEED}: the broker logged errors:\n${errors.slice(0, 5).join('\n')}`);
    expect(batches).toBe(Math.ceil(FRAMES / BATCH));
  }, 600_000);
});
