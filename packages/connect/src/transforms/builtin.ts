import { ConfigDef, cfg, type ConfigValues } from '../api/config-def';
import { DataError } from '../api/errors';
import type { Field, Schema, SchemaType } from '../api/schema';
import { partOf, withPart, type Part, type Predicate, type Transform, type TransformPlugin, type TransformableRecord } from './transform';

/**
 * Kafka's built-in transforms and predicates (org.apache.kafka.connect.transforms.*),
 * for records with a struct schema or schemaless maps. Each is pure.
 */
const PKG = 'org.apache.kafka.connect.transforms.';
type Obj = Record<string, unknown>;

function asObject(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) throw new DataError(`${what} requires a struct or map, got ${value === null ? 'null' : typeof value}`);
  return value as Obj;
}

function keyValue(name: string, def: ConfigDef, make: (v: ConfigValues, part: Part) => Transform): TransformPlugin<Transform>[] {
  return (['key', 'value'] as const).map((part) => ({
    className: `${PKG}${name}$${part === 'key' ? 'Key' : 'Value'}`,
    config: def,
    create: (v: ConfigValues) => make(v, part),
  }));
}

/** Applies `fn` to a struct or map part; tombstones (null) pass through, as in Kafka. */
function mapPart(part: Part, what: string, fn: (obj: Obj, schema: Schema | null, r: TransformableRecord) => { schema: Schema | null; value: unknown }): Transform {
  return {
    apply: (r) => {
      const { schema, value } = partOf(r, part);
      if (value === null || value === undefined) return r;
      const out = fn(asObject(value, what), schema, r);
      return withPart(r, part, out.schema, out.value);
    },
  };
}

const field = (name: string, schema: Schema): Field => ({ ...schema, field: name });
const withFields = (schema: Schema, fields: readonly Field[]): Schema => ({ ...schema, fields });

// ---- InsertField ------------------------------------------------------------
const INSERT_FIELD = new ConfigDef({
  'topic.field': { type: 'string', default: '', importance: 'MEDIUM', doc: 'Field for the topic (suffix ! = required, ? = optional).' },
  'partition.field': { type: 'string', default: '', importance: 'MEDIUM', doc: 'Field for the Kafka partition.' },
  'offset.field': { type: 'string', default: '', importance: 'MEDIUM', doc: 'Field for the Kafka offset (sinks only).' },
  'timestamp.field': { type: 'string', default: '', importance: 'MEDIUM', doc: 'Field for the record timestamp.' },
  'static.field': { type: 'string', default: '', importance: 'MEDIUM', doc: 'Field for a static value.' },
  'static.value': { type: 'string', default: '', importance: 'MEDIUM', doc: 'The static value.' },
});

function insertField(v: ConfigValues, part: Part): Transform {
  const name = (k: string): string | undefined => cfg.optStr(v, k)?.replace(/[!?]$/, '');
  const adds: { name: string; schema: Schema; get: (r: TransformableRecord) => unknown }[] = [];
  const topic = name('topic.field');
  const partition = name('partition.field');
  const offset = name('offset.field');
  const ts = name('timestamp.field');
  const stat = name('static.field');
  if (topic !== undefined) adds.push({ name: topic, schema: { type: 'string', optional: true }, get: (r) => r.topic });
  if (partition !== undefined) adds.push({ name: partition, schema: { type: 'int32', optional: true }, get: (r) => r.kafkaPartition ?? null });
  if (offset !== undefined) adds.push({ name: offset, schema: { type: 'int64', optional: true }, get: (r) => r.kafkaOffset ?? null });
  if (ts !== undefined) adds.push({ name: ts, schema: { type: 'int64', optional: true, name: 'org.apache.kafka.connect.data.Timestamp' }, get: (r) => r.timestamp ?? null });
  if (stat !== undefined) adds.push({ name: stat, schema: { type: 'string', optional: true }, get: () => cfg.str(v, 'static.value') });
  return mapPart(part, 'InsertField', (obj, schema, r) => {
    const out: Obj = { ...obj };
    for (const a of adds) out[a.name] = a.get(r);
    const fields = schema?.fields === undefined ? undefined : [...schema.fields.filter((f) => !adds.some((a) => a.name === f.field)), ...adds.map((a) => field(a.name, a.schema))];
    return { schema: schema === null || fields === undefined ? schema : withFields(schema, fields), value: out };
  });
}

