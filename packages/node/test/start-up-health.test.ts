import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil, silentLogger } from '@gregor/common';
import { findFreeBasePort } from '@gregor/dev-cluster';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { httpGet } from './helpers/client';

/*
 * /healthz is liveness and /readyz readiness, from the first moment to the
 * last: a real gregor-node process whose start-up is blocked (one voter of
 * three, so no quorum and no registration) already answers /healthz 200,
 * /metrics, and /readyz 503 "starting: …"; once the other two voters come up
 * it turns ready; when they go away again it turns 503 with the reason.
 * Needs the built dist (`pnpm exec tsc -b packages/node`).
 */

const BIN = path.resolve(__dirname, '../dist/bin.js');

describe('health and readiness across start-up and quorum loss (built dist + in-process voters)', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  const voters: RunningNode[] = [];

  /** gregor-node (built dist) with these overrides; killed in afterAll if still running. */
  function spawnNode(overrides: Record<string, string>): { proc: ChildProcess; output: () => string } {
    const args = Object.entries(overrides).flatMap(([k, v]) => ['--override', `${k}=${v}`]);
    const proc = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(proc);
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    return { proc, output: () => out };
  }

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm exec tsc -b packages/node\` first`);
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-startup-health-'));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const v of voters.reverse()) await v.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('/healthz 200 and /readyz 503 "starting" while the quorum cannot form; ready with it; 503 after losing it', async () => {
    const base = await findFreeBasePort(3);
    const controllerPort = (id: number): number => base + 100 + id - 1;
    const quorum = {
      'controller.quorum.voters': [1, 2, 3].map((id) => `${id}@127.0.0.1:${controllerPort(id)}`).join(','),
      'controller.quorum.election.timeout.ms': '500',
      'controller.quorum.tick.interval.ms': '50',
      'broker.heartbeat.interval.ms': '250',
      'broker.session.timeout.ms': '2000',
    };
    const http = `http://127.0.0.1:${base + 200}`;
    const overrides = {
      ...quorum,
      'node.id': '1',
      'process.roles': 'broker,controller',
      'log.dirs': path.join(dir, 'n1'),
      listeners: `CLIENT://127.0.0.1:${base},CONTROLLER://127.0.0.1:${controllerPort(1)},HTTP://127.0.0.1:${base + 200}`,
    };
    const { proc, output } = spawnNode(overrides);
    const alive = (): boolean => proc.exitCode === null && proc.signalCode === null;
    const messages = (): string[] =>
      output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => String((JSON.parse(l) as { message?: unknown }).message));

    // 1. Start-up blocked on the quorum: alive, not ready, and saying why.
    await pollUntil(async () => (await httpGet(`${http}/healthz`).catch(() => undefined))?.status === 200, {
      timeoutMs: 30_000,
      what: `/healthz 200 during start-up (output: ${output().slice(-800)})`,
    });
    const starting = await httpGet(`${http}/readyz`);
    expect(starting.status).toBe(503);
    expect(starting.body).toMatch(/^not ready\n(- .+\n)+$/);
    expect(starting.body).toMatch(/^- starting: .+$/m);
    const metrics = await httpGet(`${http}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^gregor_node_ready\{node="1"\} 0$/m);
    expect(alive()).toBe(true);
    expect(messages()).not.toContain('gregor-node ready');

    // 2. The other two voters come up (in this process, controller-only): the quorum forms, node 1 starts and turns ready.
    for (const id of [2, 3]) {
      voters.push(
        await startNode(
          nodeConfig({ ...quorum, 'node.id': id, 'process.roles': 'controller', 'log.dirs': path.join(dir, `c${id}`), listeners: `CONTROLLER://127.0.0.1:${controllerPort(id)}` }),
          { logger: silentLogger() },
        ),
      );
    }
    await pollUntil(async () => (await httpGet(`${http}/readyz`)).status === 200, {
      timeoutMs: 30_000,
      what: `/readyz 200 once the quorum formed (output: ${output().slice(-800)})`,
    });
    expect(messages()).toContain('gregor-node ready');

    // 3. Both other voters go: node 1 has no quorum, its heartbeats go unanswered, and it stops claiming readiness.
    for (const v of voters) await v.stop();
    const lost = await pollUntil(
      async () => {
        const r = await httpGet(`${http}/readyz`);
        return r.status === 503 ? r : undefined;
      },
      { timeoutMs: 30_000, what: '/readyz 503 after losing the quorum' },
    );
    expect(lost.body).toMatch(/^not ready\n(- .+\n)+$/);
    expect(lost.body).not.toMatch(/starting/);
    expect(lost.body).toMatch(/heartbeat|controller/);
    expect((await httpGet(`${http}/healthz`)).status).toBe(200);
    expect(alive()).toBe(true);
  });

  test('SIGTERM while start-up waits for a quorum ends the process promptly, saying so', async () => {
    const base = await findFreeBasePort(3);
    const overrides = {
      'controller.quorum.voters': [1, 2, 3].map((id) => `${id}@127.0.0.1:${base + 100 + id - 1}`).join(','),
      'node.id': '1',
      'log.dirs': path.join(dir, 'sigterm'),
      listeners: `CLIENT://127.0.0.1:${base},CONTROLLER://127.0.0.1:${base + 100},HTTP://127.0.0.1:${base + 200}`,
    };
    const { proc, output } = spawnNode(overrides);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await pollUntil(async () => (await httpGet(`http://127.0.0.1:${base + 200}/healthz`).catch(() => undefined))?.status === 200, {
      timeoutMs: 30_000,
      what: `/healthz 200 during start-up (output: ${output().slice(-800)})`,
    });
    proc.kill('SIGTERM');
    // Without the handler the default action would kill it silently (signalCode SIGTERM, no line).
    expect(await exited).toBe(1);
    expect(proc.signalCode).toBeNull();
    expect(output()).toContain('signal during start-up: exiting before serving');
  });
});
