import { countLedPartition, emptyLedPartitionCounts, type BrokerStatus } from '@gregor/broker';
import type { MetadataChange } from '@gregor/controller';
import { MetadataImage } from '@gregor/controller';
import { brokerPartitionCounts, countElections, decideReadiness, imageCounts, imageCountsByOffset, memorySnapshot, NodeMetrics, type ReadinessInput } from '@gregor/node';
import type { LogStoreMemory } from '@gregor/storage';

const quorum = (over: Partial<NonNullable<ReadinessInput['quorum']>> = {}): ReadinessInput['quorum'] => ({
  brokerEpoch: 7,
  unfencedLocally: true,
  heartbeat: { ageMs: 100, isFenced: false, isCaughtUp: true },
  sessionTimeoutMs: 3000,
  ...over,
});
const input = (over: Partial<ReadinessInput> = {}): ReadinessInput => ({
  starting: undefined,
  stopping: false,
  broker: { serving: true },
  quorum: quorum(),
  controllerLeaderKnown: undefined,
  ...over,
});

describe('decideReadiness', () => {
  test('ready when serving, registered, unfenced, caught up and recently heard', () => {
    expect(decideReadiness(input())).toEqual({ ready: true, reasons: [] });
    expect(decideReadiness(input({ quorum: undefined }))).toEqual({ ready: true, reasons: [] }); // single-node mode
  });

  test.each<[string, Partial<ReadinessInput>, RegExp]>([
    ['starting', { starting: 'opening storage', broker: undefined, quorum: undefined }, /^starting: opening storage$/],
    ['stopping', { stopping: true }, /stopping/],
    ['broker not serving', { broker: { serving: false } }, /not serving/],
    ['not registered', { quorum: quorum({ brokerEpoch: -1 }) }, /not registered/],
    ['fenced in the image', { quorum: quorum({ unfencedLocally: false }) }, /fenced in the local metadata image/],
    ['fenced per controller', { quorum: quorum({ heartbeat: { ageMs: 10, isFenced: true, isCaughtUp: true } }) }, /reports this broker fenced/],
    ['behind the metadata log', { quorum: quorum({ heartbeat: { ageMs: 10, isFenced: false, isCaughtUp: false } }) }, /not caught up/],
    ['controller silent too long', { quorum: quorum({ heartbeat: { ageMs: 3500, isFenced: false, isCaughtUp: true } }) }, /3500 ms old/],
    ['no answer and fenced', { quorum: quorum({ heartbeat: undefined, unfencedLocally: false }) }, /no heartbeat answer/],
    ['controller-only without a leader', { broker: undefined, quorum: undefined, controllerLeaderKnown: false }, /no controller quorum leader/],
  ])('not ready: %s', (_name, over, reason) => {
    const r = decideReadiness(input(over));
    expect(r.ready).toBe(false);
    expect(r.reasons.join('; ')).toMatch(reason);
  });

  test('an unfenced registration in the image counts until the first heartbeat answer arrives', () => {
    expect(decideReadiness(input({ quorum: quorum({ heartbeat: undefined }) })).ready).toBe(true);
  });
});

describe('brokerPartitionCounts', () => {
  test('counts led partitions under-replicated, under and at min ISR', () => {
    const led = emptyLedPartitionCounts();
    // replicas, ISR size, min.insync.replicas
    countLedPartition(led, 3, 3, 2);
    countLedPartition(led, 3, 2, 2);
    countLedPartition(led, 3, 1, 2);
    countLedPartition(led, 1, 1, 1);
    const status: BrokerStatus = {
      hostedPartitions: 5,
      waitingFetches: 0,
      waitingProduces: 0,
      requestBytes: { used: 0, max: 1, waitingReaders: 0, pausedTotal: 0 },
      replicaFetchSessions: { sessions: 0, partitions: 0 },
      led,
    };
    expect(brokerPartitionCounts(status)).toEqual({ partitions: 5, leaders: 4, underReplicated: 2, underMinIsr: 1, atMinIsr: 2 });
  });
});

