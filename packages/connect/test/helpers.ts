import { readFileSync } from 'node:fs';
import { createLogger, silentLogger, type Logger } from '@gregor/common';

/** One REST call; the body parsed when there is one. */
export async function http(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** The lines of a file (none when it does not exist yet). */
export function linesOf(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  } catch {
    return [];
  }
}

/** Silent, or the worker's story on stderr with CONNECT_TEST_LOG=debug|info|warn. */
export function testLogger(): Logger {
  const level = process.env.CONNECT_TEST_LOG;
  return level !== undefined ? createLogger({ level: level as 'debug', stderr: true, json: false }) : silentLogger();
}
