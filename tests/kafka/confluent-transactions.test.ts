/**
 * confluent-kafka (librdkafka) transactions through the KAFKA listeners of
 * a real 3-node cluster (issue 14): init_transactions, a committed and an
 * aborted transaction, then a read_committed librdkafka consumer and the
 * SDK's read_committed consumer see only the committed records. Then a
 * transaction librdkafka leaves open is found the way `kafka-transactions.sh
 * find-hanging` looks (DescribeProducers at the partition's leader,
 * ListTransactions v1 on every broker, DescribeTransactions at the
 * coordinator), all through the KAFKA listeners; confluent-kafka 1.7 has
 * no admin call for these, so they are sent with the project's wire
 * client. Needs Debian's python3-confluent-kafka under /usr/bin/python3.
 */
import { errorCode, pollUntil, runProcess } from '@gregor/common';
import type { ConsumerRecord } from '@gregor/client';
import { DESCRIBE_PRODUCERS_API, DESCRIBE_TRANSACTIONS_API, FIND_COORDINATOR_API, KafkaWireClient, LIST_TRANSACTIONS_API } from '@gregor/kafka-protocol';
import { FAST_FAILOVER, TestCluster } from '../cluster/harness';

const SCRIPT = String.raw`
import sys
from confluent_kafka import Producer, Consumer
bootstrap = sys.argv[1]
p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'ck-txn-1', 'transaction.timeout.ms': 60000})
p.init_transactions(30)
p.begin_transaction()
for v in ['ck-commit-1', 'ck-commit-2']:
    p.produce('ck-txn', value=v.encode(), key=v.encode())
p.commit_transaction(30)
p.begin_transaction()
for v in ['ck-abort-1', 'ck-abort-2']:
    p.produce('ck-txn', value=v.encode(), key=v.encode())
# Sent before the abort, so the aborted records are in the log (and the
# coordinator hears of the transaction: librdkafka aborts a transaction
# that has added no partition yet without asking it).
p.flush(30)
p.abort_transaction(30)
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'ck-reader', 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed', 'enable.auto.commit': False})
c.subscribe(['ck-txn'])
seen = []
import time
deadline = time.time() + 30
while time.time() < deadline and len(seen) < 2:
    m = c.poll(0.5)
    if m is None or m.error():
        continue
    seen.append(m.value().decode())
extra_deadline = time.time() + 2
while time.time() < extra_deadline:
    m = c.poll(0.3)
    if m is not None and not m.error():
        seen.append(m.value().decode())
c.close()
print('\n'.join(sorted(seen)))
`;

// A transaction left open: begun, one record sent and flushed, never committed (the process just ends).
const OPEN_SCRIPT = String.raw`
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'ck-open', 'transaction.timeout.ms': 600000})
p.init_transactions(30)
p.begin_transaction()
p.produce('ck-open', value=b'pending', partition=0)
p.flush(30)
print('sent')
`;

