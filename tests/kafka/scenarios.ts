/**
 * The checks every Kafka client in tests/kafka goes through, written once
 * over the client programs' common command line (client-driver.ts) and a
 * real 3-node cluster (KafkaCluster). Each test file picks the ones its
 * client supports.
 */
import type { ConsumerRecord, Gregor } from '@gregor/client';
import { pollUntil } from '@gregor/common';
import { FAST_FAILOVER, TestCluster } from '../cluster/harness';
import { ClientProcess, describeWithKafkaClients, runClient, type ClientProgram, type ConsumedRecord } from './client-driver';

/** A 3-node cluster with the node's Kafka listener addresses; topics get RF 3 and min.insync.replicas 2. */
export class KafkaCluster {
  private constructor(readonly test: TestCluster) {}

  static async start(): Promise<KafkaCluster> {
    return new KafkaCluster(await TestCluster.start(3, FAST_FAILOVER));
  }

  get sdk(): Gregor {
    return this.test.client;
  }

  /** The KAFKA listener addresses of the given nodes (all when none), comma-separated as the clients take them. */
  kafka(...ids: number[]): string {
    return this.test.cluster.nodes
      .filter((n) => ids.length === 0 || ids.includes(n.id))
      .map((n) => n.kafka!)
      .join(',');
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.sdk.admin().createTopics([{ topic, numPartitions: partitions, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    await this.test.waitForFullIsr(topic);
  }

  /** Reads every partition of the topic from the start with the SDK until `count` records arrived. */
  async sdkRead(topic: string, count: number, timeoutMs = 30_000): Promise<ConsumerRecord[]> {
    const partitions = (await this.test.describe(topic)).map((p) => ({ topic, partition: p.partition }));
    const consumer = this.sdk.consumer({ autoOffsetReset: 'earliest' });
    try {
      consumer.assign(partitions);
      const got: ConsumerRecord[] = [];
      await pollUntil(
        async () => {
          got.push(...(await consumer.poll({ timeoutMs: 500 })));
          return got.length >= count;
        },
        { timeoutMs, what: `the SDK to read ${count} records of ${topic} (has ${got.length})` },
      );
      return got;
    } finally {
      await consumer.close();
    }
  }

  stop(): Promise<void> {
    return this.test.stop();
  }
}

/** What a client program sent for value i: key k<i>, value "<i>", header seq=<i>. */
export function expectedRecord(i: number): Pick<ConsumedRecord, 'k' | 'v' | 'h'> {
  return { k: `k${i}`, v: String(i), h: { seq: String(i) } };
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

const sortNum = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

/** Metadata through one node's KAFKA listener lists all three brokers at their KAFKA addresses, and a topic's partitions. */
export async function checkMetadata(c: KafkaCluster, prog: ClientProgram, topic: string): Promise<void> {
  await c.createTopic(topic, 3);
  const [md] = await runClient(prog, ['metadata', '--bootstrap', c.kafka(1)]);
  const brokers = c.test.cluster.nodes.map((n) => {
    const [host, port] = n.kafka!.split(':');
    return { id: n.id, host, port: Number(port) };
  });
  expect(md!.brokers).toEqual(brokers);
  expect((md!.topics as Record<string, number>)[topic]).toBe(3);
}

/** Create (3 partitions, RF 3, a config), describe configs, alter configs, describe again, delete — and the SDK agrees. */
export async function checkAdmin(c: KafkaCluster, prog: ClientProgram, topic: string): Promise<void> {
  const steps = await runClient(prog, ['admin', '--bootstrap', c.kafka(2), '--topic', topic]);
  const step = (name: string) => steps.filter((s) => s.step === name);
  expect(step('create')[0]!.errors).toEqual([0]);
  expect(step('partitions')[0]!.count).toBe(3);
  const [before, after] = step('describe').map((s) => s.configs as Record<string, string>);
  expect(before).toMatchObject({ 'min.insync.replicas': '2', 'cleanup.policy': 'delete' });
  expect(before!['retention.ms']).not.toBe('3600000');
  expect(step('alter')[0]!.errors).toEqual([0]);
  expect(after).toMatchObject({ 'retention.ms': '3600000', 'min.insync.replicas': '2' });
  expect(step('delete')[0]!.errors).toEqual([0]);
  await pollUntil(async () => !(await c.sdk.admin().listTopics()).includes(topic), { timeoutMs: 30_000, what: `${topic} deleted` });
}

/** Values padded with spaces to this length compress well, so no client sends a batch uncompressed because compressing did not pay. */
const PAD = 2000;

/**
 * Produces 4 keyed records with a header in every codec the client has, reads
 * them all back with the same client and with the SDK (Kafka producer → SDK
 * consumer): keys, values and headers intact, each key on one partition.
 */
export async function checkRoundTripEveryCodec(c: KafkaCluster, prog: ClientProgram, topic: string, codecs = prog.codecs): Promise<void> {
  const readable = codecs.filter((codec) => prog.fetchCodecs === undefined || prog.fetchCodecs.includes(codec));
  const writeOnly = codecs.filter((codec) => !readable.includes(codec));
  if (writeOnly.length > 0) await checkProduceOnly(c, prog, `${topic}-write-only`, writeOnly);
  await c.createTopic(topic, 3);
  const perCodec = 4;
  const failed: string[] = [];
  for (const [n, codec] of readable.entries()) {
    const args = ['produce', '--bootstrap', c.kafka(1), '--topic', topic, '--codec', codec, '--count', String(perCodec), '--start', String(n * perCodec), '--pad', String(PAD)];
    const lines = await runClient(prog, args).catch((err: Error) => {
      failed.push(`${codec}: ${/"error": "((?:[^"\\]|\\.)*)"/.exec(err.message)?.[1] ?? err.message.slice(0, 300)}`);
      return [];
    });
    if (lines.length > 0) expect({ codec, acked: sortNum(lines.flatMap((l) => (typeof l.acked === 'number' ? [l.acked] : []))) }).toEqual({ codec, acked: range(n * perCodec, perCodec) });
  }
  expect(failed).toEqual([]); // each codec that failed, with the client's error
  const total = readable.length * perCodec;
  const consumed = (await runClient(prog, ['consume', '--bootstrap', c.kafka(3), '--topic', topic, '--max', String(total), '--idle-ms', '20000'])) as unknown as ConsumedRecord[];
  const records = consumed.filter((r) => typeof r.o === 'number');
  expect(sortNum(records.map((r) => Number(r.v)))).toEqual(range(0, total));
  for (const r of records) expect({ k: r.k, v: r.v!.trimEnd(), h: r.h }).toEqual(expectedRecord(Number(r.v)));
  const sdk = await c.sdkRead(topic, total);
  expect(sortNum(sdk.map((r) => Number(r.value!.toString())))).toEqual(range(0, total));
  for (const r of sdk) {
    const i = Number(r.value!.toString());
    expect({ k: r.key?.toString(), h: r.headers.map((h) => [h.key, h.value?.toString()]) }).toEqual({ k: `k${i}`, h: [['seq', String(i)]] });
    expect(r.partition).toBe(records.find((x) => Number(x.v) === i)!.p);
  }
}

/** Codecs the client writes but its consumer cannot fetch (see ClientProgram.fetchCodecs): the SDK reads them back intact. */
async function checkProduceOnly(c: KafkaCluster, prog: ClientProgram, topic: string, codecs: readonly string[]): Promise<void> {
  await c.createTopic(topic, 3);
  const perCodec = 4;
  for (const [n, codec] of codecs.entries()) {
    const lines = await runClient(prog, ['produce', '--bootstrap', c.kafka(1), '--topic', topic, '--codec', codec, '--count', String(perCodec), '--start', String(n * perCodec), '--pad', String(PAD)]);
    expect({ codec, acked: sortNum(lines.flatMap((l) => (typeof l.acked === 'number' ? [l.acked] : []))) }).toEqual({ codec, acked: range(n * perCodec, perCodec) });
  }
  const total = codecs.length * perCodec;
  const sdk = await c.sdkRead(topic, total);
  expect(sortNum(sdk.map((r) => Number(r.value!.toString())))).toEqual(range(0, total));
  for (const r of sdk) expect(r.key?.toString()).toBe(`k${Number(r.value!.toString())}`);
}

/** SDK producer → the client's consumer: keys, values and headers as the SDK sent them. */
export async function checkSdkToClient(c: KafkaCluster, prog: ClientProgram, topic: string): Promise<void> {
  await c.createTopic(topic, 3);
  const producer = c.sdk.producer({ acks: 'all', compression: 'gzip' });
  await producer.send({ topic, messages: range(0, 12).map((i) => ({ key: `k${i}`, value: String(i), headers: { seq: String(i) } })) });
  await producer.close();
  const records = ((await runClient(prog, ['consume', '--bootstrap', c.kafka(2), '--topic', topic, '--max', '12', '--idle-ms', '20000'])) as unknown as ConsumedRecord[]).filter(
    (r) => typeof r.o === 'number',
  );
  expect(sortNum(records.map((r) => Number(r.v)))).toEqual(range(0, 12));
  for (const r of records) expect({ k: r.k, v: r.v, h: r.h }).toEqual(expectedRecord(Number(r.v)));
}

/**
 * A group of two consumer processes shares 4 partitions (disjoint, covering
 * all), each commits what it reads; after both leave, a third process in the
 * same group resumes exactly where they committed.
 */
export async function checkConsumerGroup(c: KafkaCluster, prog: ClientProgram, topic: string, group: string): Promise<void> {
  await c.createTopic(topic, 4);
  const consume = (bootstrapNode: number, extra: string[] = []) =>
    ClientProcess.start(prog, ['consume', '--bootstrap', c.kafka(bootstrapNode), '--topic', topic, '--group', group, ...extra]);
  const members = [consume(1), consume(2)];
  try {
    await pollUntil(
      () => {
        const [a, b] = members.map((m) => m.assignment ?? []);
        return a!.length > 0 && b!.length > 0 && sortNum([...a!, ...b!]).join() === '0,1,2,3';
      },
      { timeoutMs: 60_000, what: `two ${prog.name} members to share the 4 partitions (${members.map((m) => m.describe()).join(' | ')})` },
    );
    const first = await runClient(prog, ['produce', '--bootstrap', c.kafka(3), '--topic', topic, '--count', '40']);
    expect(first.filter((l) => typeof l.acked === 'number')).toHaveLength(40);
    await pollUntil(() => new Set(members.flatMap((m) => m.values)).size === 40, {
      timeoutMs: 60_000,
      what: `the group to read 40 records (${members.map((m) => m.describe()).join(' | ')})`,
    });
    for (const m of members) {
      // Each member read only its own partitions, and some records.
      expect(m.records.length).toBeGreaterThan(0);
      expect(m.records.every((r) => m.assignment!.includes(r.p))).toBe(true);
    }
    for (const m of members) expect(await m.stop()).toBe(0);

    await runClient(prog, ['produce', '--bootstrap', c.kafka(1), '--topic', topic, '--count', '20', '--start', '40']);
    const resumed = consume(3, ['--max', '20']);
    members.push(resumed);
    await resumed.waitFor(() => resumed.records.length >= 20, 'the resumed member to read 20 records');
    expect(await resumed.exit()).toBe(0);
    // Exactly the records after the committed offsets: nothing read twice, nothing skipped.
    expect(sortNum(resumed.values)).toEqual(range(40, 20));
  } finally {
    for (const m of members) m.kill();
  }
}

/**
 * kill -9 of the node the client is connected to (the leader of the topic's
 * one partition, where it produces and fetches) while one client process
 * produces (acks=all) and another consumes: the producer carries on through
 * the new leader, the consumer receives every acknowledged value. The kill
 * lands while a value is in flight when the test sees one (sent, not yet
 * acknowledged), so the producer has to retry it. With an idempotent
 * producer those retries must not duplicate anything either: every value
 * exactly once, in order.
 *
 * `bootstrap`: 'leader-only' gives the clients the killed node's address
 * alone (librdkafka and kafka-python learn the others from Metadata);
 * 'leader-first' lists all three, leader first — kafkajs needs that: when
 * none of its connections is up it reconnects only through its bootstrap
 * list (BrokerPool.connect), as it would against Kafka.
 */
export async function checkKillConnectedNode(
  c: KafkaCluster,
  prog: ClientProgram,
  topic: string,
  opts: { idempotent: boolean; bootstrap: 'leader-only' | 'leader-first' },
): Promise<void> {
  await c.createTopic(topic, 1);
  const leader = (await c.test.describe(topic))[0]!.leader!;
  const others = c.test.cluster.nodes.map((n) => n.id).filter((id) => id !== leader);
  const bootstrap = opts.bootstrap === 'leader-only' ? c.kafka(leader) : [c.kafka(leader), c.kafka(...others)].join(',');
  const producer = ClientProcess.start(prog, ['produce', '--bootstrap', bootstrap, '--topic', topic, '--interval-ms', '20', ...(opts.idempotent ? ['--idempotent'] : [])]);
  const consumer = ClientProcess.start(prog, ['consume', '--bootstrap', bootstrap, '--topic', topic]);
  try {
    await consumer.waitFor(() => consumer.records.length >= 10, '10 records consumed before the kill');
    await producer.waitFor(() => producer.acked.length >= 20 && producer.sent.length > producer.acked.length, 'a value in flight after 20 acknowledged');
    await c.test.kill(leader);
    const ackedAtKill = new Set(producer.acked);
    const inFlightAtKill = producer.sent.filter((v) => !ackedAtKill.has(v));
    process.stderr.write(`[${prog.name}] kill -9 of node ${leader} with value(s) ${inFlightAtKill.join(' ') || 'none'} in flight as last seen\n`);
    await producer.waitFor(() => producer.acked.length >= ackedAtKill.size + 20, `20 more values acknowledged after kill -9 of node ${leader}`, 90_000);
    expect(await producer.stop()).toBe(0);
    const acked = producer.acked;
    // What was in flight at the kill was acknowledged after it (retried through the new leader).
    expect(inFlightAtKill.filter((v) => !acked.includes(v))).toEqual([]);
    await consumer.waitFor(() => acked.every((v) => consumer.values.includes(v)), 'the consumer to receive every acknowledged value', 60_000);
    expect(await consumer.stop()).toBe(0);
    expect(producer.lines.filter((l) => 'error' in l)).toEqual([]);
    // The partition's log as the consumer saw it, by offset: a consumer that
    // re-reads after a rebalance (kafkajs reads through a group and, here,
    // commits nothing) sees an offset twice, always with the same value.
    const log = new Map<number, number>();
    for (const r of consumer.records) {
      expect({ offset: r.o, value: log.get(r.o) ?? Number(r.v) }).toEqual({ offset: r.o, value: Number(r.v) });
      log.set(r.o, Number(r.v));
    }
    const received = [...log.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    if (opts.idempotent) {
      // Exactly once and in order: 0, 1, 2, … with no repeat (the retries were deduplicated).
      expect(received).toEqual(range(0, received.length));
    } else {
      // At least once: nothing acknowledged is missing; a retried send may repeat.
      expect(acked.filter((v) => !received.includes(v))).toEqual([]);
    }
    expect(received.length).toBeGreaterThanOrEqual(acked.length);
  } finally {
    producer.kill();
    consumer.kill();
  }
}

/**
 * One group, two kinds of member: the client's consumer process and an SDK
 * consumer in this process share 4 partitions through the same group
 * coordinator (both speaking the "roundrobin" protocol) and commit what they
 * read; then an SDK consumer alone in the group resumes exactly after what
 * both committed.
 */
export async function checkMixedGroupWithSdk(c: KafkaCluster, prog: ClientProgram, topic: string, group: string): Promise<void> {
  await c.createTopic(topic, 4);
  const sdkMember = () =>
    c.sdk.consumer({ groupId: group, autoOffsetReset: 'earliest', partitionAssignors: ['roundrobin'], enableAutoCommit: false, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000, maxPollIntervalMs: 10_000 });
  const kafkaMember = ClientProcess.start(prog, ['consume', '--bootstrap', c.kafka(1), '--topic', topic, '--group', group]);
  const sdk = sdkMember();
  const sdkRecords: ConsumerRecord[] = [];
  let polling = true;
  const pollLoop = (async () => {
    while (polling) {
      const records = await sdk.poll({ timeoutMs: 200 });
      sdkRecords.push(...records);
      if (records.length > 0) await sdk.commit();
    }
  })();
  try {
    sdk.subscribe([topic]);
    await pollUntil(
      () => {
        const ours = sdk.assignment().map((tp) => tp.partition);
        const theirs = kafkaMember.assignment ?? [];
        return ours.length > 0 && theirs.length > 0 && sortNum([...ours, ...theirs]).join() === '0,1,2,3';
      },
      { timeoutMs: 60_000, what: `the SDK and ${prog.name} to share the 4 partitions (${kafkaMember.describe()})` },
    );
    const producer = c.sdk.producer({ acks: 'all' });
    await producer.send({ topic, messages: range(0, 40).map((i) => ({ key: `k${i}`, value: String(i), headers: { seq: String(i) } })) });
    await producer.close();
    const allValues = () => new Set([...kafkaMember.values, ...sdkRecords.map((r) => Number(r.value!.toString()))]);
    await pollUntil(() => allValues().size === 40, { timeoutMs: 60_000, what: `the mixed group to read 40 records (${kafkaMember.describe()})` });
    expect(kafkaMember.records.length).toBeGreaterThan(0);
    expect(sdkRecords.length).toBeGreaterThan(0);
    expect(kafkaMember.records.every((r) => kafkaMember.assignment!.includes(r.p))).toBe(true);
    expect(await kafkaMember.stop()).toBe(0);
    polling = false;
    await pollLoop;
    await sdk.close();

    await runClient(prog, ['produce', '--bootstrap', c.kafka(2), '--topic', topic, '--count', '20', '--start', '40']);
    const resumed = sdkMember();
    try {
      resumed.subscribe([topic]);
      const got: ConsumerRecord[] = [];
      await pollUntil(
        async () => {
          got.push(...(await resumed.poll({ timeoutMs: 500 })));
          return got.length >= 20;
        },
        { timeoutMs: 60_000, what: `the resumed SDK member to read 20 records (has ${got.length})` },
      );
      // Exactly what came after both members' commits: the kafka client's partitions too.
      expect(sortNum(got.map((r) => Number(r.value!.toString())))).toEqual(range(40, 20));
    } finally {
      await resumed.close();
    }
  } finally {
    polling = false;
    kafkaMember.kill();
    await pollLoop.catch(() => undefined);
    await sdk.close().catch(() => undefined);
  }
}

/**
 * The scenarios every Kafka client runs, as one jest suite on its own
 * 3-node cluster (one test file per client, so jest runs clients in
 * parallel). `extra` adds client-specific tests before the kill, which runs
 * last because it leaves one node down.
 */
export function describeClientSuite(
  prog: ClientProgram,
  prefix: string,
  kill: Parameters<typeof checkKillConnectedNode>[3],
  extra?: (cluster: () => KafkaCluster) => void,
): void {
  describeWithKafkaClients(`tests/kafka/${prog.name}`)(`${prog.name} against a 3-node cluster`, () => {
    let cluster: KafkaCluster | undefined;
    const c = (): KafkaCluster => cluster!;
    beforeAll(async () => {
      cluster = await KafkaCluster.start();
    }, 120_000);
    afterAll(async () => {
      await cluster?.stop();
    }, 60_000);

    it('metadata lists every broker at its KAFKA address', () => checkMetadata(c(), prog, `${prefix}-md`), 60_000);
    it('creates, describes, alters and deletes topics', () => checkAdmin(c(), prog, `${prefix}-admin`), 60_000);
    it(`produces and consumes keys and headers in every codec it has (${prog.codecs.join(', ')}), and the SDK reads them`, () =>
      checkRoundTripEveryCodec(c(), prog, `${prefix}-codecs`), 90_000);
    it('consumes what the SDK produced', () => checkSdkToClient(c(), prog, `${prefix}-from-sdk`), 60_000);
    it('shares partitions in a group of processes and resumes from the committed offsets', () =>
      checkConsumerGroup(c(), prog, `${prefix}-group`, `${prefix}-g`), 120_000);
    extra?.(c);
    it('carries on through kill -9 of the node it is connected to, losing nothing acknowledged', () =>
      checkKillConnectedNode(c(), prog, `${prefix}-kill`, kill), 150_000);
  });
}