// ---- ReplaceField -----------------------------------------------------------
const REPLACE_FIELD = new ConfigDef({
  include: { type: 'list', default: [], importance: 'MEDIUM', doc: 'Fields to keep (all when empty).' },
  exclude: { type: 'list', default: [], importance: 'MEDIUM', doc: 'Fields to drop.' },
  renames: { type: 'list', default: [], importance: 'MEDIUM', doc: 'old:new pairs.', check: (x) => ((x as string[]).every((p) => /^[^:]+:[^:]+$/.test(p)) ? undefined : 'each rename must be old:new') },
});

function replaceField(v: ConfigValues, part: Part): Transform {
  const include = cfg.list(v, 'include');
  const exclude = cfg.list(v, 'exclude');
  const renames = new Map(cfg.list(v, 'renames').map((p) => p.split(':') as [string, string]));
  const keep = (f: string): boolean => (include.length === 0 || include.includes(f)) && !exclude.includes(f);
  const rename = (f: string): string => renames.get(f) ?? f;
  return mapPart(part, 'ReplaceField', (obj, schema) => {
    const value = Object.fromEntries(Object.entries(obj).filter(([k]) => keep(k)).map(([k, x]) => [rename(k), x]));
    const fields = schema?.fields?.filter((f) => keep(f.field)).map((f) => ({ ...f, field: rename(f.field) }));
    return { schema: schema === null || fields === undefined ? schema : withFields(schema, fields), value };
  });
}

// ---- MaskField --------------------------------------------------------------
const MASK_FIELD = new ConfigDef({
  fields: { type: 'list', importance: 'HIGH', doc: 'Fields to mask.', check: (x) => ((x as string[]).length === 0 ? 'must name at least one field' : undefined) },
  replacement: { type: 'string', default: '', importance: 'LOW', doc: 'Replacement (default: the empty value of the field type).' },
});

function maskField(v: ConfigValues, part: Part): Transform {
  const fields = cfg.list(v, 'fields');
  const replacement = cfg.optStr(v, 'replacement');
  const empty = (x: unknown): unknown => {
    if (replacement !== undefined) return typeof x === 'number' ? Number(replacement) : replacement;
    if (typeof x === 'number') return 0;
    if (typeof x === 'bigint') return 0n;
    if (typeof x === 'boolean') return false;
    if (typeof x === 'string') return '';
    if (Buffer.isBuffer(x)) return Buffer.alloc(0);
    if (Array.isArray(x)) return [];
    return x === null ? null : {};
  };
  return mapPart(part, 'MaskField', (obj, schema) => ({ schema, value: Object.fromEntries(Object.entries(obj).map(([k, x]) => [k, fields.includes(k) ? empty(x) : x])) }));
}

// ---- ValueToKey -------------------------------------------------------------
const VALUE_TO_KEY = new ConfigDef({
  fields: { type: 'list', importance: 'HIGH', doc: 'Value fields that make the key.', check: (x) => ((x as string[]).length === 0 ? 'must name at least one field' : undefined) },
});

function valueToKey(v: ConfigValues): Transform {
  const fields = cfg.list(v, 'fields');
  return {
    apply: (r) => {
      const obj = asObject(r.value, 'ValueToKey');
      const key: Obj = {};
      for (const f of fields) {
        if (!(f in obj)) throw new DataError(`ValueToKey: field "${f}" is not in the value`);
        key[f] = obj[f];
      }
      const vs = r.valueSchema;
      const keySchema = vs?.fields === undefined ? null : { type: 'struct' as const, optional: false, fields: fields.map((f) => vs.fields!.find((x) => x.field === f)!) };
      return { ...r, key, keySchema };
    },
  };
}

// ---- ExtractField -----------------------------------------------------------
const EXTRACT_FIELD = new ConfigDef({ field: { type: 'string', importance: 'HIGH', doc: 'The field to extract.' } });

