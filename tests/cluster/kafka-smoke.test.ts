/**
 * Issue 12, smoke: a real 3-node cluster serves Kafka's protocol on each
 * node's KAFKA listener. kcat (librdkafka) lists every broker by its KAFKA
 * address, produces with keys and headers through node 1, consumes from a
 * bootstrap of node 3 alone, commits in a group, and the records and the
 * commits are the same ones the Gregor SDK sees over gRPC (and the other
 * way round). The full real-client suite lives elsewhere (issue 12 item 7).
 */
import { runProcess } from '@gregor/common';
import { TestCluster } from './harness';

const KCAT_TIMEOUT_MS = 60_000;

function kafkaOf(cluster: TestCluster, id: number): string {
  return cluster.cluster.nodes.find((n) => n.id === id)!.kafka!;
}

async function kcat(args: string[], stdin?: string): Promise<string> {
  const r = await runProcess('kcat', args, { timeoutMs: KCAT_TIMEOUT_MS, ...(stdin !== undefined ? { stdin } : {}) });
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${String(r.code)}: ${r.stderr}`);
  return r.stdout;
}

describe('Kafka clients against a 3-node cluster (kcat)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('metadata names each broker by its KAFKA address', async () => {
    const out = await kcat(['-L', '-b', kafkaOf(cluster, 2)]);
    for (const n of cluster.cluster.nodes) expect(out).toContain(`broker ${n.id} at ${n.kafka!}`);
  });

  it('kcat produces through node 1 and consumes from node 3; the SDK reads the same records and kcat reads the SDK’s', async () => {
    const topic = 'kafka-smoke';
    await cluster.client.admin().createTopics([{ topic, numPartitions: 3, replicationFactor: 3 }]);
    await cluster.waitForFullIsr(topic);
    const lines = Array.from({ length: 30 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n';
    await kcat(['-P', '-b', kafkaOf(cluster, 1), '-t', topic, '-K:', '-H', 'source=kcat', '-X', 'acks=all'], lines);

    const consumed = await kcat(['-C', '-b', kafkaOf(cluster, 3), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s %h\n']);
    const got = consumed.trim().split('\n').sort();
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => `k${i}=v${i} source=kcat`).sort());

    // The SDK (gRPC) sees the same records, keys and headers.
    const consumer = cluster.client.consumer({ maxWaitMs: 200 });
    consumer.assign([0, 1, 2].map((partition) => ({ topic, partition })));
    for (const partition of [0, 1, 2]) consumer.seek({ topic, partition }, 'earliest');
    const viaSdk: string[] = [];
    while (viaSdk.length < 30) {
      for (const r of await consumer.poll({ timeoutMs: 1000 })) {
        viaSdk.push(`${r.key!.toString()}=${r.value!.toString()} ${r.headers.map((h) => `${h.key}=${h.value?.toString() ?? ''}`).join(',')}`);
      }
    }
    await consumer.close();
    expect(viaSdk.sort()).toEqual(got);

    // Same key, same partition, whichever client wrote it (murmur2 in both).
    const producer = cluster.client.producer({ acks: 'all' });
    const meta = await producer.send({ topic, key: 'k7', value: 'from-sdk' });
    await producer.close();
    const partitionOf = await kcat(['-C', '-b', kafkaOf(cluster, 2), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k %p\n']);
    expect(partitionOf).toContain(`k7 ${meta.partition}`);
    const fromSdk = await kcat(['-C', '-b', kafkaOf(cluster, 2), '-t', topic, '-p', String(meta.partition), '-o', String(meta.offset), '-c', '1', '-q', '-f', '%k=%s\n']);
    expect(fromSdk).toBe('k7=from-sdk\n');
  });

  // Debian's python3-kafka and python3-confluent-kafka live under /usr/bin/python3 (not a pyenv python first on PATH).
  it('kafka-python (2.0.2) and confluent-kafka (idempotent, gzip) produce through one node and read back in a group through another', async () => {
    const script = `
import sys
from kafka import KafkaProducer, KafkaConsumer
from confluent_kafka import Producer, Consumer
a, b = sys.argv[1], sys.argv[2]
p = KafkaProducer(bootstrap_servers=a, acks='all')
for i in range(10): p.send('py-smoke', key=b'kp%d' % i, value=b'v%d' % i)
p.flush()
errs = []
cp = Producer({'bootstrap.servers': a, 'enable.idempotence': True, 'compression.type': 'gzip'})
for i in range(10): cp.produce('py-smoke', key=b'ck%d' % i, value=b'v%d' % i, on_delivery=lambda e, m: errs.append(e) if e else None)
cp.flush(30)
assert not errs, errs
c = KafkaConsumer('py-smoke', bootstrap_servers=b, group_id='py', auto_offset_reset='earliest', consumer_timeout_ms=10000)
keys = sorted(m.key.decode() for m in c)
c.commit(); c.close()
cc = Consumer({'bootstrap.servers': b, 'group.id': 'ck', 'auto.offset.reset': 'earliest'})
cc.subscribe(['py-smoke'])
n = 0
import time
end = time.time() + 30
while n < 20 and time.time() < end:
    m = cc.poll(1.0)
    if m is not None and not m.error(): n += 1
cc.close()
print(len(keys), n, keys[0], keys[-1])
`;
    await cluster.client.admin().createTopics([{ topic: 'py-smoke', numPartitions: 2, replicationFactor: 3 }]);
    await cluster.waitForFullIsr('py-smoke');
    const r = await runProcess('/usr/bin/python3', ['-c', script, kafkaOf(cluster, 1), kafkaOf(cluster, 3)], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`python exited ${String(r.code)}: ${r.stderr}`);
    // All 20 read by kafka-python's group consumer, and again by confluent-kafka's (another group).
    expect(r.stdout.trim()).toBe('20 20 ck0 kp9');
  });

  it('a kcat group consumer commits through the shared group coordinator; the SDK reads the commits', async () => {
    const topic = 'kafka-smoke';
    await kcat(['-b', kafkaOf(cluster, 1), '-G', 'smoke-group', topic, '-o', 'beginning', '-e', '-q', '-X', 'enable.auto.commit=true', '-X', 'auto.commit.interval.ms=100']);
    const consumer = cluster.client.consumer({ groupId: 'smoke-group' });
    const committed = await consumer.committed([0, 1, 2].map((partition) => ({ topic, partition })));
    await consumer.close();
    const total = [...committed.values()].reduce((a, b) => a + b, 0n);
    expect(total).toBe(31n);
  });
});
