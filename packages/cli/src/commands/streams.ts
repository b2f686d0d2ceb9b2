import type { Command } from 'commander';
import { assertApplicationStopped, isInternalTopic, resetApplication } from '@gregor/streams';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { table, type ResetSpec } from '../group-format';
import { addCommonOptions, type CommonOptions } from '../options';
import { committedInputTopics, formatStreamsView, streamsView, streamsViewJson } from '../streams-format';
import { describeGroup, parseDatetime, parseOffset, planTopicOffsets } from './group';
import { checkName } from './topic';

interface ResetOptions extends CommonOptions {
  inputTopics?: string[];
  toEarliest: boolean;
  toLatest: boolean;
  toOffset?: bigint;
  toDatetime?: bigint;
  stateDir?: string;
  dryRun: boolean;
}

/**
 * `gregor streams describe|reset` — a Kafka Streams application seen
 * through its consumer group (group.id = application.id): its instances
 * with their active and standby tasks, sub-topologies, stores and
 * changelogs, lag per input partition; and Kafka's
 * kafka-streams-application-reset.
 */
export function registerStreams(program: Command, ctx: CliContext): void {
  const streams = program.command('streams').description('streams applications: describe (instances, tasks, stores, lag), reset');

  addCommonOptions(
    streams
      .command('describe')
      .description("instances with their active and standby tasks, sub-topologies with their stores and changelogs, lag per input partition")
      .argument('<application-id>', 'the application.id (its consumer group)'),
  ).action(async (applicationId: string, opts: CommonOptions) => {
    if (applicationId.trim() === '') throw new UsageError('application id must not be empty');
    await ctx.withClient(opts, async (client) => {
      const { view, description } = await describeGroup(client, applicationId);
      const v = streamsView(applicationId, description, view);
      await ctx.result(opts, formatStreamsView(v), streamsViewJson(v));
    });
  });

  addCommonOptions(
    streams
      .command('reset')
      .description('reprocess from a point: input offsets reset, internal (repartition, changelog) topics and the group deleted — only while no instance runs')
      .argument('<application-id>', 'the application.id (its consumer group)')
      .option('--input-topics <topics...>', 'the input topics whose offsets to reset (default: every non-internal topic the application committed offsets for)')
      .option('--to-earliest', 'inputs from their log start (the default)', false)
      .option('--to-latest', 'inputs from their log end (skip what is there)', false)
      .option('--to-offset <n>', 'inputs from this offset (clamped to each log)', parseOffset)
      .option('--to-datetime <iso>', 'inputs from the first record at or after this time (ISO 8601)', parseDatetime)
      .option('--state-dir <dir>', "also delete this machine's local state (<dir>/<application-id>)")
      .option('--dry-run', 'only show what would be reset and deleted', false),
  ).action(async (applicationId: string, opts: ResetOptions) => {
    if (applicationId.trim() === '') throw new UsageError('application id must not be empty');
    const specs: ResetSpec[] = [];
    if (opts.toEarliest) specs.push({ kind: 'earliest' });
    if (opts.toLatest) specs.push({ kind: 'latest' });
    if (opts.toOffset !== undefined) specs.push({ kind: 'offset', offset: opts.toOffset });
    if (opts.toDatetime !== undefined) specs.push({ kind: 'datetime', timestampMs: opts.toDatetime });
    if (specs.length > 1) throw new UsageError('give at most one of --to-earliest, --to-latest, --to-offset N, --to-datetime ISO');
    const spec = specs[0] ?? { kind: 'earliest' };
    for (const t of opts.inputTopics ?? []) {
      checkName(t);
      if (isInternalTopic(applicationId, t)) throw new UsageError(`"${t}" is an internal topic of "${applicationId}" (deleted by the reset), not an input topic`);
    }
    await ctx.withClient(opts, async (client) => {
      const admin = client.admin();
      // Checked before anything is read or changed; resetApplication checks again just before deleting.
      await assertApplicationStopped(client, applicationId);
      const inputTopics = opts.inputTopics ?? committedInputTopics((await admin.listGroupOffsets(applicationId)).map((c) => c.topic), (t) => isInternalTopic(applicationId, t));
      const offsets = (await Promise.all(inputTopics.map((t) => planTopicOffsets(client, t, undefined, spec)))).flat();
      const internal = (await admin.listTopics()).filter((t) => isInternalTopic(applicationId, t)).sort();
      const result = opts.dryRun ? { deletedTopics: internal, inputOffsets: offsets } : await resetApplication(client, applicationId, { inputOffsets: offsets, ...(opts.stateDir === undefined ? {} : { stateDir: opts.stateDir }) });
      const deleted = [...result.deletedTopics].sort();
      const human = [
        ...table(['TOPIC', 'PARTITION', 'NEW-OFFSET'], result.inputOffsets.map((o) => [o.topic, String(o.partition), String(o.offset)])),
        deleted.length > 0 ? `${opts.dryRun ? 'Would delete' : 'Deleted'} internal topics: ${deleted.join(', ')}` : 'No internal topics to delete.',
        ...(opts.dryRun ? ['(dry run: nothing changed)'] : [`Reset application "${applicationId}": its next start reprocesses from these offsets with empty state.`]),
      ];
      await ctx.result(opts, human, {
        applicationId,
        dryRun: opts.dryRun,
        inputOffsets: result.inputOffsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() })),
        deletedTopics: deleted,
      });
    });
  });
}
