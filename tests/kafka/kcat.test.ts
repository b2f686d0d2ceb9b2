/**
 * kcat (librdkafka's command line tool, Debian's kcat) against a real
 * 3-node Gregor cluster through the KAFKA listeners (issue 12 item 7):
 * metadata (-L), produce with keys and headers in every codec (-z) read back
 * by kcat and by the SDK, SDK producer → kcat consumer, a balanced consumer
 * group (-G) of two kcat processes that commits and resumes, an idempotent
 * producer (-X enable.idempotence=true), murmur2 partitioning equal to the
 * SDK's, zstd refused to a Fetch below v10. kcat has no admin commands. kill -9
 * of the node kcat consumes from is scripts/kafka-demo.sh (kafka-demo.test.ts).
 * Skipped with a SKIPPED line when the clients are not installed, except under CI=true.
 */
import { spawn } from 'node:child_process';
import { errorCode, pollUntil, runProcess } from '@gregor/common';
import { FETCH_API, KafkaWireClient } from '@gregor/kafka-protocol';
import { describeWithKafkaClients } from './client-driver';
import { KafkaCluster } from './scenarios';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
// kcat's output format: partition, offset, key, value, headers (k=v,…), one record a line.
const FORMAT = '%p\t%o\t%k\t%s\t%h\n';
const PAD = 2000;

interface KcatRecord { p: number; o: number; k: string; v: string; h: string }
function parseRecords(out: string): KcatRecord[] {
  return out
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [p, o, k, v, h] = l.split('\t');
      return { p: Number(p), o: Number(o), k: k!, v: v!, h: h! };
    });
}

