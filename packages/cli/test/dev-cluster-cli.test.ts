/**
 * `gregor dev-cluster` as a user runs it: the CLI as child processes against
 * a real 3-node cluster (separate gregor-node processes) in a temp dir, on a
 * free base port. Built dist: `pnpm exec tsc -b packages/cli packages/node`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProcess, type ProcessResult } from '@gregor/common';
import { findFreeBasePort, isAlive } from '@gregor/dev-cluster';

const CLI_BIN = path.resolve(__dirname, '../dist/bin.js');
const NODE_BIN = path.resolve(__dirname, '../../node/dist/bin.js');

/** Runs the CLI to completion; a run that hangs is killed (and fails its test). */
function gregor(args: string[]): Promise<ProcessResult> {
  return runProcess(process.execPath, [CLI_BIN, ...args], { timeoutMs: 150_000 });
}

interface StatusJson {
  basePort: number;
  nodes: { id: number; pid: number; grpc: string; http: string }[];
  status: { id: number; pid: number; alive: boolean; ready: boolean; grpc: string; http: string }[];
}

describe('gregor dev-cluster (real gregor-node processes)', () => {
  let root: string;
  let dir: string;
  /** Every node pid this test has seen, so afterAll can kill whatever is left. */
  const pids = new Set<number>();

  const remember = (s: StatusJson): StatusJson => {
    for (const n of s.nodes) pids.add(n.pid);
    return s;
  };

  beforeAll(async () => {
    for (const bin of [CLI_BIN, NODE_BIN]) {
      if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm exec tsc -b packages/cli packages/node\` first`);
    }
    root = await mkdtemp(path.join(os.tmpdir(), 'gregor-devcluster-cli-'));
    dir = path.join(root, 'cluster');
  });

  afterAll(async () => {
    const file = path.join(dir, 'cluster.json');
    if (existsSync(file)) for (const n of (JSON.parse(readFileSync(file, 'utf8')) as StatusJson).nodes) pids.add(n.pid);
    for (const pid of pids) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await rm(root, { recursive: true, force: true });
  });

  it('reports a directory without a cluster as a usage error (exit 1) naming it', async () => {
    const nowhere = path.join(root, 'nowhere');
    for (const args of [['status'], ['status', '--json'], ['down'], ['kill', '2'], ['restart', '2']]) {
      const res = await gregor(['dev-cluster', ...args, '--dir', nowhere]);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      const message = `no dev cluster in ${nowhere} (the directory does not exist); start one with "gregor dev-cluster up --dir ${nowhere}"`;
      if (args.includes('--json')) expect(JSON.parse(res.stderr)).toEqual({ error: 'USAGE', message });
      else expect(res.stderr).toBe(`error: ${message}\n`);
    }
  });

  it('up, status --json, kill 2, status, restart 2 (with progress), down', async () => {
    const basePort = await findFreeBasePort(3);
    const bootstrap = [0, 1, 2].map((i) => `127.0.0.1:${basePort + i}`).join(',');

    const up = await gregor(['dev-cluster', 'up', '--dir', dir, '--nodes', '3', '--base-port', String(basePort)]);
    const upStatus = existsSync(path.join(dir, 'cluster.json')) ? (JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as StatusJson) : undefined;
    if (upStatus !== undefined) remember(upStatus);
    expect(up).toMatchObject({ code: 0, stdout: `Cluster of 3 node(s) is up; bootstrap: ${bootstrap}\n` });
    for (const id of [1, 2, 3]) expect(up.stderr).toContain(`node ${id} is ready`);

    const first = remember(JSON.parse((await gregor(['dev-cluster', 'status', '--dir', dir, '--json'])).stdout) as StatusJson);
    expect(first.basePort).toBe(basePort);
    expect(first.status.map((s) => [s.id, s.alive, s.ready, s.grpc, s.http])).toEqual(
      [1, 2, 3].map((id) => [id, true, true, `127.0.0.1:${basePort + id - 1}`, `http://127.0.0.1:${basePort + 200 + id - 1}`]),
    );
    const oldPid = first.status[1]!.pid;

    const kill = await gregor(['dev-cluster', 'kill', '2', '--dir', dir]);
    expect(kill).toMatchObject({ code: 0, stdout: `Killed node 2 (pid ${oldPid}).\n` });
    expect(isAlive(oldPid)).toBe(false);
    // Again: nothing is signalled, and it says so instead of a false "Killed".
    const again = await gregor(['dev-cluster', 'kill', '2', '--dir', dir]);
    expect(again).toMatchObject({ code: 0, stdout: `Node 2 is already down (pid ${oldPid} is not running).\n` });

    const status = await gregor(['dev-cluster', 'status', '--dir', dir]);
    expect(status.code).toBe(0);
    const rows = status.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^NODE\s+PID\s+STATE\s+CLIENT\s+HTTP$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/).slice(0, 4))).toEqual([
      ['1', String(first.status[0]!.pid), 'ready', `127.0.0.1:${basePort}`],
      ['2', String(oldPid), 'down', `127.0.0.1:${basePort + 1}`],
      ['3', String(first.status[2]!.pid), 'ready', `127.0.0.1:${basePort + 2}`],
    ]);

    const restart = await gregor(['dev-cluster', 'restart', '2', '--dir', dir]);
    expect(restart.code).toBe(0);
    const newPid = Number(/^Node 2 is running again \(pid (\d+)\)\.\n$/.exec(restart.stdout)?.[1]);
    pids.add(newPid);
    expect(newPid).not.toBe(oldPid);
    expect(isAlive(newPid)).toBe(true);
    // The wait (up to a minute) is not silent: stderr says what was started and what it waits for.
    const notes = restart.stderr.trim().split('\n');
    expect(notes[0]).toBe(`started node 2 (pid ${newPid}, client 127.0.0.1:${basePort + 1}, log ${path.join(dir, 'node-2.log')})`);
    expect(notes[1]).toContain(`waiting for node 2 (pid ${newPid}) to be ready at http://127.0.0.1:${basePort + 201}/readyz`);
    expect(notes[notes.length - 1]).toBe('node 2 is ready');

    const after = remember(JSON.parse((await gregor(['dev-cluster', 'status', '--dir', dir, '--json'])).stdout) as StatusJson);
    expect(after.status.map((s) => [s.id, s.alive, s.ready])).toEqual([
      [1, true, true],
      [2, true, true],
      [3, true, true],
    ]);
    expect(after.status[1]!.pid).toBe(newPid);

    const down = await gregor(['dev-cluster', 'down', '--dir', dir]);
    expect(down).toMatchObject({ code: 0, stdout: 'Cluster stopped.\n' });
    for (const s of after.status) expect(isAlive(s.pid)).toBe(false);
    const downAgain = await gregor(['dev-cluster', 'down', '--dir', dir]);
    expect(downAgain).toMatchObject({ code: 0, stdout: 'Cluster stopped.\n' });
    expect(downAgain.stderr).toContain(`node 1 is already down (pid ${after.status[0]!.pid} is not running)`);
  }, 300_000);

  it('up refuses a --base-port whose layout has a port in use as a usage error (exit 1) naming it, starting nothing', async () => {
    const basePort = await findFreeBasePort(3);
    const blocked = basePort + 102; // node 3's controller port
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(blocked, '127.0.0.1', resolve));
    try {
      const busyDir = path.join(root, 'busy');
      const res = await gregor(['dev-cluster', 'up', '--dir', busyDir, '--nodes', '3', '--base-port', String(basePort)]);
      expect(res).toMatchObject({ code: 1, stdout: '' });
      expect(res.stderr).toBe(
        `error: port ${blocked} on 127.0.0.1 (node 3's controller listener with --base-port ${basePort}) is already in use; ` +
          'pick another --base-port (node i uses P+i-1, P+100+i-1, P+200+i-1 and P+300+i-1)\n',
      );
      expect(existsSync(path.join(busyDir, 'cluster.json'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
