import { connect as tcpConnect } from 'node:net';
import * as path from 'node:path';
import { GregorError, pollUntil } from '@gregor/common';
import { findClusterDir, readClusterFile, WORKSPACE_ROOT } from '@gregor/dev-cluster';

/** The dev cluster's default client ports (DESIGN.md §2): nodes 1–3 on 9092–9094. */
export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094';

/** The brokers a command contacts first, and where that list came from (named when nothing answers). */
export interface Bootstrap {
  list: string;
  /** "--bootstrap", "GREGOR_CLI_BOOTSTRAP", "the nodes of the dev cluster in DIR" or "the default ports". */
  source: string;
}

/** Where a command runs: what the default bootstrap and dev-cluster dir depend on. */
export interface Place {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Also looked in for .gregor/cluster after cwd and its parents (the repository the CLI was built in). */
  clusterRoots: readonly string[];
}

/** This process's place: its environment, its working directory, and the repository the CLI was built in. */
export function processPlace(): Place {
  return { env: process.env, cwd: process.cwd(), clusterRoots: [WORKSPACE_ROOT] };
}

/**
 * --bootstrap when given; else GREGOR_CLI_BOOTSTRAP (a container image sets
 * it to the cluster's internal listener); else every node of the local dev
 * cluster when a .gregor/cluster/cluster.json is found (so killing node 1
 * does not strand the CLI); else the three default ports.
 */
export function resolveBootstrap(flag: string | undefined, place: Place): Bootstrap {
  if (flag !== undefined) return { list: flag, source: '--bootstrap' };
  const fromEnv = place.env['GREGOR_CLI_BOOTSTRAP']?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return { list: fromEnv, source: 'GREGOR_CLI_BOOTSTRAP' };
  const dir = findClusterDir(place.cwd, place.clusterRoots);
  if (dir !== undefined) {
    const nodes = readClusterFile(dir).nodes.map((n) => n.grpc);
    if (nodes.length > 0) return { list: nodes.join(','), source: `the nodes of the dev cluster in ${path.relative(place.cwd, dir) || dir}` };
  }
  return { list: DEFAULT_BOOTSTRAP, source: 'the default ports' };
}

/** Whether something accepts a TCP connection at host:port within `timeoutMs` (the CLI's own probe; tests pass fakes). */
export type CanConnect = (address: string, timeoutMs: number) => Promise<boolean>;

/** The real probe: a TCP connect, closed at once. Refused, unreachable or slow all count as no. */
export const tcpCanConnect: CanConnect = (address, timeoutMs) =>
  new Promise((resolve) => {
    const colon = address.lastIndexOf(':');
    const socket = tcpConnect({ host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(address.slice(colon + 1)) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });

export interface GateTimings {
  /** First "nothing answers yet" note on stderr after this long. */
  noteAfterMs: number;
  /** Then give up with the error naming what to check. */
  giveUpAfterMs: number;
  intervalMs: number;
}

/**
 * A person at a terminal should hear within a second or two that nothing
 * listens, not after the command's 15 s budget; a cluster whose nodes are
 * restarting is back within a few seconds.
 */
export const GATE_TIMINGS: GateTimings = { noteAfterMs: 1000, giveUpAfterMs: 5000, intervalMs: 200 };

/**
 * Waits until some bootstrap broker accepts a connection. While none does
 * it says so on stderr, every couple of seconds; after `giveUpAfterMs` it
 * fails with NETWORK_EXCEPTION naming where the list came from and the
 * three ways out: --bootstrap, GREGOR_CLI_BOOTSTRAP, `gregor dev-cluster
 * status`. Only the first contact is gated: once a broker has answered,
 * the SDK's own failover takes over.
 */
export async function awaitBootstrap(
  bootstrap: Bootstrap,
  addresses: readonly string[],
  canConnect: CanConnect,
  note: (text: string) => void,
  signal: AbortSignal,
  timings: GateTimings = GATE_TIMINGS,
): Promise<void> {
  const started = Date.now();
  let nextNoteAt = started + timings.noteAfterMs;
  const where = `${addresses.join(', ')} (${bootstrap.source})`;
  try {
    await pollUntil(
      async () => {
        if (signal.aborted) return true;
        const probes = await Promise.all(addresses.map((a) => canConnect(a, Math.min(1000, timings.giveUpAfterMs))));
        if (probes.some((ok) => ok)) return true;
        if (Date.now() >= nextNoteAt && Date.now() < started + timings.giveUpAfterMs) {
          const waited = `${((Date.now() - started) / 1000).toFixed(0)} s`;
          note(`no broker answers at ${where} (${waited} so far); retrying for up to ${Math.round(timings.giveUpAfterMs / 1000)} s …`);
          nextNoteAt = Date.now() + 2000;
        }
        return false;
      },
      { timeoutMs: timings.giveUpAfterMs, intervalMs: timings.intervalMs, what: 'a broker' },
    );
  } catch {
    throw noBrokerAnswers(where, timings.giveUpAfterMs);
  }
}

export function noBrokerAnswers(where: string, waitedMs: number): GregorError {
  return new GregorError(
    'NETWORK_EXCEPTION',
    `no broker answers at ${where} after ${Math.round(waitedMs / 1000)} s. ` +
      'Is the cluster running? `gregor dev-cluster status` shows the local one. ' +
      'To reach another cluster pass --bootstrap host:port,… or set GREGOR_CLI_BOOTSTRAP.',
    { transport: true },
  );
}