describe('controller counts', () => {
  const p = (leader: number, isr: number[], leaderEpoch = 1) => ({ partition: 0, replicas: [1, 2, 3], isr, leader, leaderEpoch, partitionEpoch: leaderEpoch });
  const changed = (before: ReturnType<typeof p>, after: ReturnType<typeof p>): MetadataChange => ({ kind: 'partition-changed', topic: 't', topicId: 'id', before, after });

  test('an election is a partition getting a new leader; unclean when it was out of the ISR', () => {
    expect(
      countElections([
        changed(p(1, [1, 2, 3]), p(2, [2, 3], 2)), // clean failover
        changed(p(2, [2, 3], 2), p(2, [2], 2)), // ISR shrink only
        changed(p(2, [2]), p(-1, [2], 3)), // went offline: no leader elected
        changed(p(-1, [2]), p(3, [3], 4)), // unclean: 3 was not in the ISR
        { kind: 'broker-fenced', broker: { brokerId: 1, incarnationId: 'x', brokerEpoch: 1, listeners: [], rack: null, fenced: true } },
      ]),
    ).toEqual({ elections: 2, unclean: 1 });
  });

  test('an empty image has no brokers, topics or offline partitions', () => {
    expect(imageCounts(new MetadataImage())).toEqual({ fenced: 0, active: 0, topics: 0, partitions: 0, offline: 0 });
  });

  test('scrapes between metadata changes walk the image once; an applied entry makes the next one walk again', () => {
    const image = new MetadataImage();
    const counts = imageCountsByOffset();
    const walks = jest.spyOn(image, 'topics');
    expect(counts(image)).toEqual({ fenced: 0, active: 0, topics: 0, partitions: 0, offline: 0 });
    expect(walks).toHaveBeenCalledTimes(1);
    image.apply({ origin: null, records: [{ type: 'register-broker', brokerId: 1, incarnationId: 'i', listeners: [], rack: null }] }, image.offset + 1);
    expect(counts(image)).toEqual({ fenced: 1, active: 0, topics: 0, partitions: 0, offline: 0 });
    expect(counts(image).fenced).toBe(1);
    expect(walks).toHaveBeenCalledTimes(2);
  });
});

