/** A streams example run as its own process, its stdout and stderr kept for assertions and failure messages. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const STREAMS_EXAMPLES = path.resolve(__dirname, '../../examples/dist/streams');

export interface ExampleProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr interleaved). */
  log(): string;
}

export function spawnStreamsExample(name: string, args: readonly string[], env: { bootstrap: string; stateDir: string; extra?: Readonly<Record<string, string>> }): ExampleProcess {
  const child = spawn(process.execPath, [path.join(STREAMS_EXAMPLES, `${name}.js`), ...args], {
    env: {
      PATH: process.env.PATH,
      GREGOR_BOOTSTRAP: env.bootstrap,
      GREGOR_STREAMS_STATE_DIR: env.stateDir,
      ...env.extra,
      // GREGOR_LOG_LEVEL=debug reaches the example's logger (debugging a run).
      ...(process.env['GREGOR_LOG_LEVEL'] !== undefined ? { GREGOR_LOG_LEVEL: process.env['GREGOR_LOG_LEVEL'] } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
  return { child, log: () => text };
}

/** SIGTERM, then the exit code. */
export async function terminate(p: ExampleProcess): Promise<number | null> {
  p.child.kill('SIGTERM');
  return new Promise((resolve) => (p.child.exitCode !== null ? resolve(p.child.exitCode) : p.child.once('exit', (c) => resolve(c))));
}
