import fc from 'fast-check';
import {
  ConfigError,
  parseSmapsRollup,
  readProcessMemory,
  ERRORS,
  GregorError,
  backoffMs,
  envKeyToConfigKey,
  errorNameForCode,
  loadConfig,
  parseProperties,
  topicNameProblem,
  toGregorError,
  withRetry,
  type ConfigSchema,
} from '@gregor/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('errors', () => {
  it('uses Kafka numbers and names', () => {
    expect(ERRORS.NOT_LEADER_OR_FOLLOWER.code).toBe(6);
    expect(ERRORS.MESSAGE_TOO_LARGE.code).toBe(10);
    expect(ERRORS.OUT_OF_ORDER_SEQUENCE_NUMBER.code).toBe(45);
    expect(errorNameForCode(3)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(errorNameForCode(12345)).toBe('UNKNOWN_SERVER_ERROR');
  });

  it('has one name per code', () => {
    const codes = Object.values(ERRORS).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('carries code, retriable and context', () => {
    const err = new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved', { topic: 't', partition: 1, leaderHint: 2 });
    expect(err.message).toBe('NOT_LEADER_OR_FOLLOWER: moved');
    expect(err.code).toBe(6);
    expect(err.retriable).toBe(true);
    expect(err.context.leaderHint).toBe(2);
    expect(toGregorError(new Error('boom')).errorName).toBe('UNKNOWN_SERVER_ERROR');
    expect(toGregorError(err)).toBe(err);
  });

  it('builds one without stack frames, and leaves the stack limit as it was', () => {
    const limit = Error.stackTraceLimit;
    const err = GregorError.withoutStack('NOT_LEADER_OR_FOLLOWER', 'becoming the leader', { topic: 't', partition: 0 });
    expect(err).toBeInstanceOf(GregorError);
    expect(err.errorName).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(err.code).toBe(6);
    expect(err.context.partition).toBe(0);
    expect(err.stack ?? '').not.toContain('    at ');
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved').stack).toContain('    at ');
  });
});

describe('topic names (Kafka rule)', () => {
  it('accepts legal names and rejects the rest', () => {
    expect(topicNameProblem('orders.v1_a-b')).toBeUndefined();
    expect(topicNameProblem('a'.repeat(249))).toBeUndefined();
    for (const bad of ['', '.', '..', 'a'.repeat(250), 'has space', 'ümlaut', 'a/b']) {
      expect(topicNameProblem(bad)).toBeDefined();
    }
  });

  it('agrees with the regex for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const legal = /^[a-zA-Z0-9._-]{1,249}$/.test(s) && s !== '.' && s !== '..';
        expect(topicNameProblem(s) === undefined).toBe(legal);
      }),
    );
  });
});

describe('config', () => {
  const schema: ConfigSchema = {
    'node.id': { type: 'int', doc: 'id', min: 0 },
    'log.dirs': { type: 'string', doc: 'dir', default: '/tmp/x' },
    'process.roles': { type: 'list', doc: 'roles', default: ['broker', 'controller'], oneOf: ['broker', 'controller'] },
    'auto.create.topics.enable': { type: 'boolean', doc: 'auto', default: false },
  };

  it('layers file < env < overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gregor-config-'));
    const file = join(dir, 'node.properties');
    writeFileSync(file, '# comment\nnode.id=1\nlog.dirs = /data/a\n');
    const cfg = loadConfig(schema, {
      file,
      env: { GREGOR_LOG_DIRS: '/data/b', PATH: '/bin' },
      overrides: { 'auto.create.topics.enable': 'true' },
    });
    expect(cfg).toEqual({
      'node.id': 1,
      'log.dirs': '/data/b',
      'process.roles': ['broker', 'controller'],
      'auto.create.topics.enable': true,
    });
  });

  it('names the key on unknown, invalid and missing settings', () => {
    expect(() => loadConfig(schema, { overrides: { 'node.id': '1', 'no.such.key': 'x' } })).toThrow(/no\.such\.key/);
    expect(() => loadConfig(schema, { overrides: { 'node.id': 'one' } })).toThrow(/"node\.id".*integer/);
    expect(() => loadConfig(schema, { overrides: { 'node.id': '-1' } })).toThrow(/"node\.id".*minimum/);
    expect(() => loadConfig(schema, { overrides: { 'node.id': '1', 'process.roles': 'broker,zk' } })).toThrow(
      /"process\.roles".*"zk"/,
    );
    expect(() => loadConfig(schema, {})).toThrow(ConfigError);
    expect(() => loadConfig(schema, { env: { GREGOR_BOGUS: '1' }, overrides: { 'node.id': '1' } })).toThrow(/bogus/);
  });

  it('maps env names and parses properties', () => {
    expect(envKeyToConfigKey('GREGOR_NODE_ID')).toBe('node.id');
    expect(envKeyToConfigKey('HOME')).toBeUndefined();
    expect(parseProperties('a=1\n! c\nb: two words\n')).toEqual({ a: '1', b: 'two words' });
    expect(() => parseProperties('novalue')).toThrow(ConfigError);
  });
});

describe('retry', () => {
  it('retries retriable errors with bounded backoff, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new GregorError('NOT_LEADER_OR_FOLLOWER', 'x');
        return 'ok';
      },
      {
        retries: 5,
        initialBackoffMs: 100,
        maxBackoffMs: 1000,
        isRetriable: (e) => e instanceof GregorError && e.retriable,
        sleep: async (ms) => {
          delays.push(ms);
        },
        random: () => 1,
      },
    );
    expect(result).toBe('ok');
    expect(delays).toEqual([100, 200]);
  });

  it('does not retry non-retriable errors and gives up after the limit', async () => {
    let calls = 0;
    const opts = {
      retries: 2,
      initialBackoffMs: 1,
      maxBackoffMs: 1,
      isRetriable: (e: unknown) => e instanceof GregorError && e.retriable,
      sleep: async () => undefined,
    };
    await expect(
      withRetry(async () => {
        calls++;
        throw new GregorError('INVALID_CONFIG', 'no');
      }, opts),
    ).rejects.toThrow('INVALID_CONFIG');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new GregorError('REQUEST_TIMED_OUT', 'slow');
      }, opts),
    ).rejects.toThrow('REQUEST_TIMED_OUT');
    expect(calls).toBe(3);
  });

  it('keeps backoff within [ceiling/2, ceiling]', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const d = backoffMs(attempt, 50, 5000, () => r);
        const ceiling = Math.min(5000, 50 * 2 ** Math.min(attempt, 20));
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(d).toBeLessThanOrEqual(ceiling);
      }),
    );
  });
});

describe('parseSmapsRollup', () => {
  test('reads Rss and Anonymous (kB) into bytes; file-backed is the rest', () => {
    const text = ['00400000-7ffd [rollup]', 'Rss:              307200 kB', 'Pss:              300000 kB', 'Anonymous:        204800 kB', 'Swap:                  0 kB'].join('\n');
    expect(parseSmapsRollup(text)).toEqual({ rssBytes: 300 * 1024 * 1024, anonymousBytes: 200 * 1024 * 1024, fileBytes: 100 * 1024 * 1024 });
  });

  test('undefined when a field is missing; readProcessMemory of this process is plausible or undefined off Linux', () => {
    expect(parseSmapsRollup('Rss: 10 kB')).toBeUndefined();
    const self = readProcessMemory();
    if (process.platform === 'linux') expect(self!.anonymousBytes).toBeGreaterThan(0);
    else expect(self).toBeUndefined();
  });
});
