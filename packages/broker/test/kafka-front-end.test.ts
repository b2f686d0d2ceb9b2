import { errorCode, pollUntil } from '@gregor/common';
import { DEFAULT_GROUP_COORDINATOR_CONFIG } from '@gregor/group-coordinator';
import {
  API_KEYS,
  API_VERSIONS_API,
  CREATE_PARTITIONS_API,
  CREATE_TOPICS_API,
  DELETE_GROUPS_API,
  DELETE_RECORDS_API,
  DELETE_TOPICS_API,
  DESCRIBE_CLUSTER_API,
  DESCRIBE_CONFIGS_API,
  DESCRIBE_GROUPS_API,
  FETCH_API,
  FIND_COORDINATOR_API,
  HEARTBEAT_API,
  INCREMENTAL_ALTER_CONFIGS_API,
  INIT_PRODUCER_ID_API,
  JOIN_GROUP_API,
  LEAVE_GROUP_API,
  LIST_GROUPS_API,
  LIST_OFFSETS_API,
  METADATA_API,
  OFFSET_COMMIT_API,
  OFFSET_FETCH_API,
  OFFSET_FOR_LEADER_EPOCH_API,
  PRODUCE_API,
  SYNC_GROUP_API,
  ZERO_UUID,
} from '@gregor/kafka-protocol';
import { NOOP_OBSERVER, type Broker, type BrokerObserver } from '@gregor/broker';
import { encodeRecordBatch } from '@gregor/record-batch';
import { batchOf, offsetsOf, valuesOf } from './helpers/grpc-client';
import { KafkaTestClient, fetchBody } from './helpers/kafka-client';
import { startKafkaBroker, type KafkaBroker } from './helpers/kafka-broker';

const NONE = 0;
const code = errorCode;

/**
 * The KAFKA listener end to end over a real TCP socket, one broker
 * in-process: each request encoded with the generated codecs, decoded by
 * the front end, handled by the broker core, and read back.
 */
