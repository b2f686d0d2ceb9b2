import { InvalidArgumentError, type Command } from 'commander';
import { GregorError, isGregorError, tpKey } from '@gregor/common';
import type { GroupDescription, Gregor } from '@gregor/client';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { formatGroupList, formatGroupView, groupView, groupViewJson, logEndPlan, resetTarget, table, type GroupView, type ResetSpec } from '../group-format';
import { addCommonOptions, intArg, type CommonOptions } from '../options';
import { checkName } from './topic';

interface ResetOptions extends CommonOptions {
  topic: string;
  partition?: number;
  toEarliest: boolean;
  toLatest: boolean;
  toOffset?: bigint;
  toDatetime?: bigint;
  dryRun: boolean;
  execute: boolean;
}

/**
 * `gregor group list|describe|reset-offsets|delete` — Kafka's
 * kafka-consumer-groups.sh. Describe shows, per partition, the committed
 * offset, the log end offset and the lag, with the member that owns it.
 */
export function registerGroup(program: Command, ctx: CliContext): void {
  const group = program.command('group').description('consumer groups: list, describe (with lag), reset offsets, delete');

  addCommonOptions(group.command('list').description('every consumer group, with its state')).action(async (opts: CommonOptions) => {
    await ctx.withClient(opts, async (client) => {
      const groups = await client.admin().listGroups();
      await ctx.result(opts, formatGroupList(groups), groups);
    });
  });

  addCommonOptions(
    group.command('describe').description('state, members, and per partition the committed offset, log end offset and lag').argument('<group>', 'group id'),
  ).action(async (groupId: string, opts: CommonOptions) => {
    if (groupId.trim() === '') throw new UsageError('group id must not be empty');
    await ctx.withClient(opts, async (client) => {
      const { view } = await describeGroup(client, groupId);
      await ctx.result(opts, formatGroupView(view), groupViewJson(view));
    });
  });

  addCommonOptions(
    group
      .command('reset-offsets')
      .description('move the committed offsets of a group without members (Kafka: --reset-offsets --execute)')
      .argument('<group>', 'group id')
      .requiredOption('--topic <topic>', 'the topic whose offsets to reset')
      .option('--partition <p>', 'only this partition (default: all)', intArg('--partition', 0))
      .option('--to-earliest', 'to the log start', false)
      .option('--to-latest', 'to the log end', false)
      .option('--to-offset <n>', 'to this offset (clamped to the log)', parseOffset)
      .option('--to-datetime <iso>', 'to the first record at or after this time (ISO 8601, e.g. 2024-01-31T12:00:00Z)', parseDatetime)
      .option('--dry-run', 'only show the new offsets', false)
      .option('--execute', 'apply the new offsets (the default; accepted for Kafka compatibility)', false),
  ).action(async (groupId: string, opts: ResetOptions) => {
    checkName(opts.topic);
    const specs: ResetSpec[] = [];
    if (opts.toEarliest) specs.push({ kind: 'earliest' });
    if (opts.toLatest) specs.push({ kind: 'latest' });
    if (opts.toOffset !== undefined) specs.push({ kind: 'offset', offset: opts.toOffset });
    if (opts.toDatetime !== undefined) specs.push({ kind: 'datetime', timestampMs: opts.toDatetime });
    if (specs.length !== 1) throw new UsageError('give exactly one of --to-earliest, --to-latest, --to-offset N, --to-datetime ISO');
    if (opts.dryRun && opts.execute) throw new UsageError('--dry-run and --execute cannot be used together');
    await ctx.withClient(opts, async (client) => {
      const plan = await planReset(client, groupId, opts.topic, opts.partition, specs[0]!);
      if (!opts.dryRun) {
        await client
          .admin()
          .alterGroupOffsets(groupId, plan.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })))
          .catch((err: unknown) => {
            throw memberJoinedMeanwhile(err, groupId) ?? err;
          });
      }
      await ctx.result(
        opts,
        [...table(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], plan.map((p) => [groupId, p.topic, String(p.partition), String(p.offset)])), ...(opts.dryRun ? ['(dry run: nothing changed)'] : [])],
        { group: groupId, dryRun: opts.dryRun, offsets: plan },
      );
    });
  });

  addCommonOptions(group.command('delete').description('delete groups without members, with their offsets').argument('<groups...>', 'group ids')).action(
    async (groupIds: string[], opts: CommonOptions) => {
      if (groupIds.some((g) => g.trim() === '')) throw new UsageError('group id must not be empty');
      await ctx.withClient(opts, async (client) => {
        await client
          .admin()
          .deleteGroups(groupIds)
          .catch(async (err: unknown) => {
            throw (await groupStillInUse(client, err)) ?? err;
          });
        await ctx.result(opts, `Deletion of requested consumer groups (${groupIds.map((g) => `'${g}'`).join(', ')}) was successful.`, { deleted: groupIds });
      });
    },
  );
}

/**
 * Description, committed offsets and log end offsets of every partition
 * involved. A partial answer beats none: a partition that has no leader now
 * (or whose leader does not answer in time) shows "-" for its log end and
 * lag and is named, instead of failing the whole describe.
 */