describe('NodeMetrics', () => {
  const value = async (m: NodeMetrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> => {
    const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
    const v = metric?.values.find((x) => Object.entries(labels).every(([k, want]) => String(x.labels[k]) === want));
    return v?.value;
  };

  test('requests are labelled by service; replication APIs apart from the client API', async () => {
    const m = new NodeMetrics(1);
    m.requestCompleted('Produce', 'NONE', 2);
    m.requestCompleted('FetchFromLeader', 'NONE', 2);
    m.controllerRequests.requestCompleted('BrokerHeartbeat', 'NOT_CONTROLLER', 1);
    expect(await value(m, 'gregor_requests_total', { service: 'client', api: 'Produce', error: 'NONE' })).toBe(1);
    expect(await value(m, 'gregor_requests_total', { service: 'replication', api: 'FetchFromLeader' })).toBe(1);
    expect(await value(m, 'gregor_requests_total', { service: 'controller', api: 'BrokerHeartbeat', error: 'NOT_CONTROLLER' })).toBe(1);
  });

  test('ISR changes count as shrinks and expands; a swap counts as both', async () => {
    const m = new NodeMetrics(1);
    m.isrChanged('t', 0, [1, 2, 3], [1, 3]);
    m.isrChanged('t', 0, [1, 3], [1, 2, 3]);
    m.isrChanged('t', 0, [1, 2], [1, 3]);
    expect(await value(m, 'gregor_isr_shrinks_total')).toBe(2);
    expect(await value(m, 'gregor_isr_expands_total')).toBe(2);
  });

  test('a deleted topic loses its per-topic series; others stay', async () => {
    const m = new NodeMetrics(1);
    m.bytesIn('gone', 100, 2);
    m.bytesOut('gone', 100, 2);
    m.bytesIn('kept', 10, 1);
    m.forgetTopic('gone');
    const text = await m.registry.metrics();
    expect(text).not.toContain('topic="gone"');
    expect(text).toMatch(/gregor_bytes_in_total\{topic="kept",node="1"\} 10/);
  });

  test('one scrape reads the broker status and the store once, whatever the number of gauges', async () => {
    const m = new NodeMetrics(1);
    let statusReads = 0;
    let storeReads = 0;
    m.attachBroker(() => {
      statusReads++;
      return { hostedPartitions: 0, led: emptyLedPartitionCounts(), waitingFetches: 0, waitingProduces: 0, requestBytes: { used: 0, max: 1, waitingReaders: 0, pausedTotal: 0 }, replicaFetchSessions: { sessions: 0, partitions: 0 } };
    });
    m.attachStore(() => {
      storeReads++;
      return { tailCacheBytes: 0, tailCacheMaxBytes: 1, queuedBytes: 0, queuedMaxBytes: 1, leveldbBytes: 0, leveldbMaxBytes: 1, leveldbTableFiles: 0, leveldbMaxOpenFiles: 1, partitions: 0, producers: 0 };
    });
    await m.registry.metrics();
    expect([statusReads, storeReads]).toEqual([1, 1]);
    await m.registry.metrics();
    expect([statusReads, storeReads]).toEqual([2, 2]);
  });

  test('broker gauges and consumer-group lag are read from their sources on scrape', async () => {
    const m = new NodeMetrics(1);
    expect(await value(m, 'gregor_under_replicated_partitions')).toBe(0); // no broker attached (controller-only node)
    let isr = [1, 2];
    const ledOne = (isrSize: number) => {
      const led = emptyLedPartitionCounts();
      countLedPartition(led, 2, isrSize, 1);
      return led;
    };
    m.attachBroker(() => ({ hostedPartitions: 1, led: ledOne(isr.length), waitingFetches: 3, waitingProduces: 0, requestBytes: { used: 0, max: 1, waitingReaders: 0, pausedTotal: 0 }, replicaFetchSessions: { sessions: 2, partitions: 7 } }));
    expect(await value(m, 'gregor_under_replicated_partitions')).toBe(0);
    expect(await value(m, 'gregor_fetch_waiting_requests')).toBe(3);
    expect(await value(m, 'gregor_replica_fetch_sessions')).toBe(2);
    expect(await value(m, 'gregor_replica_fetch_session_partitions')).toBe(7);
    isr = [1];
    expect(await value(m, 'gregor_under_replicated_partitions')).toBe(1);

    let lags = [{ group: 'g', topic: 't', partition: 0, lag: 42n }];
    m.setConsumerGroupLagSource({ consumerGroupLags: () => lags });
    expect(await value(m, 'gregor_consumer_group_lag', { group: 'g', topic: 't', partition: '0' })).toBe(42);
    lags = [];
    expect(await value(m, 'gregor_consumer_group_lag', { group: 'g' })).toBeUndefined();
  });

  test('gregor_node_ready follows the readiness function', async () => {
    const m = new NodeMetrics(1);
    let ready = false;
    m.attachReadiness(() => ready);
    expect(await value(m, 'gregor_node_ready')).toBe(0);
    ready = true;
    expect(await value(m, 'gregor_node_ready')).toBe(1);
  });
});

describe('memory breakdown', () => {
  const MiB = 1024 * 1024;
  const usage = { rss: 900 * MiB, heapTotal: 100 * MiB, heapUsed: 80 * MiB, external: 300 * MiB, arrayBuffers: 290 * MiB };
  const store: LogStoreMemory = {
    tailCacheBytes: 60 * MiB,
    tailCacheMaxBytes: 64 * MiB,
    queuedBytes: 5 * MiB,
    queuedMaxBytes: 64 * MiB,
    leveldbBytes: 70 * MiB,
    leveldbMaxBytes: 160 * MiB,
    leveldbTableFiles: 12,
    leveldbMaxOpenFiles: 1000,
    partitions: 3,
    producers: 2,
  };

  test('native_other is the anonymous memory no other component explains', () => {
    const s = memorySnapshot(usage, 2048 * MiB, { rssBytes: 900 * MiB, anonymousBytes: 600 * MiB, fileBytes: 300 * MiB }, store);
    expect(s.bytes).toEqual({
      v8_heap: 100 * MiB,
      array_buffers: 290 * MiB,
      external_other: 10 * MiB,
      tail_cache: 60 * MiB,
      write_queue: 5 * MiB,
      leveldb: 70 * MiB,
      anonymous: 600 * MiB,
      file_backed: 300 * MiB,
      native_other: 600 * MiB - 100 * MiB - 300 * MiB - 70 * MiB,
    });
    expect(s.budget).toEqual({ v8_heap: 2048 * MiB, tail_cache: 64 * MiB, write_queue: 64 * MiB, leveldb: 160 * MiB });
  });

  test('without /proc or a log store only the V8 components are reported', () => {
    const s = memorySnapshot(usage, 2048 * MiB, undefined, undefined);
    expect(Object.keys(s.bytes).sort()).toEqual(['array_buffers', 'external_other', 'v8_heap']);
    expect(s.budget).toEqual({ v8_heap: 2048 * MiB });
  });

  test('NodeMetrics exports the attached store as gregor_memory_bytes and its budget', async () => {
    const m = new NodeMetrics(1);
    m.attachStore(() => store);
    const text = await m.registry.metrics();
    expect(text).toMatch(/gregor_memory_bytes\{component="tail_cache",node="1"\} 62914560/);
    expect(text).toMatch(/gregor_memory_budget_bytes\{component="leveldb",node="1"\} 167772160/);
    expect(text).toMatch(/gregor_log_store_table_files\{node="1"\} 12/);
    expect(text).toMatch(/gregor_producer_states\{node="1"\} 2/);
    expect(text).toMatch(/gregor_memory_bytes\{component="v8_heap",node="1"\} \d+/);
  });
});
