import type { Command } from 'commander';
import { clusterStatusJson, formatClusterStatus } from '../cluster-status-format';
import type { CliContext } from '../context';
import { EXIT_SERVER } from '../errors';
import { addCommonOptions, type CommonOptions } from '../options';

/**
 * `gregor cluster status`: the controller quorum (active controller, term,
 * each voter's log end offset, lag and last contact) and every broker
 * (address, fenced or not, partitions led), as any broker reports it.
 *
 * With no active controller the command still prints what the broker knows
 * — that is when an operator needs it most — and exits 2 with the reason.
 */
export function registerCluster(program: Command, ctx: CliContext): void {
  const cluster = program.command('cluster').description('the cluster as a whole');

  addCommonOptions(cluster.command('status').description('controller quorum and brokers: leader, term, voter lag, fenced brokers, partitions led')).action(
    async (opts: CommonOptions) => {
      await ctx.withClient(opts, async (client) => {
        const d = await client.admin().describeCluster();
        await ctx.result(opts, formatClusterStatus(d), clusterStatusJson(d));
        if (d.quorumError !== null) {
          if (!opts.json) await ctx.note(d.quorumError.message);
          ctx.exitCode = EXIT_SERVER;
        }
      });
    },
  );
}
