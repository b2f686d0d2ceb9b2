/**
 * confluent-kafka (librdkafka) transactions through the KAFKA listeners of
 * a real 3-node cluster (issue 14): init_transactions, a committed and an
 * aborted transaction, then a read_committed librdkafka consumer and the
 * SDK's read_committed consumer see only the committed records. Needs
 * Debian's python3-confluent-kafka under /usr/bin/python3.
 */
import { pollUntil, runProcess } from '@gregor/common';
import type { ConsumerRecord } from '@gregor/client';
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
});
