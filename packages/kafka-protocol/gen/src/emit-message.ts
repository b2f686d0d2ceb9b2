import { Code } from './code';
import { contains, intersect, isEmpty, showRange, type Field, type Message, type Range, type Struct, type TypeRef } from './model';

/**
 * Emits one message (a request, response or header): an interface per
 * struct, and one encode and one decode function per struct that take the
 * version and branch on it (no per-version copies). Version conditions are
 * folded against the versions a struct can appear in, so a field present in
 * every version reads as a plain call.
 */

type Cond = boolean | string;

/** The condition "v is in `set`", knowing v is in `known`: true, false, or a JS expression. */
export function cond(known: Range, set: Range): Cond {
  if (isEmpty(intersect(known, set))) return false;
  if (contains(set, known)) return true;
  const parts: string[] = [];
  if (set.min > known.min) parts.push(`v >= ${set.min}`);
  if (set.max < known.max) parts.push(`v <= ${set.max}`);
  return parts.join(' && ');
}

function and(a: Cond, b: Cond): Cond {
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  return `${a} && ${b}`;
}

function not(c: string): string {
  return `!(${c})`;
}

const NUMBER_TYPES = new Set(['int8', 'int16', 'uint16', 'int32', 'uint32', 'float64']);

export function tsType(t: TypeRef): string {
  switch (t.kind) {
    case 'struct':
      return t.struct.name;
    case 'array': {
      const e = tsType(t.element);
      return `${e}[]`;
    }
    case 'primitive':
      if (NUMBER_TYPES.has(t.name)) return 'number';
      if (t.name === 'int64') return 'bigint';
      if (t.name === 'bool') return 'boolean';
      if (t.name === 'uuid' || t.name === 'string') return 'string';
      return 'Buffer';
  }
}

function fieldType(f: Field): string {
  const base = tsType(f.type);
  const nullable = !isEmpty(f.nullableVersions) || (f.type.kind === 'primitive' && f.type.name === 'records');
  return nullable ? `${base} | null` : base;
}

/** Names the helpers a file uses, so it imports exactly those (noUnusedLocals). */
export class Imports {
  readonly used = new Set<string>();
  use(name: string): string {
    this.used.add(name);
    return name;
  }
}

/** The schema default as a TS expression (a fresh value for arrays and structs). */
export function defaultValue(f: Field, imports: Imports): string {
  const d = f.default;
  if (d === 'null') {
    if (isEmpty(f.nullableVersions)) throw new Error(`${f.schemaName}: default null but never nullable`);
    return 'null';
  }
  const t = f.type;
  if (t.kind === 'array') return '[]';
  if (t.kind === 'struct') return `default${t.struct.name}()`;
  switch (t.name) {
    case 'int64':
      return `${BigInt(d ?? '0')}n`;
    case 'bool':
      return d === 'true' ? 'true' : 'false';
    case 'string':
      return JSON.stringify(d ?? '');
    case 'uuid':
      if (d !== undefined) throw new Error(`${f.schemaName}: uuid defaults are not supported`);
      return imports.use('ZERO_UUID');
    case 'bytes':
      return imports.use('EMPTY_BYTES');
    case 'records':
      return 'null';
    default: {
      const n = Number(d ?? '0');
      if (!Number.isFinite(n)) throw new Error(`${f.schemaName}: default '${d}' is not a number`);
      return String(n);
    }
  }
}

/** A JS condition: `x` (which may be undefined, meaning "default") differs from the field's default. */
function nonDefault(f: Field, x: string, imports: Imports): string {
  const t = f.type;
  const def = defaultValue(f, imports);
  if (def === 'null') return `${x} !== undefined && ${x} !== null`;
  const orNull = isEmpty(f.nullableVersions) ? '' : `${x} === null || `;
  if (t.kind === 'array' || (t.kind === 'primitive' && t.name === 'bytes')) return `${x} !== undefined && (${orNull}${x}.length > 0)`;
  if (t.kind === 'struct') return `${x} !== undefined && !isDefault${t.struct.name}(${x})`;
  return `${x} !== undefined && ${x} !== ${def}`;
}

