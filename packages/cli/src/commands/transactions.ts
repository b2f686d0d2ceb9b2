import type { Command } from 'commander';
import { GregorError } from '@gregor/common';
import type { ProducerStateDescription, TransactionDescription, TransactionListing } from '@gregor/client';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { table } from '../group-format';
import { addCommonOptions, int64Arg, intArg, type CommonOptions } from '../options';

interface ListOptions extends CommonOptions {
  state: string[];
  durationFilter?: number;
}

interface PartitionOptions extends CommonOptions {
  topic: string;
  partition: number;
}

interface AbortOptions extends PartitionOptions {
  startOffset?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
}

/**
 * `gregor transactions list|describe|describe-producers|abort` — Kafka's
 * kafka-transactions.sh: the transactional ids the cluster's coordinators
 * know, one id's state, producer id and epoch, timeout and open
 * partitions; a partition's producers and the transactions they have open
 * there; and the abort of a hanging transaction in one partition.
 */
export function registerTransactions(program: Command, ctx: CliContext): void {
  const txn = program.command('transactions').description('transactional producers: list, describe, describe-producers, abort');

  addCommonOptions(
    txn
      .command('list')
      .description('every transactional id, with its producer id and state')
      .option('--state <state...>', 'only these states (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort)', [])
      .option('--duration-filter <ms>', 'only transactions running longer than this many ms', intArg('--duration-filter', 0)),
  ).action(async (opts: ListOptions) => {
    await ctx.withClient(opts, async (client) => {
      const list = await client.admin().listTransactions({ states: opts.state, ...(opts.durationFilter !== undefined ? { durationFilterMs: opts.durationFilter } : {}) });
      await ctx.result(opts, formatTransactionList(list), list.map((t) => ({ ...t, producerId: t.producerId.toString() })));
    });
  });

  addCommonOptions(txn.command('describe').description("a transactional id's state and open partitions").argument('<transactional-id>', 'transactional id')).action(
    async (id: string, opts: CommonOptions) => {
      if (id.trim() === '') throw new UsageError('transactional id must not be empty');
      await ctx.withClient(opts, async (client) => {
        const [d] = await client.admin().describeTransactions([id]);
        await ctx.result(opts, formatTransaction(d!), { ...d!, producerId: d!.producerId.toString() });
      });
    },
  );

  const partitionOptions = (c: Command): Command =>
    c.requiredOption('--topic <topic>', 'topic').requiredOption('--partition <p>', 'partition', intArg('--partition', 0));

  addCommonOptions(partitionOptions(txn.command('describe-producers').description("a partition's producers and the transactions they have open there (its leader's view)"))).action(
    async (opts: PartitionOptions) => {
      await ctx.withClient(opts, async (client) => {
        const producers = await client.admin().describeProducers(opts.topic, opts.partition);
        await ctx.result(opts, formatProducers(producers), producers.map(producerJson));
      });
    },
  );

  addCommonOptions(
    partitionOptions(
      txn
        .command('abort')
        .description('abort a hanging transaction in one partition (an ABORT marker): the one starting at --start-offset, or --producer-id with --producer-epoch'),
    )
      .option('--start-offset <offset>', 'first offset of the open transaction (see describe-producers)', int64Arg('--start-offset'))
      .option('--producer-id <id>', 'producer id of the open transaction', int64Arg('--producer-id'))
      .option('--producer-epoch <epoch>', 'its producer epoch', intArg('--producer-epoch', 0, 0x7fff)),
  ).action(async (opts: AbortOptions) => {
    const byProducer = opts.producerId !== undefined || opts.producerEpoch !== undefined;
    if (opts.startOffset !== undefined && byProducer) throw new UsageError('give either --start-offset or --producer-id with --producer-epoch, not both');
    if (opts.startOffset === undefined && (opts.producerId === undefined || opts.producerEpoch === undefined)) {
      throw new UsageError('give --start-offset, or both --producer-id and --producer-epoch');
    }
    await ctx.withClient(opts, async (client) => {
      const where = { topic: opts.topic, partition: opts.partition };
      let producerId = opts.producerId!;
      let producerEpoch = opts.producerEpoch!;
      if (opts.startOffset !== undefined) {
        // Kafka's abort --start-offset: the producer whose open transaction starts there.
        const open = (await client.admin().describeProducers(opts.topic, opts.partition)).find((p) => p.currentTransactionStartOffset === opts.startOffset);
        if (open === undefined) throw new GregorError('INVALID_TXN_STATE', `no transaction open in ${opts.topic}-${opts.partition} starts at offset ${opts.startOffset} (see transactions describe-producers)`, where);
        producerId = open.producerId;
        producerEpoch = open.producerEpoch;
      }
      await client.admin().abortTransaction({ ...where, producerId, producerEpoch });
      await ctx.result(opts, [`aborted the transaction of producer ${producerId} (epoch ${producerEpoch}) in ${opts.topic}-${opts.partition}`], {
        ...where,
        producerId: producerId.toString(),
        producerEpoch,
        aborted: true,
      });
    });
  });
}

function producerJson(p: ProducerStateDescription): Record<string, unknown> {
  return { ...p, producerId: p.producerId.toString(), lastTimestamp: p.lastTimestamp.toString(), currentTransactionStartOffset: p.currentTransactionStartOffset?.toString() ?? null };
}

export function formatProducers(list: readonly ProducerStateDescription[]): string[] {
  if (list.length === 0) return ['no producers'];
  return table(
    ['PRODUCER-ID', 'EPOCH', 'LAST-SEQUENCE', 'LAST-TIMESTAMP', 'CURRENT-TXN-START-OFFSET'],
    list.map((p) => [p.producerId.toString(), String(p.producerEpoch), String(p.lastSequence), p.lastTimestamp.toString(), p.currentTransactionStartOffset?.toString() ?? '-']),
  );
}

export function formatTransactionList(list: readonly TransactionListing[]): string[] {
  if (list.length === 0) return ['no transactional ids'];
  return table(
    ['TRANSACTIONAL-ID', 'PRODUCER-ID', 'STATE'],
    list.map((t) => [t.transactionalId, t.producerId.toString(), t.state]),
  );
}

export function formatTransaction(d: TransactionDescription): string[] {
  const lines = table(
    ['TRANSACTIONAL-ID', 'COORDINATOR', 'STATE', 'PRODUCER-ID', 'EPOCH', 'TIMEOUT-MS', 'START-TIME'],
    [[d.transactionalId, String(d.coordinator), d.state, d.producerId.toString(), String(d.producerEpoch), String(d.timeoutMs), d.startTimeMs === null ? '-' : new Date(d.startTimeMs).toISOString()]],
  );
  if (d.partitions.length > 0) lines.push(`open partitions: ${d.partitions.map((p) => `${p.topic}-${p.partition}`).join(', ')}`);
  return lines;
}
