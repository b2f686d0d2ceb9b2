import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { GregorError, toGregorError } from '@gregor/common';
import type { Consumer, ConsumerOptions, Gregor, OffsetSpec } from '@gregor/client';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { formatRecord, recordJson } from '../format';
import { write } from '../io';
import { addCommonOptions, int64Arg, intArg, keyValue, type CommonOptions } from '../options';
import { checkName } from './topic';

interface ConsumeOptions extends CommonOptions {
  fromBeginning: boolean;
  offset?: bigint | 'earliest' | 'latest';
  partition?: number;
  maxMessages?: number;
  timeoutMs?: number;
  printKey: boolean;
  printOffset: boolean;
  printPartition: boolean;
  printTimestamp: boolean;
  keySeparator: string;
  group?: string;
  consumerProperty: Record<string, string>;
  joinTimeoutMs: number;
  isolationLevel?: 'read_committed' | 'read_uncommitted';
}

/** `gregor consume TOPIC`: one value per line on stdout (Kafka's console consumer). */
export function registerConsume(program: Command, ctx: CliContext): void {
  addCommonOptions(
    program
      .command('consume')
      .description('print records of a topic, one value per line')
      .argument('<topic>', 'topic name')
      .option('--from-beginning', 'start at the earliest offset (default: only new records)', false)
      .option('--offset <offset>', 'start offset: a number (needs --partition), earliest or latest', parseOffset)
      .option('--partition <p>', 'read only this partition (default: all)', intArg('--partition', 0))
      .option('--max-messages <n>', 'stop after N records', intArg('--max-messages', 1))
      .option('--timeout-ms <ms>', 'stop after T ms without a new record (exit 0)', intArg('--timeout-ms', 0))
      .option('--print-key', 'print the key before the value', false)
      .option('--print-offset', 'print Offset:N before the record', false)
      .option('--print-partition', 'print Partition:P before the record', false)
      .option('--print-timestamp', 'print CreateTime:T before the record', false)
      .option('--key-separator <sep>', 'separator between printed fields', '\t')
      .option('--group <group>', 'consume as a member of this consumer group: its partitions are shared with the other members, offsets are committed')
      .option('--isolation-level <level>', 'read_uncommitted (default: everything up to the high watermark) or read_committed (committed transactions only)', parseIsolationLevel)
      .option('--join-timeout-ms <ms>', 'with --group: give up (exit 2) when the group cannot be joined within this long', intArg('--join-timeout-ms', 1), 60_000)
      .option('--consumer-property <key=value...>', `consumer settings with Kafka's names (repeatable): ${Object.keys(CONSUMER_PROPERTIES).join(', ')}`, keyValue, {}),
  ).action(async (topic: string, opts: ConsumeOptions) => {
    checkName(topic);
    consumerProperties(opts.consumerProperty); // usage errors before connecting
    if (opts.isolationLevel !== undefined) opts.consumerProperty = { ...opts.consumerProperty, 'isolation.level': opts.isolationLevel };
    if (opts.group !== undefined) {
      if (opts.partition !== undefined || opts.offset !== undefined) {
        throw new UsageError('--group cannot be used with --partition or --offset: the group assigns partitions and resumes from its committed offsets');
      }
      if (opts.group === '') throw new UsageError('--group needs a group id');
      await consumeAsGroup(ctx, topic, opts.group, opts);
      return;
    }
    if (opts.fromBeginning && opts.offset !== undefined) throw new UsageError('--from-beginning and --offset cannot be used together');
    if (typeof opts.offset === 'bigint' && opts.partition === undefined) throw new UsageError('--offset N needs --partition (an offset belongs to one partition)');
    await ctx.withClient(opts, async (client) => {
      const [desc] = await client.admin().describeTopics([topic]);
      const count = desc!.partitions.length;
      if (opts.partition !== undefined && opts.partition >= count) {
        throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${topic}" has ${count} partition(s); there is no partition ${opts.partition}`, { topic, partition: opts.partition });
      }
      const partitions = opts.partition !== undefined ? [opts.partition] : desc!.partitions.map((p) => p.partition);
      const start: OffsetSpec = opts.fromBeginning ? 'earliest' : (opts.offset ?? 'latest');
      // As Kafka's console consumer: an out-of-range start falls back to the beginning or the end.
      const settings: Partial<ConsumerOptions> = { autoOffsetReset: opts.fromBeginning ? 'earliest' : 'latest', ...consumerProperties(opts.consumerProperty) };
      if (typeof start === 'bigint') await noteOutOfRange(ctx, client, { topic, partition: partitions[0]! }, start, settings.autoOffsetReset ?? 'latest');
      const consumer = client.consumer(settings);
      const tps = partitions.map((partition) => ({ topic, partition }));
      consumer.assign(tps);
      for (const tp of tps) consumer.seek(tp, start);
      const printed = await printRecords(ctx, consumer, opts);
      await consumer.close();
      await ctx.note(`Processed a total of ${printed} messages`);
    });
  });
}

