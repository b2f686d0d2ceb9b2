#!/usr/bin/env node
import { processPlace, tcpCanConnect } from './bootstrap';
import { run } from './program';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second signal means "now".
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
}
// Writing to a closed pipe (`gregor consume … | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTTY: process.stderr.isTTY === true,
  signal: controller.signal,
  place: processPlace(),
  canConnect: tcpCanConnect,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gregor: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
