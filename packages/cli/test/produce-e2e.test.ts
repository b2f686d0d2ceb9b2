/**
 * `gregor produce` on bad input and a cluster that refuses records: real
 * gregor-node, CLI child processes (`pnpm exec tsc -b packages/cli packages/node` first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { CLI_BIN, gregor, NODE_BIN, NodeProcess } from './e2e-helpers';

/**
 * Runs the CLI with `stdin`; the CLI may stop reading it early (as it must for
 * an oversized line), so a broken pipe on our side is expected, not a failure.
 */
function feed(args: string[], stdin: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['pipe', 'ignore', 'pipe'], timeout: 60000, killSignal: 'SIGKILL' });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('gregor produce: failures are named, bounded and interruptible', () => {
  let dir: string;
  let node: NodeProcess;
  let b: string[];

  beforeAll(async () => {
    for (const bin of [CLI_BIN, NODE_BIN]) {
      if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm exec tsc -b packages/cli packages/node\` first`);
    }
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-cli-produce-'));
    node = new NodeProcess(path.join(dir, 'data'));
    await node.start();
    b = ['--bootstrap', node.address];
    // One replica can never satisfy min.insync.replicas=2: acks=all is refused with NOT_ENOUGH_REPLICAS, retriably.
    expect((await gregor(['topic', 'create', 'isr', '--replication-factor', '1', '--config', 'min.insync.replicas=2', ...b])).code).toBe(0);
    expect((await gregor(['topic', 'create', 'plain', ...b])).code).toBe(0);
  });

  afterAll(async () => {
    await node?.kill9();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives up after --timeout-ms and names the refusal, not a bare REQUEST_TIMED_OUT (exit 2)', async () => {
    const res = await gregor(['produce', 'isr', '--timeout-ms', '1500', ...b], 'a\n');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^NOT_ENOUGH_REPLICAS: /);
    expect(res.stderr).toContain('Produced 0 of 1 record(s) to isr');
  });

  it('on SIGINT stops reading an open stdin and fails what is pending with the last error (exit 2)', async () => {
    const child = spawn(process.execPath, [CLI_BIN, 'produce', 'isr', '--timeout-ms', '4000', ...b], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GREGOR_CLI_LOG: 'debug' },
      timeout: 60000,
      killSignal: 'SIGKILL',
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.write('pending\n'); // stdin stays open: only the signal can end the read
    await pollUntil(() => stderr.includes('produce failed, will retry'), { timeoutMs: 30000, what: 'the producer to retry the refused record' });
    child.kill('SIGINT');
    expect(await exited).toBe(2);
    expect(stderr).toContain('interrupted: waiting at most 4000 ms for 1 record(s) not yet acknowledged');
    expect(stderr).toMatch(/^NOT_ENOUGH_REPLICAS: .*\nProduced 0 of 1 record\(s\) to isr/m);
    child.stdin.destroy();
  });

  it('fails a line over max.request.size with MESSAGE_TOO_LARGE (exit 2), sending the lines before it only', async () => {
    const huge = 'x'.repeat(3 * 1024 * 1024);
    const res = await feed(['produce', 'plain', ...b], `before\n${huge}\nafter\n`);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^MESSAGE_TOO_LARGE: line 2 is longer than max.request.size \(1048576 bytes\)/);
    expect(res.stderr).not.toMatch(/RangeError|\n\s+at /);
    const consumed = await gregor(['consume', 'plain', '--from-beginning', '--timeout-ms', '1500', ...b]);
    expect(consumed).toMatchObject({ code: 0, stdout: 'before\n' });
  });

  it('a line without the key separator says which line and that nothing from it on was sent (exit 1)', async () => {
    const res = await gregor(['produce', 'plain', '--key-separator', ':', ...b], 'k:v\nno separator\nk:w\n');
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('error: line 2 has no key separator ":" (--key-separator): it and the lines after it were not sent\nProduced 1 record(s) to plain, every line before that one.\n');
  });
});
