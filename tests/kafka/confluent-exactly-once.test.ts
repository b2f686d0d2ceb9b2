/**
 * Issue 14's chaos proof with a Kafka client: two confluent-kafka
 * (librdkafka) consume-transform-produce workers, real Python processes,
 * copy N records from an input topic to an output topic through the KAFKA
 * listeners inside transactions (send_offsets_to_transaction with the
 * consumer's group metadata, KIP-447), while the node leading
 * `__transaction_state` and then the one leading `__consumer_offsets` are
 * killed -9 and restarted, and a worker is killed -9 with a transaction
 * open (after its records were flushed, before the commit). The input
 * arrives in three parts, one before the workers start and one right after
 * each node is killed, so that each "a commit with node X down" has records
 * left to copy (two workers can copy all of them while a killed node
 * restarts, and then wait for input forever). A worker that dies is
 * started again with the same transactional id, which fences its
 * predecessor and aborts what it left open. Afterwards the SDK's
 * read_committed consumer finds every input record exactly once, and a
 * read_uncommitted one sees the aborted copies too. Needs Debian's
 * python3-confluent-kafka under /usr/bin/python3.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pollUntil } from '@gregor/common';
import { FAST_FAILOVER, readAllValues, TestCluster } from '../cluster/harness';

const N = 300;
/** The input arrives in STAGES parts of N / STAGES records (see the top comment). */
const STAGES = 3;
const PARTITIONS = 3;
const GROUP = 'eos-ck';
/** Input offsets [from, to) of one partition copied by one committed transaction, and by whom. */
type Copy = [partition: number, from: number, to: number, who: string];

// One worker. Prints "open" once a transaction's records are flushed and
// waits for a line on stdin before it sends the offsets and commits (so the
// test can kill it right there), then prints "committed" and the input
// offsets it copied ({partition: [from, to)}); any error ends the process
// (exit 3) and the test starts it again, as a supervisor would.
const WORKER = String.raw`
import json, sys
from confluent_kafka import Consumer, Producer, TopicPartition
bootstrap, txn_id = sys.argv[1], sys.argv[2]
p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': txn_id, 'transaction.timeout.ms': 10000, 'linger.ms': 2})
p.init_transactions(60)
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': '${GROUP}', 'isolation.level': 'read_committed',
              'enable.auto.commit': False, 'auto.offset.reset': 'earliest',
              'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500, 'max.poll.interval.ms': 20000})
c.subscribe(['eos-ck-in'])
try:
    while True:
        msgs = [m for m in c.consume(10, 0.3) if not m.error()]
        if not msgs:
            continue
        p.begin_transaction()
        first, nxt = {}, {}
        for m in msgs:
            p.produce('eos-ck-out', key=m.key(), value=m.value())
            first.setdefault(m.partition(), m.offset())
            nxt[m.partition()] = m.offset() + 1
        p.flush(60)
        print('open', flush=True)
        if not sys.stdin.readline():
            sys.exit(0)
        p.send_offsets_to_transaction([TopicPartition('eos-ck-in', part, off) for part, off in nxt.items()], c.consumer_group_metadata(), 60)
        p.commit_transaction(60)
        print('committed ' + json.dumps({part: [first[part], nxt[part]] for part in nxt}), flush=True)
except Exception as e:
    print('worker error: %s' % e, file=sys.stderr, flush=True)
    sys.exit(3)
`;

class PythonWorker {
  private child: ChildProcess | undefined;
  private stopping = false;
  committed = 0;
  /** The input offsets each committed transaction copied: [partition, from, to), by whom (transactional id, start). */
  readonly copied: Copy[] = [];
  starts = 0;
  errors: string[] = [];
  /** Armed: the next "open" transaction (records flushed, not committed) is killed -9 instead of let go on. */
  killAtNextOpen: (() => void) | undefined;

  constructor(
    private readonly bootstrap: string,
    readonly transactionalId: string,
  ) {}

