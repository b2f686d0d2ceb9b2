import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BASE_PORT, DEFAULT_CLUSTER_DIR } from '@gregor/dev-cluster';

/** Where and how `pnpm quickstart` runs its cluster. */
export interface QuickstartSettings {
  /** The dev-cluster dir (cluster.json, node logs and data). */
  dir: string;
  /** Node i listens on basePort+i-1 (client), +100 (controller), +200 (HTTP), +300 (Kafka). */
  basePort: number;
  nodes: number;
}

export const QUICKSTART_USAGE = `Usage: pnpm quickstart [--base-port P] [--dir DIR] [--nodes N]

Starts a local Gregor cluster (or reuses the one running in DIR), creates the
topic "quickstart" if it is missing, and round-trips 10 records through it
with the gregor CLI. The cluster keeps running afterwards.

Options:
  --base-port P  node i listens on P+i-1 (client), P+100+i-1 (controller),
                 P+200+i-1 (HTTP), P+300+i-1 (Kafka) (default: 9092)
  --dir DIR      cluster directory (default: .gregor/cluster in the repository)
  --nodes N      number of nodes, 1..99 (default: 3)
  -h, --help     this text

QUICKSTART_BASE_PORT, QUICKSTART_DIR and QUICKSTART_NODES set the same
things from the environment; a flag wins over its variable.
`;

/** A bad flag or value: the script prints it with the usage and exits 1. */
export class QuickstartUsageError extends Error {}

/**
 * The README's defaults (.gregor/cluster under the repo, ports 9092+, 3
 * nodes), overridden by flags (`--base-port`, `--dir`, `--nodes`) or by
 * QUICKSTART_BASE_PORT, QUICKSTART_DIR and QUICKSTART_NODES, so that CI can
 * run the very same command next to another cluster. 'help' for --help. A
 * bad value is an error naming the flag or variable it came from, not a
 * surprise later.
 */
export function quickstartSettings(argv: readonly string[], env: NodeJS.ProcessEnv, root: string): QuickstartSettings | 'help' {
  let values: { 'base-port'?: string; dir?: string; nodes?: string; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: { 'base-port': { type: 'string' }, dir: { type: 'string' }, nodes: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new QuickstartUsageError((err as Error).message);
  }
  if (values.help === true) return 'help';
  /** The flag's value, else the variable's; with the name to blame. */
  const setting = (flag: 'base-port' | 'dir' | 'nodes', variable: string): { text: string; name: string } | undefined => {
    if (values[flag] !== undefined) return { text: values[flag], name: `--${flag}` };
    const text = env[variable];
    return text === undefined || text === '' ? undefined : { text, name: variable };
  };
  const int = (s: { text: string; name: string } | undefined, fallback: number, min: number, max: number): number => {
    if (s === undefined) return fallback;
    const n = Number(s.text);
    if (s.text.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new QuickstartUsageError(`${s.name} must be an integer in ${min}..${max}, got "${s.text}"`);
    return n;
  };
  const nodes = int(setting('nodes', 'QUICKSTART_NODES'), 3, 1, 99);
  // Every node's four ports must fit below 65536.
  const basePort = int(setting('base-port', 'QUICKSTART_BASE_PORT'), DEFAULT_BASE_PORT, 1024, 65535 - 300 - (nodes - 1));
  const dirSetting = setting('dir', 'QUICKSTART_DIR');
  const dir = dirSetting !== undefined ? path.resolve(dirSetting.text) : path.join(root, DEFAULT_CLUSTER_DIR);
  return { dir, basePort, nodes };
}
