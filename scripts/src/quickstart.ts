/**
 * `pnpm quickstart` — starts a local cluster in .gregor/cluster (or reuses the
 * one running there), creates the topic "quickstart" unless it exists, and
 * shows a produce/consume round trip with the same `gregor` CLI commands a
 * user would type. The cluster keeps running afterwards; `pnpm gregor
 * dev-cluster down` stops it. --base-port, --dir and --nodes (or
 * QUICKSTART_BASE_PORT, QUICKSTART_DIR, QUICKSTART_NODES) move it (see
 * quickstart-settings.ts); tests/documented/quickstart.test.ts runs it that
 * way in CI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { clusterStatus, clusterUp, findClusterDir, readClusterFile, type ClusterFile } from '@gregor/dev-cluster';
import { QUICKSTART_USAGE, QuickstartUsageError, quickstartSettings, type QuickstartSettings } from './quickstart-settings';

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
  return clusterUp({ dir, nodes, basePort, onProgress: (m) => say(`  ${m}`), persistent: true });
}

/**
 * One topic for every run, not a new one each time. Each run's values carry
 * a run id, and the consumer reads as the group "quickstart", which resumes
 * where the previous run's consumer stopped: it reads this run's records
 * (plus any that an interrupted run produced and never read).
 */
const TOPIC = 'quickstart';
const GROUP = 'quickstart';

async function main(): Promise<void> {
  let parsed: QuickstartSettings | 'help';
  try {
    parsed = quickstartSettings(process.argv.slice(2), process.env, ROOT);
  } catch (err) {
    if (!(err instanceof QuickstartUsageError)) throw err;
    process.stderr.write(`quickstart: ${err.message}\n\n${QUICKSTART_USAGE}`);
    process.exit(1);
  }
  if (parsed === 'help') {
    process.stdout.write(QUICKSTART_USAGE);
    return;
  }
  const settings = parsed;
  const { dir } = settings;
  const c = await cluster(settings);
  // The CLI finds the cluster by itself when it is the one in .gregor/cluster; name it otherwise.
  const foundByDefault = findClusterDir(process.cwd(), [ROOT]) === dir;
  const bootstrapArgs = foundByDefault ? [] : ['--bootstrap', c.nodes.map((n) => n.grpc).join(',')];
  const relativeDir = path.relative(process.cwd(), dir);
  const dirArgs = foundByDefault ? [] : ['--dir', relativeDir === '' || relativeDir.startsWith('..') ? dir : relativeDir];
  gregor(['topic', 'create', TOPIC, '--partitions', '3', '--if-not-exists', ...bootstrapArgs]);
  const run = randomBytes(3).toString('hex');
  const lines = Array.from({ length: 10 }, (_, i) => `hello gregor ${i + 1} (run ${run})`);
  gregor(['produce', TOPIC, '--acks', 'all', ...bootstrapArgs], `${lines.join('\n')}\n`);
  const out = gregor(['consume', TOPIC, '--group', GROUP, '--from-beginning', '--timeout-ms', '3000', ...bootstrapArgs]);
  const got = new Set(out.trim().split('\n'));
  const missing = lines.filter((l) => !got.has(l));
  if (missing.length > 0) throw new Error(`round trip mismatch: the consumer did not read back ${missing.length} of the 10 records produced (first: "${missing[0]}")`);
  gregor(['topic', 'describe', TOPIC, ...bootstrapArgs]);
  say(`\nRound trip OK: 10 records produced with acks=all and read back.`);
  say(`The cluster keeps running (logs in ${dir}/node-N.log). Try:`);
  say(`  pnpm gregor topic list${bootstrapArgs.length > 0 ? ` ${bootstrapArgs.join(' ')}` : ''}`);
  say(`  pnpm gregor dev-cluster status${dirArgs.length > 0 ? ` ${dirArgs.join(' ')}` : ''}`);
  say(`  pnpm gregor dev-cluster down${dirArgs.length > 0 ? ` ${dirArgs.join(' ')}` : ''}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`quickstart failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