function extractField(v: ConfigValues, part: Part): Transform {
  const name = cfg.str(v, 'field');
  return mapPart(part, 'ExtractField', (obj, schema) => {
    const f = schema?.fields?.find((x) => x.field === name);
    if (schema?.fields !== undefined && f === undefined) throw new DataError(`ExtractField: unknown field ${name}`);
    return { schema: f === undefined ? null : (({ field: _f, ...s }) => s)(f), value: obj[name] ?? null };
  });
}

// ---- Cast -------------------------------------------------------------------
const CAST_TYPES = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'] as const;
const CAST = new ConfigDef({
  spec: {
    type: 'list', importance: 'HIGH', doc: 'field:type pairs, or one type for the whole key/value (int8…int64, float32, float64, boolean, string).',
    check: (x) => ((x as string[]).every((s) => CAST_TYPES.includes(s.split(':').at(-1)!.trim() as never)) ? undefined : `types must be one of ${CAST_TYPES.join(', ')}`),
  },
});

export function castValue(x: unknown, to: SchemaType): unknown {
  if (x === null || x === undefined) return null;
  switch (to) {
    case 'string':
      return typeof x === 'object' ? JSON.stringify(x) : String(x);
    case 'boolean':
      return typeof x === 'string' ? x === 'true' : Boolean(x);
    case 'float32':
    case 'float64':
      return Number(x);
    case 'int64':
      return typeof x === 'bigint' ? x : Math.trunc(Number(x));
    default: {
      const n = Math.trunc(Number(x));
      if (Number.isNaN(n)) throw new DataError(`Cast: ${String(x)} is not a number`);
      return n;
    }
  }
}

function cast(v: ConfigValues, part: Part): Transform {
  const spec = cfg.list(v, 'spec').map((s) => s.split(':').map((t) => t.trim()));
  const whole = spec.length === 1 && spec[0]!.length === 1 ? (spec[0]![0] as SchemaType) : undefined;
  const byField = new Map(spec.filter((s) => s.length === 2).map(([f, t]) => [f!, t as SchemaType]));
  return {
    apply: (r) => {
      const { schema, value } = partOf(r, part);
      if (whole !== undefined) return withPart(r, part, schema === null ? null : { type: whole, optional: schema.optional ?? false }, castValue(value, whole));
      if (value === null || value === undefined) return r;
      const obj = asObject(value, 'Cast');
      const out = Object.fromEntries(Object.entries(obj).map(([k, x]) => [k, byField.has(k) ? castValue(x, byField.get(k)!) : x]));
      const fields = schema?.fields?.map((f) => (byField.has(f.field) ? { field: f.field, type: byField.get(f.field)!, optional: f.optional ?? false } : f));
      return withPart(r, part, schema === null || fields === undefined ? schema : withFields(schema, fields), out);
    },
  };
}

// ---- Flatten ----------------------------------------------------------------
const FLATTEN = new ConfigDef({ delimiter: { type: 'string', default: '.', importance: 'MEDIUM', doc: 'Between the names of nested fields.' } });

function flatten(v: ConfigValues, part: Part): Transform {
  const delimiter = cfg.str(v, 'delimiter');
  const isNested = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x) && !Buffer.isBuffer(x);
  const flatValue = (obj: Obj, prefix: string, out: Obj): Obj => {
    for (const [k, x] of Object.entries(obj)) {
      const name = prefix === '' ? k : `${prefix}${delimiter}${k}`;
      if (isNested(x)) flatValue(x, name, out);
      else out[name] = x;
    }
    return out;
  };
  const flatFields = (fields: readonly Field[], prefix: string, optional: boolean): Field[] =>
    fields.flatMap((f) => {
      const name = prefix === '' ? f.field : `${prefix}${delimiter}${f.field}`;
      if (f.type === 'struct') return flatFields(f.fields ?? [], name, optional || f.optional === true);
      return [{ ...f, field: name, optional: optional || f.optional === true }];
    });
  return mapPart(part, 'Flatten', (obj, schema) => ({
    schema: schema?.fields === undefined ? schema : withFields(schema, flatFields(schema.fields, '', false)),
    value: flatValue(obj, '', {}),
  }));
}

