import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManualClock } from '@gregor/common';
import { createLogger, pollUntil, silentLogger } from '@gregor/common';
import type { BoundServer, ControllerNode, ControllerNodeOptions, VoterAddress } from '../src';
import { ControllerClient, ControllerMetadataSource, bindControllerServer, startControllerNode } from '../src';

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

/** The in-process brokers' broker.heartbeat.interval.ms. */
export const HEARTBEAT_INTERVAL_MS = 100;

export const FAST: Partial<ControllerNodeOptions> = { tickIntervalMs: 50, electionTimeoutMs: 500, brokerSessionTimeoutMs: 1500, brokerHeartbeatIntervalMs: HEARTBEAT_INTERVAL_MS };

/**
 * One round of session time on the active controller: moves `clock` by
 * `stepMs` (at most one session-check interval plus the stall threshold, else the controller takes
 * the jump for its own stall and forgives everyone), waits until each of
 * `heartbeating` has heartbeated at the new time, then runs the session
 * check. Returns the brokers the check began to fence.
 */
export async function sessionRound(q: TestQuorum, clock: ManualClock, stepMs: number, heartbeating: readonly number[]): Promise<number[]> {
  const active = await q.waitForActive(10_000);
  if (stepMs > active.controller.sessionCheckEveryMs + active.controller.sessionCheckStallMs) {
    throw new Error(
      `a ${stepMs} ms step would look like a stall to a controller that checks every ${active.controller.sessionCheckEveryMs} ms (stall threshold ${active.controller.sessionCheckStallMs} ms)`,
    );
  }
  const now = clock.advance(stepMs);
  await pollUntil(() => heartbeating.every((id) => (active.controller.sessions.get(id)?.lastContactMs ?? -1) >= now), {
    timeoutMs: 10_000,
    intervalMs: 5,
    what: `a heartbeat from each of brokers [${heartbeating.join(',')}] at session time ${now}`,
  });
  return active.controller.maybeFenceExpiredBrokers();
}

/**
 * `votersFor`: the voter list node `id` is started with — by default the
 * real one; a test may point one node's connections to a peer at a
 * fault-injecting proxy (only that node's outgoing connections then pass
 * through it).
 */
export async function startQuorum(
  size: number,
  options: Partial<ControllerNodeOptions> = FAST,
  votersFor: (id: number, voters: readonly VoterAddress[]) => Promise<readonly VoterAddress[]> | readonly VoterAddress[] = (_id, voters) => voters,
): Promise<TestQuorum> {
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
        voters: await votersFor(id, voters),
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

/**
 * Combined mode in-process: a ControllerMetadataSource per node standing in
 * for its broker, reading that node's image and heartbeating to the active
 * controller over its own ControllerClient. `close()` closes every source
 * and client made here (or passed to `track`); the quorum is the caller's.
 */
export class TestBrokers {
  readonly sources = new Map<number, ControllerMetadataSource>();
  private readonly clients: ControllerClient[] = [];

  constructor(private readonly q: TestQuorum) {}

  /** A broker on node `id` (a new incarnation when `incarnationId` is given), not registered yet. */
  add(id: number, incarnationId?: string): ControllerMetadataSource {
    const image = this.q.nodes.get(id)!.controller;
    // As gregor-node wires it: heartbeats go where the node's metadata log says the active controller is.
    const client = this.track(
      new ControllerClient({ voters: this.q.voters, clusterId: 'test-cluster', retryDeadlineMs: 10_000, quorumLeader: () => image.image.lastLeaderChange?.leaderId ?? -1 }),
    );
    const source = new ControllerMetadataSource({
      clusterId: 'test-cluster',
      nodeId: id,
      source: image,
      client,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      sessionTimeoutMs: this.q.options.brokerSessionTimeoutMs ?? 1500,
      registrationTimeoutMs: 20_000,
      ...(incarnationId !== undefined ? { incarnationId } : {}),
    });
    this.sources.set(id, source);
    return source;
  }

  /** Adds and registers a broker on each of `ids` (listening on port 9100 + id). */
  async registerAll(ids: readonly number[]): Promise<void> {
    await Promise.all(ids.map((id) => this.add(id).registerBroker({ nodeId: id, host: '127.0.0.1', port: 9100 + id })));
  }

  /** A client the test made itself, closed with the brokers. */
  track(client: ControllerClient): ControllerClient {
    this.clients.push(client);
    return client;
  }

  async close(): Promise<void> {
    for (const s of this.sources.values()) await s.close({ controlledShutdown: false });
    this.sources.clear();
    for (const c of this.clients.splice(0)) c.close();
  }
}