class StructEmitter {
  private vUsed = false;

  constructor(
    private readonly message: Message,
    private readonly struct: Struct,
    private readonly imports: Imports,
  ) {}

  private cond(known: Range, set: Range): Cond {
    const c = cond(known, set);
    if (typeof c === 'string') this.vUsed = true;
    return c;
  }

  /** The `flexible` argument for a field's reads and writes: `flex` when it matches the struct's. */
  private flexArg(f: Field): string {
    const fieldFlex = this.cond(f.versions, f.flexibleVersions ?? this.message.flexibleVersions);
    const structFlex = cond(this.struct.versions, this.message.flexibleVersions);
    if (typeof fieldFlex === 'boolean') return String(fieldFlex);
    return fieldFlex === structFlex ? 'flex' : `(${fieldFlex})`;
  }

  private writeCall(f: Field, t: TypeRef, val: string, nullable: Cond, fx: string, w = 'w'): string {
    switch (t.kind) {
      case 'struct':
        this.vUsed = true;
        return `encode${t.struct.name}(${w}, v, ${val})`;
      case 'array': {
        const el = this.writeCall(f, t.element, 'e', false, fx);
        const fn = `(w, e) => ${el}`;
        return this.nullableForm(nullable, `${w}.nullableArray(${val}, ${fx}, ${fn})`, `${w}.array(${val}, ${fx}, ${fn})`);
      }
      case 'primitive':
        switch (t.name) {
          case 'string':
            return this.nullableForm(nullable, `${w}.nullableString(${val}, ${fx})`, `${w}.string(${val}, ${fx})`);
          case 'bytes':
          case 'records':
            return this.nullableForm(nullable, `${w}.nullableBytes(${val}, ${fx})`, `${w}.bytes(${val}, ${fx})`);
          default:
            return `${w}.${t.name}(${val})`;
        }
    }
  }

  /** Picks the nullable or non-null reader/writer; the non-null one throws on null. */
  private nullableForm(nullable: Cond, yes: string, no: string): string {
    if (nullable === true) return yes;
    if (nullable === false) return no;
    return `(${nullable} ? ${yes} : ${no})`;
  }

  private readCall(t: TypeRef, nullable: Cond, fx: string, r = 'r'): string {
    switch (t.kind) {
      case 'struct':
        this.vUsed = true;
        return `decode${t.struct.name}(${r}, v)`;
      case 'array': {
        const fn = `(r) => ${this.readCall(t.element, false, fx)}`;
        return this.nullableForm(nullable, `${r}.nullableArray(${fx}, ${fn})`, `${r}.array(${fx}, ${fn})`);
      }
      case 'primitive':
        switch (t.name) {
          case 'string':
            return this.nullableForm(nullable, `${r}.nullableString(${fx})`, `${r}.string(${fx})`);
          case 'bytes':
          case 'records':
            return this.nullableForm(nullable, `${r}.nullableBytes(${fx})`, `${r}.bytes(${fx})`);
          default:
            return `${r}.${t.name}()`;
        }
    }
  }

  private valueOf(f: Field): string {
    const def = defaultValue(f, this.imports);
    const nullable = !isEmpty(f.nullableVersions);
    if (nullable && def !== 'null') return `(d.${f.name} === undefined ? ${def} : d.${f.name})`;
    if (f.type.kind === 'struct') return `d.${f.name} ?? {}`;
    return `d.${f.name} ?? ${def}`;
  }

