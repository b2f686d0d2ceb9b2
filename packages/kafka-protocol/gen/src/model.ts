import { readFileSync } from 'node:fs';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** A set of versions as Kafka's schemas write it: "3+", "0-12", "7", or "none". */
export interface Range {
  min: number;
  max: number; // Infinity for "N+"; an empty range has min > max
}

export const NONE: Range = { min: 1, max: 0 };

export function parseRange(s: string | undefined, what: string): Range {
  if (s === undefined || s === 'none') return NONE;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return { min: Number(m[1]), max: Infinity };
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return { min: Number(m[1]), max: Number(m[2]) };
  if (/^\d+$/.test(s)) return { min: Number(s), max: Number(s) };
  throw new Error(`${what}: cannot read version range '${s}'`);
}

export function isEmpty(r: Range): boolean {
  return r.min > r.max;
}

export function intersect(a: Range, b: Range): Range {
  const r = { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
  return isEmpty(r) ? NONE : r;
}

export function contains(outer: Range, inner: Range): boolean {
  return isEmpty(inner) || (outer.min <= inner.min && inner.max <= outer.max);
}

export function showRange(r: Range): string {
  if (isEmpty(r)) return 'none';
  if (r.max === Infinity) return `${r.min}+`;
  return r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`;
}

export const PRIMITIVES = ['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'uuid', 'string', 'bytes', 'records'] as const;
export type Primitive = (typeof PRIMITIVES)[number];

export type TypeRef = { kind: 'primitive'; name: Primitive } | { kind: 'array'; element: TypeRef } | { kind: 'struct'; struct: Struct };

export interface Field {
  /** Kafka's name (PascalCase) and the TypeScript property name (camelCase). */
  schemaName: string;
  name: string;
  type: TypeRef;
  versions: Range;
  nullableVersions: Range;
  /** Tagged in these versions (KIP-482); NONE for regular fields. */
  taggedVersions: Range;
  tag: number | undefined;
  /** The schema's default, as written there (undefined: the type's zero). */
  default: string | undefined;
  ignorable: boolean;
  /** A per-field override of the message's flexibleVersions (only RequestHeader.ClientId uses it). */
  flexibleVersions: Range | undefined;
  about: string | undefined;
}

export interface Struct {
  /** The TypeScript interface name: the message name, then the schema's struct name. */
  name: string;
  schemaName: string;
  fields: Field[];
  /** Versions in which this struct can appear (the message's, narrowed by the field that holds it). */
  versions: Range;
  /** Used as a single (non-array) field: needs default and isDefault helpers. */
  usedAsField: boolean;
}

export interface Message {
  name: string;
  apiKey: number | undefined;
  type: 'request' | 'response' | 'header';
  validVersions: Range;
  flexibleVersions: Range;
  root: Struct;
  /** Every struct: the root first, then nested ones in the order the schema names them. */
  structs: Struct[];
}

interface RawField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  ignorable?: boolean;
  flexibleVersions?: string;
  about?: string;
  fields?: RawField[];
}

interface RawMessage {
  name: string;
  apiKey?: number;
  type: 'request' | 'response' | 'header';
  validVersions: string;
  flexibleVersions: string;
  fields: RawField[];
  commonStructs?: { name: string; versions: string; fields: RawField[] }[];
}

/** Kafka's schemas are JSON with // comments. */
export function readSchemaFile(path: string): RawMessage {
  const errors: ParseError[] = [];
  const value = parse(readFileSync(path, 'utf8'), errors, { allowTrailingComma: true }) as RawMessage;
  if (errors.length > 0) {
    throw new Error(`${path}: ${errors.map((e) => `${printParseErrorCode(e.error)} at offset ${e.offset}`).join(', ')}`);
  }
  return value;
}

export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Resolves a raw schema into the model: struct types linked, version ranges parsed and narrowed. */
export function buildMessage(raw: RawMessage): Message {
  const valid = parseRange(raw.validVersions, raw.name);
  const structs = new Map<string, Struct>();
  const order: Struct[] = [];
  const common = new Map((raw.commonStructs ?? []).map((s) => [s.name, s]));

  const structFor = (schemaName: string, rawFields: RawField[] | undefined, versions: Range, where: string): Struct => {
    const existing = structs.get(schemaName);
    if (existing !== undefined) {
      if (rawFields !== undefined || common.get(schemaName) === undefined) throw new Error(`${where}: struct ${schemaName} defined twice`);
      return existing;
    }
    const shared = rawFields === undefined ? common.get(schemaName) : undefined;
    const fieldsSource = rawFields ?? shared?.fields;
    if (fieldsSource === undefined) throw new Error(`${where}: unknown struct type ${schemaName}`);
    // A common struct can be used from several fields: its own versions, not the first user's.
    if (shared !== undefined) versions = intersect(valid, parseRange(shared.versions, where));
    const name = schemaName.startsWith(raw.name) ? schemaName : `${raw.name}${schemaName}`;
    const struct: Struct = { name, schemaName, fields: [], versions, usedAsField: false };
    structs.set(schemaName, struct);
    order.push(struct);
    struct.fields = fieldsSource.map((f) => buildField(f, versions, `${where}.${f.name}`));
    return struct;
  };

  const typeOf = (f: RawField, fieldVersions: Range, where: string): TypeRef => {
    if (f.type.startsWith('[]')) {
      const element = f.type.slice(2);
      if ((PRIMITIVES as readonly string[]).includes(element)) return { kind: 'array', element: { kind: 'primitive', name: element as Primitive } };
      return { kind: 'array', element: { kind: 'struct', struct: structFor(element, f.fields, fieldVersions, where) } };
    }
    if ((PRIMITIVES as readonly string[]).includes(f.type)) return { kind: 'primitive', name: f.type as Primitive };
    const struct = structFor(f.type, f.fields, fieldVersions, where);
    struct.usedAsField = true;
    return { kind: 'struct', struct };
  };

  const buildField = (f: RawField, outer: Range, where: string): Field => {
    const versions = intersect(outer, parseRange(f.versions, where));
    const taggedVersions = f.tag === undefined ? NONE : intersect(versions, parseRange(f.taggedVersions, where));
    if (f.tag !== undefined && (taggedVersions.min !== versions.min || taggedVersions.max !== versions.max)) {
      // Kafka allows a field to be tagged in only some of its versions; none of the served APIs does it.
      throw new Error(`${where}: tagged in ${f.taggedVersions} but present in ${f.versions}; not supported`);
    }
    return {
      schemaName: f.name,
      name: camelCase(f.name),
      type: typeOf(f, versions, where),
      versions,
      nullableVersions: intersect(versions, parseRange(f.nullableVersions, where)),
      taggedVersions,
      tag: f.tag,
      default: f.default === undefined ? undefined : String(f.default),
      ignorable: f.ignorable === true,
      flexibleVersions: f.flexibleVersions === undefined ? undefined : parseRange(f.flexibleVersions, where),
      about: f.about,
    };
  };

  const root: Struct = { name: raw.name, schemaName: raw.name, fields: [], versions: valid, usedAsField: false };
  order.push(root);
  root.fields = raw.fields.map((f) => buildField(f, valid, `${raw.name}.${f.name}`));
  return {
    name: raw.name,
    apiKey: raw.apiKey,
    type: raw.type,
    validVersions: valid,
    flexibleVersions: parseRange(raw.flexibleVersions, raw.name),
    root,
    structs: order,
  };
}
