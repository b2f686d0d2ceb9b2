import type { Command } from 'commander';
import { GregorError, validateTopicName } from '@gregor/common';
import type { ResourceConfigs } from '@gregor/client';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { createdTopicJson, formatTopicDescription, topicDescriptionJson } from '../format';
import { addCommonOptions, intArg, keyValue, type CommonOptions } from '../options';

interface CreateOptions extends CommonOptions {
  partitions?: number;
  replicationFactor?: number;
  config: Record<string, string>;
  ifNotExists: boolean;
}

/** `gregor topic create|list|describe|alter|delete` (Kafka's kafka-topics). */
export function registerTopic(program: Command, ctx: CliContext): void {
  const topic = program.command('topic').description('create, list, describe, alter and delete topics');

  addCommonOptions(
    topic
      .command('create')
      .description('create a topic')
      .argument('<name>', 'topic name')
      .option('--partitions <n>', "number of partitions (default: the broker's num.partitions)", intArg('--partitions', 1, 1_000_000))
      .option('--replication-factor <n>', "replicas per partition (default: the broker's default.replication.factor)", intArg('--replication-factor', 1, 32767))
      .option('--config <key=value...>', 'topic config, repeatable (e.g. retention.ms=3600000)', keyValue, {})
      .option('--if-not-exists', 'succeed if the topic already exists', false),
  ).action(async (name: string, opts: CreateOptions) => {
    checkName(name);
    await ctx.withClient(opts, async (client) => {
      try {
        const [created] = await client.admin().createTopics([
          { topic: name, numPartitions: opts.partitions, replicationFactor: opts.replicationFactor, configs: opts.config },
        ]);
        await ctx.result(opts, `Created topic ${name}.`, createdTopicJson(created!));
        const warning = underReplicatedWarning(created!.replicationFactor, created!.configs['min.insync.replicas']);
        if (warning !== undefined) await ctx.note(warning);
      } catch (err) {
        if (!(opts.ifNotExists && err instanceof GregorError && err.errorName === 'TOPIC_ALREADY_EXISTS')) throw err;
        await ctx.result(opts, `Topic ${name} already exists.`, { topic: name, created: false });
      }
    });
  });

  addCommonOptions(topic.command('list').description('list topic names')).action(async (opts: CommonOptions) => {
    await ctx.withClient(opts, async (client) => {
      const names = await client.admin().listTopics();
      await ctx.result(opts, names, names);
    });
  });

  addCommonOptions(
    topic
      .command('describe')
      .description('partitions, leaders, replicas, ISR and configs of a topic (all topics without a name)')
      .argument('[name]', 'topic name'),
  ).action(async (name: string | undefined, opts: CommonOptions) => {
    if (name !== undefined) checkName(name);
    await ctx.withClient(opts, async (client) => {
      const admin = client.admin();
      const topics = await admin.describeTopics(name === undefined ? undefined : [name]);
      const configs = topics.length === 0 ? [] : await admin.describeConfigs(topics.map((t) => ({ type: 'topic' as const, name: t.name })));
      const byName = new Map<string, ResourceConfigs>(configs.map((c) => [c.name, c]));
      await ctx.result(
        opts,
        topics.map((t) => formatTopicDescription(t, byName.get(t.name))),
        topics.map((t) => topicDescriptionJson(t, byName.get(t.name))),
      );
    });
  });

  // kafka-topics --alter --partitions: the count only grows, and keyed
  // records map to other partitions afterwards (murmur2 modulo the count).
  addCommonOptions(
    topic
      .command('alter')
      .description('add partitions to a topic (the new total; it can only grow)')
      .argument('<name>', 'topic name')
      .requiredOption('--partitions <n>', 'the new number of partitions, larger than the current one', intArg('--partitions', 1, 1_000_000))
      .option('--validate-only', 'check the change without making it', false),
  ).action(async (name: string, opts: CommonOptions & { partitions: number; validateOnly: boolean }) => {
    checkName(name);
    await ctx.withClient(opts, async (client) => {
      await client.admin().createPartitions([{ topic: name, count: opts.partitions }], { validateOnly: opts.validateOnly });
      const human = opts.validateOnly
        ? `Topic ${name} can grow to ${opts.partitions} partitions (nothing changed).`
        : `Topic ${name} now has ${opts.partitions} partitions.`;
      await ctx.result(opts, human, { topic: name, partitions: opts.partitions, validateOnly: opts.validateOnly });
    });
  });

  addCommonOptions(
    topic
      .command('delete')
      .description('delete a topic and its data')
      .argument('<name>', 'topic name')
      .option('--if-exists', 'succeed if the topic does not exist', false),
  ).action(async (name: string, opts: CommonOptions & { ifExists: boolean }) => {
    checkName(name);
    await ctx.withClient(opts, async (client) => {
      try {
        await client.admin().deleteTopics([name]);
        await ctx.result(opts, `Deleted topic ${name}.`, { topic: name, deleted: true });
      } catch (err) {
        if (!(opts.ifExists && err instanceof GregorError && err.errorName === 'UNKNOWN_TOPIC_OR_PARTITION')) throw err;
        await ctx.result(opts, `Topic ${name} does not exist.`, { topic: name, deleted: false });
      }
    });
  });
}

/**
 * A topic with fewer replicas than its min.insync.replicas can never take an
 * acks=all record (NOT_ENOUGH_REPLICAS): easy to create by accident on the
 * dev cluster, whose nodes default to min.insync.replicas 2. Undefined when
 * the topic is fine.
 */
export function underReplicatedWarning(replicationFactor: number, minInsyncReplicas: string | undefined): string | undefined {
  const minIsr = Number(minInsyncReplicas ?? '1');
  if (!Number.isInteger(minIsr) || replicationFactor >= minIsr) return undefined;
  return (
    `warning: replication factor ${replicationFactor} is below min.insync.replicas ${minIsr}: produce with acks=all (the default) ` +
    `will fail with NOT_ENOUGH_REPLICAS. Use --replication-factor ${minIsr} or more, or --config min.insync.replicas=${replicationFactor}.`
  );
}

/**
 * Kafka's topic-name rule, checked before contacting anyone: a bad name is
 * a usage error (exit 1) whose message still names INVALID_TOPIC_EXCEPTION.
 */
export function checkName(name: string): void {
  try {
    validateTopicName(name);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
