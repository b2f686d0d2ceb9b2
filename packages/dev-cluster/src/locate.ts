import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Where the local dev cluster lives unless told otherwise, relative to the
 * directory a command runs in: `pnpm quickstart` starts its cluster there,
 * and `gregor dev-cluster …` and the CLI's default bootstrap look there.
 */
export const DEFAULT_CLUSTER_DIR = path.join('.gregor', 'cluster');

/** The repository this package was built in (packages/dev-cluster/dist → the root). */
export const WORKSPACE_ROOT = path.resolve(__dirname, '../../..');

/**
 * The dev cluster a command run in `cwd` means: the first `.gregor/cluster`
 * holding a cluster.json in `cwd` or one of its parents (a command typed in
 * a subdirectory of the repository finds the repository's cluster, as git
 * finds .git), else in one of `alsoIn` (the CLI passes the repository it
 * was built in, for `node …/gregor/packages/cli/dist/bin.js` run from
 * elsewhere). Undefined when there is none.
 */
export function findClusterDir(cwd: string, alsoIn: readonly string[] = []): string | undefined {
  const candidates: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    candidates.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  candidates.push(...alsoIn.map((d) => path.resolve(d)));
  for (const root of candidates) {
    const dir = path.join(root, DEFAULT_CLUSTER_DIR);
    if (existsSync(path.join(dir, 'cluster.json'))) return dir;
  }
  return undefined;
}