async function kcat(args: string[], stdin?: string, timeoutMs = 60_000): Promise<string> {
  const r = await runProcess('kcat', args, { timeoutMs, ...(stdin !== undefined ? { stdin } : {}) });
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${String(r.code)}: ${r.stderr}`);
  return r.stdout;
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);

describeWithKafkaClients('tests/kafka/kcat')('kcat against a 3-node cluster', () => {
  let c: KafkaCluster | undefined;
  beforeAll(async () => {
    c = await KafkaCluster.start();
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  }, 60_000);

  it('-L lists every broker at its KAFKA address, and the topics with leaders and ISR', async () => {
    await c!.createTopic('kcat-md', 3);
    const md = JSON.parse(await kcat(['-b', c!.kafka(2), '-L', '-J'])) as {
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { leader: number; isrs: unknown[] }[] }[];
    };
    expect(md.brokers).toEqual(c!.test.cluster.nodes.map((n) => ({ id: n.id, name: n.kafka })));
    const topic = md.topics.find((t) => t.topic === 'kcat-md')!;
    expect(topic.partitions).toHaveLength(3);
    for (const p of topic.partitions) expect(p.isrs).toHaveLength(3);
  });

  it('produces keys and headers in every codec; kcat and the SDK read them back', async () => {
    await c!.createTopic('kcat-codecs', 3);
    const failed: string[] = [];
    for (const [n, codec] of CODECS.entries()) {
      const lines = range(n * 4, 4).map((i) => `k${i}:${String(i).padEnd(PAD)}\n`).join(''); // padded: compressible, so librdkafka does compress
      await kcat(['-b', c!.kafka(1), '-P', '-t', 'kcat-codecs', '-z', codec, '-K:', '-H', `codec=${codec}`, '-X', 'acks=all'], lines).catch((err: Error) =>
        failed.push(`${codec}: ${/Delivery failed for message: (.*)/.exec(err.message)?.[1] ?? err.message.slice(0, 300)}`),
      );
    }
    expect(failed).toEqual([]); // each codec that failed, with kcat's error
    const total = CODECS.length * 4;
    const records = parseRecords(await kcat(['-b', c!.kafka(3), '-C', '-t', 'kcat-codecs', '-o', 'beginning', '-c', String(total), '-f', FORMAT]));
    expect(sortNum(records.map((r) => Number(r.v)))).toEqual(range(0, total));
    for (const r of records) expect({ k: r.k, h: r.h }).toEqual({ k: `k${Number(r.v)}`, h: `codec=${CODECS[Math.floor(Number(r.v) / 4)]!}` });
    const sdk = await c!.sdkRead('kcat-codecs', total);
    for (const r of sdk) {
      const i = Number(r.value!.toString());
      expect({ k: r.key!.toString(), h: r.headers.map((h) => `${h.key}=${h.value!.toString()}`) }).toEqual({ k: `k${i}`, h: [`codec=${CODECS[Math.floor(i / 4)]!}`] });
    }
  });

  it('consumes what the SDK produced', async () => {
    await c!.createTopic('kcat-from-sdk', 3);
    const producer = c!.sdk.producer({ acks: 'all' });
    await producer.send({ topic: 'kcat-from-sdk', messages: range(0, 9).map((i) => ({ key: `k${i}`, value: String(i), headers: { seq: String(i) } })) });
    await producer.close();
    const records = parseRecords(await kcat(['-b', c!.kafka(2), '-C', '-t', 'kcat-from-sdk', '-o', 'beginning', '-c', '9', '-f', FORMAT]));
    expect(sortNum(records.map((r) => Number(r.v)))).toEqual(range(0, 9));
    for (const r of records) expect({ k: r.k, h: r.h }).toEqual({ k: `k${r.v}`, h: `seq=${r.v}` });

    // librdkafka's murmur2 partitioner (Java's default) puts each key where the SDK put it.
    await kcat(['-b', c!.kafka(1), '-P', '-t', 'kcat-from-sdk', '-K:', '-X', 'topic.partitioner=murmur2_random'], range(0, 9).map((i) => `k${i}:kcat${i}\n`).join(''));
    const both = parseRecords(await kcat(['-b', c!.kafka(3), '-C', '-t', 'kcat-from-sdk', '-o', 'beginning', '-c', '18', '-f', FORMAT]));
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const r of both) partitionsOfKey.set(r.k, (partitionsOfKey.get(r.k) ?? new Set()).add(r.p));
    expect([...partitionsOfKey.entries()].filter(([, ps]) => ps.size !== 1).map(([k]) => k)).toEqual([]);
    expect(partitionsOfKey.size).toBe(9);
    expect(new Set(both.map((r) => r.p)).size).toBeGreaterThan(1); // the keys did spread
  });

  it('-z zstd: a Fetch below v10 (KIP-110) of a zstd batch is refused with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    await c!.createTopic('kcat-zstd', 1);
    await kcat(['-b', c!.kafka(1), '-P', '-t', 'kcat-zstd', '-z', 'zstd', '-X', 'acks=all'], range(0, 20).map((i) => `${String(i).padEnd(PAD)}\n`).join(''));
    const leader = (await c!.test.describe('kcat-zstd'))[0]!.leader!;
    const wire = await KafkaWireClient.connect(c!.kafka(leader));
    try {
      const old = await wire.send(FETCH_API, 9, {
        replicaId: -1,
        maxWaitMs: 0,
        maxBytes: 1 << 20,
        topics: [{ topic: 'kcat-zstd', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
      });
      expect(old.responses[0]!.partitions[0]!.errorCode).toBe(errorCode('UNSUPPORTED_COMPRESSION_TYPE'));
    } finally {
      wire.close();
    }
    // The node still serves it to a client that asks with v10+.
    expect((await c!.sdkRead('kcat-zstd', 20)).map((r) => Number(r.value!.toString()))).toEqual(range(0, 20));
  });

  it('-X enable.idempotence=true: an idempotent producer', async () => {
    await c!.createTopic('kcat-idempotent', 1);
    await kcat(['-b', c!.kafka(1), '-P', '-t', 'kcat-idempotent', '-X', 'enable.idempotence=true', '-z', 'gzip'], range(0, 50).map((i) => `${String(i).padEnd(PAD)}\n`).join(''));
    const sdk = await c!.sdkRead('kcat-idempotent', 50);
    expect(sdk.map((r) => Number(r.value!.toString()))).toEqual(range(0, 50));
  });

  it('-G: two kcat processes share a group, commit, and a third resumes after the commits', async () => {
    await c!.createTopic('kcat-group', 4);
    const outputs = ['', '']; // stdout: records
    const assignments = ['', '']; // stderr: kcat's rebalance lines
    const members = [1, 2].map((node, i) => {
      const child = spawn('kcat', ['-b', c!.kafka(node), '-u', '-G', 'kcat-g', '-X', 'auto.offset.reset=earliest', '-X', 'auto.commit.interval.ms=100', '-f', FORMAT, 'kcat-group'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.setEncoding('utf8').on('data', (s: string) => (outputs[i] += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (assignments[i] += s));
      return child;
    });
    try {
      // kcat reports each assignment on stderr ("% Group kcat-g rebalanced (memberid …): assigned: kcat-group [0], …").
      await pollUntil(() => assignments.every((o) => /assigned: .*kcat-group/.test(o)), { timeoutMs: 60_000, what: `both kcat members to be assigned partitions (${assignments.join(' | ')})` });
      await kcat(['-b', c!.kafka(3), '-P', '-t', 'kcat-group', '-K:', '-X', 'acks=all'], range(0, 40).map((i) => `k${i}:${i}\n`).join(''));
      const read = () => outputs.map((o) => parseRecords(o));
      await pollUntil(() => new Set(read().flat().map((r) => r.v)).size === 40, { timeoutMs: 60_000, what: `the kcat group to read 40 records (${outputs.join(' | ')})` });
      for (const records of read()) expect(records.length).toBeGreaterThan(0);
      const partitionsOf = read().map((rs) => new Set(rs.map((r) => r.p)));
      expect([...partitionsOf[0]!].filter((p) => partitionsOf[1]!.has(p))).toEqual([]); // disjoint
      // SIGTERM: kcat commits its offsets and leaves the group.
      await Promise.all(members.map((m) => new Promise((resolve) => { m.on('exit', resolve); m.kill('SIGTERM'); })));
      // The commits went to the group coordinator the SDK reads too.
      const sdkConsumer = c!.sdk.consumer({ groupId: 'kcat-g' });
      const committed = await sdkConsumer.committed(range(0, 4).map((partition) => ({ topic: 'kcat-group', partition })));
      await sdkConsumer.close();
      expect([...committed.values()].reduce((a, b) => a + b, 0n)).toBe(40n);

      await kcat(['-b', c!.kafka(1), '-P', '-t', 'kcat-group', '-K:', '-X', 'acks=all'], range(40, 20).map((i) => `k${i}:${i}\n`).join(''));
      const resumed = parseRecords(await kcat(['-b', c!.kafka(2), '-G', 'kcat-g', '-X', 'auto.offset.reset=earliest', '-c', '20', '-f', FORMAT, 'kcat-group']));
      expect(sortNum(resumed.map((r) => Number(r.v)))).toEqual(range(40, 20));
    } finally {
      for (const m of members) if (m.exitCode === null) m.kill('SIGKILL');
    }
  }, 120_000);
});
