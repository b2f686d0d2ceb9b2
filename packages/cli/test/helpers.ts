import { PassThrough, Readable } from 'node:stream';
import type { CliIO } from '@gregor/cli';

export interface Captured {
  io: CliIO;
  stdout(): string;
  stderr(): string;
  abort(): void;
}

/** In-memory streams for running `gregor` in-process. */
export function captureIO(stdinText = ''): Captured {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const controller = new AbortController();
  return {
    io: { stdin: Readable.from([stdinText]), stdout, stderr, stderrIsTTY: false, signal: controller.signal },
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    abort: () => controller.abort(),
  };
}
