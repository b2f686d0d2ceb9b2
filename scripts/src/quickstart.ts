/**
 * `pnpm quickstart` — starts a local cluster in .gregor/cluster (or reuses the
 * one running there), creates a topic, and shows a produce/consume round trip
 * with the same `gregor` CLI commands a user would type. The cluster keeps
 * running afterwards; `pnpm gregor dev-cluster down --dir .gregor/cluster` stops it.
 * QUICKSTART_DIR, QUICKSTART_BASE_PORT and QUICKSTART_NODES move it (see
 * quickstart-settings.ts); tests/quickstart.test.ts runs it that way in CI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { clusterStatus, clusterUp, DEFAULT_BASE_PORT, readClusterFile, type ClusterFile } from '@gregor/dev-cluster';
import { quickstartSettings, type QuickstartSettings } from './quickstart-settings';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'packages/cli/dist/bin.js');
const say = (msg: string): void => void process.stdout.write(`${msg}\n`);

function gregor(args: string[], input?: string): string {
  say(`\n$ gregor ${args.join(' ')}${input !== undefined ? '   (stdin: ' + JSON.stringify(input.trim().split('\n').slice(0, 3)) + '…)' : ''}`);
  const res = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
  if (res.stdout) process.stdout.write(res.stdout);
  if (res.stderr) process.stderr.write(res.stderr);
  if (res.status !== 0) throw new Error(`gregor ${args[0]} exited with ${res.status}`);
  return res.stdout;
}

async function cluster({ dir, basePort, nodes }: QuickstartSettings): Promise<ClusterFile> {
  if (existsSync(path.join(dir, 'cluster.json'))) {
    const status = await clusterStatus(dir);
    if (status.every((s) => s.ready)) {
      say(`Reusing the cluster already running in ${dir}`);
      return readClusterFile(dir);
    }
    if (status.some((s) => s.alive)) throw new Error(`a cluster in ${dir} is partly running; stop it with: pnpm gregor dev-cluster down --dir ${dir}`);
  }
  say(`Starting a ${nodes}-node cluster in ${dir} (base port ${basePort}) …`);
  return clusterUp({ dir, nodes, basePort, onProgress: (m) => say(`  ${m}`) });
}

async function main(): Promise<void> {
  const settings = quickstartSettings(process.env, ROOT);
  const { dir } = settings;
  const c = await cluster(settings);
  const bootstrap = c.nodes.map((n) => n.grpc).join(',');
  const topic = `quickstart-${Date.now().toString(36)}`;
  const rf = Math.min(3, c.nodes.length);
  gregor(['topic', 'create', topic, '--partitions', '3', '--replication-factor', String(rf), '--bootstrap', bootstrap]);
  const lines = Array.from({ length: 10 }, (_, i) => `hello gregor ${i + 1}`);
  gregor(['produce', topic, '--acks', 'all', '--bootstrap', bootstrap], `${lines.join('\n')}\n`);
  const out = gregor(['consume', topic, '--from-beginning', '--max-messages', '10', '--timeout-ms', '10000', '--bootstrap', bootstrap]);
  const got = out.trim().split('\n').sort();
  if (JSON.stringify(got) !== JSON.stringify([...lines].sort())) throw new Error('round trip mismatch: the consumer did not read back what was produced');
  gregor(['topic', 'describe', topic, '--bootstrap', bootstrap]);
  say(`\nRound trip OK: 10 records produced with acks=all and read back.`);
  say(`The cluster keeps running (logs in ${dir}/node-N.log). Try:`);
  // The CLI's default bootstrap is 127.0.0.1:9092: name the cluster's when it moved.
  say(`  pnpm gregor topic list${c.basePort === DEFAULT_BASE_PORT ? '' : ` --bootstrap ${bootstrap}`}`);
  say(`  pnpm gregor dev-cluster status --dir ${path.relative(process.cwd(), dir) || dir}`);
  say(`  pnpm gregor dev-cluster down --dir ${path.relative(process.cwd(), dir) || dir}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`quickstart failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
