/**
 * Property tests over every generated API, both directions, every version
 * the schemas define. Replay a failure with SEED=<seed> (fast-check prints
 * the seed and path).
 */
import fc from 'fast-check';
import {
  GENERATED_APIS,
  KafkaProtocolError,
  MESSAGE_SCHEMAS,
  Reader,
  Writer,
  type ApiDefinition,
  type FieldSchema,
  type MessageSchema,
} from '@gregor/kafka-protocol';
import { expectedStruct, inRange, structArbitrary } from './schema-arbitraries';

const seed = process.env['SEED'] === undefined ? undefined : Number(process.env['SEED']);
const runs = (n: number): fc.Parameters<unknown> => ({ numRuns: n, ...(seed === undefined ? {} : { seed }) });

interface Case {
  label: string;
  schema: MessageSchema;
  version: number;
  encode: (w: Writer, v: number, d: object) => void;
  decode: (r: Reader, v: number) => unknown;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const api of GENERATED_APIS.values()) {
    const a = api as ApiDefinition<object, object>;
    for (const [kind, suffix] of [['request', 'Request'], ['response', 'Response']] as const) {
      const schema = MESSAGE_SCHEMAS.find((s) => s.name === `${a.name}${suffix}`);
      if (schema === undefined) throw new Error(`no schema for ${a.name}${suffix}`);
      for (let version = a.minVersion; version <= a.maxVersion; version++) {
        out.push({
          label: `${schema.name} v${version}`,
          schema,
          version,
          encode: kind === 'request' ? a.encodeRequest : a.encodeResponse,
          decode: kind === 'request' ? a.decodeRequest : a.decodeResponse,
        });
      }
    }
  }
  return out;
}

const ALL = cases();

function encoded(c: Case, value: object): Buffer {
  const w = new Writer();
  c.encode(w, c.version, value);
  return w.toBuffer();
}

test('33 APIs are generated, each with request and response schemas', () => {
  expect(GENERATED_APIS.size).toBe(33);
  expect(ALL.length).toBe(402); // request and response at every version: the sum of the schemas' validVersions
  for (const c of ALL) expect(inRange(c.schema.validVersions, c.version)).toBe(true);
});

function checkRoundTrip(c: Case): void {
  fc.assert(
    fc.property(structArbitrary(c.schema.fields, c.version), (value) => {
      const bytes = encoded(c, value);
      const r = new Reader(bytes);
      const decoded = c.decode(r, c.version) as object;
      if (r.remaining !== 0) throw new Error(`${c.label}: ${r.remaining} bytes left after decoding`);
      expect(decoded).toEqual(expectedStruct(c.schema.fields, value, c.version));
      if (!encoded(c, decoded).equals(bytes)) throw new Error(`${c.label}: re-encoding the decoded value changed the bytes`);
    }),
    runs(15),
  );
}

function checkPrefixes(c: Case): void {
  fc.assert(
    fc.property(structArbitrary(c.schema.fields, c.version), (value) => {
      const bytes = encoded(c, value);
      // Plain checks in this loop: an expect() per prefix (hundreds per value) dominated the run time.
      for (let n = 0; n < bytes.length; n++) {
        let caught: unknown;
        try {
          c.decode(new Reader(bytes.subarray(0, n)), c.version);
        } catch (e) {
          caught = e;
        }
        if (!(caught instanceof KafkaProtocolError) || (caught.kind !== 'truncated' && caught.kind !== 'malformed')) {
          throw new Error(`${c.label}: the ${n}-byte prefix of ${bytes.toString('hex')} gave ${String(caught)}, not a truncated/malformed KafkaProtocolError`);
        }
      }
    }),
    runs(3),
  );
}

// One test per message, each version inside it (a jest test per version cost more than the checks).
const BY_MESSAGE = [...new Set(ALL.map((c) => c.schema.name))].map((name) => [name, ALL.filter((c) => c.schema.name === name)] as const);

describe.each(BY_MESSAGE)('%s', (_name, versions) => {
  test('at every version, decode(encode(x)) is x with the defaults of absent fields, and re-encodes to the same bytes', () => {
    for (const c of versions) checkRoundTrip(c);
  });

  test('at every version, every strict prefix of a valid encoding fails with a typed error (truncated or malformed)', () => {
    for (const c of versions) checkPrefixes(c);
  });
});

