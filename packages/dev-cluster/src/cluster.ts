import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { DevClusterError } from './errors';
import { DEFAULT_BASE_PORT, layoutPorts, nodeLayout, nodeProperties, type NodeLayout } from './layout';
import { firstBusyPort, hasProcFs, isAlive, processArgs, spawnDetached, stopProcess, tailOf, waitForExit } from './process';

/** DIR/cluster.json — the contract tools and tests read (DESIGN.md §9). */
export interface ClusterFile {
  basePort: number;
  nodes: ClusterNode[];
}

export interface ClusterNode {
  id: number;
  pid: number;
  grpc: string;
  controller: string;
  http: string;
  /** host:port of the KAFKA listener (Kafka's binary protocol; absent in files older than this field). */
  kafka?: string;
  dataDir: string;
  logFile: string;
  configFile: string;
  /** Absolute path of the gregor-node bin.js it was started with (absent in files older than this field). */
  nodeBin?: string;
  /** Command prefix the node runs under (UpOptions.placement), so that a restart runs it there again. */
  launcher?: string[];
  /** The process the node is tied to (`--exit-with-pid`): absent for a cluster that outlives its starter (UpOptions.persistent). */
  ownerPid?: number;
}

/**
 * Where a node runs when the nodes are not all on loopback: the host its
 * listeners bind and advertise, and a command prefix that must exec the node
 * in place (same pid), e.g. ['ip', 'netns', 'exec', NS] for a network namespace.
 */
export interface NodePlacement {
  host: string;
  launcher: readonly string[];
}

/**
 * What the pid saved for a node is now: still that node's process, gone, or
 * reused by another process (which must not be signalled).
 */
export type NodeProcessState = 'running' | 'down' | 'other-process';

export interface UpOptions {
  dir: string;
  nodes?: number;
  basePort?: number;
  /** Extra node config (key → value) for every node, e.g. faster timeouts in tests. */
  config?: Readonly<Record<string, string>>;
  readyTimeoutMs?: number;
  /** Path of gregor-node's bin.js; defaults to the one in this workspace. */
  nodeBin?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra arguments for the node's `node` runtime, e.g. ['--cpu-prof'] for profiling. */
  execArgv?: readonly string[];
  onProgress?: (message: string) => void;
  /**
   * true: the nodes outlive this process (`gregor dev-cluster up`,
   * quickstart). Default: each node is started with `--exit-with-pid` of
   * this process and shuts down once it is gone, so a test or a benchmark
   * that dies, even by SIGKILL, leaves no node behind.
   */
  persistent?: boolean;
  /**
   * Each node's host and launcher (default: all on 127.0.0.1, started
   * directly). With a placement the free-port check is skipped: each host is
   * its own (a fresh network namespace), not the loopback this process sees.
   */
  placement?: (id: number) => NodePlacement;
}

export interface NodeStatus {
  id: number;
  pid: number;
  alive: boolean;
  ready: boolean;
  grpc: string;
  http: string;
}

export const DEFAULT_NODE_BIN = path.resolve(__dirname, '../../node/dist/bin.js');
const CLUSTER_FILE = 'cluster.json';

export function clusterFilePath(dir: string): string {
  return path.join(dir, CLUSTER_FILE);
}

/** DIR/cluster.json; a DevClusterError naming the directory when there is no cluster in it. */
export function readClusterFile(dirArg: string): ClusterFile {
  const dir = path.resolve(dirArg);
  const file = clusterFilePath(dir);
  if (!existsSync(file)) {
    const why = existsSync(dir) ? `${file} does not exist` : 'the directory does not exist';
    throw new DevClusterError(`no dev cluster in ${dir} (${why}); start one with "gregor dev-cluster up --dir ${dirArg}"`);
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ClusterFile;
  } catch (err) {
    throw new DevClusterError(`${file} is not a cluster file: ${(err as Error).message}`);
  }
}