describe('Kafka front end (in-process broker, real socket)', () => {
  let node: KafkaBroker;
  let broker: Broker;
  let client: KafkaTestClient;
  const completed: string[] = [];
  const observer: BrokerObserver = { ...NOOP_OBSERVER, requestCompleted: (api, error) => void completed.push(`${api}:${error}`) };

  beforeAll(async () => {
    node = await startKafkaBroker(
      {
        groupCoordinator: { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupMinSessionTimeoutMs: 100, groupInitialRebalanceDelayMs: 0 },
        offsetsTopicNumPartitions: 2,
      },
      observer,
    );
    ({ broker, client } = node);
  });
  afterAll(() => node.stop());

  async function createTopic(name: string, numPartitions = 1): Promise<void> {
    const r = await client.send(CREATE_TOPICS_API, 7, { topics: [{ name, numPartitions, replicationFactor: -1 }], timeoutMs: 5000 });
    expect(r.topics[0]!.errorCode).toBe(NONE);
  }

  test('ApiVersions v0–v3 advertise exactly the served keys; v4 gets the v0 UNSUPPORTED_VERSION answer and the connection stays open', async () => {
    for (const v of [0, 1, 2, 3]) {
      const r = await client.send(API_VERSIONS_API, v, { clientSoftwareName: 'test', clientSoftwareVersion: '1.0' });
      expect(r.errorCode).toBe(NONE);
      const byKey = new Map(r.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
      expect(byKey.get(API_KEYS.Produce)).toEqual([0, 9]); // v0–v2 listed for librdkafka's codec check, answered UNSUPPORTED_VERSION
      expect(byKey.get(API_KEYS.Fetch)).toEqual([4, 12]);
      expect(byKey.get(API_KEYS.Metadata)).toEqual([0, 12]);
      expect(byKey.get(API_KEYS.ApiVersions)).toEqual([0, 3]);
      expect(byKey.get(API_KEYS.InitProducerId)).toEqual([0, 4]);
      expect(byKey.get(API_KEYS.DeleteRecords)).toEqual([0, 2]);
      expect(byKey.get(API_KEYS.ListOffsets)).toEqual([1, 7]);
      // The transaction APIs (issue 14): AddPartitionsToTxn/AddOffsetsToTxn/EndTxn/TxnOffsetCommit v0–3,
      // DescribeTransactions and DescribeProducers v0, ListTransactions v0–1 (KIP-994's duration filter).
      expect(byKey.get(API_KEYS.AddPartitionsToTxn)).toEqual([0, 3]);
      expect(byKey.get(API_KEYS.TxnOffsetCommit)).toEqual([0, 3]);
      expect(byKey.get(API_KEYS.ListTransactions)).toEqual([0, 1]);
      expect(byKey.get(API_KEYS.DescribeProducers)).toEqual([0, 0]);
      expect(r.apiKeys).toHaveLength(32);
    }
    // Kafka answers an unknown ApiVersions version as v0, with the error and its own range (KIP-511).
    const unsupported = await client.sendTracked(API_VERSIONS_API, 4, {}, 0).promise;
    expect(unsupported).toMatchObject({ errorCode: code('UNSUPPORTED_VERSION'), apiKeys: [{ apiKey: API_KEYS.ApiVersions, minVersion: 0, maxVersion: 3 }] });
    const again = await client.send(API_VERSIONS_API, 0, {});
    expect(again.errorCode).toBe(NONE);
  });

  test('Metadata v0, v1 and v12 name the broker by its KAFKA address, with topic ids from v10', async () => {
    await createTopic('meta', 2);
    const v1 = await client.send(METADATA_API, 1, { topics: [{ name: 'meta' }, { name: 'missing' }] });
    expect(v1.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: broker.kafkaPort, rack: null }]);
    expect(v1.controllerId).toBe(1);
    expect(v1.topics[0]).toMatchObject({ errorCode: NONE, name: 'meta', isInternal: false });
    expect(v1.topics[0]!.partitions.map((p) => [p.partitionIndex, p.leaderId, p.replicaNodes])).toEqual([
      [0, 1, [1]],
      [1, 1, [1]],
    ]);
    expect(v1.topics[1]).toMatchObject({ errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), name: 'missing' });
    // v0: an empty list means every topic.
    const v0 = await client.send(METADATA_API, 0, { topics: [] });
    expect(v0.topics.map((t) => t.name)).toContain('meta');
    // v1+: an empty list means none.
    expect((await client.send(METADATA_API, 1, { topics: [] })).topics).toEqual([]);
    const v12 = await client.send(METADATA_API, 12, { topics: null, allowAutoTopicCreation: false });
    const meta = v12.topics.find((t) => t.name === 'meta')!;
    expect(meta.topicId).not.toBe(ZERO_UUID);
    expect(v12.clusterId).toEqual(expect.any(String));
  });

  test('Produce acks 1, -1 and 0 (no response: the next answer is for the next request), then Fetch and ListOffsets read it back', async () => {
    await createTopic('data');
    const produce = (acks: number, values: string[]) =>
      ({ acks, timeoutMs: 5000, topicData: [{ name: 'data', partitionData: [{ index: 0, records: batchOf(values) }] }] }) as const;
    const one = await client.send(PRODUCE_API, 9, produce(1, ['a', 'b']));
    expect(one.responses[0]!.partitionResponses[0]).toMatchObject({ index: 0, errorCode: NONE, baseOffset: 0n, logStartOffset: 0n });
    const all = await client.send(PRODUCE_API, 3, produce(-1, ['c']));
    expect(all.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: NONE, baseOffset: 2n });
    const noAnswer = client.sendOneWay(PRODUCE_API, 7, produce(0, ['d']));
    const { correlationId, promise } = client.sendTracked(LIST_OFFSETS_API, 7, {
      replicaId: -1,
      topics: [{ name: 'data', partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: -1 }] }],
    });
    const listed = await promise;
    expect(client.answered).not.toContain(noAnswer);
    expect(client.answered[client.answered.length - 1]).toBe(correlationId);
    expect(listed.topics[0]!.partitions[0]).toMatchObject({ errorCode: NONE, leaderEpoch: 0 });
    // acks=0 is answered (here: not at all) before its write; wait for the write.
    await pollUntil(
      async () => {
        const r = await client.send(LIST_OFFSETS_API, 7, { replicaId: -1, topics: [{ name: 'data', partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: -1 }] }] });
        return r.topics[0]!.partitions[0]!.offset === 4n;
      },
      { timeoutMs: 10_000, what: 'the acks=0 record to be written' },
    );

    const fetched = await client.send(FETCH_API, 12, fetchBody('data', { maxWaitMs: 0, minBytes: 0 }));
    expect(fetched).toMatchObject({ errorCode: NONE, sessionId: 0 });
    const p = fetched.responses[0]!.partitions[0]!;
    expect(p).toMatchObject({ errorCode: NONE, highWatermark: 4n, lastStableOffset: 4n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1 });
    expect(valuesOf(p.records!)).toEqual(['a', 'b', 'c', 'd']);
    expect(offsetsOf(p.records!)).toEqual([0n, 1n, 2n, 3n]);

    const epochs = await client.send(OFFSET_FOR_LEADER_EPOCH_API, 4, {
      replicaId: -1,
      topics: [{ topic: 'data', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }],
    });
    expect(epochs.topics[0]!.partitions[0]).toMatchObject({ errorCode: NONE, leaderEpoch: 0, endOffset: 4n });
    // ListOffsets v1 carries no leader epoch.
    const v1 = await client.send(LIST_OFFSETS_API, 1, { replicaId: -1, topics: [{ name: 'data', partitions: [{ partitionIndex: 0, timestamp: -2n }] }] });
    expect(v1.topics[0]!.partitions[0]).toMatchObject({ errorCode: NONE, offset: 0n });
  });

  test('ListOffsets v7 MAX_TIMESTAMP (-3) names the first record with the greatest timestamp; DeleteRecords v0 and v2 move the log start', async () => {
    await createTopic('trim');
    const batch = (timestamps: bigint[]) => encodeRecordBatch(timestamps.map((timestamp, i) => ({ key: null, value: Buffer.from(`t${i}`), timestamp })), { baseTimestamp: timestamps[0]! });
    for (const ts of [[100n, 500n], [300n], [500n, 200n]]) {
      const r = await client.send(PRODUCE_API, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'trim', partitionData: [{ index: 0, records: batch(ts) }] }] });
      expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(NONE);
    }
    const list = (timestamp: bigint) =>
      client.send(LIST_OFFSETS_API, 7, { replicaId: -1, topics: [{ name: 'trim', partitions: [{ partitionIndex: 0, timestamp, currentLeaderEpoch: -1 }] }] });
    expect((await list(-3n)).topics[0]!.partitions[0]).toMatchObject({ errorCode: NONE, offset: 1n, timestamp: 500n, leaderEpoch: 0 });

    const v0 = await client.send(DELETE_RECORDS_API, 0, {
      topics: [
        { name: 'trim', partitions: [{ partitionIndex: 0, offset: 2n }, { partitionIndex: 3, offset: 1n }] },
        { name: 'no-such-topic', partitions: [{ partitionIndex: 0, offset: 1n }] },
      ],
      timeoutMs: 5000,
    });
    expect(v0.topics.map((t) => t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.lowWatermark]))).toEqual([
      [
        [0, NONE, 2n],
        [3, code('UNKNOWN_TOPIC_OR_PARTITION'), -1n],
      ],
      [[0, code('UNKNOWN_TOPIC_OR_PARTITION'), -1n]],
    ]);
    expect((await list(-2n)).topics[0]!.partitions[0]).toMatchObject({ errorCode: NONE, offset: 2n });
    // The 500 at offset 1 is gone: the greatest left is the 500 at offset 3.
    expect((await list(-3n)).topics[0]!.partitions[0]).toMatchObject({ errorCode: NONE, offset: 3n, timestamp: 500n });
    const fetched = await client.send(FETCH_API, 12, fetchBody('trim', { fetchOffset: 1n }));
    expect(fetched.responses[0]!.partitions[0]).toMatchObject({ errorCode: code('OFFSET_OUT_OF_RANGE') });

    const bad = await client.send(DELETE_RECORDS_API, 2, {
      topics: [{ name: 'trim', partitions: [{ partitionIndex: 0, offset: 6n }, { partitionIndex: 0, offset: -7n }] }],
      timeoutMs: 5000,
    });
    expect(bad.topics[0]!.partitions.map((p) => [p.errorCode, p.lowWatermark])).toEqual([
      [code('OFFSET_OUT_OF_RANGE'), -1n],
      [code('OFFSET_OUT_OF_RANGE'), -1n],
    ]);
    const toHw = await client.send(DELETE_RECORDS_API, 2, { topics: [{ name: 'trim', partitions: [{ partitionIndex: 0, offset: -1n }] }], timeoutMs: 5000 });
    expect(toHw.topics[0]!.partitions[0]).toMatchObject({ errorCode: NONE, lowWatermark: 5n });
    expect((await list(-3n)).topics[0]!.partitions[0]).toMatchObject({ errorCode: NONE, offset: -1n, timestamp: -1n });
  });

  test('Produce v2 and a v0/v1 message set are UNSUPPORTED_VERSION; nothing is written', async () => {
    await createTopic('legacy');
    const old = await client.send(PRODUCE_API, 2, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'legacy', partitionData: [{ index: 0, records: batchOf(['x']) }] }] });
    expect(old.responses[0]!.partitionResponses[0]!.errorCode).toBe(code('UNSUPPORTED_VERSION'));
    const magic1 = Buffer.from(batchOf(['y']));
    magic1[16] = 1;
    const legacy = await client.send(PRODUCE_API, 8, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'legacy', partitionData: [{ index: 0, records: magic1 }] }] });
    expect(legacy.responses[0]!.partitionResponses[0]!.errorCode).toBe(code('UNSUPPORTED_VERSION'));
    const listed = await client.send(LIST_OFFSETS_API, 4, { replicaId: -1, topics: [{ name: 'legacy', partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: -1 }] }] });
    expect(listed.topics[0]!.partitions[0]!.offset).toBe(0n);
  });

  test('Fetch long-polls until a produce arrives; a request pipelined behind it on the same connection is answered after it', async () => {
    await createTopic('poll');
    const fetch = client.sendTracked(FETCH_API, 11, fetchBody('poll', { maxWaitMs: 30_000, minBytes: 1 }));
    const behind = client.sendTracked(API_VERSIONS_API, 3, {});
    const other = await KafkaTestClient.connect(broker.kafkaPort!);
    try {
      // The pipelined ApiVersions is ready at once but must wait for the fetch.
      await pollUntil(async () => broker.waitingFetches === 1, { timeoutMs: 10_000, what: 'the fetch to wait' });
      expect(client.answered).not.toContain(behind.correlationId);
      const produced = await other.send(PRODUCE_API, 9, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'poll', partitionData: [{ index: 0, records: batchOf(['late']) }] }] });
      expect(produced.responses[0]!.partitionResponses[0]!.errorCode).toBe(NONE);
      const fetched = await fetch.promise;
      await behind.promise;
      expect(valuesOf(fetched.responses[0]!.partitions[0]!.records!)).toEqual(['late']);
      const order = client.answered.filter((id) => id === fetch.correlationId || id === behind.correlationId);
      expect(order).toEqual([fetch.correlationId, behind.correlationId]);
    } finally {
      other.close();
    }
  });

  test('groups: FindCoordinator names the KAFKA address; JoinGroup v5 asks for a member id (KIP-394), then Sync, Heartbeat, commit, fetch, describe, list, leave, delete', async () => {
    await createTopic('gt');
    const found = await client.send(FIND_COORDINATOR_API, 4, { keyType: 0, coordinatorKeys: ['g'] });
    expect(found.coordinators[0]).toMatchObject({ key: 'g', errorCode: NONE, nodeId: 1, host: '127.0.0.1', port: broker.kafkaPort });
    const v0 = await client.send(FIND_COORDINATOR_API, 0, { key: 'g' });
    expect(v0).toMatchObject({ errorCode: NONE, nodeId: 1, port: broker.kafkaPort });

    const join = { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from([1]) }] };
    // Retriable COORDINATOR_LOAD_IN_PROGRESS until the coordinator has loaded its partition, as a client retries.
    const first = await pollUntil(
      async () => {
        const r = await client.send(JOIN_GROUP_API, 5, { ...join, memberId: '' });
        return r.errorCode === code('COORDINATOR_LOAD_IN_PROGRESS') ? undefined : r;
      },
      { timeoutMs: 10_000, what: 'the group coordinator to load' },
    );
    expect(first.errorCode).toBe(code('MEMBER_ID_REQUIRED'));
    expect(first.memberId).not.toBe('');
    const joined = await client.send(JOIN_GROUP_API, 5, { ...join, memberId: first.memberId });
    expect(joined).toMatchObject({ errorCode: NONE, generationId: 1, protocolName: 'range', leader: first.memberId, memberId: first.memberId });
    expect(joined.members.map((m) => m.memberId)).toEqual([first.memberId]);
    const member = { groupId: 'g', generationId: joined.generationId, memberId: joined.memberId };
    const synced = await client.send(SYNC_GROUP_API, 5, { ...member, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: joined.memberId, assignment: Buffer.from('A') }] });
    expect(synced).toMatchObject({ errorCode: NONE, protocolName: 'range' });
    expect(synced.assignment.toString()).toBe('A');
    expect((await client.send(HEARTBEAT_API, 4, member)).errorCode).toBe(NONE);
    expect((await client.send(HEARTBEAT_API, 0, { ...member, generationId: 99 })).errorCode).toBe(code('ILLEGAL_GENERATION'));

    const committed = await client.send(OFFSET_COMMIT_API, 8, {
      groupId: 'g',
      generationIdOrMemberEpoch: joined.generationId,
      memberId: joined.memberId,
      topics: [{ name: 'gt', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedMetadata: 'm' }] }],
    });
    expect(committed.topics[0]!.partitions[0]).toEqual({ partitionIndex: 0, errorCode: NONE });
    const fetched8 = await client.send(OFFSET_FETCH_API, 8, { groups: [{ groupId: 'g', topics: null }] });
    expect(fetched8.groups[0]).toMatchObject({ groupId: 'g', errorCode: NONE });
    expect(fetched8.groups[0]!.topics[0]!.partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: 7n, metadata: 'm', errorCode: NONE });
    const fetched1 = await client.send(OFFSET_FETCH_API, 1, { groupId: 'g', topics: [{ name: 'gt', partitionIndexes: [0] }] });
    expect(fetched1.topics[0]!.partitions[0]).toMatchObject({ committedOffset: 7n });
    // kafka-python's commit version (v2, with retention time).
    const v2 = await client.send(OFFSET_COMMIT_API, 2, {
      groupId: 'g',
      generationIdOrMemberEpoch: joined.generationId,
      memberId: joined.memberId,
      retentionTimeMs: -1n,
      topics: [{ name: 'gt', partitions: [{ partitionIndex: 0, committedOffset: 8n, committedMetadata: '' }] }],
    });
    expect(v2.topics[0]!.partitions[0]!.errorCode).toBe(NONE);

    const described = await client.send(DESCRIBE_GROUPS_API, 5, { groups: ['g'] });
    expect(described.groups[0]).toMatchObject({ errorCode: NONE, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(described.groups[0]!.members[0]).toMatchObject({ memberId: joined.memberId, clientId: 'kafka-test', clientHost: '/127.0.0.1' });
    const listed = await client.send(LIST_GROUPS_API, 4, { statesFilter: ['Stable'] });
    expect(listed.groups).toEqual([{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: '' }]);

    const left = await client.send(LEAVE_GROUP_API, 3, { groupId: 'g', members: [{ memberId: joined.memberId }] });
    expect(left).toMatchObject({ errorCode: NONE, members: [{ memberId: joined.memberId, errorCode: NONE }] });
    const deleted = await client.send(DELETE_GROUPS_API, 2, { groupsNames: ['g', 'nope'] });
    expect(deleted.results).toEqual([
      { groupId: 'g', errorCode: NONE },
      { groupId: 'nope', errorCode: code('GROUP_ID_NOT_FOUND') },
    ]);
  });

  test('JoinGroup v0–v3 take a new member at once (no MEMBER_ID_REQUIRED), and LeaveGroup v0 answers one error', async () => {
    const joined = await pollUntil(
      async () => {
        const r = await client.send(JOIN_GROUP_API, 2, {
          groupId: 'old',
          sessionTimeoutMs: 10_000,
          rebalanceTimeoutMs: 10_000,
          memberId: '',
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
        });
        return r.errorCode === code('COORDINATOR_LOAD_IN_PROGRESS') ? undefined : r;
      },
      { timeoutMs: 10_000, what: 'the group coordinator to load' },
    );
    expect(joined).toMatchObject({ errorCode: NONE, generationId: 1, protocolName: 'range' });
    expect((await client.send(LEAVE_GROUP_API, 0, { groupId: 'old', memberId: joined.memberId })).errorCode).toBe(NONE);
    expect((await client.send(LEAVE_GROUP_API, 0, { groupId: 'old', memberId: 'gone' })).errorCode).toBe(code('UNKNOWN_MEMBER_ID'));
  });

  test('admin: create (v2 and v7, configs back), describe and alter configs, create partitions, delete (v1 and v6), InitProducerId, DescribeCluster', async () => {
    const created = await client.send(CREATE_TOPICS_API, 7, {
      topics: [
        { name: 'adm', numPartitions: 2, replicationFactor: 1, configs: [{ name: 'retention.ms', value: '1000' }] },
        { name: 'bad', numPartitions: 1, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] },
        { name: 'bad name!', numPartitions: 1, replicationFactor: 1 },
      ],
      timeoutMs: 5000,
    });
    expect(created.topics[0]).toMatchObject({ name: 'adm', errorCode: NONE, numPartitions: 2, replicationFactor: 1 });
    expect(created.topics[0]!.topicId).not.toBe(ZERO_UUID);
    expect(created.topics[0]!.configs).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'retention.ms', value: '1000' })]));
    expect(created.topics[1]).toMatchObject({ name: 'bad', errorCode: code('INVALID_REQUEST') });
    expect(created.topics[2]).toMatchObject({ name: 'bad name!', errorCode: code('INVALID_TOPIC_EXCEPTION') });
    const again = await client.send(CREATE_TOPICS_API, 2, { topics: [{ name: 'adm', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 });
    expect(again.topics[0]!.errorCode).toBe(code('TOPIC_ALREADY_EXISTS'));

    const described = await client.send(DESCRIBE_CONFIGS_API, 4, { resources: [{ resourceType: 2, resourceName: 'adm', configurationKeys: ['retention.ms', 'cleanup.policy'] }] });
    const cfg = new Map(described.results[0]!.configs.map((c) => [c.name, c]));
    expect(cfg.get('retention.ms')).toMatchObject({ value: '1000', configSource: 1 });
    expect(cfg.get('cleanup.policy')).toMatchObject({ value: 'delete', configSource: 5 });
    const v0 = await client.send(DESCRIBE_CONFIGS_API, 0, { resources: [{ resourceType: 2, resourceName: 'adm', configurationKeys: ['cleanup.policy'] }] });
    expect(v0.results[0]!.configs[0]).toMatchObject({ name: 'cleanup.policy', isDefault: true });

    const altered = await client.send(INCREMENTAL_ALTER_CONFIGS_API, 1, {
      resources: [
        { resourceType: 2, resourceName: 'adm', configs: [{ name: 'retention.ms', configOperation: 1, value: null }, { name: 'cleanup.policy', configOperation: 0, value: 'compact' }] },
        { resourceType: 2, resourceName: 'adm', configs: [{ name: 'cleanup.policy', configOperation: 2, value: 'delete' }] },
      ],
    });
    expect(altered.responses.map((r) => r.errorCode)).toEqual([NONE, code('INVALID_REQUEST')]);
    const after = await client.send(DESCRIBE_CONFIGS_API, 1, { resources: [{ resourceType: 2, resourceName: 'adm', configurationKeys: ['retention.ms', 'cleanup.policy'] }] });
    const afterCfg = new Map(after.results[0]!.configs.map((c) => [c.name, c.value]));
    expect(afterCfg.get('cleanup.policy')).toBe('compact');
    expect(afterCfg.get('retention.ms')).toBe('604800000');

    const grown = await client.send(CREATE_PARTITIONS_API, 3, { topics: [{ name: 'adm', count: 3, assignments: null }], timeoutMs: 5000 });
    expect(grown.results[0]).toMatchObject({ name: 'adm', errorCode: NONE });
    const meta = await client.send(METADATA_API, 9, { topics: [{ name: 'adm' }] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);

    const pid = await client.send(INIT_PRODUCER_ID_API, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    expect(pid).toMatchObject({ errorCode: NONE, producerEpoch: 0 });
    expect(pid.producerId).toBeGreaterThanOrEqual(0n);
    // A transactional id goes to its coordinator, found with FindCoordinator key type 1 first.
    const txn = await client.send(INIT_PRODUCER_ID_API, 0, { transactionalId: 'tx', transactionTimeoutMs: 60_000 });
    expect(txn.errorCode).toBe(code('NOT_COORDINATOR'));

    const cluster = await client.send(DESCRIBE_CLUSTER_API, 1, { endpointType: 1 });
    expect(cluster).toMatchObject({ errorCode: NONE, endpointType: 1, brokers: [{ brokerId: 1, host: '127.0.0.1', port: broker.kafkaPort, rack: null }] });

    const v1 = await client.send(DELETE_TOPICS_API, 1, { topicNames: ['adm', 'nope'], timeoutMs: 5000 });
    expect(v1.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['adm', NONE],
      ['nope', code('UNKNOWN_TOPIC_OR_PARTITION')],
    ]);
    const v6 = await client.send(DELETE_TOPICS_API, 6, { topics: [{ name: null, topicId: '11111111-2222-3333-4444-555555555555' }], timeoutMs: 5000 });
    expect(v6.responses[0]).toMatchObject({ name: null, errorCode: code('UNKNOWN_TOPIC_ID') });
  });

  test('requests are counted by the broker core as for gRPC; ApiVersions by the front end', () => {
    expect(completed).toEqual(expect.arrayContaining(['ApiVersions:NONE', 'ApiVersions:UNSUPPORTED_VERSION', 'Produce:NONE', 'Fetch:NONE', 'JoinGroup:MEMBER_ID_REQUIRED']));
  });
});