/**
 * Kafka's console consumer with --group: subscribe, start at the group's
 * committed offsets (else the beginning with --from-beginning, the end
 * without), commit what was printed when it stops. --timeout-ms counts from
 * joining the group, so a slow rebalance does not end the run early.
 */
async function consumeAsGroup(ctx: CliContext, topic: string, groupId: string, opts: ConsumeOptions): Promise<void> {
  await ctx.withClient(opts, async (client) => {
    await client.admin().describeTopics([topic]);
    const consumer = client.consumer({ autoOffsetReset: opts.fromBeginning ? 'earliest' : 'latest', enableAutoCommit: true, ...consumerProperties(opts.consumerProperty), groupId });
    consumer.subscribe([topic]);
    const watch: JoinWatch = {
      groupId,
      joined: () => (consumer.groupMetadata()?.generationId ?? -1) >= 0,
      whyNot: () => whyNotJoined(client, groupId),
    };
    let printed: number;
    try {
      printed = await printRecords(ctx, consumer, opts, watch);
    } finally {
      await consumer.close();
    }
    await ctx.note(`Processed a total of ${printed} messages`);
  });
}

/**
 * An --offset outside the log is not an error for the consumer: it resets
 * (auto.offset.reset). Say so, or the reader sees other records than asked
 * for without a word.
 */
async function noteOutOfRange(ctx: CliContext, client: Gregor, tp: { topic: string; partition: number }, offset: bigint, reset: 'earliest' | 'latest' | 'none'): Promise<void> {
  const admin = client.admin();
  const [[first], [end]] = await Promise.all([admin.listOffsets([{ ...tp, spec: 'earliest' }]), admin.listOffsets([{ ...tp, spec: 'latest' }])]);
  const note = outOfRangeNote(offset, first!.offset, end!.offset, reset);
  if (note !== undefined) await ctx.note(note);
}

/** The note for an --offset outside [logStart, logEnd); undefined inside it (the end itself is a valid start: new records). */
export function outOfRangeNote(offset: bigint, logStart: bigint, logEnd: bigint, reset: 'earliest' | 'latest' | 'none'): string | undefined {
  if (offset >= logStart && offset <= logEnd) return undefined;
  const range = `offset ${offset} is out of range [${logStart}, ${logEnd})`;
  if (reset === 'none') return `${range}; auto.offset.reset=none → the consumer fails with OFFSET_OUT_OF_RANGE`;
  return `${range}; auto.offset.reset=${reset} → reading from ${reset === 'earliest' ? logStart : logEnd}`;
}

/** While a group consumer waits for its first join: how often it says why on stderr. */
const JOIN_REPORT_MS = 5000;

interface JoinWatch {
  groupId: string;
  joined(): boolean;
  /** Why the member is not in the group yet, as far as the cluster tells (a fresh look each call). */
  whyNot(): Promise<{ error?: GregorError; text: string }>;
}