export async function describeGroup(client: Gregor, groupId: string): Promise<{ view: GroupView; description: GroupDescription }> {
  const admin = client.admin();
  const [d] = await admin.describeGroups([groupId]);
  const committed = await admin.listGroupOffsets(groupId);
  if (d!.state === 'Dead' && committed.length === 0) throw new GregorError('GROUP_ID_NOT_FOUND', `consumer group "${groupId}" does not exist`, { group: groupId });
  const partitions = new Map<string, { topic: string; partition: number }>();
  for (const c of committed) partitions.set(tpKey(c.topic, c.partition), c);
  for (const m of d!.members) for (const tp of m.assignment) partitions.set(tpKey(tp.topic, tp.partition), tp);
  // Partitions of deleted topics have no end offset: "-", not an error.
  const existing = new Set(await admin.listTopics({ includeInternal: false }));
  const topics = [...new Set([...partitions.values()].map((tp) => tp.topic))].filter((t) => existing.has(t));
  const plan = logEndPlan([...partitions.values()], topics.length > 0 ? await admin.describeTopics(topics) : []);
  const logEnds = new Map<string, bigint>();
  if (plan.ask.length > 0) {
    try {
      // Leaders were just seen: a short wait is enough, and a long one would hold the whole answer.
      const offsets = await admin.listOffsets(plan.ask.map((tp) => ({ ...tp, spec: 'latest' as const })), { timeoutMs: LOG_END_TIMEOUT_MS });
      for (const o of offsets) logEnds.set(tpKey(o.topic, o.partition), o.offset);
    } catch (err) {
      if (!isGregorError(err) || !err.retriable) throw err;
      plan.unknown.push(...plan.ask.map((tp) => ({ ...tp, why: err.errorName })));
    }
  }
  return { view: groupView(d!, committed, logEnds, plan.unknown), description: d! };
}

/** How long describe waits for log end offsets once it knows every partition asked has a leader. */
const LOG_END_TIMEOUT_MS = 5000;

/**
 * NON_EMPTY_GROUP from DeleteGroups, with what to do about it: which group
 * and how many members it has. Undefined for any other error.
 */
async function groupStillInUse(client: Gregor, err: unknown): Promise<GregorError | undefined> {
  if (!isGregorError(err) || err.errorName !== 'NON_EMPTY_GROUP') return undefined;
  const groupId = typeof err.context['group'] === 'string' ? err.context['group'] : undefined;
  if (groupId === undefined) return undefined;
  const members = await client
    .admin()
    .describeGroups([groupId])
    .then(([d]) => d!.members.length)
    .catch(() => undefined);
  const count = members !== undefined ? `${members} active member(s)` : 'active members';
  return new GregorError('NON_EMPTY_GROUP', `group ${groupId} has ${count}: stop its consumers first`, { group: groupId }, err);
}

function nonEmptyGroup(groupId: string, why: string, cause?: unknown): GregorError {
  return new GregorError('NON_EMPTY_GROUP', `offsets can only be reset while group "${groupId}" has no members, but ${why}: stop its consumers first`, { group: groupId }, cause);
}

/**
 * The coordinator refuses a commit from outside the group (UNKNOWN_MEMBER_ID)
 * once it has members. After planReset saw the group empty, that means a
 * member joined in between: the same situation as a refusal up front, so
 * the same error (nothing was changed: the coordinator refuses the whole
 * commit). Undefined for any other error.
 */
function memberJoinedMeanwhile(err: unknown, groupId: string): GregorError | undefined {
  if (!isGregorError(err) || err.errorName !== 'UNKNOWN_MEMBER_ID') return undefined;
  return nonEmptyGroup(groupId, 'a member joined while the offsets were being reset', err);
}

/** The new offsets; refused while the group has members (Kafka: "can only be reset if the group is inactive"). */
async function planReset(client: Gregor, groupId: string, topic: string, partition: number | undefined, spec: ResetSpec): Promise<{ topic: string; partition: number; offset: bigint }[]> {
  const [d] = await client.admin().describeGroups([groupId]);
  if (d!.members.length > 0 || (d!.state !== 'Empty' && d!.state !== 'Dead')) {
    throw nonEmptyGroup(groupId, `it is ${d!.state} with ${d!.members.length} member(s)`);
  }
  return planTopicOffsets(client, topic, partition, spec);
}

/**
 * Where `spec` puts each partition of `topic` (or only `partition`):
 * earliest, latest, an offset clamped to the log, or the first record at
 * or after a time. UNKNOWN_TOPIC_OR_PARTITION for a partition the topic
 * does not have.
 */
export async function planTopicOffsets(client: Gregor, topic: string, partition: number | undefined, spec: ResetSpec): Promise<{ topic: string; partition: number; offset: bigint }[]> {
  const admin = client.admin();
  const [desc] = await admin.describeTopics([topic]);
  const all = desc!.partitions.map((p) => p.partition);
  if (partition !== undefined && !all.includes(partition)) {
    throw new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${topic}" has ${all.length} partition(s); there is no partition ${partition}`, { topic, partition });
  }
  const tps = (partition !== undefined ? [partition] : all).map((p) => ({ topic, partition: p }));
  const earliest = await admin.listOffsets(tps.map((tp) => ({ ...tp, spec: 'earliest' as const })));
  const latest = await admin.listOffsets(tps.map((tp) => ({ ...tp, spec: 'latest' as const })));
  const byTime = spec.kind === 'datetime' ? await admin.listOffsets(tps.map((tp) => ({ ...tp, spec: { timestamp: spec.timestampMs } }))) : undefined;
  return tps.map((tp, i) => ({ ...tp, offset: resetTarget(spec, earliest[i]!.offset, latest[i]!.offset, byTime?.[i]?.offset) }));
}

export function parseOffset(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('--to-offset must be a non-negative integer.');
  return BigInt(value);
}

export function parseDatetime(value: string): bigint {
  // Kafka's tool takes yyyy-MM-ddTHH:mm:SS.sss with an optional zone; Date.parse takes ISO 8601.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) throw new InvalidArgumentError(`--to-datetime must be ISO 8601 (e.g. 2024-01-31T12:00:00Z), got "${value}".`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`--to-datetime: "${value}" is not a valid date and time.`);
  return BigInt(ms);
}
