import { createServer } from 'node:net';
import { connect, defaultBootstrap, run, type CommonOptions } from '@gregor/cli';
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

  it('a bare group command shows its usage and exits 1', async () => {
    const res = await gregor(['topic']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Usage: gregor topic/);
  });
});

describe('--bootstrap default', () => {
  test('GREGOR_CLI_BOOTSTRAP when set (a container image sets it), else 127.0.0.1:9092', () => {
    expect(defaultBootstrap({})).toBe('127.0.0.1:9092');
    expect(defaultBootstrap({ GREGOR_CLI_BOOTSTRAP: ' ' })).toBe('127.0.0.1:9092');
    expect(defaultBootstrap({ GREGOR_CLI_BOOTSTRAP: 'gregor-1:19092,gregor-2:19093' })).toBe('gregor-1:19092,gregor-2:19093');
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
