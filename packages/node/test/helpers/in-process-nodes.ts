import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@gregor/common';
import { findFreeBasePort } from '@gregor/dev-cluster';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';

export interface InProcessNodes {
  /** A temp dir for the suite's data dirs, made before the first test. */
  readonly dir: string;
  /** Nodes the tests started: stopped in reverse order after the suite, then the dir removed. */
  readonly nodes: RunningNode[];
}

/** Registers the beforeAll/afterAll that suites starting gregor-nodes in-process share. */
export function useInProcessNodes(dirPrefix: string): InProcessNodes {
  let dir: string | undefined;
  const nodes: RunningNode[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), dirPrefix));
  });
  afterAll(async () => {
    for (const n of nodes.reverse()) await n.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir(): string {
      if (dir === undefined) throw new Error('useInProcessNodes: the dir exists only inside a test');
      return dir;
    },
    nodes,
  };
}

/**
 * Starts three controller-only voters (node ids 1-3, CONTROLLER listeners
 * on base+100.., fast elections), pushing each on `nodes`; `http` adds an
 * HTTP listener on port 0. Returns the base port and the quorum settings a
 * broker-only node needs to follow them.
 */
export async function startControllerVoters(
  dir: string,
  nodes: RunningNode[],
  options: { http: boolean },
): Promise<{ base: number; quorum: Record<string, string | number> }> {
  const base = await findFreeBasePort(3);
  const voters = [1, 2, 3].map((id) => `${id}@127.0.0.1:${base + 100 + id - 1}`).join(',');
  const quorum = { 'controller.quorum.voters': voters, 'controller.quorum.election.timeout.ms': 500, 'controller.quorum.tick.interval.ms': 50 };
  for (const id of [1, 2, 3]) {
    const listeners = `CONTROLLER://127.0.0.1:${base + 100 + id - 1}` + (options.http ? ',HTTP://127.0.0.1:0' : '');
    nodes.push(
      await startNode(nodeConfig({ ...quorum, 'node.id': id, 'process.roles': 'controller', 'log.dirs': path.join(dir, `c${id}`), listeners }), {
        logger: silentLogger(),
      }),
    );
  }
  return { base, quorum };
}

/**
 * Starts three combined nodes (broker + voter, ids 1-3, CONTROLLER
 * listeners on base+100.., fast elections) together, since each one's start
 * waits for a quorum to register with, and pushes the started ones on
 * `nodes` (stopped after the suite) before rethrowing a failure. `settings`
 * adds or overrides keys per node; it must give `listeners` with the
 * CONTROLLER port `controllerPort`. Data dirs are DIR/n1..n3.
 */
export async function startCombinedNodes(
  dir: string,
  nodes: RunningNode[],
  settings: (id: number, ports: { base: number; controllerPort: number }) => Record<string, string | number>,
): Promise<{ base: number; settingsOf: (id: number) => Record<string, string | number> }> {
  const base = await findFreeBasePort(3);
  const voters = [1, 2, 3].map((id) => `${id}@127.0.0.1:${base + 100 + id - 1}`).join(',');
  const all = new Map<number, Record<string, string | number>>();
  for (const id of [1, 2, 3]) {
    all.set(id, {
      'node.id': id,
      'log.dirs': path.join(dir, `n${id}`),
      'controller.quorum.voters': voters,
      'controller.quorum.election.timeout.ms': 500,
      'controller.quorum.tick.interval.ms': 50,
      ...settings(id, { base, controllerPort: base + 100 + id - 1 }),
    });
  }
  const started = await Promise.allSettled([1, 2, 3].map((id) => startNode(nodeConfig(all.get(id)!), { logger: silentLogger() })));
  for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  // What node `id` was started with, e.g. to restart it on its data dir.
  return { base, settingsOf: (id) => ({ ...all.get(id)! }) };
}