// ---- routers ----------------------------------------------------------------
const TIMESTAMP_ROUTER = new ConfigDef({
  'topic.format': { type: 'string', default: '${topic}-${timestamp}', importance: 'HIGH', doc: 'New topic name; ${topic} and ${timestamp} are replaced.' },
  'timestamp.format': { type: 'string', default: 'yyyyMMdd', importance: 'HIGH', doc: 'Java SimpleDateFormat subset: yyyy MM dd HH mm ss (UTC).' },
});

/** The yyyy/MM/dd/HH/mm/ss subset of Java's SimpleDateFormat, in UTC. */
export function formatTimestamp(ms: number, format: string): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const parts: Record<string, string> = { yyyy: pad(d.getUTCFullYear(), 4), MM: pad(d.getUTCMonth() + 1), dd: pad(d.getUTCDate()), HH: pad(d.getUTCHours()), mm: pad(d.getUTCMinutes()), ss: pad(d.getUTCSeconds()) };
  return format.replace(/yyyy|MM|dd|HH|mm|ss/g, (m) => parts[m]!);
}

function timestampRouter(v: ConfigValues): Transform {
  return {
    apply: (r) => {
      if (r.timestamp === null || r.timestamp === undefined) throw new DataError(`TimestampRouter: record of ${r.topic} has no timestamp`);
      const stamp = formatTimestamp(r.timestamp, cfg.str(v, 'timestamp.format'));
      return { ...r, topic: cfg.str(v, 'topic.format').replace(/\$\{topic\}/g, r.topic).replace(/\$\{timestamp\}/g, stamp) };
    },
  };
}

const validRegex = (x: unknown): string | undefined => {
  try {
    new RegExp(String(x));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};

const REGEX_ROUTER = new ConfigDef({
  regex: { type: 'string', importance: 'HIGH', doc: 'Matched against the whole topic name.', check: validRegex },
  replacement: { type: 'string', importance: 'HIGH', doc: 'The new topic; $1… are the groups.' },
});

function regexRouter(v: ConfigValues): Transform {
  const regex = new RegExp(`^(?:${cfg.str(v, 'regex')})$`);
  return { apply: (r) => (regex.test(r.topic) ? { ...r, topic: r.topic.replace(regex, cfg.str(v, 'replacement')) } : r) };
}

export const BUILTIN_TRANSFORMS: readonly TransformPlugin<Transform>[] = [
  ...keyValue('InsertField', INSERT_FIELD, insertField),
  ...keyValue('ReplaceField', REPLACE_FIELD, replaceField),
  ...keyValue('MaskField', MASK_FIELD, maskField),
  ...keyValue('ExtractField', EXTRACT_FIELD, extractField),
  ...keyValue('Cast', CAST, cast),
  ...keyValue('Flatten', FLATTEN, flatten),
  { className: `${PKG}ValueToKey`, config: VALUE_TO_KEY, create: valueToKey },
  { className: `${PKG}TimestampRouter`, config: TIMESTAMP_ROUTER, create: timestampRouter },
  { className: `${PKG}RegexRouter`, config: REGEX_ROUTER, create: regexRouter },
  { className: `${PKG}Filter`, config: new ConfigDef({}), create: () => ({ apply: () => null }) },
];

export const BUILTIN_PREDICATES: readonly TransformPlugin<Predicate>[] = [
  {
    className: `${PKG}predicates.HasHeaderKey`,
    config: new ConfigDef({ name: { type: 'string', importance: 'HIGH', doc: 'The header name.' } }),
    create: (v) => ({ test: (r) => (r.headers ?? []).some((h) => h.key === cfg.str(v, 'name')) }),
  },
  { className: `${PKG}predicates.RecordIsTombstone`, config: new ConfigDef({}), create: () => ({ test: (r) => r.value === null || r.value === undefined }) },
  {
    className: `${PKG}predicates.TopicNameMatches`,
    config: new ConfigDef({ pattern: { type: 'string', importance: 'HIGH', doc: 'Regular expression matched against the whole topic name.', check: validRegex } }),
    create: (v) => {
      const re = new RegExp(`^(?:${cfg.str(v, 'pattern')})$`);
      return { test: (r) => re.test(r.topic) };
    },
  },
];
