/**
 * The README's run command, `pnpm quickstart` (scripts/src/quickstart.ts),
 * as a user runs it, moved to a temp dir and a free base port with
 * QUICKSTART_DIR / QUICKSTART_BASE_PORT so that it never meets a cluster on
 * 9092: it must start a 3-node cluster, print its round-trip success line,
 * and leave a cluster that the printed `dev-cluster down` command stops.
 * Needs the built dist (`pnpm build`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

  it('starts a cluster in QUICKSTART_DIR on QUICKSTART_BASE_PORT, round-trips 10 records, and `dev-cluster down` stops it', async () => {
    const basePort = await findFreeBasePort(3);
    const env = { ...process.env, QUICKSTART_DIR: dir, QUICKSTART_BASE_PORT: String(basePort) };
    const qs = await run('pnpm', ['quickstart'], env);
    if (qs.code !== 0) process.stderr.write(qs.output);
    expect(qs.code).toBe(0);
    expect(qs.output).toContain(`Starting a 3-node cluster in ${dir} (base port ${basePort})`);
    expect(qs.output).toMatch(/^Round trip OK: 10 records produced with acks=all and read back\.$/m);
    // What it told the user to type next names this cluster, not the default one.
    expect(qs.output).toContain(`--bootstrap 127.0.0.1:${basePort},127.0.0.1:${basePort + 1},127.0.0.1:${basePort + 2}`);

    const cluster = JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as ClusterFile;
    expect(cluster.nodes.map((n) => n.grpc)).toEqual([0, 1, 2].map((i) => `127.0.0.1:${basePort + i}`));
    expect(cluster.nodes.every((n) => isAlive(n.pid))).toBe(true);

    const down = await run('pnpm', ['gregor', 'dev-cluster', 'down', '--dir', dir], process.env);
    if (down.code !== 0) process.stderr.write(down.output);
    expect(down.code).toBe(0);
    await pollUntil(() => cluster.nodes.every((n) => !isAlive(n.pid)), { timeoutMs: 15_000, what: 'every quickstart node to have exited' });
  }, 180_000);

  it('a bad QUICKSTART_BASE_PORT fails naming the variable, before starting anything', async () => {
    const bad = await run('node', ['scripts/dist/quickstart.js'], { ...process.env, QUICKSTART_DIR: path.join(dir, 'bad'), QUICKSTART_BASE_PORT: '70000' });
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/QUICKSTART_BASE_PORT must be an integer in 1024\.\.\d+, got "70000"/);
    expect(existsSync(path.join(dir, 'bad'))).toBe(false);
  });
});
