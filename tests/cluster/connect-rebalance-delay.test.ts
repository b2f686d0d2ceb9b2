/**
 * The scheduled rebalance delay (KIP-415) on real processes: two
 * `gregor-connect distributed` workers share a file source and a 4-task
 * file sink. The worker that is not the group leader is killed with -9 and
 * started again only after its session expired: its connectors and tasks
 * were held meanwhile (the leader never runs them) and go back to the
 * restarted worker when the delay ends, so the leader's own work never
 * moves. With the delay at 0 the leader would take them at the session's end
 * and give some back after the restart. Needs the built dist (`pnpm build`).
 */
import { appendFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { ConnectProcess, connectorStatus, restOutsideRebalance, ROOT, startDistributedWorker, type ConnectorStatus } from './connect-process';
import { TestCluster } from './harness';

const DELAY_MS = 20_000;

describe('gregor-connect distributed: a worker restarted within scheduled.rebalance.max.delay.ms gets its work back', () => {
  let cluster: TestCluster;
  let dir: string;
  const workers: ConnectProcess[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(1);
    dir = mkdtempSync(path.join(tmpdir(), 'gregor-connect-delay-'));
    copyFileSync(path.join(ROOT, 'examples/connect/connect-distributed.properties'), path.join(dir, 'worker.properties'));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill9().catch(() => undefined)));
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** unit ("src", "sink-2", …) → worker id, once every unit is RUNNING. */
  const placement = async (url: string): Promise<Map<string, string> | undefined> => {
    const all: [string, ConnectorStatus | undefined][] = [['src', await connectorStatus(url, 'src')], ['sink', await connectorStatus(url, 'sink')]];
    const out = new Map<string, string>();
    for (const [name, s] of all) {
      if (s === undefined || s.connector.state !== 'RUNNING' || s.tasks.length === 0 || s.tasks.some((t) => t.state !== 'RUNNING')) return undefined;
      out.set(name, s.connector.worker_id);
      for (const t of s.tasks) out.set(`${name}-${t.id}`, t.worker_id);
    }
    return out;
  };
  const unitsOn = (p: ReadonlyMap<string, string>, worker: string): string[] => [...p].filter(([, w]) => w === worker).map(([u]) => u).sort();
  const isLeader = (w: ConnectProcess): boolean => /"leader":true[^\n]*"message":"joined the connect group"|"message":"joined the connect group"[^\n]*"leader":true/.test(w.output.split('\n').filter((l) => l.includes('joined the connect group')).at(-1) ?? '');

  test('the held units return to the restarted worker; the leader’s never move', async () => {
    const start = (i: number): Promise<ConnectProcess> => startDistributedWorker(dir, i, cluster.bootstrap(), [`scheduled.rebalance.max.delay.ms=${DELAY_MS}`]);
    workers.push(await start(0), await start(1));
    const input = path.join(dir, 'in.txt');
    appendFileSync(input, '');
    expect(await restOutsideRebalance(`${workers[0]!.url}/connectors`, 'POST', { name: 'src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'delay-lines' } })).toBe(201);
    expect(await restOutsideRebalance(`${workers[0]!.url}/connectors`, 'POST', { name: 'sink', config: { 'connector.class': 'FileStreamSink', file: path.join(dir, 'out.txt'), topics: 'delay-lines', 'tasks.max': '4' } })).toBe(201);
    // Settled: 7 units split 4/3 (the cooperative assignment moves nothing more), seen twice in a row.
    let last = '';
    const before = await pollUntil(async () => {
      const p = await placement(workers[0]!.url);
      const counts = p === undefined ? [] : [...new Set(p.values())].map((w) => unitsOn(p, w).length).sort();
      const seen = JSON.stringify(p === undefined ? null : [...p]);
      const settled = JSON.stringify(counts) === '[3,4]' && seen === last;
      last = seen;
      return settled ? p : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: 'all 7 units RUNNING, split 4/3 over both workers, twice in a row' });

    const leader = workers.find(isLeader)!;
    const victim = workers.find((w) => w !== leader)!;
    const leaderId = leader.url.replace('http://', '');
    const victimId = victim.url.replace('http://', '');
    const leaderUnits = unitsOn(before, leaderId);
    const victimUnits = unitsOn(before, victimId);
    expect(leaderUnits.length + victimUnits.length).toBe(7);

    await victim.kill9();
    workers.splice(workers.indexOf(victim), 1);
    // The session ends and the leader holds the dead worker's units instead of running them.
    await pollUntil(() => leader.output.includes("holding a departed worker's connectors and tasks"), { timeoutMs: 30_000, what: 'the leader to hold the departed worker’s units' });
    const restarted = await start(2);
    workers.push(restarted);
    const restartedId = restarted.url.replace('http://', '');
    // Sampled until the held units run again: the leader's own never change (a change ends the wait and fails below).
    const after = await pollUntil(async () => {
      const p = await placement(leader.url);
      if (p !== undefined && JSON.stringify(unitsOn(p, leaderId)) !== JSON.stringify(leaderUnits)) return p;
      return p !== undefined && unitsOn(p, restartedId).length > 0 ? p : undefined;
    }, { timeoutMs: DELAY_MS + 60_000, intervalMs: 200, what: 'the held units RUNNING on the restarted worker' });
    expect(unitsOn(after, restartedId)).toEqual(victimUnits);
    expect(unitsOn(after, leaderId)).toEqual(leaderUnits);
    for (const w of workers.splice(0)) expect(await w.stop()).toBe(0);
  }, 180_000);
});
