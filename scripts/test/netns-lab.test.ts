/**
 * scripts/netns.sh through NetnsLab: what cut, block and heal do to TCP
 * connections between two namespaces and the root namespace ("client"), and
 * that sweep removes the namespaces of a run whose process is gone. Needs
 * root; skipped with a message without it, a failure under CI=true.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { pollUntil, runProcess } from '@gregor/common';
import { labSupport, NETNS_SCRIPT, NetnsLab, type Endpoint } from '../src/partition/netns-lab';

const support = labSupport();
const mustRun = process.env.CI === 'true';
if (!support.ok && !mustRun) process.stderr.write(`SKIPPED scripts/test/netns-lab: ${support.reason} (CI=true makes this a failure)\n`);
const describeLab = support.ok || mustRun ? describe : describe.skip;

const PORT = 7000;
/** A dropped SYN is never answered: this long without a connection counts as unreachable. */
const UNREACHABLE_AFTER_MS = 2000;

const SERVER = `require('net').createServer((s) => s.end('ok')).listen(${PORT}, process.argv[1], () => console.log('listening'))`;
const CONNECT = `const s = require('net').connect(${PORT}, process.argv[1]);
s.setTimeout(${UNREACHABLE_AFTER_MS}, () => process.exit(1));
s.on('data', () => process.exit(0)); s.on('error', () => process.exit(1));`;

describeLab('NetnsLab (scripts/netns.sh)', () => {
  let lab: NetnsLab;
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    if (!support.ok) throw new Error(`CI=true but the network lab cannot run here: ${support.reason}`);
    lab = await NetnsLab.create(2);
    for (const node of [1, 2]) {
      const [cmd, ...args] = [...lab.launcher(node), process.execPath, '-e', SERVER, lab.address(node)];
      const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      servers.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`server in node ${node} exited with ${code}`)));
      });
    }
  });

  afterAll(async () => {
    for (const s of servers) s.kill('SIGKILL');
    await lab?.destroy();
  });

  /** Whether `from` can open a connection to `to`'s server and get its answer. */
  async function reaches(from: Endpoint, to: number): Promise<boolean> {
    if (from === 'client') {
      return new Promise((resolve) => {
        const s = connect(PORT, lab.address(to));
        s.setTimeout(UNREACHABLE_AFTER_MS, () => (s.destroy(), resolve(false)));
        s.on('data', () => (s.destroy(), resolve(true)));
        s.on('error', () => resolve(false));
      });
    }
    const [cmd, ...args] = [...lab.launcher(from), process.execPath, '-e', CONNECT, lab.address(to)];
    return (await runProcess(cmd!, args, { timeoutMs: 30_000 })).code === 0;
  }

  async function reachability(): Promise<string[]> {
    const pairs: [Endpoint, number][] = [[1, 2], [2, 1], ['client', 1], ['client', 2]];
    const reached = await Promise.all(pairs.map(([from, to]) => reaches(from, to)));
    return pairs.filter((_, i) => reached[i]).map(([from, to]) => `${from}->${to}`);
  }

  test('every namespace reaches every other, and the client reaches every node', async () => {
    expect(await reachability()).toEqual(['1->2', '2->1', 'client->1', 'client->2']);
  });

  test('cut drops both ways, several links at once; heal restores', async () => {
    await lab.cut([1, 2]);
    expect(await reachability()).toEqual(['client->1', 'client->2']);
    await lab.heal();
    await lab.cut([1, 2], ['client', 2]);
    expect(await reachability()).toEqual(['client->1']);
    await lab.heal();
    expect(await reachability()).toEqual(['1->2', '2->1', 'client->1', 'client->2']);
  });

  test('block is one-way: connections 1 opens to 2 fail, 2 still connects to 1', async () => {
    await lab.block([1, 2]);
    expect(await reachability()).toEqual(['2->1', 'client->1', 'client->2']);
    await lab.heal();
    await lab.block(['client', 1]);
    expect(await reachability()).toEqual(['1->2', '2->1', 'client->2']);
    await lab.heal();
  });

  test("block leaves alone a long-lived connection the other side opened before it, whoever sends first", async () => {
    // Node 1 sends on node 2's connection every 50 ms; node 2 only reads. The
    // first packet after the rule goes from 1 to 2: were the connection
    // picked up mid-stream, conntrack would take 1 for its opener and drop it.
    const TICKER = `require('net').createServer((s) => { s.on('error', () => {}); const t = setInterval(() => s.write('t'), 50); s.on('close', () => clearInterval(t)); }).listen(${PORT + 1}, process.argv[1], () => console.log('listening'))`;
    const READER = `const s = require('net').connect(${PORT + 1}, process.argv[1]); let n = 0; s.on('data', (d) => { n += d.length; console.log(n); }); s.on('error', () => process.exit(1));`;
    const spawnIn = (node: number, code: string, arg: string): ChildProcess => {
      const [cmd, ...args] = [...lab.launcher(node), process.execPath, '-e', code, arg];
      const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      servers.push(child);
      return child;
    };
    const ticker = spawnIn(1, TICKER, lab.address(1));
    await new Promise<void>((resolve) => ticker.stdout!.once('data', () => resolve()));
    const reader = spawnIn(2, READER, lab.address(1));
    let received = 0;
    reader.stdout!.on('data', (d: Buffer) => (received = Number(d.toString().trim().split('\n').pop())));
    await pollUntil(() => received >= 3, { timeoutMs: 10_000, what: 'ticks before the block' });
    await lab.block([1, 2]);
    const atBlock = received;
    await pollUntil(() => received >= atBlock + 10, { timeoutMs: 10_000, what: "ticks on node 2's connection after block 1 -> 2" });
    expect(await reachability()).toEqual(['2->1', 'client->1', 'client->2']);
    await lab.heal();
    ticker.kill('SIGKILL');
    reader.kill('SIGKILL');
  });

  test('sweep removes the namespaces of a run whose process is gone, and no other', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
    execFileSync('bash', [NETNS_SCRIPT, 'up', gone, '1'], { stdio: 'ignore' });
    const namespaces = (): string => execFileSync('ip', ['netns', 'list']).toString();
    expect(namespaces()).toContain(`gregor-pt-${gone}-n1`);
    execFileSync('bash', [NETNS_SCRIPT, 'sweep'], { stdio: 'ignore' });
    await pollUntil(() => !namespaces().includes(`gregor-pt-${gone}-`), { timeoutMs: 10_000, what: `run ${gone} to be swept` });
    expect(namespaces()).toContain(lab.namespace(1));
  });
});
