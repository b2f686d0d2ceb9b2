import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, pollUntil, silentLogger } from '@gregor/common';
import type { BoundServer, ControllerNode, ControllerNodeOptions, VoterAddress } from '../src';
import { bindControllerServer, startControllerNode } from '../src';

/**
 * In-process controller quorums over real gRPC on loopback: servers bound on
 * port 0 first, so the voter list can name the ports. LOG=1 prints logs.
 */
export interface TestQuorum {
  dir: string;
  voters: VoterAddress[];
  nodes: Map<number, ControllerNode>;
  options: Partial<ControllerNodeOptions>;
  start(id: number): Promise<ControllerNode>;
  /** Stops node `id` as a crash would (no leadership hand-over) unless `graceful`. */
  stop(id: number, graceful?: boolean): Promise<void>;
  active(): ControllerNode | undefined;
  waitForActive(timeoutMs?: number, exclude?: number): Promise<ControllerNode>;
  close(): Promise<void>;
}

export const FAST: Partial<ControllerNodeOptions> = { tickIntervalMs: 50, electionTimeoutMs: 500, brokerSessionTimeoutMs: 1500 };

export async function startQuorum(size: number, options: Partial<ControllerNodeOptions> = FAST): Promise<TestQuorum> {
  const dir = await mkdtemp(join(tmpdir(), 'gregor-quorum-'));
  const bound = new Map<number, BoundServer>();
  const voters: VoterAddress[] = [];
  for (let id = 1; id <= size; id++) {
    const b = await bindControllerServer('127.0.0.1', 0);
    bound.set(id, b);
    voters.push({ id, host: '127.0.0.1', port: b.port });
  }
  const nodes = new Map<number, ControllerNode>();
  const q: TestQuorum = {
    dir,
    voters,
    nodes,
    options,
    async start(id) {
      // A restarted node binds its old port again.
      const server = bound.get(id) ?? (await bindControllerServer('127.0.0.1', voters.find((v) => v.id === id)!.port));
      bound.delete(id);
      const node = await startControllerNode({
        nodeId: id,
        clusterId: 'test-cluster',
        voters,
        dataDir: join(dir, `node-${id}`),
        server,
        logger: process.env['LOG'] === '1' ? createLogger({ nodeId: id, json: false, level: 'info' }) : silentLogger(),
        onFatal: (err) => {
          // eslint-disable-next-line no-console
          console.error(`controller ${id} fatal`, err);
        },
        ...options,
      });
      nodes.set(id, node);
      return node;
    },
    async stop(id, graceful = false) {
      const node = nodes.get(id);
      nodes.delete(id);
      await node?.stop({ transferLeadership: graceful });
    },
    active() {
      return [...nodes.values()].find((n) => n.controller.isActive());
    },
    waitForActive(timeoutMs = 15_000, exclude) {
      return pollUntil(
        () => {
          const a = [...nodes.values()].filter((n) => n.controller.isActive() && n.nodeId !== exclude);
          return a.length === 1 ? a[0] : undefined;
        },
        { timeoutMs, intervalMs: 10, what: 'an active controller' },
      );
    },
    async close() {
      await Promise.all([...nodes.keys()].map((id) => q.stop(id)));
      for (const b of bound.values()) b.server.forceShutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
  for (let id = 1; id <= size; id++) await q.start(id);
  return q;
}
