import { getEventListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { DEFAULT_GROUP_COORDINATOR_CONFIG } from '@gregor/group-coordinator';
import { LogStore } from '@gregor/storage';
import { Broker, CONFIG_RESOURCE_TYPE, LocalMetadataStore, NOOP_OBSERVER, defaultBrokerConfig, type BrokerApi, type BrokerObserver, type RequestContext } from '@gregor/broker';
import { batchOf, offsetsOf, valuesOf } from './helpers/grpc-client';

/**
 * Broker.api without any front end: what a second front end (Kafka's
 * protocol) calls. The gRPC front end is covered by the other tests.
 */
describe('BrokerApi (in-process, no wire)', () => {
  let dir: string;
  let store: LogStore;
  let broker: Broker;
  let api: BrokerApi;
  const completed: { api: string; error: string }[] = [];
  const observer: BrokerObserver = { ...NOOP_OBSERVER, requestCompleted: (a, error) => void completed.push({ api: a, error }) };
  const client: RequestContext = { listener: 'CLIENT', clientId: 'domain-test', clientHost: '/10.1.2.3' };

  beforeEach(async () => {
    completed.length = 0;
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-domain-'));
    store = await LogStore.open({ dataDir: dir });
    const metadata = await LocalMetadataStore.open({ dir, nodeId: 1 });
    broker = await Broker.start({
      config: defaultBrokerConfig({
        retentionCheckIntervalMs: 3_600_000,
        extraListeners: [{ name: 'INTERNAL', host: '127.0.0.1', port: 0 }],
        groupCoordinator: { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupMinSessionTimeoutMs: 100, groupInitialRebalanceDelayMs: 0 },
        offsetsTopicNumPartitions: 2,
      }),
      metadata,
      store,
      observer,
    });
    api = broker.api;
  });
  afterEach(async () => {
    await broker.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function createTopic(name: string, numPartitions = 1): Promise<void> {
    const r = await api.createTopics(client, { topics: [{ name, numPartitions, replicationFactor: -1, configs: {} }], timeoutMs: 5000, validateOnly: false });
    expect(r.topics[0]!.error).toBeNull();
  }

  test('produce, fetch and list offsets with bigint offsets and the record bytes passed through', async () => {
    await createTopic('t');
    const records = batchOf(['a', 'b', 'c']);
    const produced = await api.produce(client, { acks: -1, timeoutMs: 5000, topics: [{ name: 't', partitions: [{ partition: 0, records }] }] });
    expect(produced.topics[0]!.partitions[0]).toMatchObject({ partition: 0, error: null, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n });

    const fetched = await api.fetch(client, {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 0,
      topics: [{ name: 't', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 0, currentLeaderEpoch: -1 }] }],
    });
    const p = fetched.topics[0]!.partitions[0]!;
    expect(p).toMatchObject({ error: null, highWatermark: 3n, lastStableOffset: 3n, logStartOffset: 0n });
    expect(valuesOf(p.records)).toEqual(['a', 'b', 'c']);
    expect(offsetsOf(p.records)).toEqual([0n, 1n, 2n]);

    const listed = await api.listOffsets(client, {
      topics: [{ name: 't', partitions: [{ partition: 0, timestamp: -1n, currentLeaderEpoch: -1 }, { partition: 1, timestamp: -2n, currentLeaderEpoch: -1 }] }],
    });
    expect(listed.topics[0]!.partitions[0]).toMatchObject({ error: null, offset: 3n, leaderEpoch: 0 });
    expect(listed.topics[0]!.partitions[1]!.error?.errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');

    // Kafka's ListOffsets v4+ fences a stale leader epoch, as Fetch does.
    const fenced = await api.listOffsets(client, { topics: [{ name: 't', partitions: [{ partition: 0, timestamp: -1n, currentLeaderEpoch: 5 }] }] });
    expect(fenced.topics[0]!.partitions[0]!.error?.errorName).toBe('UNKNOWN_LEADER_EPOCH');

    expect(completed.map((c) => `${c.api}:${c.error}`)).toEqual([
      'CreateTopics:NONE',
      'Produce:NONE',
      'Fetch:NONE',
      'ListOffsets:UNKNOWN_TOPIC_OR_PARTITION',
      'ListOffsets:UNKNOWN_LEADER_EPOCH',
    ]);
  });

  test('per-partition errors carry Kafka codes; acks=0 answers before the write', async () => {
    await createTopic('t');
    const bad = await api.produce(client, {
      acks: 1,
      timeoutMs: 5000,
      topics: [{ name: 't', partitions: [{ partition: 0, records: Buffer.from('not a batch') }, { partition: 7, records: batchOf(['x']) }] }],
    });
    const [corrupt, unknown] = bad.topics[0]!.partitions;
    expect(corrupt!.error?.code).toBe(2); // CORRUPT_MESSAGE
    expect(corrupt!.baseOffset).toBe(-1n);
    expect(unknown!.error?.errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(unknown!.error?.message).toMatch(/^UNKNOWN_TOPIC_OR_PARTITION: /);

    const fireAndForget = await api.produce(client, { acks: 0, timeoutMs: 0, topics: [{ name: 't', partitions: [{ partition: 0, records: batchOf(['y']) }] }] });
    expect(fireAndForget.topics[0]!.partitions[0]).toMatchObject({ error: null, baseOffset: -1n });
    await pollUntil(async () => broker.partitionState('t', 0)?.logEndOffset === 1n || undefined, { timeoutMs: 10_000, what: 'the acks=0 append' });
  });

  test('Metadata, DescribeCluster and FindCoordinator name brokers on the listener the request came in on', async () => {
    await createTopic('t', 2);
    const ports = broker.listenerPorts;
    const onClient = await api.metadata(client, { topics: ['t'], allowAutoTopicCreation: false });
    expect(onClient.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: ports['CLIENT'], rack: null }]);
    expect(onClient.topics[0]!.topicId).toMatch(/^[0-9a-f-]{36}$/);
    expect(onClient.topics[0]!.partitions.map((p) => [p.partition, p.leaderId, p.leaderEpoch])).toEqual([
      [0, 1, 0],
      [1, 1, 0],
    ]);
    const internal: RequestContext = { ...client, listener: 'INTERNAL' };
    expect((await api.metadata(internal, { topics: [], allowAutoTopicCreation: false })).brokers.map((b) => b.port)).toEqual([ports['INTERNAL']]);
    // [] asks for no topics, null for all of them (Kafka's v1+ rule).
    expect((await api.metadata(client, { topics: [], allowAutoTopicCreation: false })).topics).toEqual([]);
    expect((await api.metadata(client, { topics: null, allowAutoTopicCreation: false })).topics.map((t) => t.name)).toEqual(['t']);
    // A listener no broker advertises (yet): no brokers, as Kafka does.
    const cluster = await api.describeCluster({ ...client, listener: 'KAFKA' }, {});
    expect(cluster).toEqual({ clusterId: onClient.clusterId, controllerId: 1, brokers: [] });
    expect((await api.describeCluster(internal, {})).brokers.map((b) => b.port)).toEqual([ports['INTERNAL']]);

    const coordinator = await pollUntil(
      async () => {
        const r = await api.findCoordinator(internal, { keyType: 0, keys: ['g'] });
        return r.coordinators[0]!.error === null ? r.coordinators[0] : undefined;
      },
      { timeoutMs: 20_000, what: 'a coordinator' },
    );
    expect(coordinator).toEqual({ key: 'g', error: null, nodeId: 1, host: '127.0.0.1', port: ports['INTERNAL'] });
  });

  test('AlterConfigs is incremental, or replaces every override as Kafka\'s legacy AlterConfigs does', async () => {
    await createTopic('t');
    const TOPIC = CONFIG_RESOURCE_TYPE.TOPIC;
    const alter = (set: Record<string, string>, del: string[], replace?: boolean) =>
      api.alterConfigs(client, { resources: [{ resourceType: TOPIC, resourceName: 't', set, delete: del, ...(replace !== undefined ? { replace } : {}) }], validateOnly: false });
    const overrides = async () => {
      const r = await api.describeConfigs(client, { resources: [{ resourceType: TOPIC, resourceName: 't', configNames: null }] });
      return Object.fromEntries(r.results[0]!.configs.filter((c) => !c.isDefault).map((c) => [c.name, c.value]));
    };
    expect((await alter({ 'retention.ms': '1000' }, [])).results[0]!.error).toBeNull();
    expect((await alter({ 'cleanup.policy': 'compact' }, [])).results[0]!.error).toBeNull();
    expect(await overrides()).toEqual({ 'retention.ms': '1000', 'cleanup.policy': 'compact' });
    expect((await alter({ 'retention.ms': '2000' }, [], true)).results[0]!.error).toBeNull();
    expect(await overrides()).toEqual({ 'retention.ms': '2000' });
    expect((await alter({}, ['retention.ms'], true)).results[0]!.error?.errorName).toBe('INVALID_REQUEST');
    const other = await api.describeConfigs(client, { resources: [{ resourceType: 3, resourceName: 'x', configNames: [] }] });
    expect(other.results[0]!.error?.errorName).toBe('INVALID_REQUEST');
  });

  test('a fetch waiting for data ends when its signal aborts', async () => {
    await createTopic('t');
    const fetch = (signal?: AbortSignal) =>
      api.fetch(
        { ...client, ...(signal !== undefined ? { signal } : {}) },
        { maxWaitMs: 60_000, minBytes: 1, maxBytes: 0, topics: [{ name: 't', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 0, currentLeaderEpoch: -1 }] }] },
      );
    const waiting = new AbortController();
    const answer = fetch(waiting.signal);
    await pollUntil(async () => broker.waitingFetches === 1 || undefined, { timeoutMs: 10_000, what: 'the fetch to park' });
    waiting.abort();
    expect(await answer).toEqual({ topics: [] });
    expect(broker.waitingFetches).toBe(0);

    // One signal for a whole connection (as a Kafka front end may pass): requests leave no listener on it.
    const connection = new AbortController();
    const expired = await api.fetch(
      { ...client, signal: connection.signal },
      { maxWaitMs: 20, minBytes: 1, maxBytes: 0, topics: [{ name: 't', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 0, currentLeaderEpoch: -1 }] }] },
    );
    expect(expired.topics[0]!.partitions[0]!.records.length).toBe(0);
    expect(getEventListeners(connection.signal, 'abort')).toHaveLength(0);

    const gone = new AbortController();
    gone.abort();
    expect(await fetch(gone.signal)).toEqual({ topics: [] });
    expect(broker.waitingFetches).toBe(0);
  });

  test('groups: a Kafka v0–v3 style join (no KIP-394 round) records the client, and commits go through the domain produce', async () => {
    await createTopic('t');
    // The first FindCoordinator creates __consumer_offsets.
    await pollUntil(async () => (await api.findCoordinator(client, { keyType: 0, keys: ['g'] })).coordinators[0]!.error === null || undefined, {
      timeoutMs: 20_000,
      what: 'a coordinator',
    });
    const join = () =>
      api.joinGroup(client, {
        groupId: 'g',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 0,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from('m') }],
        reason: null,
        requireKnownMemberId: false,
      });
    const joined = await pollUntil(
      async () => {
        const r = await join();
        return r.error?.errorName === 'COORDINATOR_LOAD_IN_PROGRESS' ? undefined : r;
      },
      { timeoutMs: 20_000, what: 'the coordinator to load' },
    );
    expect(joined.error).toBeNull();
    expect(joined.leader).toBe(joined.memberId);
    const synced = await api.syncGroup(client, {
      groupId: 'g',
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('a') }],
    });
    expect(synced).toMatchObject({ error: null, protocolName: 'range', assignment: Buffer.from('a') });
    const described = await api.describeGroups(client, { groups: ['g'] });
    expect(described.groups[0]!.members[0]).toMatchObject({ memberId: joined.memberId, groupInstanceId: null, clientId: 'domain-test', clientHost: '/10.1.2.3' });

    const committed = await api.offsetCommit(client, {
      groupId: 'g',
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partition: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    expect(committed.topics).toEqual([{ name: 't', partitions: [{ partition: 0, error: null }] }]);
    const fetched = await api.offsetFetch(client, { groupId: 'g', topics: null, requireStable: true });
    expect(fetched.error).toBeNull();
    expect(fetched.topics).toEqual([{ name: 't', partitions: [{ partition: 0, committedOffset: 42n, committedLeaderEpoch: -1, metadata: '', error: null }] }]);
  });
});
