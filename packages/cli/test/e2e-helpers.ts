/**
 * A real gregor-node process in a temp dir and the CLI as child processes
 * (built dist: `pnpm exec tsc -b packages/cli packages/node`), for the e2e tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pollUntil, runProcess, type ProcessResult } from '@gregor/common';

export const CLI_BIN = path.resolve(__dirname, '../dist/bin.js');
export const NODE_BIN = path.resolve(__dirname, '../../node/dist/bin.js');

/** Runs the CLI to completion, feeding `stdin`; a run that hangs is killed (and fails its test). */
export function gregor(args: string[], stdin = ''): Promise<ProcessResult> {
  return runProcess(process.execPath, [CLI_BIN, ...args], { stdin, timeoutMs: 60_000 });
}

/** A gregor-node child process; resolves with its client address once it logs "ready". */
export class NodeProcess {
  child: ChildProcess | undefined;
  address = '';
  private log = '';

  constructor(private readonly dataDir: string) {}

  async start(): Promise<void> {
    this.log = '';
    const child = spawn(process.execPath, [NODE_BIN, '--override', `log.dirs=${this.dataDir}`, '--override', 'listeners=CLIENT://127.0.0.1:0', '--override', 'process.roles=broker'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (this.log += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.log += c));
    this.address = await pollUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`gregor-node exited ${child.exitCode}: ${this.log}`);
        const line = this.log.split('\n').find((l) => l.includes('gregor-node ready'));
        return line === undefined ? undefined : (JSON.parse(line) as { client: string }).client;
      },
      { timeoutMs: 30000, what: 'gregor-node to log "ready"' },
    );
  }

  /** kill -9: no clean shutdown. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}
