/**
 * The SDK side of scripts/failover-demo.sh (one small program, one
 * subcommand per role, so the shell script stays the narrator):
 *
 *   free-port                                      a free base port for a 3-node dev cluster
 *   leader-of  --bootstrap B --topic T --partition P       prints the partition's leader id
 *   partition-led-by --bootstrap B --topic T --node N      prints a partition node N leads
 *   wait-isr   --bootstrap B --topic T --partition P --node N [--timeout-ms]   until N is in the ISR
 *   produce    --bootstrap B --topic T --partition P --acked-file F [--interval-ms 200]
 *   consume    --bootstrap B --topic T --partition P --out-file F
 *
 * produce sends 0, 1, 2, … one at a time with acks=all and appends each
 * acknowledged value to F; SIGTERM stops it after the send in flight. It
 * exits non-zero if a send failed. consume reads the partition from the
 * start, appends each value to F, says whenever the partition's leader (the
 * node it fetches from) changes, and flags any value that is not the one it
 * expected next. Lines are prefixed with the role for the watcher.
 */
import { appendFileSync } from 'node:fs';
import { createClient, type Gregor } from '@gregor/client';
import { findFreeBasePort } from '@gregor/dev-cluster';
import { intFlag, parseFlags } from './args';

const say = (who: string, msg: string): void => void process.stdout.write(`${who} | ${msg}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function client(bootstrap: string): Gregor {
  return createClient({ bootstrap, clientId: 'failover-demo', requestTimeoutMs: 5000 });
}

async function leaderOf(c: Gregor, topic: string, partition: number): Promise<{ leader: number | null; isr: readonly number[] }> {
  const [t] = await c.admin().describeTopics([topic]);
  const p = t?.partitions.find((x) => x.partition === partition);
  return { leader: p?.leader ?? null, isr: p?.isr ?? [] };
}

async function produce(flags: Record<string, string>): Promise<number> {
  const topic = flags['topic']!;
  const partition = intFlag('partition', flags['partition']!);
  const intervalMs = intFlag('interval-ms', flags['interval-ms'] ?? '200', 1);
  const ackedFile = flags['acked-file']!;
  const c = client(flags['bootstrap']!);
  const producer = c.producer({ acks: 'all', lingerMs: 0 });
  let running = true;
  process.on('SIGTERM', () => {
    running = false;
  });
  say('producer', `sending a counter to ${topic}-${partition} every ${intervalMs} ms (acks=all, bootstrap ${flags['bootstrap']})`);
  let next = 0;
  let failed = false;
  while (running) {
    const value = next;
    const started = Date.now();
    try {
      const md = await producer.send({ topic, partition, value: String(value) });
      appendFileSync(ackedFile, `${value}\n`);
      next++;
      const tookMs = Date.now() - started;
      // A slow acknowledgement is the failover happening: say so.
      if (value % 10 === 0 || tookMs > 1000) say('producer', `sent ${value} -> offset ${md.offset}${tookMs > 1000 ? ` (took ${tookMs} ms: the cluster was failing over)` : ''}`);
    } catch (err) {
      say('producer', `FAILED to send ${value}: ${(err as Error).message}`);
      failed = true;
      break;
    }
    await sleep(Math.max(0, intervalMs - (Date.now() - started)));
  }
  await c.close();
  say('producer', `stopped; last acknowledged value ${next - 1}`);
  return failed ? 2 : 0;
}

async function consume(flags: Record<string, string>): Promise<number> {
  const topic = flags['topic']!;
  const partition = intFlag('partition', flags['partition']!);
  const outFile = flags['out-file']!;
  const c = client(flags['bootstrap']!);
  const consumer = c.consumer({ maxWaitMs: 200 });
  consumer.assign([{ topic, partition }]);
  consumer.seek({ topic, partition }, 'earliest');
  let running = true;
  process.on('SIGTERM', () => {
    running = false;
  });
  say('consumer', `reading ${topic}-${partition} from the beginning (bootstrap ${flags['bootstrap']} only)`);

  // Who the consumer fetches from: the partition leader, as its own client's metadata says.
  let leader: number | null | undefined;
  let lastLeader: number | undefined;
  const watchLeader = (async () => {
    while (running) {
      try {
        const now = (await leaderOf(c, topic, partition)).leader;
        if (now !== leader) {
          if (leader === undefined) say('consumer', `fetching from node ${now} (the leader of ${topic}-${partition})`);
          else if (now === null) say('consumer', `node ${leader} is gone and ${topic}-${partition} has no leader yet; retrying`);
          else say('consumer', `switched: now fetching from node ${now}${lastLeader !== undefined ? ` (was node ${lastLeader})` : ''}`);
          leader = now;
          if (now !== null) lastLeader = now;
        }
      } catch {
        // The metadata request failed over too; the next round asks another node.
      }
      await sleep(300);
    }
  })();

  let expected = 0;
  let anomalies = 0;
  while (running) {
    const records = await consumer.poll({ timeoutMs: 200 }).catch((err: unknown) => {
      say('consumer', `poll failed (${(err as Error).message}); retrying`);
      return [];
    });
    if (records.length === 0) continue;
    const values = records.map((r) => Number(r.value?.toString()));
    appendFileSync(outFile, values.map((v) => `${v}\n`).join(''));
    for (const v of values) {
      if (v !== expected) {
        anomalies++;
        say('consumer', v < expected ? `DUPLICATE: got ${v} again` : `GAP: expected ${expected}, got ${v}`);
      }
      expected = Math.max(expected, v + 1);
    }
    const first = values[0]!;
    const last = values[values.length - 1]!;
    if (values.some((v) => v % 10 === 0) || values.length > 5) say('consumer', `got ${first === last ? first : `${first}..${last}`} (from node ${leader ?? '?'})`);
  }
  await watchLeader;
  await c.close();
  say('consumer', `stopped; received up to ${expected - 1}${anomalies > 0 ? `, ${anomalies} anomalies` : ', no gap, no duplicate'}`);
  return 0;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const flags = parseFlags(
    {
      bootstrap: { type: 'string' },
      topic: { type: 'string' },
      partition: { type: 'string' },
      node: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'interval-ms': { type: 'string' },
      'acked-file': { type: 'string' },
      'out-file': { type: 'string' },
    },
    rest,
  ) as Record<string, string>;
  const need = (...names: string[]): void => {
    for (const n of names) {
      if (flags[n] === undefined) {
        process.stderr.write(`${command}: --${n} is required\n`);
        process.exit(1);
      }
    }
  };
  switch (command) {
    case 'free-port':
      process.stdout.write(`${await findFreeBasePort(3)}\n`);
      return 0;
    case 'leader-of': {
      need('bootstrap', 'topic', 'partition');
      const c = client(flags['bootstrap']!);
      const { leader } = await leaderOf(c, flags['topic']!, intFlag('partition', flags['partition']!));
      await c.close();
      process.stdout.write(`${leader ?? -1}\n`);
      return 0;
    }
    case 'partition-led-by': {
      need('bootstrap', 'topic', 'node');
      const c = client(flags['bootstrap']!);
      const [t] = await c.admin().describeTopics([flags['topic']!]);
      await c.close();
      const p = t?.partitions.find((x) => x.leader === intFlag('node', flags['node']!));
      if (p === undefined) return 3;
      process.stdout.write(`${p.partition}\n`);
      return 0;
    }
    case 'wait-isr': {
      need('bootstrap', 'topic', 'partition', 'node');
      const c = client(flags['bootstrap']!);
      const node = intFlag('node', flags['node']!);
      const deadline = Date.now() + intFlag('timeout-ms', flags['timeout-ms'] ?? '60000');
      try {
        for (;;) {
          const { isr } = await leaderOf(c, flags['topic']!, intFlag('partition', flags['partition']!)).catch(() => ({ isr: [] as readonly number[] }));
          if (isr.includes(node)) return 0;
          if (Date.now() > deadline) return 3;
          await sleep(250);
        }
      } finally {
        await c.close();
      }
    }
    case 'produce':
      need('bootstrap', 'topic', 'partition', 'acked-file');
      return produce(flags);
    case 'consume':
      need('bootstrap', 'topic', 'partition', 'out-file');
      return consume(flags);
    default:
      process.stderr.write('usage: failover-demo-client free-port|leader-of|partition-led-by|wait-isr|produce|consume [flags]\n');
      return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`failover-demo-client: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
