import type { Command } from 'commander';
import type { RecordsSubscription } from '@gregor/client';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { formatRecord, recordJson } from '../format';
import { write } from '../io';
import { addCommonOptions, intArg, type CommonOptions } from '../options';
import { checkName } from './topic';

interface SubscribeCliOptions extends CommonOptions {
  group: string;
  fromBeginning: boolean;
  maxMessages?: number;
  timeoutMs?: number;
  maxOutstanding?: number;
  ackDeadlineMs?: number;
  printKey: boolean;
  printOffset: boolean;
  printPartition: boolean;
  keySeparator: string;
}

/**
 * `gregor subscribe TOPIC --group G`: a gregor.v1.Records Subscribe stream
 * (the node runs the group member); prints one value per line and acks each
 * record after printing it, so the group's offset only passes what was
 * printed. The stream moves to another node when its node fails.
 */
export function registerSubscribe(program: Command, ctx: CliContext): void {
  addCommonOptions(
    program
      .command('subscribe')
      .description('print records pushed by a Subscribe stream in a consumer group, acking each after printing it')
      .argument('<topic>', 'topic name')
      .requiredOption('--group <group>', 'consumer group: streams of one group share the partitions; acked offsets are committed')
      .option('--from-beginning', 'partitions without a committed offset start at the earliest record (default: only new records)', false)
      .option('--max-messages <n>', 'stop after N records', intArg('--max-messages', 1))
      .option('--timeout-ms <ms>', 'stop after T ms without a new record (exit 0)', intArg('--timeout-ms', 0))
      .option('--max-outstanding <n>', 'unacked records the node may push at once (default: the node’s, 1000)', intArg('--max-outstanding', 1))
      .option('--ack-deadline-ms <ms>', 'unacked records are pushed again after this long (default: the node’s, 30000)', intArg('--ack-deadline-ms', 1))
      .option('--print-key', 'print the key before the value', false)
      .option('--print-offset', 'print Offset:N before the record', false)
      .option('--print-partition', 'print Partition:P before the record', false)
      .option('--key-separator <sep>', 'separator between printed fields', '\t'),
  ).action(async (topic: string, opts: SubscribeCliOptions) => {
    checkName(topic);
    if (opts.group === '') throw new UsageError('--group needs a group id');
    await ctx.withClient(opts, async (client) => {
      const sub = client.subscribe({
        group: opts.group,
        topics: [topic],
        start: opts.fromBeginning ? 'earliest' : 'latest',
        maxOutstandingRecords: opts.maxOutstanding,
        ackDeadlineMs: opts.ackDeadlineMs,
      });
      let printed: number;
      try {
        printed = await printAndAck(ctx, sub, opts);
      } finally {
        await sub.close();
      }
      await ctx.note(`Processed a total of ${printed} messages`);
    });
  });
}

/** Prints and acks until --max-messages, --timeout-ms idle, SIGINT/SIGTERM, or stdout closing. */
async function printAndAck(ctx: CliContext, sub: RecordsSubscription, opts: SubscribeCliOptions): Promise<number> {
  const format = { printKey: opts.printKey, printOffset: opts.printOffset, printPartition: opts.printPartition, printTimestamp: false, separator: opts.keySeparator };
  const max = opts.maxMessages ?? Number.POSITIVE_INFINITY;
  let printed = 0;
  let stop = false;
  const onStop = (): void => {
    stop = true;
    void sub.close();
  };
  ctx.io.stdout.once('error', onStop);
  ctx.io.signal.addEventListener('abort', onStop, { once: true });
  try {
    while (printed < max && !stop) {
      const record = await sub.next(opts.timeoutMs);
      if (record === undefined) break; // idle for --timeout-ms, or closed
      try {
        await write(ctx.io.stdout, `${opts.json ? recordJson(record) : formatRecord(record, format)}\n`);
      } catch {
        break; // the reader went away (`| head`): this record stays unacked and is delivered again
      }
      record.ack();
      printed++;
    }
  } finally {
    ctx.io.signal.removeEventListener('abort', onStop);
    ctx.io.stdout.removeListener('error', onStop);
  }
  return printed;
}
