import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';

export const ROOT = path.resolve(__dirname, '../..');

/** `line-<from>` … `line-<to - 1>`: what the file-connector tests write and expect back. */
export const lines = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `line-${from + i}`);
const CONNECT_BIN = path.join(ROOT, 'packages/connect/bin/gregor-connect.js');

/** A gregor-connect process (standalone) started from the built package, with its REST URL once ready. */
export class ConnectProcess {
  private exited: Promise<number | null>;
  output = '';
  /** Set by stop()/kill9(): any other exit is unexpected and its output goes to stderr (a test then fails on a wait). */
  private ending = false;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    exited: Promise<number | null>,
  ) {
    this.exited = exited;
  }

  static async start(args: readonly string[], opts: { cwd: string; readyFile: string; timeoutMs?: number }): Promise<ConnectProcess> {
    rmSync(opts.readyFile, { force: true });
    // Tied to this process: a test killed mid-run leaves no worker behind.
    const child = spawn(process.execPath, [CONNECT_BIN, ...args, '--ready-file', opts.readyFile, '--exit-with-pid', String(process.pid)], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-20_000)));
    child.stderr!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-20_000)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // 'close' comes after the output is drained, so a failure shows all of it.
    let closed = false;
    const failed = new Promise<never>((_, reject) =>
      child.on('close', (code) => {
        closed = true;
        reject(new Error(`gregor-connect exited with ${String(code)}: ${output}`));
      }),
    );
    failed.catch(() => undefined);
    try {
      const ready = await Promise.race([
        // After an exit the poll just ends (the race is already lost to `failed`).
        pollUntil(() => (closed ? { url: '' } : existsSync(opts.readyFile) ? (JSON.parse(readFileSync(opts.readyFile, 'utf8')) as { url: string }) : undefined), {
          timeoutMs: opts.timeoutMs ?? 60_000,
          what: 'gregor-connect to be ready',
        }),
        failed, // an exit ends the wait at once
      ]);
      const p = new ConnectProcess(child, ready.url, exited);
      child.stdout!.on('data', (b: Buffer) => (p.output = (p.output + b.toString()).slice(-20_000)));
      child.stderr!.on('data', (b: Buffer) => (p.output = (p.output + b.toString()).slice(-20_000)));
      child.on('close', (code) => {
        if (!p.ending) process.stderr.write(`gregor-connect ${ready.url} exited unexpectedly with ${String(code)}; its last output:\n${p.output}\n`);
      });
      return p;
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n--- output ---\n${output}`);
    }
  }

  /** SIGTERM and wait for a clean exit (0). */
  async stop(): Promise<number | null> {
    this.ending = true;
    this.child.kill('SIGTERM');
    return this.exited;
  }

  async kill9(): Promise<void> {
    this.ending = true;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Worker settings that make a distributed test fast: a free REST port, quick session expiry and metadata refreshes. */
/** `err` with the last output of each worker appended: a wait that failed on Connect's side shows what the workers said. */
export function withWorkerOutput(err: unknown, workers: readonly ConnectProcess[], lastChars = 8000): Error {
  const outputs = workers.map((w) => `--- gregor-connect ${w.url}, its last output ---\n${w.output.slice(-lastChars)}`);
  return new Error([err instanceof Error ? err.message : String(err), ...outputs].join('\n'));
}

export const FAST_DISTRIBUTED: readonly string[] = [
  'listeners=http://127.0.0.1:0',
  'offset.flush.interval.ms=300',
  'metadata.max.age.ms=1000',
  'session.timeout.ms=6000',
  'heartbeat.interval.ms=500',
  'consumer.session.timeout.ms=6000',
  'consumer.heartbeat.interval.ms=500',
];

/** `gregor-connect distributed worker.properties` in `dir` (ready file `ready-<i>.json`) with `--override`s. */
export function startDistributedWorker(dir: string, i: number, bootstrap: readonly string[], overrides: readonly string[]): Promise<ConnectProcess> {
  const args = ['distributed', 'worker.properties', ...[`bootstrap.servers=${bootstrap.join(',')}`, ...FAST_DISTRIBUTED, ...overrides].flatMap((o) => ['--override', o])];
  return ConnectProcess.start(args, { cwd: dir, readyFile: path.join(dir, `ready-${i}.json`) });
}

/** A REST write, retried while the group rebalances (409, as Kafka's clients must); resolves to the final status. */
export function restOutsideRebalance(url: string, method: string, body?: unknown): Promise<number> {
  return pollUntil(
    async () => {
      const res = await fetch(url, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      return res.status === 409 && text.includes('rebalance') ? undefined : res.status;
    },
    { timeoutMs: 30_000, what: `${method} ${url} outside a rebalance` },
  );
}

export interface ConnectorStatus {
  connector: { state: string; worker_id: string };
  tasks: { id: number; state: string; worker_id: string }[];
}

/** GET /connectors/{name}/status on one worker; undefined unless 200. */
export async function connectorStatus(url: string, name: string): Promise<ConnectorStatus | undefined> {
  const res = await fetch(`${url}/connectors/${name}/status`);
  return res.status === 200 ? ((await res.json()) as ConnectorStatus) : undefined;
}
