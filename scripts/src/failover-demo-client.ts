/**
 * The SDK side of scripts/failover-demo.sh (one small program, one
 * subcommand per role, so the shell script stays the narrator):
 *
 *   free-port                                      a free base port for a 3-node dev cluster
 *   leader-of  --bootstrap B --topic T --partition P       prints the partition's leader id
 *   partition-led-by --bootstrap B --topic T --node N      prints a partition node N leads
 *   wait-isr   --bootstrap B --topic T --partition P --node N [--timeout-ms]   until N is in the ISR
 *   serving-node --cluster-dir D --topic T [--timeout-ms]  prints the node serving T's consumers now
 *   produce    --bootstrap B --topic T --partition P --acked-file F [--kill-request-file K] [--phase-file H] [--interval-ms 200]
 *   consume    --bootstrap B --topic T --partition P --out-file F --cluster-dir D
 *
 * produce hands 0, 1, 2, … to an idempotent acks=all producer, one every
 * interval without waiting for the previous answer (so during a failover
 * several values are in flight, as with any real producer) and appends each
 * acknowledged value to F. When K appears (holding a pid), it sends SIGKILL
 * to that pid right after handing the next value to the producer, so the
 * kill lands with that value (at least) in flight, and writes the values in
 * flight at that instant to K.done. A send slower than 1 s is narrated with
 * the reason the script wrote to H (what is happening to the cluster), if
 * any. SIGTERM stops it after the values in flight are answered. It exits
 * non-zero if a send failed. consume reads the partition from the start,
 * appends each value to F, says which node serves it (from the nodes' own
 * counters, see serving-node.ts) and whenever that changes, and flags any
 * value that is not the one it expected next. Lines are prefixed with the
 * role for the watcher.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createClient, type Gregor } from '@gregor/client';
import { findFreeBasePort, readClusterFile } from '@gregor/dev-cluster';
import { intFlag, parseFlags } from './args';
import { slowSendNote } from './demo-narration';
import { ServingNodeWatcher, type HttpNode } from './serving-node';

const say = (who: string, msg: string): void => void process.stdout.write(`${who} | ${msg}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Values handed to the producer but not yet answered, at most: at 5 values/s
 * that is 20 s of failover. At the limit the counter pauses until the oldest
 * is answered (back-pressure) instead of queueing without bound.
 */
const MAX_UNACKED = 100;

function client(bootstrap: string): Gregor {
  return createClient({ bootstrap, clientId: 'failover-demo', requestTimeoutMs: 5000 });
}

function clusterNodes(dir: string): HttpNode[] {
  return readClusterFile(dir).nodes.map((n) => ({ id: n.id, http: n.http }));
}

async function leaderOf(c: Gregor, topic: string, partition: number): Promise<{ leader: number | null; isr: readonly number[] }> {
  const [t] = await c.admin().describeTopics([topic]);
  const p = t?.partitions.find((x) => x.partition === partition);
  return { leader: p?.leader ?? null, isr: p?.isr ?? [] };
}

