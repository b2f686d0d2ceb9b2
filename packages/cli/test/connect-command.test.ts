/**
 * `gregor connect …` against a real standalone Connect worker (in-process,
 * on a real in-process node): create from a properties file, list, status,
 * pause/resume/stop, restart, offsets, delete; refusals are exit 1 with the
 * worker's message, an unreachable worker exit 2.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil, silentLogger } from '@gregor/common';
import { run } from '@gregor/cli';
import { startStandalone, type StandaloneWorker } from '@gregor/connect';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';
import { captureIO } from './helpers';

describe('gregor connect against a standalone worker', () => {
  let dir: string;
  let node: RunningNode;
  let w: StandaloneWorker;

  async function gregor(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const c = captureIO();
    const code = await run(['connect', ...args, '--url', w.url], c.io);
    return { code, stdout: c.stdout(), stderr: c.stderr() };
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gregor-cli-connect-'));
    node = await startNode(nodeConfig({ 'log.dirs': path.join(dir, 'node'), listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1 }), { logger: silentLogger() });
    w = await startStandalone({
      workerProps: { 'bootstrap.servers': node.clientAddress!, listeners: 'http://127.0.0.1:0', 'offset.flush.interval.ms': '100' },
      logger: silentLogger(),
    });
  });

  afterAll(async () => {
    await w?.close();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('create, list, status, pause/resume/stop, restart, offsets, delete', async () => {
    const input = path.join(dir, 'in.txt');
    appendFileSync(input, 'a\nb\n');
    const file = path.join(dir, 'source.properties');
    writeFileSync(file, `name=cli-src\nconnector.class=FileStreamSource\nfile=${input}\ntopic=cli-lines\n`);

    const created = await gregor('create', file);
    expect(created).toMatchObject({ code: 0, stdout: 'created source connector cli-src with 1 task(s)\n' });
    expect((await gregor('create', file)).code).toBe(1); // already exists (409)

    await pollUntil(async () => (await gregor('list')).stdout.includes('RUNNING  0:RUNNING'), { timeoutMs: 10_000, what: 'the connector running in the list' });
    expect((await gregor('list')).stdout).toBe('NAME     TYPE    STATE    TASKS\ncli-src  source  RUNNING  0:RUNNING\n');
    const status = await gregor('status', 'cli-src', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ name: 'cli-src', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] });

    expect((await gregor('pause', 'cli-src')).stdout).toBe('pause: cli-src\n');
    expect((await gregor('status', 'cli-src')).stdout).toMatch(/^Connector cli-src \(source\): PAUSED on /);
    expect((await gregor('resume', 'cli-src')).code).toBe(0);
    expect((await gregor('restart', 'cli-src', '--include-tasks')).code).toBe(0);

    await pollUntil(async () => (await gregor('offsets', 'cli-src')).stdout.includes('{"position":4}'), { timeoutMs: 10_000, what: 'the source offset' });
    expect((await gregor('offsets', 'cli-src')).stdout).toBe(`PARTITION${' '.repeat(Math.max(0, JSON.stringify({ filename: input }).length - 9))}  OFFSET\n${JSON.stringify({ filename: input })}  {"position":4}\n`);
    expect((await gregor('stop', 'cli-src')).code).toBe(0);
    expect((await gregor('delete', 'cli-src')).stdout).toBe('deleted: cli-src\n');

    const missing = await gregor('status', 'cli-src');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('HTTP 404: Connector cli-src not found');
    const invalid = path.join(dir, 'bad.properties');
    writeFileSync(invalid, 'name=bad\nconnector.class=FileStreamSink\n');
    const bad = await gregor('create', invalid);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HTTP 400: Connector configuration is invalid and contains the following 2 error\(s\)/);
  });

  test('an unreachable worker is exit 2', async () => {
    const c = captureIO();
    const code = await run(['connect', 'list', '--url', 'http://127.0.0.1:1'], c.io);
    expect(code).toBe(2);
    expect(c.stderr()).toMatch(/cannot reach the Connect worker at http:\/\/127.0.0.1:1/);
  });
});