  emitInterface(code: Code): void {
    const s = this.struct;
    const flexible = intersect(s.versions, this.message.flexibleVersions);
    code.line(`/** ${s === this.message.root ? `${this.message.name}: versions ${showRange(s.versions)}, flexible ${showRange(flexible)}.` : `${s.schemaName} (versions ${showRange(s.versions)}).`} */`);
    code.open(`export interface ${s.name} {`);
    for (const f of s.fields) {
      const notes = [`v${showRange(f.versions)}`];
      if (!isEmpty(f.nullableVersions)) notes.push(`nullable v${showRange(f.nullableVersions)}`);
      if (f.tag !== undefined) notes.push(`tag ${f.tag}`);
      if (f.default !== undefined) notes.push(`default ${f.default}`);
      const about = (f.about ?? '').replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();
      code.line(`/** ${about}${about === '' ? '' : ' '}(${notes.join(', ')}) */`);
      code.line(`${f.name}: ${fieldType(f)};`);
    }
    code.close();
  }

  /** A function body's first lines: the version check (root only), then `flex` when it depends on v. */
  private begin(): { body: Code; flex: Cond } {
    const s = this.struct;
    const body = new Code();
    this.vUsed = false;
    if (s === this.message.root) {
      this.vUsed = true;
      body.line(`${this.imports.use('checkVersion')}('${this.message.name}', v, ${s.versions.min}, ${s.versions.max});`);
    }
    const flex = cond(s.versions, this.message.flexibleVersions);
    if (typeof flex === 'string') body.line(`const flex = ${flex};`);
    return { body, flex };
  }

  /** Wraps `body` in the function; nested structs' codecs stay private unless a tagged field needs their helpers. */
  private finish(code: Code, signature: (v: string, exported: string) => string, body: Code): void {
    const s = this.struct;
    const exported = s === this.message.root || s.usedAsField ? 'export ' : '';
    code.open(signature(this.vUsed ? 'v' : '_v', exported));
    for (const l of body.toString().trimEnd().split('\n')) if (l !== '') code.line(l);
    code.close();
  }

  emitEncode(code: Code): void {
    const s = this.struct;
    const { body, flex } = this.begin();
    const tagged: Field[] = [];
    for (const f of s.fields) {
      const present = this.cond(s.versions, f.versions);
      if (f.tag !== undefined) {
        tagged.push(f);
      } else if (present === true) {
        body.line(`${this.writeCall(f, f.type, this.valueOf(f), this.cond(f.versions, f.nullableVersions), this.flexArg(f))};`);
      } else if (present !== false) {
        body.line(`if (${present}) ${this.writeCall(f, f.type, this.valueOf(f), this.cond(f.versions, f.nullableVersions), this.flexArg(f))};`);
        if (!f.ignorable) body.line(`else if (${nonDefault(f, `d.${f.name}`, this.imports)}) ${this.absent(f)};`);
      }
      if (f.tag !== undefined && !f.ignorable && present !== true) {
        body.line(`if (${present === false ? 'true' : not(present)} && ${nonDefault(f, `d.${f.name}`, this.imports)}) ${this.absent(f)};`);
      }
    }
    if (flex !== false) this.emitTaggedWrites(body, flex, tagged);
    const d = s.fields.length > 0 ? 'd' : '_d';
    const writer = this.imports.use('Writer');
    const encodable = this.imports.use('Encodable');
    this.finish(code, (v, ex) => `${ex}function encode${s.name}(w: ${writer}, ${v}: number, ${d}: ${encodable}<${s.name}>): void {`, body);
  }

  private absent(f: Field): string {
    this.vUsed = true;
    return `${this.imports.use('unsupportedField')}('${this.struct.name}.${f.name}', v)`;
  }

  private emitTaggedWrites(body: Code, flex: Cond, tagged: Field[]): void {
    const inFlex = intersect(this.struct.versions, this.message.flexibleVersions);
    const open = (): void => void (flex === true ? undefined : body.open(`if (flex) {`));
    const closeIt = (): void => void (flex === true ? undefined : body.close());
    if (tagged.length === 0) {
      body.line(flex === true ? 'w.uvarint(0);' : 'if (flex) w.uvarint(0);');
      return;
    }
    open();
    const sorted = [...tagged].sort((a, b) => a.tag! - b.tag!);
    for (const f of sorted) {
      body.line(`const t${f.tag} = ${and(this.cond(inFlex, f.versions), nonDefault(f, `d.${f.name}`, this.imports))};`);
    }
    body.line(`w.uvarint(${sorted.map((f) => `(t${f.tag} ? 1 : 0)`).join(' + ')});`);
    for (const f of sorted) {
      const write = this.writeCall(f, f.type, `d.${f.name}!`, this.cond(f.versions, f.nullableVersions), 'true', 't');
      body.line(`if (t${f.tag}) w.taggedField(${f.tag}, (t) => ${write});`);
    }
    closeIt();
  }