/**
 * auto.create.topics.enable through the KAFKA listener, as Kafka does it:
 * Metadata v0–v3 always create a missing topic (kafka-python 2.0.2 sends v1),
 * v4+ only when the request allows it; with the setting off nothing is created.
 */
describe('Kafka front end: auto.create.topics.enable', () => {
  let node: KafkaBroker;
  beforeAll(async () => {
    node = await startKafkaBroker({ autoCreateTopicsEnable: true, numPartitions: 3 });
  });
  afterAll(() => node.stop());

  test('v1 creates a missing topic with num.partitions; v12 creates only when allowAutoTopicCreation is true', async () => {
    const client = node.client;
    const v1 = await client.send(METADATA_API, 1, { topics: [{ name: 'auto-v1' }] });
    expect(v1.topics[0]).toMatchObject({ errorCode: NONE, name: 'auto-v1' });
    expect(v1.topics[0]!.partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2]);

    const refused = await client.send(METADATA_API, 12, { topics: [{ name: 'auto-v12', topicId: ZERO_UUID }], allowAutoTopicCreation: false });
    expect(refused.topics[0]).toMatchObject({ errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), name: 'auto-v12' });
    const created = await client.send(METADATA_API, 12, { topics: [{ name: 'auto-v12', topicId: ZERO_UUID }], allowAutoTopicCreation: true });
    expect(created.topics[0]).toMatchObject({ errorCode: NONE, name: 'auto-v12' });
    expect(created.topics[0]!.partitions).toHaveLength(3);

    // A bad name is refused, not created, and the broker still answers.
    const bad = await client.send(METADATA_API, 1, { topics: [{ name: 'bad/name' }] });
    expect(bad.topics[0]!.errorCode).toBe(code('INVALID_TOPIC_EXCEPTION'));
    const all = await client.send(METADATA_API, 0, { topics: [] });
    expect(all.topics.map((t) => t.name).sort()).toEqual(['auto-v1', 'auto-v12']);
  });
});