/**
 * The consumer retries FindCoordinator / JoinGroup quietly (the errors are
 * retriable); a person needs to hear why nothing arrives. Asks the
 * coordinator about the group the way `group describe` does.
 */
async function whyNotJoined(client: Gregor, groupId: string): Promise<{ error?: GregorError; text: string }> {
  try {
    const [d] = await client.admin().describeGroups([groupId], { timeoutMs: JOIN_REPORT_MS });
    return { text: `group "${groupId}" is ${d!.state} with ${d!.members.length} member(s)` };
  } catch (err) {
    const error = toGregorError(err);
    return { error, text: error.message };
  }
}

/** Prints until --max-messages, --timeout-ms idle, SIGINT/SIGTERM, or stdout closing. */
async function printRecords(ctx: CliContext, consumer: Consumer, opts: ConsumeOptions, watch?: JoinWatch): Promise<number> {
  const joined = watch?.joined ?? ((): boolean => true);
  const format = {
    printKey: opts.printKey,
    printOffset: opts.printOffset,
    printPartition: opts.printPartition,
    printTimestamp: opts.printTimestamp,
    separator: opts.keySeparator,
  };
  const max = opts.maxMessages ?? Number.POSITIVE_INFINITY;
  let printed = 0;
  let stdoutClosed = false;
  const onStdoutError = (): void => {
    stdoutClosed = true;
    void consumer.close();
  };
  ctx.io.stdout.once('error', onStdoutError);
  const onAbort = (): void => void consumer.close();
  ctx.io.signal.addEventListener('abort', onAbort, { once: true });
  try {
    let lastRecordAt = Date.now();
    const startedAt = lastRecordAt;
    // Only the first join is watched: a later rebalance is the group's own business.
    let waitingForFirstJoin = watch !== undefined;
    let nextReportAt = startedAt + Math.min(JOIN_REPORT_MS, opts.joinTimeoutMs);
    let lastWhy: { error?: GregorError; text: string } | undefined;
    while (printed < max && !ctx.io.signal.aborted && !stdoutClosed) {
      if (waitingForFirstJoin && joined()) waitingForFirstJoin = false;
      if (waitingForFirstJoin) {
        // The idle clock starts once the consumer is in its group.
        lastRecordAt = Date.now();
        if (Date.now() >= nextReportAt) {
          lastWhy = await watch!.whyNot();
          if (joined()) continue;
          if (Date.now() - startedAt >= opts.joinTimeoutMs) throw joinFailed(watch!.groupId, opts.joinTimeoutMs, lastWhy);
          await ctx.note(`still waiting to join group "${watch!.groupId}" after ${Math.round((Date.now() - startedAt) / 1000)} s: ${lastWhy.text}`);
          nextReportAt = Math.min(Date.now() + JOIN_REPORT_MS, startedAt + opts.joinTimeoutMs);
        }
      }
      let waitMs = opts.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Math.max(0, lastRecordAt + opts.timeoutMs - Date.now());
      if (waitingForFirstJoin) waitMs = Math.max(0, nextReportAt - Date.now());
      const records = await consumer.poll({ maxRecords: Math.min(500, max - printed), timeoutMs: waitMs });
      if (records.length === 0) {
        if (waitingForFirstJoin) continue;
        if (opts.timeoutMs !== undefined && Date.now() - lastRecordAt >= opts.timeoutMs) break;
        continue;
      }
      lastRecordAt = Date.now();
      const lines = records.map((r) => (opts.json ? recordJson(r) : formatRecord(r, format)));
      printed += records.length;
      try {
        await write(ctx.io.stdout, `${lines.join('\n')}\n`);
      } catch {
        // The reader went away (`| head`): stop quietly, as cat does.
        break;
      }
    }
  } finally {
    ctx.io.signal.removeEventListener('abort', onAbort);
    ctx.io.stdout.removeListener('error', onStdoutError);
  }
  return printed;
}


