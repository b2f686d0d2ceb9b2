import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers/compose';
import { freePort } from './helpers/local-env';

const ENTRYPOINT = path.join(REPO_ROOT, 'deploy/docker/entrypoint.sh');
const HEALTHCHECK = path.join(REPO_ROOT, 'deploy/docker/healthcheck.sh');

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

/** Runs healthcheck.sh as Docker does (its own shebang), with only `env`. */
function healthcheck(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(HEALTHCHECK, [], { env: { PATH: '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

describe('healthcheck.sh', () => {
  test('finds /readyz from the HTTP listener in GREGOR_LISTENERS (wildcard → loopback), or HEALTHCHECK_URL', async () => {
    const closed = await freePort();
    const urlFor = async (env: Record<string, string>) => (await healthcheck(env)).stdout.split(': ')[0];
    expect(await urlFor({ GREGOR_LISTENERS: `CLIENT://0.0.0.0:9093,CONTROLLER://0.0.0.0:9193,HTTP://0.0.0.0:${closed}` })).toBe(
      `http://127.0.0.1:${closed}/readyz`,
    );
    expect(await urlFor({ GREGOR_LISTENERS: `CLIENT://0.0.0.0:1, HTTP://:${closed}` })).toBe(`http://127.0.0.1:${closed}/readyz`);
    expect(await urlFor({ GREGOR_LISTENERS: `HTTP://[::]:${closed}` })).toBe(`http://[::1]:${closed}/readyz`);
    expect(await urlFor({ GREGOR_LISTENERS: `HTTP://127.0.0.1:${closed}` })).toBe(`http://127.0.0.1:${closed}/readyz`);
    expect(await urlFor({ GREGOR_LISTENERS: 'HTTP://0.0.0.0:1', HEALTHCHECK_URL: `http://127.0.0.1:${closed}/x` })).toBe(`http://127.0.0.1:${closed}/x`);
  });

  test.each([
    [{ GREGOR_LISTENERS: 'CLIENT://0.0.0.0:9092' }, 'GREGOR_LISTENERS has no HTTP listener; set HEALTHCHECK_URL'],
    [{ HEALTHCHECK_URL: 'https://x/readyz' }, "HEALTHCHECK_URL 'https://x/readyz' is not http://HOST[:PORT]/PATH"],
  ])('exit 1 with a reason for %j', async (env, reason) => {
    expect(await healthcheck(env)).toEqual({ code: 1, stdout: `healthcheck: ${reason}\n` });
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
    const env = { GREGOR_LISTENERS: `CLIENT://0.0.0.0:1,HTTP://0.0.0.0:${port}` };
    try {
      expect(await healthcheck(env)).toEqual({ code: 1, stdout: `http://127.0.0.1:${port}/readyz: 503\n` });
      status = 200;
      expect(await healthcheck(env)).toEqual({ code: 0, stdout: `http://127.0.0.1:${port}/readyz: 200\n` });
      expect(paths).toEqual(['/readyz', '/readyz']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const closed = await freePort();
    expect(await healthcheck({ GREGOR_LISTENERS: `HTTP://0.0.0.0:${closed}` })).toEqual({
      code: 1,
      stdout: `http://127.0.0.1:${closed}/readyz: connection refused\n`,
    });
  });

  test('exit 1 when the port accepts and drops the connection (a port proxy with nothing behind it)', async () => {
    const dropper = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const port = (dropper.address() as net.AddressInfo).port;
    try {
      const r = await healthcheck({ GREGOR_LISTENERS: `HTTP://127.0.0.1:${port}` });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^http://127.0.0.1:${port}/readyz: (no answer|connection closed before the request was sent)\n$`));
    } finally {
      await new Promise((resolve) => dropper.close(resolve));
    }
  });
});
