import type { Command } from 'commander';
import type { TransactionDescription, TransactionListing } from '@gregor/client';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { table } from '../group-format';
import { addCommonOptions, type CommonOptions } from '../options';

interface ListOptions extends CommonOptions {
  state: string[];
}

/**
 * `gregor transactions list|describe` — Kafka's kafka-transactions.sh: the
 * transactional ids the cluster's coordinators know, and one id's state,
 * producer id and epoch, timeout and open partitions.
 */
export function registerTransactions(program: Command, ctx: CliContext): void {
  const txn = program.command('transactions').description('transactional producers: list, describe');

  addCommonOptions(
    txn
      .command('list')
      .description('every transactional id, with its producer id and state')
      .option('--state <state...>', 'only these states (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort)', []),
  ).action(async (opts: ListOptions) => {
    await ctx.withClient(opts, async (client) => {
      const list = await client.admin().listTransactions({ states: opts.state });
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
