import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { connect, createTopic, freePort, httpGet, produce, readAll } from './helpers/client';

const BIN = path.resolve(__dirname, '../dist/bin.js');

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

function run(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function exited(p: Spawned, timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let result: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void p.exit.then((r) => (result = r));
  return pollUntil(() => result, { timeoutMs, what: `gregor-node to exit (stdout: ${p.stdout().slice(-500)} stderr: ${p.stderr().slice(-500)})` });
}

describe('gregor-node as a process (built dist)', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm exec tsc -b packages/node\` first`);
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-proc-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  async function startProcess(extraArgs: string[] = []): Promise<{ p: Spawned; client: string; http: string }> {
    const clientPort = await freePort();
    const httpPort = await freePort();
    const p = run([
      '--override', `log.dirs=${dir}`,
      '--override', `listeners=CLIENT://127.0.0.1:${clientPort},HTTP://127.0.0.1:${httpPort}`,
      '--override', 'process.roles=broker',
      ...extraArgs,
    ], { GREGOR_NODE_ID: '3' });
    const http = `http://127.0.0.1:${httpPort}`;
    await pollUntil(async () => (await httpGet(`${http}/readyz`)).status === 200, {
      timeoutMs: 30_000,
      what: `/readyz (stderr: ${p.stderr().slice(-500)})`,
    });
    return { p, client: `127.0.0.1:${clientPort}`, http };
  }

  test('ready, produce, SIGTERM exits 0 after a clean shutdown', async () => {
    const { p, client } = await startProcess();
    const c = connect(client);
    await createTopic(c, 'proc');
    await produce(c, 'proc', ['one', 'two']);
    c.close();
    p.child.kill('SIGTERM');
    const { code } = await exited(p);
    expect(code).toBe(0);
    const lines = p.stdout().trim().split('\n').map((l) => JSON.parse(l) as { message: string; node: number });
    expect(lines.every((l) => l.node === 3)).toBe(true);
    const messages = lines.map((l) => l.message);
    expect(messages).toContain('gregor-node ready');
    expect(messages.indexOf('answered waiting fetches')).toBeLessThan(messages.indexOf('storage closed'));
    expect(messages[messages.length - 1]).toBe('gregor-node stopped');
  });

  test('kill -9, restart: every acknowledged record is there, in order', async () => {
    const first = await startProcess();
    let c = connect(first.client);
    await createTopic(c, 'crash');
    const expected: string[] = [];
    for (let b = 0; b < 20; b++) {
      const values = Array.from({ length: 50 }, (_, i) => `r${b * 50 + i}`);
      await produce(c, 'crash', values);
      expected.push(...values);
    }
    c.close();
    first.p.child.kill('SIGKILL');
    expect((await exited(first.p)).signal).toBe('SIGKILL');

    const second = await startProcess();
    c = connect(second.client);
    try {
      expect(await readAll(c, 'crash')).toEqual(expected);
    } finally {
      c.close();
      second.p.child.kill('SIGTERM');
      expect((await exited(second.p)).code).toBe(0);
    }
  });

  test('--exit-with-pid: kill -9 of the owner process shuts the node down cleanly', async () => {
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(owner);
    const { p, client } = await startProcess(['--exit-with-pid', String(owner.pid)]);
    const c = connect(client);
    await createTopic(c, 'owned');
    await produce(c, 'owned', ['kept']);
    c.close();
    owner.kill('SIGKILL');
    expect((await exited(p)).code).toBe(0);
    const messages = p.stdout().trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message);
    expect(messages).toContain(`process ${owner.pid} that started this node is gone: shutting down`);
    expect(messages[messages.length - 1]).toBe('gregor-node stopped');

    const again = await startProcess();
    const c2 = connect(again.client);
    try {
      expect(await readAll(c2, 'owned')).toEqual(['kept']);
    } finally {
      c2.close();
      again.p.child.kill('SIGTERM');
      expect((await exited(again.p)).code).toBe(0);
    }
  });

  test('invalid config exits 1 naming the key', async () => {
    const bad = run(['--override', 'bogus.key=1', '--override', `log.dirs=${dir}`]);
    expect((await exited(bad)).code).toBe(1);
    expect(bad.stderr()).toContain('bogus.key');

    const file = path.join(dir, 'node.properties');
    await writeFile(file, 'node.id=2\nnum.partitions=zero\n');
    const badFile = run(['--config', file]);
    expect((await exited(badFile)).code).toBe(1);
    expect(badFile.stderr()).toContain('num.partitions');

    const badEnv = run([], { GREGOR_LOG_LEVEL: 'loud' });
    expect((await exited(badEnv)).code).toBe(1);
    expect(badEnv.stderr()).toContain('log.level');

    const usage = run(['--no-such-flag']);
    expect((await exited(usage)).code).toBe(1);
    expect(usage.stderr()).toContain('Usage: gregor-node');
  });

  test('--help prints usage and exits 0', async () => {
    const help = run(['--help']);
    expect((await exited(help)).code).toBe(0);
    expect(help.stdout()).toContain('--override');
  });
});