test('random and mutated bytes decode or throw KafkaProtocolError, for every API and version', () => {
  const valid = ALL.map((c) => ({ c, sample: fc.sample(structArbitrary(c.schema.fields, c.version), { numRuns: 1, seed: 1 })[0]! }));
  fc.assert(
    fc.property(
      fc.nat(ALL.length - 1),
      fc.uint8Array({ maxLength: 200 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.boolean(),
      (i, garbage, mutations, mutate) => {
        const { c, sample } = valid[i]!;
        let bytes: Buffer;
        if (mutate) {
          bytes = Buffer.from(encoded(c, sample));
          for (const [at, b] of mutations) if (bytes.length > 0) bytes[at % bytes.length] = b;
        } else {
          bytes = Buffer.from(garbage);
        }
        try {
          c.decode(new Reader(bytes), c.version);
        } catch (e) {
          if (!(e instanceof KafkaProtocolError)) throw e;
        }
      },
    ),
    runs(5000),
  );
});

describe('encoding a value the version cannot carry', () => {
  const fetch = GENERATED_APIS.get(1) as ApiDefinition<object, object>;

  test('a non-default, non-ignorable field absent from the version is UNSUPPORTED_VERSION', () => {
    // FetchResponse.PreferredReadReplica is v11+ and not ignorable.
    const body = { responses: [{ topic: 't', partitions: [{ preferredReadReplica: 2 }] }] };
    expect(() => fetch.encodeResponse(new Writer(), 10, body)).toThrow(/preferredReadReplica has a non-default value, which version 10 cannot carry/);
    expect(() => fetch.encodeResponse(new Writer(), 11, body)).not.toThrow();
    // At its default it is simply not written.
    expect(() => fetch.encodeResponse(new Writer(), 10, { responses: [{ topic: 't', partitions: [{ preferredReadReplica: -1 }] }] })).not.toThrow();
  });

  test('an ignorable field absent from the version is dropped, as Kafka does', () => {
    // FetchResponse.ThrottleTimeMs is v1+ and ignorable.
    const w = new Writer();
    fetch.encodeResponse(w, 0, { throttleTimeMs: 100, responses: [] });
    expect(w.toBuffer().toString('hex')).toBe('00000000');
  });

  test('null where the version does not allow it, and versions outside the schema, are refused', () => {
    const metadata = GENERATED_APIS.get(3) as ApiDefinition<object, object>;
    // MetadataRequest.Topics is nullable from v1.
    expect(() => metadata.encodeRequest(new Writer(), 0, { topics: null })).toThrow(KafkaProtocolError);
    expect(() => metadata.encodeRequest(new Writer(), 13, {})).toThrow(/MetadataRequest version 13 is outside 0-12/);
    expect(() => metadata.decodeRequest(new Reader(Buffer.alloc(8)), -1)).toThrow(/UNSUPPORTED_VERSION/);
  });
});

test('every array element takes at least one byte at every version, so "count <= bytes left" bounds what garbage can allocate', () => {
  const fixedBytes: Record<string, number> = { int8: 1, bool: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, float64: 8, uuid: 16 };
  const minBytes = (fields: readonly FieldSchema[], v: number, flexible: boolean): number => {
    let n = flexible ? 1 : 0; // a flexible struct always ends with its tagged-field count
    for (const f of fields) {
      if (!inRange(f.versions, v) || f.tag !== undefined) continue;
      if (f.type.startsWith('[]')) n += flexible ? 1 : 4;
      else if (f.fields !== undefined) n += minBytes(f.fields, v, flexible);
      else n += fixedBytes[f.type] ?? (flexible ? 1 : f.type === 'string' ? 2 : 4);
    }
    return n;
  };
  const empty: string[] = [];
  const walk = (name: string, fields: readonly FieldSchema[], v: number, flexible: boolean): void => {
    for (const f of fields) {
      if (!inRange(f.versions, v) || f.fields === undefined) continue;
      if (f.type.startsWith('[]') && minBytes(f.fields, v, flexible) === 0) empty.push(`${name} v${v} ${f.name}`);
      walk(name, f.fields, v, flexible);
    }
  };
  for (const c of ALL) walk(c.schema.name, c.schema.fields, c.version, inRange(c.schema.flexibleVersions, c.version));
  expect(empty).toEqual([]);
});