/** The join wait ran out: exit 2 with the coordinator's error when there is one. */
function joinFailed(groupId: string, waitedMs: number, why: { error?: GregorError; text: string }): GregorError {
  const name = why.error?.errorName ?? 'REBALANCE_IN_PROGRESS';
  return new GregorError(name, `could not join group "${groupId}" within ${waitedMs} ms (--join-timeout-ms): ${why.text.replace(/^[A-Z_]+: /, '')}`, { group: groupId }, why.error);
}

function parseOffset(value: string): bigint | 'earliest' | 'latest' {
  if (value === 'earliest' || value === 'latest') return value;
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('--offset must be a non-negative integer, earliest or latest.');
  return int64Arg('--offset')(value);
}

/** Kafka consumer config names `--consumer-property` understands, and how each maps onto ConsumerOptions. */
const CONSUMER_PROPERTIES: Record<string, (value: string) => Partial<ConsumerOptions>> = {
  'group.instance.id': (v) => ({ groupInstanceId: v }),
  'session.timeout.ms': (v) => ({ sessionTimeoutMs: positiveInt('session.timeout.ms', v) }),
  'heartbeat.interval.ms': (v) => ({ heartbeatIntervalMs: positiveInt('heartbeat.interval.ms', v) }),
  'max.poll.interval.ms': (v) => ({ maxPollIntervalMs: positiveInt('max.poll.interval.ms', v) }),
  'enable.auto.commit': (v) => {
    if (v !== 'true' && v !== 'false') throw new UsageError(`--consumer-property enable.auto.commit must be true or false, got "${v}"`);
    return { enableAutoCommit: v === 'true' };
  },
  'auto.commit.interval.ms': (v) => ({ autoCommitIntervalMs: positiveInt('auto.commit.interval.ms', v) }),
  'isolation.level': (v) => ({ isolationLevel: parseIsolationLevel(v) }),
  'auto.offset.reset': (v) => {
    if (v !== 'earliest' && v !== 'latest' && v !== 'none') throw new UsageError(`--consumer-property auto.offset.reset must be earliest, latest or none, got "${v}"`);
    return { autoOffsetReset: v };
  },
  'partition.assignment.strategy': (v) => {
    const names = v.split(',').map((s) => s.trim());
    for (const n of names) if (!['range', 'roundrobin', 'cooperative-sticky'].includes(n)) throw new UsageError(`--consumer-property partition.assignment.strategy: unknown assignor "${n}" (range, roundrobin, cooperative-sticky)`);
    return { partitionAssignors: names as ('range' | 'roundrobin' | 'cooperative-sticky')[] };
  },
  'fetch.max.wait.ms': (v) => ({ maxWaitMs: positiveInt('fetch.max.wait.ms', v) }),
  'max.poll.records': (v) => ({ maxPollRecords: positiveInt('max.poll.records', v) }),
};

function positiveInt(key: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(`--consumer-property ${key} must be a positive integer, got "${v}"`);
  return Number(v);
}

/** The ConsumerOptions of the --consumer-property pairs; an unknown key is a usage error naming it. */
export function consumerProperties(props: Readonly<Record<string, string>>): Partial<ConsumerOptions> {
  let out: Partial<ConsumerOptions> = {};
  for (const [key, value] of Object.entries(props)) {
    const map = CONSUMER_PROPERTIES[key];
    if (map === undefined) throw new UsageError(`--consumer-property: unknown key "${key}" (known: ${Object.keys(CONSUMER_PROPERTIES).join(', ')})`);
    out = { ...out, ...map(value) };
  }
  return out;
}

function parseIsolationLevel(v: string): 'read_committed' | 'read_uncommitted' {
  if (v !== 'read_committed' && v !== 'read_uncommitted') throw new UsageError(`isolation level must be read_committed or read_uncommitted, got "${v}"`);
  return v;
}
