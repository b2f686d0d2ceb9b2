import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers/compose';
import { freePort } from './helpers/local-env';

const ENTRYPOINT = path.join(REPO_ROOT, 'deploy/docker/entrypoint.sh');
const HEALTHCHECK = path.join(REPO_ROOT, 'deploy/docker/healthcheck.js');
const { readyzUrl } = require(HEALTHCHECK) as { readyzUrl: (env: Record<string, string | undefined>) => string | undefined };

let dir: string;
let fakeBin: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-entrypoint-'));
  fakeBin = path.join(dir, 'bin');
  await mkdir(fakeBin);
  // Stand-ins that report how the entrypoint called them.
  await writeFile(path.join(fakeBin, 'gregor-node'), '#!/bin/sh\nprintf "node.id=%s args=%s\\n" "${GREGOR_NODE_ID:-unset}" "$*"\n');
  await chmod(path.join(fakeBin, 'gregor-node'), 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function entrypoint(env: Record<string, string>, args: string[] = []) {
  const r = spawnSync('sh', [ENTRYPOINT, ...args], {
    env: { PATH: `${fakeBin}:/usr/bin:/bin`, ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('entrypoint: node.id from the StatefulSet ordinal', () => {
  test('hostname suffix + offset, arguments passed through', () => {
    expect(entrypoint({ HOSTNAME: 'gregor-0', NODE_ID_ORDINAL_OFFSET: '1' }, ['--override', 'log.level=debug'])).toEqual({
      status: 0,
      stdout: 'node.id=1 args=--override log.level=debug\n',
      stderr: '',
    });
    expect(entrypoint({ HOSTNAME: 'my-gregor-cluster-12', NODE_ID_ORDINAL_OFFSET: '0' }).stdout).toBe('node.id=12 args=\n');
  });

  test('without the offset GREGOR_NODE_ID passes through untouched', () => {
    expect(entrypoint({ HOSTNAME: 'gregor-7', GREGOR_NODE_ID: '3' }).stdout).toBe('node.id=3 args=\n');
  });

  test.each([
    [{ HOSTNAME: 'gregor-1', NODE_ID_ORDINAL_OFFSET: '1', GREGOR_NODE_ID: '5' }, 'not both'],
    [{ HOSTNAME: 'gregor', NODE_ID_ORDINAL_OFFSET: '1' }, 'does not end in -N'],
    [{ HOSTNAME: 'gregor-08', NODE_ID_ORDINAL_OFFSET: '1' }, 'does not end in -N'],
    [{ HOSTNAME: 'gregor-1', NODE_ID_ORDINAL_OFFSET: 'one' }, 'non-negative integer'],
  ])('refuses %j', (env, message) => {
    const r = entrypoint(env);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});

describe('healthcheck.js', () => {
  test('finds /readyz from the HTTP listener in GREGOR_LISTENERS', () => {
    expect(readyzUrl({})).toBe('http://127.0.0.1:9292/readyz');
    expect(readyzUrl({ GREGOR_LISTENERS: 'CLIENT://0.0.0.0:9093,CONTROLLER://0.0.0.0:9193,HTTP://0.0.0.0:9293' })).toBe(
      'http://127.0.0.1:9293/readyz',
    );
    expect(readyzUrl({ GREGOR_LISTENERS: 'HTTP://:9300' })).toBe('http://127.0.0.1:9300/readyz');
    expect(readyzUrl({ GREGOR_LISTENERS: 'HTTP://[::]:9300' })).toBe('http://[::1]:9300/readyz');
    expect(readyzUrl({ GREGOR_LISTENERS: 'HTTP://10.0.0.5:9300' })).toBe('http://10.0.0.5:9300/readyz');
    expect(readyzUrl({ GREGOR_LISTENERS: 'CLIENT://0.0.0.0:9092' })).toBeUndefined();
    expect(readyzUrl({ GREGOR_LISTENERS: 'HTTP://0.0.0.0:1', HEALTHCHECK_URL: 'http://x:2/readyz' })).toBe('http://x:2/readyz');
  });

  test('exit 0 on 200, 1 on 503 and on no answer', async () => {
    let status = 503;
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const check = (p: number) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [HEALTHCHECK], { env: { GREGOR_LISTENERS: `CLIENT://0.0.0.0:1,HTTP://0.0.0.0:${p}` }, stdio: 'ignore' });
        child.on('exit', (code) => resolve(code));
      });
    try {
      expect(await check(port)).toBe(1);
      status = 200;
      expect(await check(port)).toBe(0);
      expect(paths).toEqual(['/readyz', '/readyz']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await check(await freePort())).toBe(1);
  });

  test('exit 1 when the port accepts and drops the connection (a port proxy with nothing behind it)', async () => {
    const dropper = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const port = (dropper.address() as net.AddressInfo).port;
    try {
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [HEALTHCHECK], { env: { GREGOR_LISTENERS: `HTTP://127.0.0.1:${port}` }, stdio: 'ignore' });
        child.on('exit', (c) => resolve(c));
      });
      expect(code).toBe(1);
    } finally {
      await new Promise((resolve) => dropper.close(resolve));
    }
  });
});