/** A small file the script writes (a pid, a phase); undefined when absent or empty. */
function readNote(file: string | undefined): string | undefined {
  if (file === undefined || !existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return text === '' ? undefined : text;
}

/** Writes whole and renames, so the script never reads half a file. */
function publish(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function produce(flags: Record<string, string>): Promise<number> {
  const topic = flags['topic']!;
  const partition = intFlag('partition', flags['partition']!);
  const intervalMs = intFlag('interval-ms', flags['interval-ms'] ?? '200', 1);
  const ackedFile = flags['acked-file']!;
  const killRequestFile = flags['kill-request-file'];
  const phaseFile = flags['phase-file'];
  const c = client(flags['bootstrap']!);
  // Idempotent by default (acks=all): a retry after a lost answer is not written twice.
  const producer = c.producer({ acks: 'all', lingerMs: 0 });
  let running = true;
  process.on('SIGTERM', () => {
    running = false;
  });
  const unacked = new Map<number, Promise<void>>();
  say('producer', `sending a counter to ${topic}-${partition} every ${intervalMs} ms (acks=all, idempotent, bootstrap ${flags['bootstrap']})`);
  let next = 0;
  let lastAcked = -1;
  let failed = false;
  while (running && !failed) {
    if (unacked.size >= MAX_UNACKED) {
      say('producer', `${unacked.size} values unanswered: pausing the counter until the oldest is`);
      await unacked.values().next().value;
      continue;
    }
    const value = next++;
    const started = Date.now();
    const beforeFirstAnswer = lastAcked === -1;
    const answered = producer
      .send({ topic, partition, value: String(value) })
      .then(
        (md) => {
          appendFileSync(ackedFile, `${value}\n`);
          lastAcked = Math.max(lastAcked, value);
          const tookMs = Date.now() - started;
          if (value % 10 === 0 || tookMs > 1000) say('producer', `sent ${value} -> offset ${md.offset}${tookMs > 1000 ? slowSendNote(value, tookMs, readNote(phaseFile), beforeFirstAnswer) : ''}`);
        },
        (err: unknown) => {
          say('producer', `FAILED to send ${value}: ${(err as Error).message}`);
          failed = true;
        },
      )
      .finally(() => unacked.delete(value));
    unacked.set(value, answered);
    // The kill the script asked for, now: `value` was just handed over and cannot have been answered yet.
    const killPid = readNote(killRequestFile);
    if (killPid !== undefined) {
      process.kill(Number(killPid), 'SIGKILL');
      publish(`${killRequestFile}.done`, `${[...unacked.keys()].join(' ')}\n`);
      rmSync(killRequestFile!, { force: true });
    }
    await sleep(Math.max(0, intervalMs - (Date.now() - started)));
  }
  await Promise.all(unacked.values());
  await c.close();
  say('producer', `stopped; last acknowledged value ${lastAcked}`);
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

  // Who serves this consumer, as the nodes count it (the only consumer of
  // the topic). Looked at after every poll that returned records, so values
  // are credited to the node whose counter just grew, never to one that
  // stopped answering; and every 300 ms while none arrive.
  const watcher = new ServingNodeWatcher(clusterNodes(flags['cluster-dir']!), topic);
  let serving: number | undefined;
  /** The node that served until it stopped answering, until another one does. */
  let lost: number | undefined;
  let lastLookAt = 0;
  const look = async (): Promise<number | undefined> => {
    lastLookAt = Date.now();
    const o = await watcher.look();
    if (o.grew.length > 0) {
      // Two nodes in one look: the switch happened within it; the new one is the news.
      const now = o.grew.find((id) => id !== serving) ?? serving!;
      const was = serving ?? lost;
      if (was === undefined) say('consumer', `fetching from node ${now} (its /metrics counts the records it serves this consumer)`);
      else if (now !== was) say('consumer', `switched: now fetching from node ${now} (was node ${was})`);
      serving = now;
      lost = undefined;
      return now;
    }
    if (serving !== undefined && o.unreachable.includes(serving)) {
      say('consumer', `node ${serving}, which served this consumer, stopped answering; the consumer looks up the new leader and retries`);
      lost = serving;
      serving = undefined;
    }
    return serving;
  };

  let expected = 0;
  let anomalies = 0;
  while (running) {
    const records = await consumer.poll({ timeoutMs: 200 }).catch((err: unknown) => {
      say('consumer', `poll failed (${(err as Error).message}); retrying`);
      return [];
    });
    if (records.length === 0) {
      if (Date.now() - lastLookAt >= 300) await look();
      continue;
    }
    const from = await look();
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
    if (values.some((v) => v % 10 === 0) || values.length > 5) say('consumer', `got ${first === last ? first : `${first}..${last}`}${from !== undefined ? ` (from node ${from})` : ''}`);
  }
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
      'kill-request-file': { type: 'string' },
      'phase-file': { type: 'string' },
      'cluster-dir': { type: 'string' },
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
    case 'serving-node': {
      need('cluster-dir', 'topic');
      const watcher = new ServingNodeWatcher(clusterNodes(flags['cluster-dir']!), flags['topic']!);
      const deadline = Date.now() + intFlag('timeout-ms', flags['timeout-ms'] ?? '10000');
      await watcher.look(); // the baseline
      while (Date.now() <= deadline) {
        await sleep(300);
        const { grew } = await watcher.look();
        if (grew.length > 0) {
          process.stdout.write(`${grew.join(',')}\n`);
          return 0;
        }
      }
      return 3;
    }
    case 'produce':
      need('bootstrap', 'topic', 'partition', 'acked-file');
      return produce(flags);
    case 'consume':
      need('bootstrap', 'topic', 'partition', 'out-file', 'cluster-dir');
      return consume(flags);
    default:
      process.stderr.write('usage: failover-demo-client free-port|leader-of|partition-led-by|wait-isr|serving-node|produce|consume [flags]\n');
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
