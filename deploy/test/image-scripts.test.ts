import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
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
  await writeFile(path.join(fakeBin, 'socat'), '#!/bin/sh\nprintf "%s\\n" "$*" >> "$SOCAT_LOG"\n');
  await chmod(path.join(fakeBin, 'gregor-node'), 0o755);
  await chmod(path.join(fakeBin, 'socat'), 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function entrypoint(env: Record<string, string>, args: string[] = []) {
  const r = spawnSync('sh', [ENTRYPOINT, ...args], {
    env: { PATH: `${fakeBin}:/usr/bin:/bin`, SOCAT_LOG: path.join(dir, 'socat.log'), ...env },
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

describe('entrypoint: LOOPBACK_FORWARDS', () => {
  test('one socat listener on 127.0.0.1 per entry, then gregor-node', async () => {
    const log = path.join(dir, 'socat.log');
    await rm(log, { force: true });
    const r = entrypoint({ LOOPBACK_FORWARDS: '9093=gregor-2:9093,9094=gregor-3:9094' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('node.id=unset args=\n');
    // socat runs in the background: wait for both to have started.
    const lines = await pollUntil(
      async () => {
        const text = await readFile(log, 'utf8').catch(() => '');
        const all = text.split('\n').filter((l) => l !== '');
        return all.length === 2 ? all.sort() : undefined;
      },
      { timeoutMs: 10_000, what: 'two socat invocations' },
    );
    expect(lines).toEqual([
      '-lp gregor-forward TCP-LISTEN:9093,bind=127.0.0.1,reuseaddr,fork TCP:gregor-2:9093',
      '-lp gregor-forward TCP-LISTEN:9094,bind=127.0.0.1,reuseaddr,fork TCP:gregor-3:9094',
    ]);
  });

  test.each(['9093', '9093=gregor-2', 'x=gregor-2:9093', '9093=:9093'])('refuses the entry %s', (entry) => {
    const r = entrypoint({ LOOPBACK_FORWARDS: entry });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('is not PORT=HOST:PORT');
  });

  const hasSocat = spawnSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8' }).status === 0;
  if (!hasSocat) {
    console.log('skipping the real-socat forward test: socat is not installed (Debian: apt-get install socat)');
  }
  (hasSocat ? test : test.skip)('with the real socat, a connection to the forwarded port reaches the target', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const target = (echo.address() as net.AddressInfo).port;
    const forwarded = await freePort();
    // gregor-node stand-in that stays up, as the real one does.
    const keepBin = path.join(dir, 'keep-bin');
    await mkdir(keepBin, { recursive: true });
    await writeFile(path.join(keepBin, 'gregor-node'), '#!/bin/sh\nexec sleep 120\n');
    await chmod(path.join(keepBin, 'gregor-node'), 0o755);
    const child = spawn('sh', [ENTRYPOINT], {
      env: { PATH: `${keepBin}:/usr/bin:/bin`, LOOPBACK_FORWARDS: `${forwarded}=127.0.0.1:${target}` },
      stdio: 'ignore',
      detached: true, // its own process group: socat is killed with it below
    });
    try {
      const reply = await pollUntil(
        () =>
          new Promise<string | undefined>((resolve) => {
            const c = net.connect(forwarded, '127.0.0.1');
            let got = '';
            c.on('data', (d) => {
              got += d.toString();
              if (got === 'ping') {
                c.end();
                resolve(got);
              }
            });
            c.on('error', () => resolve(undefined));
            c.on('close', () => resolve(got === 'ping' ? got : undefined));
            c.write('ping');
          }),
        { timeoutMs: 10_000, what: `an echo through 127.0.0.1:${forwarded}` },
      );
      expect(reply).toBe('ping');
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      echo.close();
    }
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
