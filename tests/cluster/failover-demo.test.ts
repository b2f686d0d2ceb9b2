/**
 * CI runs scripts/failover-demo.sh (issue 6 item 7), shortened with
 * DEMO_SECONDS: it must exit 0 (every counter value exactly once, in order,
 * with node 2 killed while a send is in flight), narrate each step truthfully
 * (no failover before the kill, no value credited to a dead node, the
 * switch back to the preferred leader explained, no escape codes in a pipe), and
 * leave no process behind: no node, no producer, no consumer. Needs the built dist
 * (`pnpm build`; the script builds only when dist/ is missing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { isAlive } from '@gregor/dev-cluster';

const ROOT = path.resolve(__dirname, '../..');

/** Whether any process is left in process group `pgid` (signal 0 probes without signalling). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

describe('scripts/failover-demo.sh', () => {
  let child: ChildProcess | undefined;
  let keptDir: string | undefined;

  afterAll(() => {
    // Only if the test failed half-way: the script's own trap cleans up otherwise.
    if (child?.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    if (keptDir !== undefined) rmSync(keptDir, { recursive: true, force: true });
  });

  it('narrates the failover, finds no gap and no duplicate, and cleans up', async () => {
    let output = '';
    child = spawn('bash', [path.join(ROOT, 'scripts/failover-demo.sh')], {
      cwd: ROOT,
      env: { ...process.env, DEMO_SECONDS: '24', DEMO_KEEP_DIR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so afterAll can stop everything it started
    });
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    const code = await new Promise<number | null>((resolve) => child!.on('exit', (c) => resolve(c)));
    keptDir = /\(cluster dir kept: (.+)\)/.exec(output)?.[1];

    if (code !== 0) process.stderr.write(output);
    expect(code).toBe(0);
    for (const narration of [
      /Starting a 3-node Gregor cluster/,
      /Node 2 leads partition \d/,
      /consumer \| fetching from node 2/,
      /kill -9 node 2 \(pid \d+\)/,
      /kill -9 \d+ sent by the producer with value\(s\) \d+( \d+)* in flight/,
      /consumer \| switched: now fetching from node [13] \(was node 2\)/,
      /The consumer carried on from node [13] /,
      /Restarting node 2/,
      /Node 2 is back in the ISR/,
      /Isr: .*2/,
      /Node 2 is the preferred leader of counter-\d \(first in its replica list\): once it is in sync again/,
      /Node 2 (leads counter-\d again|has not taken counter-\d back within 30 s)/,
      /consumer \| stopped; received up to \d+, no gap, no duplicate/,
      /OK: every value 0\.\.\d+ arrived exactly once and in order/,
    ]) {
      expect(output).toMatch(narration);
    }
    // No escape codes: stdout is a pipe here.
    expect(output).not.toContain('\u001b');
    // Slow sends are explained by what was happening, never "failing over" before the kill.
    const killedAt = output.indexOf('sent by the producer with value(s)');
    expect(output.slice(0, killedAt)).not.toContain('failing over');
    // Never "(from node ?)"; and nothing credited to node 2 between its kill and its return.
    expect(output).not.toContain('from node ?');
    const restartedAt = output.indexOf('Restarting node 2');
    expect(output.slice(killedAt, restartedAt)).not.toMatch(/consumer \| got .* \(from node 2\)/);
    // The node the consumer says it switched to (from the nodes' counters) is the one the script names.
    const switchedTo = /consumer \| switched: now fetching from node (\d) \(was node 2\)/.exec(output)![1];
    expect(output).toMatch(new RegExp(`The consumer carried on from node ${switchedTo} `));
    // The demo's producer and consumer are gone: by the pids it named, and
    // nothing is left in its process group (the nodes run in their own).
    const [, producerPid, consumerPid] = /producer pid (\d+), consumer pid (\d+)/.exec(output) ?? [];
    expect(producerPid).toBeDefined();
    for (const pid of [Number(producerPid), Number(consumerPid)]) expect({ pid, alive: isAlive(pid) }).toEqual({ pid, alive: false });
    expect(groupAlive(child.pid!)).toBe(false);
    // Every node process of the demo's cluster is gone.
    expect(keptDir).toBeDefined();
    const cluster = JSON.parse(readFileSync(path.join(keptDir!, 'cluster.json'), 'utf8')) as { nodes: { id: number; pid: number }[] };
    expect(cluster.nodes).toHaveLength(3);
    await pollUntil(() => cluster.nodes.every((n) => !isAlive(n.pid)), { timeoutMs: 10_000, what: 'every demo node to have exited' });
  }, 240_000);
});
