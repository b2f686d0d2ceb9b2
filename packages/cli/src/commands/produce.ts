import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { GregorError, toGregorError } from '@gregor/common';
import { COMPRESSIONS, type Acks, type Compression, type Gregor, type Producer } from '@gregor/client';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { addCommonOptions, CLI_TIMEOUT_MS, intArg, type CommonOptions } from '../options';
import { FailureTally, formatFailures, sendFailure } from '../produce-failures';
import { boundedLines } from '../stdin-lines';
import { checkName } from './topic';

interface ProduceOptions extends CommonOptions {
  keySeparator?: string;
  acks: Acks;
  partition?: number;
  lingerMs: number;
  compression: Compression;
  timeoutMs: number;
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
      .option('--compression <codec>', COMPRESSIONS.join(', '), parseCompression, 'none' as const)
      .option('--timeout-ms <ms>', 'give up on a record not acknowledged (or not sendable: no leader, no metadata) after this long', intArg('--timeout-ms', 1), CLI_TIMEOUT_MS),
  ).action(async (topic: string, opts: ProduceOptions) => {
    checkName(topic);
    if (opts.keySeparator === '') throw new UsageError('--key-separator must not be empty');
    await ctx.withClient(opts, async (client) => {
      const [desc] = await client.admin().describeTopics([topic]);
      const partitions = desc!.partitions.length;
      if (opts.partition !== undefined && opts.partition >= partitions) {
        throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${topic}" has ${partitions} partition(s); there is no partition ${opts.partition}`, { topic, partition: opts.partition });
      }
      // The SDK's defaults (max.block.ms 60 s, delivery.timeout.ms 120 s) are for services; a person waits --timeout-ms.
      const requestTimeoutMs = Math.min(opts.timeoutMs, CLI_TIMEOUT_MS);
      const producer = client.producer({
        acks: opts.acks,
        lingerMs: opts.lingerMs,
        compression: opts.compression,
        maxBlockMs: opts.timeoutMs,
        requestTimeoutMs,
        // The SDK wants room for linger plus one request.
        deliveryTimeoutMs: opts.timeoutMs + opts.lingerMs,
      });
      const stats = await produceLines(ctx, producer, topic, opts);
      const summary = { topic, acks: opts.acks === -1 ? 'all' : opts.acks, read: stats.read, acknowledged: stats.acked, failed: stats.read - stats.acked };
      if (stats.failures.count > 0) {
        const groups = stats.failures.summary(topic, await leaderless(client, topic, stats.failures.timedOutPartitions()));
        await ctx.note(formatFailures(topic, stats.read, stats.acked, groups).join('\n'));
        if (opts.json) await ctx.result(opts, '', { ...summary, error: groups[0]!.error, failures: groups });
        ctx.exitCode = 2;
        return;
      }
      if (stats.stop !== undefined) {
        // Reading stopped at a bad line; every record before it was acknowledged.
        await ctx.note(`${stats.stop.text}\nProduced ${stats.acked} record(s) to ${topic}, every line before that one.`);
        if (opts.json) await ctx.result(opts, '', { ...summary, error: stats.stop.name });
        ctx.exitCode = stats.stop.exitCode;
        return;
      }
      await ctx.note(`Produced ${stats.acked} record(s) to ${topic} (acks=${summary.acks}).`);
      if (opts.json) await ctx.result(opts, '', summary);
    });
  });
}

/**
 * Which of `partitions` have no leader now: a record that timed out there
 * never left the producer, and "no leader" is the reason to report. Empty
 * when there is nothing to ask or the question cannot be answered quickly.
 */
async function leaderless(client: Gregor, topic: string, partitions: readonly number[]): Promise<Set<number>> {
  if (partitions.length === 0) return new Set();
  try {
    const [desc] = await client.admin().describeTopics([topic], { timeoutMs: 3000 });
    return new Set(desc!.partitions.filter((p) => p.leader === null && partitions.includes(p.partition)).map((p) => p.partition));
  } catch {
    return new Set();
  }
}

interface ProduceStats {
  read: number;
  acked: number;
  /** Records that were sent and failed, by cause and partition. */
  failures: FailureTally;
  /** Why reading stdin stopped before its end (a line without the key separator, or too long). */
  stop: { name: string; text: string; exitCode: number } | undefined;
}

async function produceLines(ctx: CliContext, producer: Producer, topic: string, opts: ProduceOptions): Promise<ProduceStats> {
  const stats: ProduceStats = { read: 0, acked: 0, failures: new FailureTally(), stop: undefined };
  let outstanding = 0;
  let drained: (() => void) | undefined;
  const onAbort = (): void => {
    if (outstanding > 0) {
      void ctx.note(`interrupted: waiting at most ${opts.timeoutMs} ms for ${outstanding} record(s) not yet acknowledged (Ctrl-C again to quit now)`);
    }
  };
  ctx.io.signal.addEventListener('abort', onAbort, { once: true });
  const progress = startProgress(ctx, stats);
  try {
    for await (const line of boundedLines(ctx.io.stdin as AsyncIterable<Buffer | string>, producer.options.maxRequestBytes, ctx.io.signal)) {
      // The first failure stops reading: the lines after it are not sent.
      if (stats.failures.count > 0 || stats.stop !== undefined) break;
      let key: string | null = null;
      let value = line;
      if (opts.keySeparator !== undefined) {
        const at = line.indexOf(opts.keySeparator);
        if (at < 0) {
          stats.stop = {
            name: 'USAGE',
            text: `error: line ${stats.read + 1} has no key separator "${opts.keySeparator}" (--key-separator): it and the lines after it were not sent`,
            exitCode: 1,
          };
          break;
        }
        key = line.slice(0, at);
        value = line.slice(at + opts.keySeparator.length);
      }
      stats.read++;
      outstanding++;
      producer.send({ topic, key, value, partition: opts.partition }).then(
        () => {
          stats.acked++;
          if (--outstanding < MAX_OUTSTANDING / 2) drained?.();
        },
        (err: unknown) => {
          stats.failures.add(sendFailure(err));
          if (--outstanding < MAX_OUTSTANDING / 2) drained?.();
        },
      );
      if (outstanding >= MAX_OUTSTANDING) {
        await new Promise<void>((resolve) => (drained = resolve));
        drained = undefined;
      }
    }
  } catch (err) {
    // A line over max.request.size (boundedLines stopped reading there).
    const e = toGregorError(err);
    stats.stop ??= { name: e.errorName, text: e.message, exitCode: 2 };
  } finally {
    ctx.io.signal.removeEventListener('abort', onAbort);
    // close() flushes: every send made above has settled when it returns,
    // at most --timeout-ms after its send (delivery timeout).
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

function parseCompression(value: string): Compression {
  if ((COMPRESSIONS as readonly string[]).includes(value)) return value as Compression;
  throw new InvalidArgumentError(`--compression must be one of ${COMPRESSIONS.join(', ')}.`);
}
