import * as readline from 'node:readline';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { GregorError, toGregorError } from '@gregor/common';
import type { Acks, Producer } from '@gregor/client';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { addCommonOptions, intArg, type CommonOptions } from '../options';
import { checkName } from './topic';

interface ProduceOptions extends CommonOptions {
  keySeparator?: string;
  acks: Acks;
  partition?: number;
  lingerMs: number;
  compression: 'none' | 'gzip';
}

/**
 * Sends not yet acknowledged at most; reading stdin pauses beyond it. The
 * producer's bufferMemory bounds bytes; this bounds the promises we hold.
 */
const MAX_OUTSTANDING = 20000;

/** `gregor produce TOPIC`: one record per stdin line (Kafka's console producer). */
export function registerProduce(program: Command, ctx: CliContext): void {
  addCommonOptions(
    program
      .command('produce')
      .description('send each line of stdin as a record; exits 0 only when every line was acknowledged')
      .argument('<topic>', 'topic name')
      .option('--key-separator <sep>', 'split each line at the first SEP into key and value')
      .option('--acks <acks>', 'acknowledgement: 0, 1 or all (-1)', parseAcks, 'all' as Acks)
      .option('--partition <p>', 'send every record to this partition', intArg('--partition', 0))
      .option('--linger-ms <ms>', 'how long a batch may wait for more records', intArg('--linger-ms', 0), 5)
      .option('--compression <codec>', 'none or gzip', parseCompression, 'none' as const),
  ).action(async (topic: string, opts: ProduceOptions) => {
    checkName(topic);
    if (opts.keySeparator === '') throw new UsageError('--key-separator must not be empty');
    await ctx.withClient(opts, async (client) => {
      const [desc] = await client.admin().describeTopics([topic]);
      const partitions = desc!.partitions.length;
      if (opts.partition !== undefined && opts.partition >= partitions) {
        throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${topic}" has ${partitions} partition(s); there is no partition ${opts.partition}`, { topic, partition: opts.partition });
      }
      const producer = client.producer({ acks: opts.acks, lingerMs: opts.lingerMs, compression: opts.compression });
      const stats = await produceLines(ctx, producer, topic, opts);
      const summary = { topic, acks: opts.acks === -1 ? 'all' : opts.acks, read: stats.read, acknowledged: stats.acked, failed: stats.read - stats.acked };
      if (stats.error !== undefined) {
        await ctx.note(`${stats.error.text}\nProduced ${stats.acked} of ${stats.read} record(s) to ${topic}; the rest were not acknowledged.`);
        if (opts.json) await ctx.result(opts, '', { ...summary, error: stats.error.name });
        ctx.exitCode = stats.error.exitCode;
        return;
      }
      await ctx.note(`Produced ${stats.acked} record(s) to ${topic} (acks=${summary.acks}).`);
      if (opts.json) await ctx.result(opts, '', summary);
    });
  });
}

interface ProduceStats {
  read: number;
  acked: number;
  error: { name: string; text: string; exitCode: number } | undefined;
}

async function produceLines(ctx: CliContext, producer: Producer, topic: string, opts: ProduceOptions): Promise<ProduceStats> {
  const stats: ProduceStats = { read: 0, acked: 0, error: undefined };
  let outstanding = 0;
  let drained: (() => void) | undefined;
  const lines = readline.createInterface({ input: ctx.io.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  const stop = (): void => lines.close();
  ctx.io.signal.addEventListener('abort', stop, { once: true });
  const progress = startProgress(ctx, stats);
  try {
    for await (const line of lines) {
      if (stats.error !== undefined) break;
      stats.read++;
      let key: string | null = null;
      let value = line;
      if (opts.keySeparator !== undefined) {
        const at = line.indexOf(opts.keySeparator);
        if (at < 0) {
          stats.read--;
          stats.error = { name: 'USAGE', text: `error: line ${stats.read + 1} has no key separator "${opts.keySeparator}"`, exitCode: 1 };
          break;
        }
        key = line.slice(0, at);
        value = line.slice(at + opts.keySeparator.length);
      }
      outstanding++;
      producer.send({ topic, key, value, partition: opts.partition }).then(
        () => {
          stats.acked++;
          if (--outstanding < MAX_OUTSTANDING / 2) drained?.();
        },
        (err: unknown) => {
          const e = toGregorError(err);
          stats.error ??= { name: e.errorName, text: e.message, exitCode: 2 };
          if (--outstanding < MAX_OUTSTANDING / 2) drained?.();
        },
      );
      if (outstanding >= MAX_OUTSTANDING) {
        await new Promise<void>((resolve) => (drained = resolve));
        drained = undefined;
      }
    }
  } finally {
    ctx.io.signal.removeEventListener('abort', stop);
    // close() flushes: every send made above has settled when it returns.
    await producer.close();
    progress.stop();
  }
  return stats;
}

/** "produced N" on a terminal's stderr, once a second, for long inputs. */
function startProgress(ctx: CliContext, stats: ProduceStats): { stop(): void } {
  if (!ctx.io.stderrIsTTY) return { stop: () => undefined };
  const timer = setInterval(() => ctx.io.stderr.write(`\rread ${stats.read}, acknowledged ${stats.acked}`), 1000);
  return {
    stop: () => {
      clearInterval(timer);
      if (stats.read > 0) ctx.io.stderr.write('\r\x1b[K');
    },
  };
}

function parseAcks(value: string): Acks {
  if (value === 'all' || value === '-1') return -1;
  if (value === '0') return 0;
  if (value === '1') return 1;
  throw new InvalidArgumentError('--acks must be 0, 1, all or -1.');
}

function parseCompression(value: string): 'none' | 'gzip' {
  if (value === 'none' || value === 'gzip') return value;
  throw new InvalidArgumentError('--compression must be none or gzip.');
}