describe('confluent-kafka transactions against Gregor', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(3, { ...FAST_FAILOVER, 'group.initial.rebalance.delay.ms': '0' });
    await cluster.client.admin().createTopics([{ topic: 'ck-txn', numPartitions: 2, replicationFactor: 3 }]);
    await cluster.waitForFullIsr('ck-txn');
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('commits and aborts; read_committed consumers see the committed records only', async () => {
    const r = await runProcess('/usr/bin/python3', ['-c', SCRIPT, cluster.cluster.nodes.map((n) => n.kafka).join(',')], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['ck-commit-1', 'ck-commit-2']);

    const consumer = cluster.client.consumer({ isolationLevel: 'read_committed', maxWaitMs: 100 });
    consumer.assign([0, 1].map((partition) => ({ topic: 'ck-txn', partition })));
    for (const partition of [0, 1]) consumer.seek({ topic: 'ck-txn', partition }, 'earliest');
    const seen: ConsumerRecord[] = [];
    await pollUntil(async () => {
      seen.push(...(await consumer.poll({ timeoutMs: 200 })));
      return seen.length >= 2 || undefined;
    }, { timeoutMs: 30_000, what: 'the committed records through the SDK' });
    seen.push(...(await consumer.poll({ timeoutMs: 300 })));
    await consumer.close();
    expect(seen.map((x) => x.value!.toString()).sort()).toEqual(['ck-commit-1', 'ck-commit-2']);
    // EndTxn is answered at PrepareAbort; CompleteAbort follows once the markers are written.
    const admin = cluster.client.admin();
    await pollUntil(async () => (await admin.listTransactions()).some((t) => t.transactionalId === 'ck-txn-1' && t.state === 'CompleteAbort') || undefined, {
      timeoutMs: 30_000,
      what: 'ck-txn-1 to be CompleteAbort in ListTransactions',
    });
    // The aborted records are in the log: a read_uncommitted reader sees all four.
    const raw = cluster.client.consumer({ maxWaitMs: 100 });
    raw.assign([0, 1].map((partition) => ({ topic: 'ck-txn', partition })));
    for (const partition of [0, 1]) raw.seek({ topic: 'ck-txn', partition }, 'earliest');
    const everything: string[] = [];
    await pollUntil(async () => {
      everything.push(...(await raw.poll({ timeoutMs: 200 })).map((x) => x.value!.toString()));
      return everything.length >= 4 || undefined;
    }, { timeoutMs: 30_000, what: 'all four records through a read_uncommitted consumer' });
    await raw.close();
    expect(everything.sort()).toEqual(['ck-abort-1', 'ck-abort-2', 'ck-commit-1', 'ck-commit-2']);
  });

  it('a transaction left open is found as find-hanging looks for it: DescribeProducers, ListTransactions v1, DescribeTransactions', async () => {
    await cluster.client.admin().createTopics([{ topic: 'ck-open', numPartitions: 1, replicationFactor: 3 }]);
    await cluster.waitForFullIsr('ck-open');
    const r = await runProcess('/usr/bin/python3', ['-c', OPEN_SCRIPT, cluster.cluster.nodes.map((n) => n.kafka).join(',')], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('sent');

    const kafkaOf = (id: number): string => cluster.cluster.nodes.find((n) => n.id === id)!.kafka!;
    const leader = (await cluster.describe('ck-open'))[0]!.leader!;
    const other = cluster.cluster.nodes.find((n) => n.id !== leader)!.id;
    const wires = new Map<number, KafkaWireClient>();
    const wire = async (id: number): Promise<KafkaWireClient> => wires.get(id) ?? wires.set(id, await KafkaWireClient.connect(kafkaOf(id))).get(id)!;
    try {
      // 1. The partition's leader lists its producers; the open one has a transaction start offset.
      const described = await (await wire(leader)).send(DESCRIBE_PRODUCERS_API, 0, { topics: [{ name: 'ck-open', partitionIndexes: [0] }, { name: 'ck-missing', partitionIndexes: [0] }] });
      const p0 = described.topics[0]!.partitions[0]!;
      expect(p0).toMatchObject({ partitionIndex: 0, errorCode: 0, errorMessage: null });
      const open = p0.activeProducers.filter((p) => p.currentTxnStartOffset >= 0n);
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({ currentTxnStartOffset: 0n, lastSequence: 0, producerEpoch: expect.any(Number) });
      expect(open[0]!.lastTimestamp).toBeGreaterThan(0n);
      expect(described.topics[1]!.partitions[0]!.errorCode).toBe(errorCode('UNKNOWN_TOPIC_OR_PARTITION'));
      // Only the leader answers for a partition (Kafka's admin sends it there).
      const follower = await (await wire(other)).send(DESCRIBE_PRODUCERS_API, 0, { topics: [{ name: 'ck-open', partitionIndexes: [0] }] });
      expect(follower.topics[0]!.partitions[0]!.errorCode).toBe(errorCode('NOT_LEADER_OR_FOLLOWER'));
      const producerId = open[0]!.producerId;

      // 2. Every broker lists the transactional ids it coordinates: one names the producer id.
      const listed = async (durationFilter: bigint): Promise<string[]> => {
        const ids: string[] = [];
        for (const n of cluster.cluster.nodes) {
          const res = await (await wire(n.id)).send(LIST_TRANSACTIONS_API, 1, { stateFilters: [], producerIdFilters: [producerId], durationFilter });
          expect(res.errorCode).toBe(0);
          ids.push(...res.transactionStates.map((t) => `${t.transactionalId}:${t.transactionState}`));
        }
        return ids;
      };
      expect(await listed(-1n)).toEqual(['ck-open:Ongoing']);
      expect(await listed(0n)).toEqual(['ck-open:Ongoing']); // running longer than 0 ms
      expect(await listed(3_600_000n)).toEqual([]); // not running for an hour
      const v0 = await (await wire(leader)).send(LIST_TRANSACTIONS_API, 0, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [] });
      expect(v0.unknownStateFilters).toEqual(['Bogus']);

      // 3. Its coordinator describes the transaction: the partition is in it, so it is not hanging.
      const found = await (await wire(leader)).send(FIND_COORDINATOR_API, 4, { keyType: 1, coordinatorKeys: ['ck-open'] });
      const coordinator = found.coordinators[0]!;
      expect(coordinator.errorCode).toBe(0);
      const txn = await (await wire(coordinator.nodeId)).send(DESCRIBE_TRANSACTIONS_API, 0, { transactionalIds: ['ck-open'] });
      expect(txn.transactionStates[0]).toMatchObject({ errorCode: 0, transactionalId: 'ck-open', transactionState: 'Ongoing', producerId, topics: [{ topic: 'ck-open', partitions: [0] }] });
    } finally {
      for (const w of wires.values()) w.close();
    }
  });
});
