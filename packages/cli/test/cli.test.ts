import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { awaitBootstrap, connect, resolveBootstrap, run, tcpCanConnect, type CommonOptions } from '@gregor/cli';
import { captureIO } from './helpers';
import { outOfRangeNote } from '../src/commands/consume';

/** A port nothing listens on. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Like the CLI's connect, with a short budget so "no broker" answers fast. */
const quickConnect: typeof connect = (opts: CommonOptions, extra = {}) => connect(opts, { defaultApiTimeoutMs: 300, retry: { initialBackoffMs: 10, maxBackoffMs: 50 }, ...extra });

async function gregor(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = captureIO(stdin);
  const code = await run(args, c.io, quickConnect);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

describe('gregor argument parsing (exit 1 = usage)', () => {
  it.each([
    [['topic', 'create'], /missing required argument 'name'/],
    [['topic', 'create', 't', '--partitions', 'zero'], /--partitions must be an integer/],
    [['topic', 'create', 't', '--partitions', '0'], /--partitions must be between 1/],
    [['topic', 'create', 't', '--config', 'novalue'], /expected key=value/],
    [['topic', 'create', 'bad name!'], /INVALID_TOPIC_EXCEPTION: topic name "bad name!" is illegal/],
    [['topic', 'delete', '..'], /INVALID_TOPIC_EXCEPTION/],
    [['topic', 'frobnicate'], /unknown command 'frobnicate'/],
    [['produce', 't', '--acks', '2'], /--acks must be 0, 1, all or -1/],
    [['produce', 't', '--key-separator', ''], /--key-separator must not be empty/],
    [['consume', 't', '--group', 'g1', '--partition', '0'], /--group cannot be used with --partition or --offset/],
    [['group', 'reset-offsets', 'g', '--topic', 't'], /exactly one of --to-earliest, --to-latest, --to-offset N, --to-datetime ISO/],
    [['group', 'reset-offsets', 'g', '--topic', 't', '--to-earliest', '--to-latest'], /exactly one of/],
    [['group', 'reset-offsets', 'g', '--to-earliest'], /required option '--topic <topic>'/],
    [['group', 'reset-offsets', 'g', '--topic', 't', '--to-datetime', 'yesterday'], /--to-datetime must be ISO 8601/],
    [['group', 'reset-offsets', 'g', '--topic', 't', '--to-offset', '-3'], /--to-offset must be a non-negative integer/],
    [['group', 'describe'], /missing required argument 'group'/],
    [['consume', 't', '--group', 'g', '--consumer-property', 'no.such=1'], /--consumer-property: unknown key "no.such"/],
    [['consume', 't', '--group', 'g', '--consumer-property', 'session.timeout.ms=soon'], /session.timeout.ms must be a positive integer/],
    [['consume', 't', '--group', 'g', '--consumer-property', 'partition.assignment.strategy=sticky'], /unknown assignor "sticky"/],
    [['consume', 't', '--from-beginning', '--offset', '5', '--partition', '0'], /cannot be used together/],
    [['consume', 't', '--offset', '5'], /--offset N needs --partition/],
    [['consume', 't', '--offset', 'soon'], /--offset must be a non-negative integer, earliest or latest/],
    [['consume', 't', '--max-messages', '0'], /--max-messages must be between 1/],
    [['topic', 'list', '--bootstrap', 'nohostport'], /--bootstrap: bootstrap address "nohostport" is not host:port/],
    [['topic', 'list', '--nope'], /unknown option '--nope'/],
    [['nosuchcommand'], /unknown command/],
    [['consume', 't', '--partition', '0', '--offset', '18446744073709551621'], /--offset must be at most 9223372036854775807, got 18446744073709551621/],
    [['consume', 't', '--partition', '0', '--offset', '9223372036854775808'], /--offset must be at most 9223372036854775807/],
    [['topic', 'list', '--bootstrap', '127.0.0.1:99999'], /--bootstrap: bootstrap address "127.0.0.1:99999": port must be between 1 and 65535/],
    [['topic', 'list', '--bootstrap', 'a:9092,127.0.0.1:0'], /port must be between 1 and 65535/],
    [['group', 'describe', ''], /group id must not be empty/],
    [['group', 'delete', 'g', ' '], /group id must not be empty/],
  ])('gregor %j exits 1', async (args, message) => {
    const res = await gregor(args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
    expect(res.stdout).toBe('');
  });

  it('prints help on stdout and exits 0', async () => {
    const res = await gregor(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Usage: gregor/);
    expect(res.stdout).toMatch(/topic/);
    expect(res.stdout).toMatch(/produce/);
    expect(res.stdout).toMatch(/consume/);
    const sub = await gregor(['consume', '--help']);
    expect(sub.code).toBe(0);
    for (const flag of ['--from-beginning', '--offset', '--partition', '--max-messages', '--timeout-ms', '--print-key', '--print-offset', '--group', '--bootstrap', '--json']) {
      expect(sub.stdout).toContain(flag);
    }
  });

  it('--version prints the version and exits 0', async () => {
    const res = await gregor(['--version']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('help shows a default only when it says something, and never twice', async () => {
    for (const cmd of [['consume'], ['produce'], ['topic', 'create'], ['group', 'reset-offsets'], ['dev-cluster', 'up'], ['cluster', 'status']]) {
      const res = await gregor([...cmd, '--help']);
      expect(res.code).toBe(0);
      const text = res.stdout.replace(/\s+/g, ' ');
      expect({ cmd, noise: text.match(/\(default: (false|\{\})\)/g) }).toEqual({ cmd, noise: null });
      // One option's description, up to the next option: at most one "(default:".
      for (const option of text.split(/ (?=--[a-z])/)) expect(option.split('(default:').length - 1).toBeLessThanOrEqual(1);
    }
    expect((await gregor(['consume', '--help'])).stdout).toMatch(/--from-beginning\s+start at the earliest offset \(default:\s+only new records\)\n/);
  });

  it('a bare group command shows its usage and exits 1', async () => {
    const res = await gregor(['topic']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Usage: gregor topic/);
  });
});

describe('--bootstrap default', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'gregor-cli-bootstrap-'));
    mkdirSync(path.join(root, 'repo', '.gregor', 'cluster'), { recursive: true });
    mkdirSync(path.join(root, 'repo', 'examples'), { recursive: true });
    mkdirSync(path.join(root, 'elsewhere'), { recursive: true });
    const nodes = [1, 2, 3].map((id) => ({ id, grpc: `127.0.0.1:${21091 + id}` }));
    writeFileSync(path.join(root, 'repo', '.gregor', 'cluster', 'cluster.json'), JSON.stringify({ basePort: 21092, nodes }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const place = (cwd: string, env: NodeJS.ProcessEnv = {}, clusterRoots: string[] = []) => ({ env, cwd: path.join(root, cwd), clusterRoots });
  const cluster = '127.0.0.1:21092,127.0.0.1:21093,127.0.0.1:21094';

  test('--bootstrap, else GREGOR_CLI_BOOTSTRAP, else every node of the dev cluster found from the cwd, else the three default ports', () => {
    expect(resolveBootstrap('h:1', place('repo', { GREGOR_CLI_BOOTSTRAP: 'e:2' }))).toEqual({ list: 'h:1', source: '--bootstrap' });
    expect(resolveBootstrap(undefined, place('repo', { GREGOR_CLI_BOOTSTRAP: 'gregor-1:19092,gregor-2:19093' }))).toEqual({
      list: 'gregor-1:19092,gregor-2:19093',
      source: 'GREGOR_CLI_BOOTSTRAP',
    });
    expect(resolveBootstrap(undefined, place('repo', { GREGOR_CLI_BOOTSTRAP: ' ' }))).toEqual({ list: cluster, source: 'the nodes of the dev cluster in .gregor/cluster' });
    // From a subdirectory, as git finds .git.
    expect(resolveBootstrap(undefined, place('repo/examples')).list).toBe(cluster);
    // Elsewhere: the repository the CLI was built in, else the default ports.
    expect(resolveBootstrap(undefined, place('elsewhere', {}, [path.join(root, 'repo')])).list).toBe(cluster);
    expect(resolveBootstrap(undefined, place('elsewhere'))).toEqual({ list: '127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094', source: 'the default ports' });
  });

  test('a command without --bootstrap connects to every node of the dev cluster', async () => {
    const seen: (string | undefined)[] = [];
    const recording = ((opts: CommonOptions) => {
      seen.push(opts.bootstrap);
      throw new Error('stop here');
    }) as unknown as typeof connect;
    const c = captureIO();
    await run(['topic', 'list'], { ...c.io, place: place('repo/examples') }, recording);
    expect(seen).toEqual([cluster]);
  });

  test('dev-cluster commands default --dir to that same .gregor/cluster', async () => {
    const c = captureIO();
    expect(await run(['dev-cluster', 'status', '--json'], { ...c.io, place: place('repo/examples') })).toBe(0);
    const status = JSON.parse(c.stdout()) as { nodes: { grpc: string }[]; status: { id: number; alive: boolean }[] };
    expect(status.nodes.map((n) => n.grpc).join(',')).toBe(cluster);
    expect(status.status.map((n) => [n.id, n.alive])).toEqual([[1, false], [2, false], [3, false]]);
    // Nothing found: ./.gregor/cluster, named in the error.
    const none = captureIO();
    expect(await run(['dev-cluster', 'status'], { ...none.io, place: place('elsewhere') })).toBe(1);
    expect(none.stderr()).toContain(`no dev cluster in ${path.join(root, 'elsewhere', '.gregor', 'cluster')}`);
  });

  test('when nothing answers it says so on stderr while it retries, then fails naming --bootstrap, GREGOR_CLI_BOOTSTRAP and dev-cluster status', async () => {
    const notes: string[] = [];
    const timings = { noteAfterMs: 50, giveUpAfterMs: 600, intervalMs: 20 };
    const never = (): Promise<boolean> => Promise.resolve(false);
    const err = await awaitBootstrap({ list: 'a:1,b:2', source: 'GREGOR_CLI_BOOTSTRAP' }, ['a:1', 'b:2'], never, (t) => notes.push(t), new AbortController().signal, timings).catch(
      (e: unknown) => e as Error,
    );
    expect(String(err)).toMatch(/^GregorError: NETWORK_EXCEPTION: no broker answers at a:1, b:2 \(GREGOR_CLI_BOOTSTRAP\) after 1 s\./);
    for (const hint of ['--bootstrap', 'GREGOR_CLI_BOOTSTRAP', 'gregor dev-cluster status']) expect(String(err)).toContain(hint);
    expect(notes.length).toBeGreaterThanOrEqual(1);
    expect(notes[0]).toMatch(/^no broker answers at a:1, b:2 \(GREGOR_CLI_BOOTSTRAP\) \(\d+ s so far\); retrying/);
  });

  test('one broker accepting a connection is enough, and a real listener counts', async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const live = `127.0.0.1:${(server.address() as { port: number }).port}`;
    const dead = `127.0.0.1:${await deadPort()}`;
    try {
      expect(await tcpCanConnect(dead, 1000)).toBe(false);
      expect(await tcpCanConnect(live, 1000)).toBe(true);
      const notes: string[] = [];
      await awaitBootstrap({ list: `${dead},${live}`, source: '--bootstrap' }, [dead, live], tcpCanConnect, (t) => notes.push(t), new AbortController().signal);
      expect(notes).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('gregor server errors (exit 2)', () => {
  it('names NETWORK_EXCEPTION when no broker answers', async () => {
    const port = await deadPort();
    const res = await gregor(['topic', 'list', '--bootstrap', `127.0.0.1:${port}`]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^NETWORK_EXCEPTION: no broker answered/);
  });

  it('prints the error as JSON with --json', async () => {
    const port = await deadPort();
    const res = await gregor(['topic', 'describe', 'x', '--json', '--bootstrap', `127.0.0.1:${port}`]);
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stderr)).toMatchObject({ error: 'NETWORK_EXCEPTION', code: 13, retriable: true });
  });
});

describe('consume --offset outside the log', () => {
  test('says where the consumer reads instead, per auto.offset.reset; nothing inside [start, end]', () => {
    expect(outOfRangeNote(500n, 10n, 20n, 'latest')).toBe('offset 500 is out of range [10, 20); auto.offset.reset=latest → reading from 20');
    expect(outOfRangeNote(3n, 10n, 20n, 'earliest')).toBe('offset 3 is out of range [10, 20); auto.offset.reset=earliest → reading from 10');
    expect(outOfRangeNote(3n, 10n, 20n, 'none')).toMatch(/OFFSET_OUT_OF_RANGE/);
    expect(outOfRangeNote(10n, 10n, 20n, 'latest')).toBeUndefined();
    expect(outOfRangeNote(20n, 10n, 20n, 'latest')).toBeUndefined();
  });
});
