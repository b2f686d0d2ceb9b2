import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { hasProcFs, isAlive, pollUntil } from '@gregor/common';

export { hasProcFs, isAlive };
import { layoutPorts } from './layout';

/**
 * Starts a detached process (its own process group, so a Ctrl-C of the
 * parent does not take it down) with stdout and stderr appended to `logFile`.
 */
export function spawnDetached(command: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv): number {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env });
    child.unref();
    if (child.pid === undefined) throw new Error(`failed to start ${command}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  try {
    await pollUntil(() => !isAlive(pid), { timeoutMs, what: `process ${pid} to exit`, intervalMs: 20 });
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
export async function stopProcess(pid: number, graceMs: number): Promise<'terminated' | 'killed' | 'gone'> {
  if (!isAlive(pid)) return 'gone';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  if (await waitForExit(pid, graceMs)) return 'terminated';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'gone';
  }
  await waitForExit(pid, 10_000);
  return 'killed';
}

export function tailOf(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * The argv of a running process from /proc/PID/cmdline, or undefined when it
 * cannot be read (the process is gone, or there is no /proc on this system).
 */
export function processArgs(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a, i, all) => i < all.length - 1 || a !== '');
  } catch {
    return undefined;
  }
}


async function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The first port of `ports` that cannot be listened on right now, or undefined when all are free. */
export async function firstBusyPort<P extends { port: number }>(ports: readonly P[], host: string): Promise<P | undefined> {
  for (const p of ports) {
    if (!(await portIsFree(p.port, host))) return p;
  }
  return undefined;
}

/**
 * A base port whose whole layout (4 listeners × nodes) is free right now, for
 * tests that run clusters side by side. Random within [10000, 32000): below
 * Linux's ephemeral range (32768–60999 by default), so an outgoing connection
 * of some other process cannot take a killed node's port before it restarts
 * (seen as EADDRINUSE on restart in the chaos test).
 */
const LAYOUT_SPAN = 400;

export async function findFreeBasePort(nodes: number, host = '127.0.0.1', random: () => number = Math.random): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    // Slots LAYOUT_SPAN apart: a layout spans base .. base+300+nodes-1, so
    // two clusters started at once in different slots never share a port
    // (slots 100 apart overlapped: B's controller ports were B+100's client ports).
    const base = 10000 + Math.floor(random() * 54) * LAYOUT_SPAN;
    if ((await firstBusyPort(layoutPorts(nodes, base), host)) === undefined) return base;
  }
  throw new Error('no free base port found after 200 attempts');
}