  emitDecode(code: Code): void {
    const s = this.struct;
    const { body, flex } = this.begin();
    const tagged = s.fields.filter((f) => f.tag !== undefined).sort((a, b) => a.tag! - b.tag!);
    const hasTagged = tagged.length > 0 && flex !== false;
    const target = flex !== false ? `const d: ${s.name} =` : 'return';
    if (s.fields.length === 0) {
      body.line(`${target} {};`);
    } else {
      body.open(`${target} {`);
      for (const f of s.fields) {
        const present = this.cond(s.versions, f.versions);
        const def = defaultValue(f, this.imports);
        if (f.tag !== undefined || present === false) {
          body.line(`${f.name}: ${def},`);
          continue;
        }
        const read = this.readCall(f.type, this.cond(f.versions, f.nullableVersions), this.flexArg(f));
        body.line(`${f.name}: ${present === true ? read : `${present} ? ${read} : ${def}`},`);
      }
      body.close('};');
    }
    if (flex !== false) {
      const guard = flex === true ? '' : 'if (flex) ';
      if (!hasTagged) {
        body.line(`${guard}r.taggedFields();`);
      } else {
        const inFlex = intersect(s.versions, this.message.flexibleVersions);
        // Tags this version does not know fall through the switch: skipped (KIP-482).
        body.open(`${guard}r.taggedFields((tag, t) => {`);
        body.open('switch (tag) {');
        for (const f of tagged) {
          const present = this.cond(inFlex, f.versions);
          const read = this.readCall(f.type, this.cond(f.versions, f.nullableVersions), 'true', 't');
          body.open(`case ${f.tag}:`);
          body.line(present === true ? `d.${f.name} = ${read};` : `if (${present}) d.${f.name} = ${read};`);
          body.line('break;');
          body.close('');
        }
        body.close();
        body.close('});');
      }
      body.line('return d;');
    }
    const r = s.fields.length > 0 || flex !== false ? 'r' : '_r';
    const reader = this.imports.use('Reader');
    this.finish(code, (v, ex) => `${ex}function decode${s.name}(${r}: ${reader}, ${v}: number): ${s.name} {`, body);
  }

  /** default and isDefault helpers for a struct held by a (tagged) field, as Kafka compares to `new Struct()`. */
  emitDefaults(code: Code): void {
    const s = this.struct;
    code.open(`export function default${s.name}(): ${s.name} {`);
    code.line(`return { ${s.fields.map((f) => `${f.name}: ${defaultValue(f, this.imports)}`).join(', ')} };`);
    code.close();
    code.open(`export function isDefault${s.name}(d: ${this.imports.use('Encodable')}<${s.name}>): boolean {`);
    code.line(`return !(${s.fields.map((f) => `(${nonDefault(f, `d.${f.name}`, this.imports)})`).join(' || ') || 'false'});`);
    code.close();
  }
}

/** Interfaces, then codecs, of one message. */
export function emitMessage(message: Message, imports: Imports): { types: string; codecs: string } {
  const types = new Code();
  const codecs = new Code();
  for (const s of message.structs) {
    const e = new StructEmitter(message, s, imports);
    e.emitInterface(types);
    types.line();
    e.emitEncode(codecs);
    codecs.line();
    e.emitDecode(codecs);
    codecs.line();
    if (s.usedAsField) {
      e.emitDefaults(codecs);
      codecs.line();
    }
  }
  return { types: types.toString(), codecs: codecs.toString() };
}
