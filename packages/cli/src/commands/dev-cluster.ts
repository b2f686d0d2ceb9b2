import * as path from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_BASE_PORT,
  DEFAULT_CLUSTER_DIR,
  findClusterDir,
  clusterDown,
  clusterStatus,
  clusterUp,
  downReason,
  killNode,
  readClusterFile,
  restartNode,
} from '@gregor/dev-cluster';
import type { CliContext } from '../context';
import { intArg } from '../options';

interface DirOptions {
  /** Undefined: clusterDir() decides. */
  dir?: string;
  json: boolean;
}

interface UpOptions extends DirOptions {
  nodes: number;
  basePort: number;
  timeoutMs: number;
  config: Record<string, string>;
}

const withDir = (cmd: Command): Command =>
  cmd
    .option('--dir <dir>', `cluster directory: cluster.json, node-N.log, data (default: the ${DEFAULT_CLUSTER_DIR} found from here up, else ./${DEFAULT_CLUSTER_DIR})`)
    .option('--json', 'machine-readable output', false);

/**
 * --dir, else the dev cluster the CLI's default bootstrap would use (the
 * first .gregor/cluster with a cluster.json from the cwd up, then the
 * repository's), else .gregor/cluster in the cwd — where `pnpm quickstart`
 * puts it — so that `up` and the commands after it agree without --dir.
 */
function clusterDir(ctx: CliContext, opts: DirOptions): string {
  if (opts.dir !== undefined) return opts.dir;
  const { cwd, clusterRoots } = ctx.place;
  const found = findClusterDir(cwd, clusterRoots);
  return found ?? path.join(cwd, DEFAULT_CLUSTER_DIR);
}

/**
 * `gregor dev-cluster up|down|kill N|restart N|status --dir DIR` (DESIGN.md §9):
 * a local cluster of separate gregor-node processes on loopback.
 */
export function registerDevCluster(program: Command, ctx: CliContext): void {
  const dev = program.command('dev-cluster').description('run a local cluster of gregor-node processes on loopback');

  withDir(
    dev
      .command('up')
      .description('start the cluster; returns once every node is ready (quorum has a leader, brokers registered and unfenced)')
      .option('--nodes <n>', 'number of nodes', intArg('--nodes', 1, 99), 3)
      .option('--base-port <port>', 'node i listens on P+i-1 (client), P+100+i-1 (controller), P+200+i-1 (HTTP), P+300+i-1 (Kafka)', intArg('--base-port', 1, 65000), DEFAULT_BASE_PORT)
      .option('--timeout-ms <ms>', 'how long to wait for readiness', intArg('--timeout-ms', 1), 60_000)
      .option('--config <key=value...>', 'extra node config for every node, repeatable', (item: string, prev: Record<string, string> = {}) => {
        const eq = item.indexOf('=');
        if (eq <= 0) throw new Error(`--config expects key=value, got "${item}"`);
        return { ...prev, [item.slice(0, eq)]: item.slice(eq + 1) };
      }, {}),
  ).action(async (opts: UpOptions) => {
    const cluster = await clusterUp({
      dir: clusterDir(ctx, opts),
      nodes: opts.nodes,
      basePort: opts.basePort,
      readyTimeoutMs: opts.timeoutMs,
      config: opts.config,
      onProgress: (m) => void ctx.note(m),
      persistent: true,
    });
    await ctx.result(
      opts,
      [`Cluster of ${cluster.nodes.length} node(s) is up; bootstrap: ${cluster.nodes.map((n) => n.grpc).join(',')}`],
      cluster,
    );
  });

  withDir(dev.command('down').description('stop every node (SIGTERM, then SIGKILL after a grace period)')).action(async (opts: DirOptions) => {
    await clusterDown(clusterDir(ctx, opts), 15_000, (m) => void ctx.note(m));
    await ctx.result(opts, 'Cluster stopped.', { stopped: true });
  });

  withDir(dev.command('kill').description('kill -9 one node').argument('<node>', 'node id', intArg('node', 1, 99))).action(
    async (id: number, opts: DirOptions) => {
      const node = await killNode(clusterDir(ctx, opts), id);
      if (node.processBefore === 'running') {
        await ctx.result(opts, `Killed node ${id} (pid ${node.pid}).`, { killed: id, pid: node.pid });
      } else {
        // Nothing was signalled: exit 0 (the node is down, as asked), but no false "Killed".
        const reason = downReason(node, node.processBefore);
        await ctx.result(opts, `${reason[0]!.toUpperCase()}${reason.slice(1)}.`, { alreadyDown: id, pid: node.pid, processBefore: node.processBefore });
      }
    },
  );

  withDir(dev.command('restart').description('(re)start one node and wait until it is ready').argument('<node>', 'node id', intArg('node', 1, 99))).action(
    async (id: number, opts: DirOptions) => {
      // Readiness can take up to a minute: say on stderr what is being waited for.
      const node = await restartNode(clusterDir(ctx, opts), id, { onProgress: (m) => void ctx.note(m) });
      await ctx.result(opts, `Node ${id} is running again (pid ${node.pid}).`, { restarted: id, pid: node.pid });
    },
  );

  withDir(dev.command('status').description('each node: pid, alive, ready, addresses')).action(async (opts: DirOptions) => {
    const dir = clusterDir(ctx, opts);
    const cluster = readClusterFile(dir);
    const status = await clusterStatus(dir);
    const lines = ['NODE  PID      STATE     CLIENT                HTTP'];
    for (const s of status) {
      const state = !s.alive ? 'down' : s.ready ? 'ready' : 'starting';
      lines.push(`${String(s.id).padEnd(6)}${String(s.pid).padEnd(9)}${state.padEnd(10)}${s.grpc.padEnd(22)}${s.http}`);
    }
    await ctx.result(opts, lines, { ...cluster, status });
  });
}
