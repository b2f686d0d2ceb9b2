import * as path from 'node:path';
import { DEFAULT_BASE_PORT } from '@gregor/dev-cluster';

/** Where and how `pnpm quickstart` runs its cluster. */
export interface QuickstartSettings {
  /** The dev-cluster dir (cluster.json, node logs and data). */
  dir: string;
  /** Node i listens on basePort+i-1 (client), +100 (controller), +200 (HTTP), +300 (Kafka). */
  basePort: number;
  nodes: number;
}

/**
 * The README's defaults (.gregor/cluster under the repo, ports 9092+, 3
 * nodes), overridable by QUICKSTART_DIR, QUICKSTART_BASE_PORT and
 * QUICKSTART_NODES so that CI can run the very same command next to
 * another cluster. A bad value is an error naming the variable, not a
 * surprise later.
 */
export function quickstartSettings(env: NodeJS.ProcessEnv, root: string): QuickstartSettings {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in ${min}..${max}, got "${text}"`);
    return n;
  };
  const nodes = int('QUICKSTART_NODES', 3, 1, 99);
  // Every node's four ports must fit below 65536.
  const basePort = int('QUICKSTART_BASE_PORT', DEFAULT_BASE_PORT, 1024, 65535 - 300 - (nodes - 1));
  const dir = env['QUICKSTART_DIR'] !== undefined && env['QUICKSTART_DIR'] !== '' ? path.resolve(env['QUICKSTART_DIR']) : path.join(root, '.gregor', 'cluster');
  return { dir, basePort, nodes };
}
