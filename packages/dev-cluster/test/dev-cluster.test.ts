import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DevClusterError,
  clusterDown,
  clusterStatus,
  clusterUp,
  findFreeBasePort,
  isAlive,
  isNodeCommand,
  killNode,
  layoutPorts,
  nodeFlagsOf,
  nodeLayout,
  nodeProperties,
  quorumVoters,
  readClusterFile,
  restartNode,
} from '@gregor/dev-cluster';

const fakeNode = path.join(__dirname, 'fixtures', 'fake-node.js');

describe('layout', () => {
  it('shifts all four listeners with the base port', () => {
    const n2 = nodeLayout(2, 9092, '/d');
    expect([n2.clientPort, n2.controllerPort, n2.httpPort, n2.kafkaPort]).toEqual([9093, 9193, 9293, 9393]);
    expect(quorumVoters([nodeLayout(1, 9092, '/d'), n2])).toBe('1@127.0.0.1:9192,2@127.0.0.1:9193');
  });

  it('layoutPorts lists all four listeners of every node, each port once', () => {
    const ports = layoutPorts(2, 9092);
    expect(ports.map((p) => [p.nodeId, p.listener, p.port])).toEqual([
      [1, 'client', 9092],
      [1, 'controller', 9192],
      [1, 'HTTP', 9292],
      [1, 'Kafka', 9392],
      [2, 'client', 9093],
      [2, 'controller', 9193],
      [2, 'HTTP', 9293],
      [2, 'Kafka', 9393],
    ]);
  });

  it("sizes the nodes' topic defaults to the cluster, so one dead node of three leaves every partition a leader and acks=all working", () => {
    const props = (nodes: number, extra?: Record<string, string>): Record<string, string> => {
      const all = Array.from({ length: nodes }, (_, i) => nodeLayout(i + 1, 9092, '/d'));
      const text = nodeProperties(all[0]!, all, extra);
      return Object.fromEntries(text.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
    };
    const defaults = (p: Record<string, string>): [string | undefined, string | undefined] => [p['default.replication.factor'], p['min.insync.replicas']];
    expect(defaults(props(1))).toEqual(['1', '1']);
    expect(defaults(props(2))).toEqual(['2', '1']);
    expect(defaults(props(3))).toEqual(['3', '2']);
    expect(defaults(props(5))).toEqual(['3', '2']);
    // --config still wins.
    expect(defaults(props(3, { 'default.replication.factor': '1', 'min.insync.replicas': '1' }))).toEqual(['1', '1']);
  });
});

describe('isNodeCommand', () => {
  const node = { id: 1, pid: 1, grpc: '', controller: '', http: '', dataDir: '/c/node-1', logFile: '/c/node-1.log', configFile: '/c/node-1.properties', nodeBin: '/w/node/dist/bin.js' };
  it('matches the bin followed by --config and this node\'s config file, nothing else', () => {
    expect(isNodeCommand(['/usr/bin/node', '--max-semi-space-size=16', '/w/node/dist/bin.js', '--config', '/c/node-1.properties'], node)).toBe(true);
    // Another node of the same cluster, a node of another cluster, another program, another bin with this config.
    expect(isNodeCommand(['node', '/w/node/dist/bin.js', '--config', '/c/node-2.properties'], node)).toBe(false);
    expect(isNodeCommand(['node', '/w/node/dist/bin.js', '--config', '/other/node-1.properties'], node)).toBe(false);
    expect(isNodeCommand(['sleep', '100'], node)).toBe(false);
    expect(isNodeCommand(['node', '/tmp/x.js', '--config', '/c/node-1.properties'], node)).toBe(false);
    // A cluster.json written before nodeBin was recorded: the config file alone decides.
    const { nodeBin: _bin, ...old } = node;
    expect(isNodeCommand(['node', '/w/node/dist/bin.js', '--config', '/c/node-1.properties'], old)).toBe(true);
    expect(isNodeCommand(['node', '/w/node/dist/bin.js', '--config', '/c/node-2.properties'], old)).toBe(false);
  });
});

describe('nodeFlagsOf', () => {
  it("reads the V8 flags gregor-node declares on its shebang line, and none from a plain one", () => {
    const flags = nodeFlagsOf(path.resolve(__dirname, '../../node/src/bin.ts'));
    expect(flags).toContain('--initial-old-space-size=256');
    expect(flags.every((f) => f.startsWith('--'))).toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'gregor-nodeflags-'));
    const plain = path.join(dir, 'plain.js');
    writeFileSync(plain, '#!/usr/bin/env node\nconsole.log(1)\n');
    expect(nodeFlagsOf(plain)).toEqual([]);
    writeFileSync(plain, 'console.log(1)\n');
    expect(nodeFlagsOf(plain)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('findFreeBasePort', () => {
  it('keeps every listener of the layout below the ephemeral port range', async () => {
    // Extremes of the random source first, then ordinary draws.
    const draws = [0, 0.999999, ...Array.from({ length: 50 }, () => Math.random())];
    let i = 0;
    const random = (): number => draws[i++ % draws.length]!;
    for (let k = 0; k < 10; k++) {
      const base = await findFreeBasePort(3, '127.0.0.1', random);
      expect(base).toBeGreaterThanOrEqual(10000);
      expect(base + 300 + 2).toBeLessThan(32768);
      // Whole slots: two layouts of up to 100 nodes never overlap.
      expect((base - 10000) % 400).toBe(0);
    }
  });
});

describe('dev-cluster process management (fake nodes)', () => {
  const dirs: string[] = [];
  const decoys: ChildProcess[] = [];
  const servers: Server[] = [];
  const newDir = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'gregor-devcluster-'));
    dirs.push(d);
    return d;
  };

  afterAll(async () => {
    for (const c of decoys) c.kill('SIGKILL');
    for (const srv of servers) srv.close();
    for (const d of dirs) {
      try {
        await clusterDown(d, 2000);
      } catch {
        /* no cluster there */
      }
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('up writes cluster.json, kill/restart/status/down work', async () => {
    const dir = newDir();
    const basePort = await findFreeBasePort(3);
    const progress: string[] = [];
    const cluster = await clusterUp({ dir, nodes: 3, basePort, nodeBin: fakeNode, onProgress: (m) => progress.push(m) });
    expect(cluster.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    // The flags on the script's shebang line reach the process started through `node`.
    expect(readFileSync(`/proc/${cluster.nodes[0]!.pid}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=16');
    const file = JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8'));
    expect(file.nodes[1]).toMatchObject({
      id: 2,
      grpc: `127.0.0.1:${basePort + 1}`,
      controller: `127.0.0.1:${basePort + 101}`,
      http: `http://127.0.0.1:${basePort + 201}`,
    });
    expect(readFileSync(path.join(dir, 'node-1.properties'), 'utf8')).toContain(
      `controller.quorum.voters=1@127.0.0.1:${basePort + 100},2@127.0.0.1:${basePort + 101},3@127.0.0.1:${basePort + 102}`,
    );
    expect(progress.filter((m) => m.endsWith('is ready'))).toHaveLength(3);

    await expect(clusterUp({ dir, nodes: 3, basePort, nodeBin: fakeNode })).rejects.toThrow(/already running/);

    const killed = await killNode(dir, 2);
    expect(killed.processBefore).toBe('running');
    expect(isAlive(killed.pid)).toBe(false);
    // Killing it again signals nothing and says so.
    expect((await killNode(dir, 2)).processBefore).toBe('down');
    const status = await clusterStatus(dir);
    expect(status.map((s) => [s.id, s.alive, s.ready])).toEqual([
      [1, true, true],
      [2, false, false],
      [3, true, true],
    ]);

    const restartNotes: string[] = [];
    const restarted = await restartNode(dir, 2, { nodeBin: fakeNode, onProgress: (m) => restartNotes.push(m) });
    expect(restarted.pid).not.toBe(killed.pid);
    // What a silent minute would hide: what was started, and what it waits for.
    expect(restartNotes[0]).toBe(`started node 2 (pid ${restarted.pid}, client 127.0.0.1:${basePort + 1}, log ${path.join(dir, 'node-2.log')})`);
    expect(restartNotes[1]).toMatch(new RegExp(`^waiting for node 2 \\(pid ${restarted.pid}\\) to be ready at http://127\\.0\\.0\\.1:${basePort + 201}/readyz `));
    expect(restartNotes[restartNotes.length - 1]).toBe('node 2 is ready');
    expect(readClusterFile(dir).nodes[1]!.pid).toBe(restarted.pid);
    expect((await clusterStatus(dir)).every((s) => s.ready)).toBe(true);

    // No progress callback: the stop must not depend on one.
    await clusterDown(dir, 5000);
    expect((await clusterStatus(dir)).some((s) => s.alive)).toBe(false);
  });

  it('placement: each node on its own host and under its launcher, on restart too', async () => {
    const dir = newDir();
    const basePort = await findFreeBasePort(2);
    // 127.0.0.x are all loopback on Linux; `env` execs the node in place, as `ip netns exec` does.
    const placement = (id: number): { host: string; launcher: string[] } => ({ host: `127.0.0.${id + 1}`, launcher: ['env', `PLACED_AS=${id}`] });
    const environOf = (pid: number): string[] => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const cluster = await clusterUp({ dir, nodes: 2, basePort, nodeBin: fakeNode, placement });
    expect(cluster.nodes.map((n) => [n.grpc, n.launcher])).toEqual([
      [`127.0.0.2:${basePort}`, ['env', 'PLACED_AS=1']],
      [`127.0.0.3:${basePort + 1}`, ['env', 'PLACED_AS=2']],
    ]);
    expect(readFileSync(path.join(dir, 'node-2.properties'), 'utf8')).toContain(`controller.quorum.voters=1@127.0.0.2:${basePort + 100},2@127.0.0.3:${basePort + 101}`);
    expect(environOf(cluster.nodes[1]!.pid)).toContain('PLACED_AS=2');
    const restarted = await restartNode(dir, 2, { nodeBin: fakeNode });
    expect(environOf(restarted.pid)).toContain('PLACED_AS=2');
    await clusterDown(dir, 5000);
    expect((await clusterStatus(dir)).some((s) => s.alive)).toBe(false);
  });

  it('reports a node that exits during start-up with its log, and leaves nothing running', async () => {
    const dir = newDir();
    const basePort = await findFreeBasePort(3);
    await expect(
      clusterUp({ dir, nodes: 3, basePort, nodeBin: fakeNode, env: { ...process.env, FAKE_NODE_FAIL: '1' }, readyTimeoutMs: 10_000 }),
    ).rejects.toThrow(/node 1 .* exited during start-up[\s\S]*bogus\.key/);
    expect((await clusterStatus(dir)).some((s) => s.alive)).toBe(false);
  });

  it('kill, restart, down and status leave alone a process that took a dead node\'s pid', async () => {
    const dir = newDir();
    const other = newDir();
    const [base, otherBase] = [await findFreeBasePort(1), await findFreeBasePort(1)];
    const [mine] = (await clusterUp({ dir, nodes: 1, basePort: base, nodeBin: fakeNode })).nodes;
    // Another gregor-node (same bin, another cluster) and an unrelated program.
    const [otherNode] = (await clusterUp({ dir: other, nodes: 1, basePort: otherBase, nodeBin: fakeNode })).nodes;
    const decoy = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    decoys.push(decoy);
    expect(mine!.nodeBin).toBe(fakeNode);
    await killNode(dir, 1);
    const withPid = (pid: number): void => {
      const file = readClusterFile(dir);
      file.nodes[0]!.pid = pid;
      writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(file));
    };

    for (const reused of [otherNode!.pid, decoy.pid!]) {
      withPid(reused);
      expect((await killNode(dir, 1)).processBefore).toBe('other-process');
      expect((await clusterStatus(dir))[0]!.alive).toBe(false);
      const notes: string[] = [];
      await clusterDown(dir, 2000, (m) => notes.push(m));
      expect(notes).toEqual([`node 1 is already down (pid ${reused} now belongs to another process, left alone)`]);
      expect(isAlive(reused)).toBe(true);
    }

    // up in the same dir is not refused as "already running" because of a reused pid.
    await expect(clusterUp({ dir, nodes: 1, basePort: base, nodeBin: fakeNode })).resolves.toBeDefined();
    await killNode(dir, 1);
    withPid(decoy.pid!);
    const notes: string[] = [];
    const restarted = await restartNode(dir, 1, { onProgress: (m) => notes.push(m) });
    expect(notes[0]).toBe(`node 1 is already down (pid ${decoy.pid} now belongs to another process, left alone)`);
    expect(isAlive(decoy.pid!)).toBe(true);
    // No nodeBin given: the restart runs the bin the node ran before (the fake one here).
    expect(restarted.nodeBin).toBe(fakeNode);
    expect((await clusterStatus(dir))[0]).toMatchObject({ pid: restarted.pid, alive: true, ready: true });
    const downNotes: string[] = [];
    await clusterDown(dir, 2000, (m) => downNotes.push(m));
    expect(downNotes).toEqual([`node 1 (pid ${restarted.pid}): terminated`]);
    expect(isAlive(restarted.pid)).toBe(false);
    expect(isAlive(otherNode!.pid)).toBe(true);
  });

  it('refuses a base port whose layout has a port in use, before starting any node', async () => {
    const dir = newDir();
    const basePort = await findFreeBasePort(3);
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(basePort + 201, '127.0.0.1', resolve));
    const err = await clusterUp({ dir, nodes: 3, basePort, nodeBin: fakeNode }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DevClusterError);
    expect((err as Error).message).toBe(
      `port ${basePort + 201} on 127.0.0.1 (node 2's HTTP listener with --base-port ${basePort}) is already in use; ` +
        'pick another --base-port (node i uses P+i-1, P+100+i-1, P+200+i-1 and P+300+i-1)',
    );
    expect(existsSync(path.join(dir, 'cluster.json'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    await expect(clusterUp({ dir, nodes: 3, basePort: 65300, nodeBin: fakeNode })).rejects.toThrow(/does not fit 3 node\(s\): the layout needs ports 65300\.\.65602/);
  });

  it('ties the nodes to this process unless the cluster is persistent (and a restart keeps the tie)', async () => {
    const args = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    const owned = newDir();
    const [node] = (await clusterUp({ dir: owned, nodes: 1, basePort: await findFreeBasePort(1), nodeBin: fakeNode })).nodes;
    expect(args(node!.pid).slice(-2)).toEqual(['--exit-with-pid', String(process.pid)]);
    const restarted = await restartNode(owned, 1);
    expect(args(restarted.pid).slice(-2)).toEqual(['--exit-with-pid', String(process.pid)]);
    const kept = newDir();
    const [persistent] = (await clusterUp({ dir: kept, nodes: 1, basePort: await findFreeBasePort(1), nodeBin: fakeNode, persistent: true })).nodes;
    expect(args(persistent!.pid)).not.toContain('--exit-with-pid');
    expect(readClusterFile(kept).nodes[0]!.ownerPid).toBeUndefined();
  });

  it('refuses an unknown node id', async () => {
    const dir = newDir();
    await clusterUp({ dir, nodes: 1, basePort: await findFreeBasePort(1), nodeBin: fakeNode });
    await expect(killNode(dir, 7)).rejects.toThrow(/no node 7/);
    await expect(killNode(dir, 7)).rejects.toBeInstanceOf(DevClusterError);
  });

  it('names the directory when there is no cluster in it (a DevClusterError, not a node failure)', async () => {
    const empty = newDir();
    const missing = path.join(empty, 'nowhere');
    for (const [dir, why] of [
      [empty, `${path.join(empty, 'cluster.json')} does not exist`],
      [missing, 'the directory does not exist'],
    ] as const) {
      const attempts: (() => unknown)[] = [() => readClusterFile(dir), () => clusterStatus(dir), () => clusterDown(dir), () => killNode(dir, 1), () => restartNode(dir, 1)];
      for (const attempt of attempts) {
        const err = await Promise.resolve().then(attempt).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(DevClusterError);
        expect((err as Error).message).toBe(`no dev cluster in ${dir} (${why}); start one with "gregor dev-cluster up --dir ${dir}"`);
      }
    }
    writeFileSync(path.join(empty, 'cluster.json'), '{ not json');
    expect(() => readClusterFile(empty)).toThrow(DevClusterError);
    expect(() => readClusterFile(empty)).toThrow(/cluster\.json is not a cluster file/);
  });
});
