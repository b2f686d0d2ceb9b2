/**
 * The TypeScript face of scripts/netns.sh: a network lab in which each node
 * has its own Linux network namespace and the calling process (root
 * namespace) is "client". One lab per process (its name is the pid), torn
 * down by destroy(), by a process 'exit' hook if the caller never gets there,
 * and by the next run's sweep if the process was killed.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { runProcess } from '@gregor/common';

/** scripts/netns.sh, from scripts/src/partition or scripts/dist/partition alike. */
export const NETNS_SCRIPT = path.resolve(__dirname, '../../netns.sh');

/** A node number (1-based) or the test process itself. */
export type Endpoint = number | 'client';
export type Link = readonly [Endpoint, Endpoint];

export type LabSupport = { ok: true } | { ok: false; reason: string };

/**
 * Whether this machine can run the lab (root, Linux, namespaces, iptables
 * with conntrack; installs iproute2/iptables with apt-get when missing).
 * Synchronous so a test file can decide between describe and describe.skip.
 */
export function labSupport(): LabSupport {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: `network namespaces need root (uid ${process.getuid?.()})` };
  try {
    execFileSync('bash', [NETNS_SCRIPT, 'check'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    return { ok: true };
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return { ok: false, reason: e.stderr?.toString().trim() || e.message };
  }
}

export class NetnsLab {
  private static open = false;
  private destroyed = false;
  private readonly onExit = (): void => this.destroySync();

  private constructor(
    readonly run: string,
    /** 10.231.S: node i is S.(10+i), the client S.1. */
    readonly subnet: string,
    readonly nodes: number,
  ) {
    process.once('exit', this.onExit);
  }

  /** Removes leftovers of crashed runs, then makes the namespaces of `nodes` nodes. */
  static async create(nodes: number): Promise<NetnsLab> {
    // The lab is named after this process: a second one would be the same lab.
    if (NetnsLab.open) throw new Error('this process already has a network lab; destroy() it first');
    NetnsLab.open = true;
    const run = String(process.pid);
    try {
      await script('sweep');
      const subnet = (await script('up', run, String(nodes))).trim();
      if (!/^10\.231\.\d+$/.test(subnet)) throw new Error(`netns.sh up printed "${subnet}", not a subnet`);
      return new NetnsLab(run, subnet, nodes);
    } catch (err) {
      await script('down', run).catch(() => undefined); // whatever a failed `up` made
      NetnsLab.open = false;
      throw err;
    }
  }

  namespace(node: number): string {
    return `gregor-pt-${this.run}-n${node}`;
  }

  address(who: Endpoint): string {
    return who === 'client' ? `${this.subnet}.1` : `${this.subnet}.${10 + who}`;
  }

  /** The command prefix that runs a program in node's namespace (it execs in place: same pid). */
  launcher(node: number): string[] {
    return ['ip', 'netns', 'exec', this.namespace(node)];
  }

  /** Drops every packet between the two ends of each link, all links at once. */
  async cut(...links: readonly Link[]): Promise<void> {
    await script('cut', this.run, ...links.flat().map(String));
  }

  /** One-way, for each [a, b]: connections a opens to b are dropped; b's connections to a work. */
  async block(...links: readonly Link[]): Promise<void> {
    await script('block', this.run, ...links.flat().map(String));
  }

  /** The links between `node` and every other node (not the client). */
  linksOf(node: number): Link[] {
    const links: Link[] = [];
    for (let other = 1; other <= this.nodes; other++) if (other !== node) links.push([node, other]);
    return links;
  }

  async heal(): Promise<void> {
    await script('heal', this.run);
  }

  /** Every namespace's rules, for a failure message. */
  async rules(): Promise<string> {
    return script('rules', this.run);
  }

  /** Kills every process in the lab's namespaces and deletes them. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    process.removeListener('exit', this.onExit);
    await script('down', this.run);
    NetnsLab.open = false;
  }

  private destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    NetnsLab.open = false;
    execFileSync('bash', [NETNS_SCRIPT, 'down', this.run], { stdio: 'ignore', timeout: 30_000 });
  }
}

async function script(...args: string[]): Promise<string> {
  const r = await runProcess('bash', [NETNS_SCRIPT, ...args], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`netns.sh ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}
