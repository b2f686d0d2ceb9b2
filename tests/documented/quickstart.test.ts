/**
 * The README's run command, `pnpm quickstart` (scripts/src/quickstart.ts),
 * as a user runs it, moved to a temp dir and a free base port with
 * QUICKSTART_DIR / --base-port so that it never meets a cluster on 9092: it
 * must start a 3-node cluster, print its round-trip success line, reuse the
 * cluster and its one topic when run again, and leave a cluster that the
 * printed `dev-cluster down` command stops. Also --help, a bad flag, and
 * what a command says before `pnpm build`.
 * Needs the built dist (`pnpm build`).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { clusterDown, findFreeBasePort, isAlive, type ClusterFile } from '@gregor/dev-cluster';

const ROOT = path.resolve(__dirname, '../..');

/** Runs a command to completion; resolves with its exit code and output (stdout and stderr together). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('pnpm quickstart (the README run command)', () => {
  let dir: string;

  beforeAll(() => {
    for (const bin of ['scripts/dist/quickstart.js', 'packages/cli/dist/bin.js', 'packages/node/dist/bin.js']) {
      if (!existsSync(path.join(ROOT, bin))) throw new Error(`${bin} is missing: run \`pnpm build\` first`);
    }
    dir = mkdtempSync(path.join(tmpdir(), 'gregor-quickstart-'));
  });
  afterAll(async () => {
    // Only does something when the test failed before its own `down`.
    if (existsSync(path.join(dir, 'cluster.json'))) await clusterDown(dir, 10_000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a cluster in QUICKSTART_DIR on --base-port, round-trips 10 records, reuses cluster and topic when run again, and `dev-cluster down` stops it', async () => {
    const basePort = await findFreeBasePort(3);
    const env = { ...process.env, QUICKSTART_DIR: dir };
    const qs = await run('pnpm', ['quickstart', '--base-port', String(basePort)], env);
    if (qs.code !== 0) process.stderr.write(qs.output);
    expect(qs.code).toBe(0);
    expect(qs.output).toContain(`Starting a 3-node cluster in ${dir} (base port ${basePort})`);
    expect(qs.output).toMatch(/^Round trip OK: 10 records produced with acks=all and read back\.$/m);
    // What it told the user to type next names this cluster, not the default one.
    const bootstrap = `--bootstrap 127.0.0.1:${basePort},127.0.0.1:${basePort + 1},127.0.0.1:${basePort + 2}`;
    expect(qs.output).toContain(`pnpm gregor topic list ${bootstrap}`);
    expect(qs.output).toContain(`pnpm gregor dev-cluster down --dir ${dir}`);

    const cluster = JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as ClusterFile;
    expect(cluster.nodes.map((n) => n.grpc)).toEqual([0, 1, 2].map((i) => `127.0.0.1:${basePort + i}`));
    expect(cluster.nodes.every((n) => isAlive(n.pid))).toBe(true);

    // Again: the same cluster, the same topic, and only this run's records read back.
    const again = await run('pnpm', ['quickstart'], env);
    if (again.code !== 0) process.stderr.write(again.output);
    expect(again.code).toBe(0);
    expect(again.output).toContain(`Reusing the cluster already running in ${dir}`);
    expect(again.output).toContain('Topic quickstart already exists.');
    expect(again.output).toMatch(/Processed a total of 10 messages/);
    const topics = await run('pnpm', ['gregor', 'topic', 'list', ...bootstrap.split(' ')], env);
    expect(topics.output.split('\n').filter((t) => t.startsWith('quickstart'))).toEqual(['quickstart']);

    const down = await run('pnpm', ['gregor', 'dev-cluster', 'down', '--dir', dir], process.env);
    if (down.code !== 0) process.stderr.write(down.output);
    expect(down.code).toBe(0);
    await pollUntil(() => cluster.nodes.every((n) => !isAlive(n.pid)), { timeoutMs: 15_000, what: 'every quickstart node to have exited' });
  }, 240_000);

  it('--help prints the usage; a bad flag or QUICKSTART_BASE_PORT fails naming it (exit 1), before starting anything', async () => {
    const help = await run('pnpm', ['quickstart', '--help'], process.env);
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/Usage: pnpm quickstart \[--base-port P\] \[--dir DIR\] \[--nodes N\]/);
    const bad = await run('node', ['scripts/dist/quickstart.js'], { ...process.env, QUICKSTART_DIR: path.join(dir, 'bad'), QUICKSTART_BASE_PORT: '70000' });
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/QUICKSTART_BASE_PORT must be an integer in 1024\.\.\d+, got "70000"/);
    const flag = await run('pnpm', ['quickstart', '--base-port', 'soon', '--dir', path.join(dir, 'bad')], process.env);
    expect(flag.code).toBe(1);
    expect(flag.output).toMatch(/--base-port must be an integer in 1024\.\.\d+, got "soon"/);
    expect(flag.output).toContain('Usage: pnpm quickstart');
    expect(existsSync(path.join(dir, 'bad'))).toBe(false);
  });

  it('before `pnpm build`, the bins and the root scripts say to run it instead of a module-not-found stack', async () => {
    // The committed launchers, in a copy of the layout without dist/.
    const unbuilt = path.join(dir, 'unbuilt');
    for (const file of ['packages/cli/bin/gregor.js', 'packages/node/bin/gregor-node.js', 'scripts/run-built.js']) {
      mkdirSync(path.dirname(path.join(unbuilt, file)), { recursive: true });
      copyFileSync(path.join(ROOT, file), path.join(unbuilt, file));
    }
    for (const args of [['packages/cli/bin/gregor.js', 'topic', 'list'], ['packages/node/bin/gregor-node.js'], ['scripts/run-built.js', 'scripts/dist/quickstart.js']]) {
      const res = await run('node', [path.join(unbuilt, args[0]!), ...args.slice(1)], process.env);
      expect({ args, code: res.code }).toEqual({ args, code: 1 });
      expect(res.output).toMatch(/not built yet.*[Rr]un `pnpm build`/);
      expect(res.output).not.toMatch(/Cannot find module|at Module\./);
    }
  });
});