  start(): void {
    this.starts++;
    const child = spawn('/usr/bin/python3', ['-c', WORKER, this.bootstrap, this.transactionalId], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.on('error', () => undefined); // a killed worker's stdin is gone
    this.child = child;
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line.startsWith('committed ')) {
          this.committed++;
          for (const [partition, [from, to]] of Object.entries(JSON.parse(line.slice('committed '.length)) as Record<string, [number, number]>)) {
            this.copied.push([Number(partition), from, to, `${this.transactionalId}#${this.starts}`]);
          }
        } else if (line === 'open') this.opened(child);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (this.errors.length < 20) this.errors.push(chunk.toString().trim());
    });
    // A dead worker (its own error or our kill -9) is started again, as a supervisor would.
    child.on('exit', () => {
      if (this.child === child && !this.stopping) this.start();
    });
  }

  private opened(child: ChildProcess): void {
    const armed = this.killAtNextOpen;
    if (armed === undefined) {
      child.stdin!.write('go\n');
      return;
    }
    this.killAtNextOpen = undefined;
    child.kill('SIGKILL');
    armed();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Pairs of committed copies that share an input offset, as "p:from-to by who & p:from-to by who". */
function overlappingCopies(copies: Copy[]): string[] {
  const sorted = [...copies].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: string[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const [p, from, to, who] = sorted[i]!;
    const [q, qFrom, qTo, qWho] = sorted[i - 1]!;
    if (p === q && from < qTo) out.push(`${q}:${qFrom}-${qTo} by ${qWho} & ${p}:${from}-${to} by ${who}`);
  }
  return out;
}

describe('exactly-once copy by confluent-kafka workers with kill -9 (KAFKA listener)', () => {
  let cluster: TestCluster;
  const workers: PythonWorker[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(3, {
      ...FAST_FAILOVER,
      'group.initial.rebalance.delay.ms': '0',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000',
      'transaction.state.log.num.partitions': '3',
      'offsets.topic.num.partitions': '3',
    });
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await cluster?.stop();
  });

  it('copies every record exactly once while nodes and a worker are killed', async () => {
    const admin = cluster.client.admin();
    await admin.createTopics([
      { topic: 'eos-ck-in', numPartitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } },
      { topic: 'eos-ck-out', numPartitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } },
    ]);
    await cluster.waitForFullIsr('eos-ck-in');
    await cluster.waitForFullIsr('eos-ck-out');
    const input = cluster.client.producer({ lingerMs: 5 });
    let produced = 0;
    const produceStage = async (): Promise<void> => {
      const from = produced;
      await input.send({ topic: 'eos-ck-in', messages: Array.from({ length: N / STAGES }, (_, i) => ({ key: String(from + i), value: String(from + i) })) });
      produced += N / STAGES;
    };
    await produceStage();

    const bootstrap = cluster.cluster.nodes.map((n) => n.kafka).join(',');
    workers.push(new PythonWorker(bootstrap, 'eos-ck-0'), new PythonWorker(bootstrap, 'eos-ck-1'));
    for (const w of workers) w.start();
    const progress = (): number => workers.reduce((n, w) => n + w.committed, 0);
    const schedule: string[] = [];
    const why = (): string =>
      `schedule: ${schedule.join('; ')}; input ${produced}/${N}; commits ${workers.map((w) => w.committed).join('+')}; worker errors: ${workers.flatMap((w) => w.errors).join(' | ')}`;

    await pollUntil(() => progress() >= 2 || undefined, { timeoutMs: 90_000, what: `the first commits (${why()})` });
    const txnCoordinator = (await admin.describeTopics(['__transaction_state']))[0]!.partitions.map((p) => p.leader).find((l) => l !== null)!;
    schedule.push(`kill -9 node ${txnCoordinator} (leads __transaction_state) after ${progress()} commits`);
    await cluster.kill(txnCoordinator);
    await produceStage();
    // Worker 0 dies with its next transaction open: records flushed, offsets and commit not sent.
    const victim = workers[0]!;
    let killed = false;
    victim.killAtNextOpen = () => (killed = true);
    await pollUntil(() => killed || undefined, { timeoutMs: 90_000, what: `worker 0 to open a transaction (${why()})` });
    schedule.push('kill -9 worker 0 mid-transaction');
    let before = progress();
    await pollUntil(() => progress() > before || undefined, { timeoutMs: 90_000, what: `a commit with node ${txnCoordinator} down (${why()})` });
    await cluster.restart(txnCoordinator);

    const offsetsPartitions = (await admin.describeTopics(['__consumer_offsets']))[0]!.partitions;
    const groupCoordinator = offsetsPartitions.map((p) => p.leader).find((l) => l !== null && l !== txnCoordinator) ?? 1;
    schedule.push(`kill -9 node ${groupCoordinator} (leads __consumer_offsets) after ${progress()} commits`);
    await cluster.kill(groupCoordinator);
    before = progress();
    await produceStage();
    await input.close();
    await pollUntil(() => progress() > before || undefined, { timeoutMs: 90_000, what: `a commit with node ${groupCoordinator} down (${why()})` });
    await cluster.restart(groupCoordinator);

    // Done when the group has committed the end of every input partition.
    const reader = cluster.client.consumer({ groupId: GROUP });
    try {
      await pollUntil(
        async () => {
          const committed = await reader.committed(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: 'eos-ck-in', partition })));
          let total = 0n;
          for (const o of committed.values()) total += o;
          return total >= BigInt(N) || undefined;
        },
        { timeoutMs: 180_000, what: `the group to commit all ${N} input records (${why()})` },
      );
    } finally {
      await reader.close();
    }
    for (const w of workers) await w.stop();
    console.log(`${schedule.join('; ')}; commits ${workers.map((w) => w.committed).join('+')}, worker starts ${workers.map((w) => w.starts).join('+')}`);

    // No input offset is copied by two committed transactions (else the
    // group's offsets or its fencing failed, not the read side).
    expect(overlappingCopies(workers.flatMap((w) => w.copied))).toEqual([]);
    const committed = await readAllValues(cluster.client, 'eos-ck-out', PARTITIONS, 'read_committed', N);
    const counts = new Map<string, number>();
    for (const v of committed) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts].filter(([, c]) => c > 1).map(([v]) => v)).toEqual([]);
    expect(Array.from({ length: N }, (_, i) => String(i)).filter((v) => !counts.has(v))).toEqual([]);
    expect(committed).toHaveLength(N);
    // The killed worker's flushed records were aborted by its successor: only read_uncommitted sees them.
    const uncommitted = await readAllValues(cluster.client, 'eos-ck-out', PARTITIONS, 'read_uncommitted', N + 1);
    expect(uncommitted.length).toBeGreaterThan(N);
  });
});
