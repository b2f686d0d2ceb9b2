import { InvalidArgumentError, type Command } from 'commander';
import { createClient, parseBootstrap, type ClientOptions, type Gregor } from '@gregor/client';
import { createLogger } from '@gregor/common';
import { processPlace, resolveBootstrap } from './bootstrap';
import { UsageError } from './errors';

/** How long a command waits on the cluster by default: a person at a terminal, not a service. */
export const CLI_TIMEOUT_MS = 15000;

/** Options every command takes (DESIGN.md §9). */
export interface CommonOptions {
  /** Undefined: the default (resolveBootstrap), decided when the command connects. */
  bootstrap?: string;
  json: boolean;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option(
      '--bootstrap <list>',
      'brokers to contact first, host:port,host:port (default: GREGOR_CLI_BOOTSTRAP, else every node of the dev cluster in .gregor/cluster, else 127.0.0.1:9092,9093,9094)',
    )
    .option('--json', 'machine-readable output', false);
}

/** The bootstrap list as addresses; a malformed one is a usage error (exit 1). */
export function bootstrapAddresses(list: string): string[] {
  try {
    return parseBootstrap(list);
  } catch (err) {
    throw new UsageError(`--bootstrap: ${err instanceof Error ? err.message.replace(/^[A-Z_]+: /, '') : String(err)}`);
  }
}

/**
 * The client a command talks through. Tighter timeouts than the SDK's
 * defaults: a person at a terminal should hear about a dead cluster in
 * seconds, not minutes.
 */
export function connect(opts: CommonOptions, extra: Partial<ClientOptions> = {}): Gregor {
  const bootstrap = bootstrapAddresses(opts.bootstrap ?? resolveBootstrap(undefined, processPlace()).list);
  return createClient({ bootstrap, clientId: 'gregor-cli', requestTimeoutMs: CLI_TIMEOUT_MS, defaultApiTimeoutMs: CLI_TIMEOUT_MS, ...clientLogger(), ...extra });
}

/** GREGOR_CLI_LOG=debug|info|warn shows the SDK's own log (rebalances, retries) on stderr. */
function clientLogger(): Partial<ClientOptions> {
  const level = process.env['GREGOR_CLI_LOG'];
  if (level !== 'debug' && level !== 'info' && level !== 'warn' && level !== 'error') return {};
  return { logger: createLogger({ level, json: false, stderr: true, component: 'client' }) };
}

/** Commander parser for integers in [min, max]. */
export function intArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer, got "${value}".`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${n}.`);
    return n;
  };
}

const MAX_INT64 = 2n ** 63n - 1n;

/** Commander parser for a non-negative int64 (offsets, producer ids): a larger number would wrap around on the wire. */
export function int64Arg(name: string): (value: string) => bigint {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}".`);
    const n = BigInt(value.trim());
    if (n > MAX_INT64) throw new InvalidArgumentError(`${name} must be at most ${MAX_INT64}, got ${value}.`);
    return n;
  };
}

/** Collects key=value pairs (repeatable, or several after one flag). */
export function keyValue(item: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = item.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${item}".`);
  return { ...previous, [item.slice(0, eq).trim()]: item.slice(eq + 1) };
}