function writeClusterFile(dir: string, cluster: ClusterFile): void {
  const file = clusterFilePath(dir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(cluster, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

async function isReady(httpUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${httpUrl}/readyz`, { signal: AbortSignal.timeout(1000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts the node's process and records its pid and bin on `node`. */
function startNodeProcess(node: ClusterNode, nodeBinArg: string, env: NodeJS.ProcessEnv, execArgv: readonly string[] = []): void {
  const nodeBin = path.resolve(nodeBinArg);
  if (!existsSync(nodeBin)) throw new DevClusterError(`gregor-node not found at ${nodeBin}; run "pnpm build" first`);
  node.nodeBin = nodeBin;
  const owner = node.ownerPid !== undefined ? ['--exit-with-pid', String(node.ownerPid)] : [];
  const command = [process.execPath, ...nodeFlagsOf(nodeBin), ...execArgv, nodeBin, '--config', node.configFile, ...owner];
  const [first, ...rest] = [...(node.launcher ?? []), ...command];
  node.pid = spawnDetached(first!, rest, node.logFile, env);
}

/**
 * True when `args` (a process's argv) is the command that started `node`:
 * `… BIN --config CONFIG_FILE`. The config file lies in the cluster directory
 * and names the node's data dir, so it tells this node from any other
 * gregor-node, including one of another cluster started from the same bin.
 */
export function isNodeCommand(args: readonly string[], node: ClusterNode): boolean {
  return args.some(
    (a, i) => a === '--config' && args[i + 1] === node.configFile && (node.nodeBin === undefined || args[i - 1] === node.nodeBin),
  );
}

/**
 * Whether the pid in cluster.json is still this node. A pid outlives its
 * process in the file: once the node has exited the kernel may give it to any
 * new process, so kill, restart and down check /proc/PID/cmdline before they
 * signal. Without /proc (not Linux) only liveness can be checked.
 */
export function nodeProcessState(node: ClusterNode): NodeProcessState {
  // pid 0 would make process.kill signal our own process group.
  if (!Number.isInteger(node.pid) || node.pid <= 0 || !isAlive(node.pid)) return 'down';
  if (!hasProcFs()) return 'running';
  const args = processArgs(node.pid);
  if (args === undefined) return 'down';
  return isNodeCommand(args, node) ? 'running' : 'other-process';
}

/** Why a node that is not running was left alone, for progress notes and CLI output. */
export function downReason(node: ClusterNode, state: Exclude<NodeProcessState, 'running'>): string {
  return state === 'down'
    ? `node ${node.id} is already down (pid ${node.pid} is not running)`
    : `node ${node.id} is already down (pid ${node.pid} now belongs to another process, left alone)`;
}

/**
 * The Node/V8 flags a script declares on its `#!/usr/bin/env -S node ...`
 * line: started through `node` (to use this very Node binary) the shebang
 * is ignored, so they are passed explicitly. [] when there are none.
 */
export function nodeFlagsOf(script: string): string[] {
  const first = readFileSync(script, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\S*env(?:\s+-S)?\s+node((?:\s+--\S+)*)\s*$/.exec(first);
  return m === null ? [] : m[1]!.trim().split(/\s+/).filter((a) => a !== '');
}

/** How often a wait for readiness says it is still waiting. */
const STILL_WAITING_EVERY_MS = 5000;

/**
 * Waits until the node answers /readyz (its roles are up: the quorum has a
 * leader, its broker is registered, unfenced and caught up), telling
 * `progress` what it waits for and, every few seconds, that it still does.
 */
async function waitReady(node: ClusterNode, timeoutMs: number, progress: (message: string) => void = () => undefined): Promise<void> {
  const started = Date.now();
  let noted = started;
  progress(`waiting for node ${node.id} (pid ${node.pid}) to be ready at ${node.http}/readyz (quorum leader, broker registered and unfenced), up to ${Math.round(timeoutMs / 1000)} s`);
  let outcome: 'ready' | 'exited';
  try {
    outcome = await pollUntil(
      async () => {
        if (!isAlive(node.pid)) return 'exited';
        if (await isReady(node.http)) return 'ready';
        if (Date.now() - noted >= STILL_WAITING_EVERY_MS) {
          noted = Date.now();
          progress(`still waiting for node ${node.id} to be ready (${Math.round((noted - started) / 1000)} s; log ${node.logFile})`);
        }
        return undefined;
      },
      { timeoutMs, what: `node ${node.id} to be ready (${node.http}/readyz)`, intervalMs: 100 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last lines of ${node.logFile}:\n${tailOf(node.logFile)}`);
  }
  if (outcome === 'exited') {
    throw new Error(`node ${node.id} (pid ${node.pid}) exited during start-up; last lines of ${node.logFile}:\n${tailOf(node.logFile)}`);
  }
}


function childEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  // Node config comes from the properties file only: drop inherited GREGOR_*.
  const base = env ?? process.env;
  return Object.fromEntries(Object.entries(base).filter(([k]) => !k.startsWith('GREGOR_')));
}

/**
 * Starts `nodes` combined-mode nodes as separate OS processes and returns once
 * every node answers /readyz (registered, unfenced, caught up).
 */
export async function clusterUp(opts: UpOptions): Promise<ClusterFile> {
  const dir = path.resolve(opts.dir);
  const count = opts.nodes ?? 3;
  const basePort = opts.basePort ?? DEFAULT_BASE_PORT;
  const nodeBin = opts.nodeBin ?? DEFAULT_NODE_BIN;
  const progress = opts.onProgress ?? (() => undefined);
  if (!Number.isInteger(count) || count < 1 || count > 99) throw new DevClusterError(`--nodes must be 1..99, got ${count}`);
  if (existsSync(clusterFilePath(dir))) {
    const running = readClusterFile(dir).nodes.filter((n) => nodeProcessState(n) === 'running');
    if (running.length > 0) {
      throw new DevClusterError(`a cluster is already running in ${dir} (pids ${running.map((n) => n.pid).join(', ')}); stop it with "gregor dev-cluster down --dir ${dir}"`);
    }
  }
  const layouts: NodeLayout[] = [];
  for (let id = 1; id <= count; id++) layouts.push(nodeLayout(id, basePort, dir, opts.placement?.(id).host));
  if (opts.placement === undefined) await checkPortsFree(count, basePort, layouts[0]!.host);
  mkdirSync(dir, { recursive: true });
  const env = childEnv(opts.env);
  const cluster: ClusterFile = { basePort, nodes: [] };
  try {
    for (const layout of layouts) {
      mkdirSync(layout.dataDir, { recursive: true });
      const configFile = path.join(dir, `node-${layout.id}.properties`);
      writeFileSync(configFile, nodeProperties(layout, layouts, opts.config));
      const node: ClusterNode = {
        id: layout.id,
        pid: 0,
        grpc: `${layout.host}:${layout.clientPort}`,
        controller: `${layout.host}:${layout.controllerPort}`,
        http: `http://${layout.host}:${layout.httpPort}`,
        kafka: `${layout.host}:${layout.kafkaPort}`,
        dataDir: layout.dataDir,
        logFile: path.join(dir, `node-${layout.id}.log`),
        configFile,
        ...(opts.placement === undefined ? {} : { launcher: [...opts.placement(layout.id).launcher] }),
        ...(opts.persistent === true ? {} : { ownerPid: process.pid }),
      };
      startNodeProcess(node, nodeBin, env, opts.execArgv);
      cluster.nodes.push(node);
      progress(`started node ${node.id} (pid ${node.pid}, client ${node.grpc}, log ${node.logFile})`);
    }
    writeClusterFile(dir, cluster);
    const timeoutMs = opts.readyTimeoutMs ?? 60_000;
    for (const node of cluster.nodes) {
      await waitReady(node, timeoutMs, progress);
      progress(`node ${node.id} is ready`);
    }
    return cluster;
  } catch (err) {
    await Promise.all(cluster.nodes.map((n) => stopProcess(n.pid, 2000)));
    throw err;
  }
}

/**
 * Refuses a layout with a port in use before any node starts: otherwise the
 * nodes that can bind start, the one that cannot exits with EADDRINUSE, and
 * `up` fails only after the readiness wait, as a node failure rather than as
 * the caller's choice of base port. (A port taken between this check and the
 * node's bind still fails that late way.)
 */
async function checkPortsFree(count: number, basePort: number, host: string): Promise<void> {
  const ports = layoutPorts(count, basePort);
  const highest = Math.max(...ports.map((p) => p.port));
  if (!Number.isInteger(basePort) || basePort < 1 || highest > 65535) {
    throw new DevClusterError(`--base-port ${basePort} does not fit ${count} node(s): the layout needs ports ${basePort}..${highest}, up to 65535`);
  }
  const busy = await firstBusyPort(ports, host);
  if (busy !== undefined) {
    throw new DevClusterError(
      `port ${busy.port} on ${host} (node ${busy.nodeId}'s ${busy.listener} listener with --base-port ${basePort}) is already in use; ` +
        'pick another --base-port (node i uses P+i-1, P+100+i-1, P+200+i-1 and P+300+i-1)',
    );
  }
}

/** SIGTERM then SIGKILL after `graceMs` if the saved pid is still this node; else says why it was left alone. */
async function stopNode(node: ClusterNode, graceMs: number): Promise<string> {
  const state = nodeProcessState(node);
  if (state !== 'running') return downReason(node, state);
  return `node ${node.id} (pid ${node.pid}): ${await stopProcess(node.pid, graceMs)}`;
}

/** Stops every node (SIGTERM, then SIGKILL after `graceMs`). */
export async function clusterDown(dirArg: string, graceMs = 15_000, onProgress?: (m: string) => void): Promise<void> {
  const dir = path.resolve(dirArg);
  const cluster = readClusterFile(dir);
  await Promise.all(
    cluster.nodes.map(async (n) => {
      // Not `onProgress?.(await stopNode(…))`: without a callback that would skip the stop itself.
      const note = await stopNode(n, graceMs);
      onProgress?.(note);
    }),
  );
}

function findNode(cluster: ClusterFile, id: number, dir: string): ClusterNode {
  const node = cluster.nodes.find((n) => n.id === id);
  if (node === undefined) throw new DevClusterError(`no node ${id} in ${dir} (nodes: ${cluster.nodes.map((n) => n.id).join(', ')})`);
  return node;
}

export interface KilledNode extends ClusterNode {
  /** What the saved pid was before: only 'running' was signalled. */
  processBefore: NodeProcessState;
}

/**
 * kill -9 (default) or another signal, if the saved pid is still this node;
 * waits until the process is gone. A node already down is left as it is.
 */
export async function killNode(dirArg: string, id: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<KilledNode> {
  const dir = path.resolve(dirArg);
  const node = findNode(readClusterFile(dir), id, dir);
  const processBefore = nodeProcessState(node);
  if (processBefore === 'running') {
    process.kill(node.pid, signal);
    if (!(await waitForExit(node.pid, 30_000))) throw new Error(`node ${id} (pid ${node.pid}) did not exit after ${signal}`);
  }
  return { ...node, processBefore };
}

export interface RestartOptions {
  readyTimeoutMs?: number;
  nodeBin?: string;
  env?: NodeJS.ProcessEnv;
  /** false: return once the process is started, without waiting for readiness. */
  wait?: boolean;
  /** Told each step and what it waits for (the CLI prints it on stderr). */
  onProgress?: (message: string) => void;
}

/** Starts node `id` again (stopping it first if it runs) and waits until it is ready. */
export async function restartNode(dirArg: string, id: number, opts: RestartOptions = {}): Promise<ClusterNode> {
  const dir = path.resolve(dirArg);
  const progress = opts.onProgress ?? (() => undefined);
  const cluster = readClusterFile(dir);
  const node = findNode(cluster, id, dir);
  const state = nodeProcessState(node);
  if (state === 'running') {
    progress(`stopping node ${id} (pid ${node.pid}): SIGTERM, SIGKILL after 15 s`);
    progress(await stopNode(node, 15_000));
  } else if (state === 'other-process') {
    progress(downReason(node, state));
  }
  // The bin it ran before, so a restart runs the same thing.
  startNodeProcess(node, opts.nodeBin ?? node.nodeBin ?? DEFAULT_NODE_BIN, childEnv(opts.env));
  writeClusterFile(dir, cluster);
  progress(`started node ${id} (pid ${node.pid}, client ${node.grpc}, log ${node.logFile})`);
  if (opts.wait !== false) {
    await waitReady(node, opts.readyTimeoutMs ?? 60_000, progress);
    progress(`node ${id} is ready`);
  }
  return node;
}

export async function clusterStatus(dirArg: string): Promise<NodeStatus[]> {
  const dir = path.resolve(dirArg);
  const cluster = readClusterFile(dir);
  return Promise.all(
    cluster.nodes.map(async (n) => {
      const alive = nodeProcessState(n) === 'running';
      return { id: n.id, pid: n.pid, alive, ready: alive && (await isReady(n.http)), grpc: n.grpc, http: n.http };
    }),
  );
}
