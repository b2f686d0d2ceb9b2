#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, parseProperties, watchProcessExit } from '@gregor/common';
import { ConfigValidationError } from './api/config-def';
import { HerderError } from './runtime/herder-error';
import { startDistributed } from './runtime/distributed';
import { readConnectorFile, startStandalone } from './runtime/standalone';

const USAGE = `usage: gregor-connect [standalone] WORKER.properties [CONNECTOR.properties|CONNECTOR.json ...]
                      [--override key=value ...] [--ready-file FILE] [--exit-with-pid PID]
       gregor-connect distributed WORKER.properties [--override key=value ...] [--ready-file FILE] [--exit-with-pid PID]
Runs a Connect worker with a Kafka Connect REST API (default port 8083): standalone, or one
worker of a Connect cluster (workers with the same group.id share connectors and tasks).
--ready-file FILE  writes {"url": "http://host:port", "pid": N} to FILE once the REST API and the connectors are up
--exit-with-pid PID  stops the worker cleanly once process PID is gone (a test or script that started it died)`;

interface Args {
  distributed: boolean;
  worker: string;
  connectors: string[];
  overrides: Record<string, string>;
  readyFile: string | undefined;
  exitWithPid: number | undefined;
}

function parseArgs(argv: readonly string[]): Args | string {
  const positional: string[] = [];
  const overrides: Record<string, string> = {};
  let readyFile: string | undefined;
  let exitWithPid: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return USAGE;
    if (a === '--override' || a === '--ready-file' || a === '--exit-with-pid') {
      const v = argv[++i];
      if (v === undefined) return `${a} needs a value\n${USAGE}`;
      if (a === '--ready-file') readyFile = v;
      else if (a === '--exit-with-pid') {
        exitWithPid = Number(v);
        if (!Number.isSafeInteger(exitWithPid) || exitWithPid <= 0) return `--exit-with-pid expects a process id, got "${v}"`;
      }
      else {
        const eq = v.indexOf('=');
        if (eq <= 0) return `--override expects key=value, got "${v}"`;
        overrides[v.slice(0, eq)] = v.slice(eq + 1);
      }
    } else if (a.startsWith('--')) return `unknown option ${a}\n${USAGE}`;
    else positional.push(a);
  }
  const distributed = positional[0] === 'distributed';
  if (positional[0] === 'standalone' || distributed) positional.shift();
  const worker = positional.shift();
  if (worker === undefined) return USAGE;
  if (distributed && positional.length > 0) return 'distributed mode takes no connector files: create connectors with the REST API (POST /connectors)';
  return { distributed, worker, connectors: positional, overrides, readyFile, exitWithPid };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args === USAGE && process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    return 1;
  }
  let workerProps: Record<string, string>;
  let connectors: Record<string, string>[];
  try {
    workerProps = { ...parseProperties(readFileSync(args.worker, 'utf8')), ...args.overrides };
    connectors = args.connectors.map((f) => ({ ...readConnectorFile(f) }));
  } catch (err) {
    process.stderr.write(`gregor-connect: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  let running: { close(): Promise<void>; url: string; failed?: Promise<Error> };
  try {
    running = args.distributed ? await startDistributed({ workerProps }) : await startStandalone({ workerProps, connectors });
  } catch (err) {
    const usage = err instanceof ConfigValidationError || err instanceof ConfigError || err instanceof HerderError;
    process.stderr.write(`gregor-connect: ${err instanceof Error ? err.message : String(err)}\n`);
    return usage ? 1 : 2;
  }
  if (args.readyFile !== undefined) writeFileSync(args.readyFile, JSON.stringify({ url: running.url, pid: process.pid }));
  const failed: Promise<Error> = running.failed ?? new Promise<Error>(() => undefined);
  const stop: Error | undefined = await Promise.race<Error | undefined>([
    new Promise<undefined>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(undefined));
      // The owner's death is a SIGTERM it can no longer send.
      const owner = args.exitWithPid;
      if (owner !== undefined) {
        watchProcessExit(owner, () => {
          process.stderr.write(`gregor-connect: process ${owner} that started this worker is gone: stopping\n`);
          resolve(undefined);
        });
      }
    }),
    failed,
  ]);
  await running.close();
  if (stop !== undefined) {
    process.stderr.write(`gregor-connect: ${stop.message}\n`);
    return 2;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gregor-connect: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
