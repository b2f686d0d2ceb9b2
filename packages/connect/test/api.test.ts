/**
 * The pure parts: ConfigDef (every problem named), converters (Kafka's JSON
 * envelope, schemaless JSON, string, bytes), line splitting, the automatic
 * restart policy and the file offset store.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  ByteArrayConverter,
  ConfigDef,
  DataError,
  FileOffsetStore,
  JsonConverter,
  StringConverter,
  canonicalJson,
  failuresAfter,
  restartDelayMs,
  splitLines,
  stringifyJson,
  type Schema,
} from '@gregor/connect';

describe('ConfigDef', () => {
  const def = new ConfigDef({
    file: { type: 'string', importance: 'HIGH', doc: 'f' },
    'tasks.max': { type: 'int', default: 1, min: 1, importance: 'HIGH', doc: 't' },
    mode: { type: 'string', default: 'a', oneOf: ['a', 'b'], importance: 'LOW', doc: 'm' },
    secret: { type: 'string', default: null, importance: 'LOW', doc: 's', password: true },
  });

  it('names every problem, not only the first', () => {
    const v = def.validate({ 'tasks.max': 'x', mode: 'c' });
    expect(v.errorCount).toBe(3);
    expect(v.errors.get('file')).toEqual(['Missing required configuration "file" which has no default value.']);
    expect(v.errors.get('tasks.max')![0]).toMatch(/^Invalid value x for configuration tasks.max: expected an integer/);
    expect(v.errors.get('mode')![0]).toMatch(/"c" is not one of a, b/);
  });

  it('fills defaults and passes unknown keys by', () => {
    const v = def.parse({ file: '/tmp/x', 'transforms.a.type': 'whatever' });
    expect(v).toEqual({ file: '/tmp/x', 'tasks.max': 1, mode: 'a', secret: null });
  });

  it('describes keys as GET /connector-plugins/{p}/config does', () => {
    const [file, tasks, , secret] = def.describe();
    expect(file).toMatchObject({ name: 'file', type: 'STRING', required: true, default_value: null, importance: 'HIGH', order: 1 });
    expect(tasks).toMatchObject({ name: 'tasks.max', type: 'INT', required: false, default_value: '1' });
    expect(secret).toMatchObject({ type: 'PASSWORD', required: false });
  });

  it('runs cross-key checks only on keys without a problem of their own', () => {
    const d = new ConfigDef({
      a: { type: 'int', default: 0, importance: 'LOW', doc: '', validateWith: (v, all) => (Number(v) > Number(all['b']) ? 'a must not exceed b' : undefined) },
      b: { type: 'int', default: 0, importance: 'LOW', doc: '' },
    });
    expect(d.validate({ a: '5', b: '2' }).errors.get('a')).toEqual(['a must not exceed b']);
    expect(d.validate({ a: 'z', b: '2' }).errors.get('a')).toHaveLength(1);
  });
});

describe('JsonConverter', () => {
  const withSchema = new JsonConverter();
  withSchema.configure({}, false);
  const schemaless = new JsonConverter();
  schemaless.configure({ 'schemas.enable': 'false' }, false);
  const schema: Schema = {
    type: 'struct',
    name: 'row',
    optional: false,
    fields: [
      { field: 'id', type: 'int64', optional: false },
      { field: 'name', type: 'string', optional: true },
      { field: 'blob', type: 'bytes', optional: true },
      { field: 'tags', type: 'array', optional: true, items: { type: 'string', optional: false } },
    ],
  };

  it("writes Kafka's envelope and reads it back", () => {
    const value = { id: 7, name: 'x', blob: Buffer.from([1, 2, 3]), tags: ['a'] };
    const bytes = withSchema.fromConnectData('t', schema, value)!;
    const doc = JSON.parse(bytes.toString()) as { schema: Schema; payload: Record<string, unknown> };
    expect(doc.schema).toEqual(schema);
    expect(doc.payload).toEqual({ id: 7, name: 'x', blob: 'AQID', tags: ['a'] });
    expect(withSchema.toConnectData('t', bytes)).toEqual({ schema, value });
  });

  it('writes a string record as Kafka does', () => {
    expect(withSchema.fromConnectData('t', { type: 'string', optional: false }, 'hello')!.toString()).toBe('{"schema":{"type":"string","optional":false},"payload":"hello"}');
  });

  it('writes int64 beyond 2^53 exactly', () => {
    const bytes = withSchema.fromConnectData('t', { type: 'int64' }, 2n ** 63n - 1n)!;
    expect(bytes.toString()).toBe('{"schema":{"type":"int64"},"payload":9223372036854775807}');
    expect(stringifyJson({ a: [1n, 'x'] })).toBe('{"a":[1,"x"]}');
  });

  it('null is a tombstone both ways', () => {
    expect(withSchema.fromConnectData('t', null, null)).toBeNull();
    expect(withSchema.toConnectData('t', null)).toEqual({ schema: null, value: null });
  });

  it('refuses plain JSON when schemas are enabled, with Kafka’s hint', () => {
    expect(() => withSchema.toConnectData('t', Buffer.from('{"a":1}'))).toThrow(/set schemas.enable=false/);
    expect(() => withSchema.toConnectData('t', Buffer.from('not json'))).toThrow(DataError);
  });

  it('names the field whose value does not fit the schema', () => {
    expect(() => withSchema.fromConnectData('t', schema, { id: 'seven' })).toThrow(/INT64 at id/);
    expect(() => withSchema.fromConnectData('t', schema, { name: 'x' })).toThrow(/null value for field.id/);
  });

  it('schemaless: bare JSON', () => {
    expect(schemaless.fromConnectData('t', null, { a: 1, b: Buffer.from('hi') })!.toString()).toBe('{"a":1,"b":"aGk="}');
    expect(schemaless.toConnectData('t', Buffer.from('[1,2]'))).toEqual({ schema: null, value: [1, 2] });
  });

  it('round-trips any JSON-shaped value schemaless (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const back = schemaless.toConnectData('t', schemaless.fromConnectData('t', null, v) ?? null).value;
        expect(canonicalJson(back)).toBe(canonicalJson(JSON.parse(JSON.stringify(v))));
      }),
    );
  });
});

describe('String and ByteArray converters', () => {
  it('string: UTF-8 both ways', () => {
    const c = new StringConverter();
    expect(c.fromConnectData('t', null, 'héllo')!.toString('utf8')).toBe('héllo');
    expect(c.toConnectData('t', Buffer.from('héllo')).value).toBe('héllo');
    expect(c.fromConnectData('t', null, null)).toBeNull();
  });

  it('bytes pass through; other types are a DataError', () => {
    const c = new ByteArrayConverter();
    const b = Buffer.from([0, 255]);
    expect(c.fromConnectData('t', null, b)).toBe(b);
    expect(c.toConnectData('t', b).value).toBe(b);
    expect(() => c.fromConnectData('t', null, 'text')).toThrow(DataError);
  });
});

describe('splitLines', () => {
  it('takes complete lines only, counting their terminators', () => {
    const { lines, rest } = splitLines(Buffer.from('a\r\nbb\nc'), 10);
    expect(lines).toEqual([{ text: 'a', bytes: 3 }, { text: 'bb', bytes: 3 }]);
    expect(rest.toString()).toBe('c');
  });

  it('positions add up to the bytes consumed, whatever the cut (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '\n', '\r') })), fc.integer({ min: 1, max: 5 }), (parts, max) => {
        const buf = Buffer.from(parts.join(''));
        const { lines, rest } = splitLines(buf, max);
        expect(lines.length).toBeLessThanOrEqual(max);
        expect(lines.reduce((s, l) => s + l.bytes, 0) + rest.length).toBe(buf.length);
      }),
    );
  });
});

describe('automatic restart policy', () => {
  const policy = { initialMs: 100, maxMs: 1000, maxAttempts: 3, healthyAfterMs: 1000 };

  it('backs off up to the cap and gives up after maxAttempts', () => {
    const delays = [1, 2, 3, 4, 5].map((n) => restartDelayMs(n, policy, () => 1));
    expect(delays).toEqual([100, 200, 400, undefined, undefined]);
    expect(restartDelayMs(3, { ...policy, maxAttempts: 10 }, () => 1)).toBe(400);
    expect(restartDelayMs(8, { ...policy, maxAttempts: 10 }, () => 1)).toBe(1000);
    expect(restartDelayMs(1, { ...policy, maxAttempts: 0 })).toBeUndefined();
  });

  it('starts counting again after a healthy run', () => {
    expect(failuresAfter(undefined, 0, policy)).toBe(1);
    expect(failuresAfter({ failures: 2, lastStartMs: 1000 }, 1500, policy)).toBe(3);
    expect(failuresAfter({ failures: 2, lastStartMs: 1000 }, 2000, policy)).toBe(1);
  });
});

describe('FileOffsetStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'connect-offsets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps offsets per connector and partition across reopen; null deletes', async () => {
    const file = path.join(dir, 'o', 'offsets.json');
    const a = new FileOffsetStore(file);
    await a.set('c1', [{ partition: { filename: 'x', b: 1 }, offset: { position: 10 } }]);
    await a.set('c2', [{ partition: { filename: 'x', b: 1 }, offset: { position: 20 } }]);
    const b = new FileOffsetStore(file);
    expect(b.get('c1', { b: 1, filename: 'x' })).toEqual({ position: 10 });
    expect(b.all('c2')).toEqual([{ partition: { filename: 'x', b: 1 }, offset: { position: 20 } }]);
    await b.set('c1', [{ partition: { filename: 'x', b: 1 }, offset: null }]);
    expect(new FileOffsetStore(file).all('c1')).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(1);
  });
});

describe('parseJson', () => {
  it('keeps integers beyond 2^53 exact, leaves strings and small numbers alone', async () => {
    const { parseJson } = await import('@gregor/connect');
    expect(parseJson('{"a":9223372036854775807,"b":"12345678901234567890","c":[1,-9007199254740993],"d":1.5e300,"e":1234567890123456}')).toEqual({
      a: 9223372036854775807n,
      b: '12345678901234567890',
      c: [1, -9007199254740993n],
      d: 1.5e300,
      e: 1234567890123456,
    });
    expect(parseJson('"x\\"99999999999999999999"')).toBe('x"99999999999999999999');
  });
});

describe('parseJson against JSON.parse', () => {
  it('agrees with JSON.parse, up to bigint for integers beyond 2^53 (property)', async () => {
    const { parseJson, stringifyJson } = await import('@gregor/connect');
    const asNumbers = (v: unknown): unknown => JSON.parse(stringifyJson(v).replace(/"/g, '"')) as unknown;
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(asNumbers(parseJson(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
