/**
 * The built gregor-node alone (single-node mode) on port 0 in a temp dir,
 * as the documented examples are run against it. Needs `pnpm build`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';

export const ROOT = path.resolve(__dirname, '../..');
const NODE_BIN = path.join(ROOT, 'packages/node/dist/bin.js');

export interface SingleNode {
  /** The client address from the node's "gregor-node ready" log line. */
  bootstrap: string;
  /** Kills the node and removes its directory. */
  stop(): void;
}

export async function startSingleNode(prefix: string, overrides: Readonly<Record<string, string>> = {}): Promise<SingleNode> {
  if (!existsSync(NODE_BIN)) throw new Error(`${NODE_BIN} is missing: run \`pnpm build\` first`);
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const settings = { 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', ...overrides };
  const child = spawn(process.execPath, [NODE_BIN, ...Object.entries(settings).flatMap(([k, v]) => ['--override', `${k}=${v}`])], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Port 0: the bound address is in the "gregor-node ready" line.
    const bootstrap = await pollUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`gregor-node exited during start-up: ${log.slice(-1000)}`);
        for (const line of log.split('\n')) {
          if (!line.startsWith('{')) continue;
          const l = JSON.parse(line) as { message?: string; client?: string };
          if (l.message === 'gregor-node ready' && l.client !== undefined) return l.client;
        }
        return undefined;
      },
      { timeoutMs: 30_000, what: 'gregor-node to be ready' },
    );
    return { bootstrap, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
