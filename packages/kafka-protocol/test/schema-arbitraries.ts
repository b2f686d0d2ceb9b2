/**
 * fast-check arbitraries derived from the schema metadata the generator
 * emits (MESSAGE_SCHEMAS), independently of the generated codecs: for a
 * version, a value with every field that version carries (null where the
 * version allows it), and the value a decoder must return for it (fields the
 * version lacks set to their schema default).
 */
import fc from 'fast-check';
import { ZERO_UUID, type FieldSchema } from '@gregor/kafka-protocol';

export function inRange(range: string | undefined, v: number): boolean {
  if (range === undefined || range === 'none') return false;
  if (range.endsWith('+')) return v >= Number(range.slice(0, -1));
  const [lo, hi] = range.split('-');
  return v >= Number(lo) && v <= Number(hi ?? lo);
}

const INT_BOUNDS: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

function primitive(type: string): fc.Arbitrary<unknown> {
  const bounds = INT_BOUNDS[type];
  if (bounds !== undefined) return fc.integer({ min: bounds[0], max: bounds[1] });
  switch (type) {
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double({ noNaN: true });
    case 'bool':
      return fc.boolean();
    case 'uuid':
      return fc.uuid();
    case 'string':
      return fc.string({ maxLength: 12, unit: 'grapheme' });
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a));
    default:
      throw new Error(`no arbitrary for ${type}`);
  }
}

function typeArbitrary(f: FieldSchema, type: string, v: number): fc.Arbitrary<unknown> {
  if (type.startsWith('[]')) return fc.array(typeArbitrary(f, type.slice(2), v), { maxLength: 3 });
  if (f.fields !== undefined && !(type in INT_BOUNDS) && !['int64', 'float64', 'bool', 'uuid', 'string', 'bytes', 'records'].includes(type)) {
    return structArbitrary(f.fields, v);
  }
  return primitive(type);
}

export function structArbitrary(fields: readonly FieldSchema[], v: number): fc.Arbitrary<Record<string, unknown>> {
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    if (!inRange(f.versions, v)) continue;
    const a = typeArbitrary(f, f.type, v);
    record[f.name] = inRange(f.nullableVersions, v) ? fc.option(a, { nil: null }) : a;
  }
  return fc.record(record);
}

function defaultOf(f: FieldSchema): unknown {
  const d = f.default;
  if (d === 'null') return null;
  if (f.type.startsWith('[]')) return [];
  if (f.fields !== undefined) return expectedStruct(f.fields, {}, Number.NaN);
  switch (f.type) {
    case 'int64':
      return BigInt(d ?? '0');
    case 'bool':
      return d === 'true';
    case 'string':
      return d ?? '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return Number(d ?? '0');
  }
}

/** What decoding `value` at version v must give: every field, defaults where v lacks one. */
export function expectedStruct(fields: readonly FieldSchema[], value: Record<string, unknown>, v: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f.name in value) || !inRange(f.versions, v)) {
      out[f.name] = defaultOf(f);
      continue;
    }
    const x = value[f.name];
    if (f.fields !== undefined && x !== null) {
      out[f.name] = f.type.startsWith('[]')
        ? (x as Record<string, unknown>[]).map((e) => expectedStruct(f.fields!, e, v))
        : expectedStruct(f.fields, x as Record<string, unknown>, v);
    } else {
      out[f.name] = x;
    }
  }
  return out;
}
