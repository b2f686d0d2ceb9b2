import { readFileSync } from 'node:fs';

/**
 * Typed configuration with Kafka's key names. One schema serves node config
 * (file + GREGOR_* env + flags) and topic configs (CreateTopics/AlterConfigs),
 * so both fail the same way: a message naming the key.
 */
export type ConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list';

export interface ConfigKeyDef {
  readonly type: ConfigType;
  readonly doc: string;
  /** Absent means required. `null` means optional with no value. */
  readonly default?: ConfigValue | null;
  readonly min?: number;
  readonly max?: number;
  readonly oneOf?: readonly string[];
  /** Extra check: returns a problem description or undefined. */
  readonly check?: (value: ConfigValue) => string | undefined;
}

export type ConfigValue = number | bigint | boolean | string | readonly string[];
export type ConfigSchema = Readonly<Record<string, ConfigKeyDef>>;
export type ConfigValues = Record<string, ConfigValue | null>;

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    /** What is wrong, without the key (Connect's validation lists it per key). */
    readonly problem: string,
  ) {
    super(`invalid config "${key}": ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Parses one raw string for `key`; throws ConfigError naming the key. */
export function parseConfigValue(key: string, def: ConfigKeyDef, raw: string): ConfigValue {
  const text = raw.trim();
  let value: ConfigValue;
  switch (def.type) {
    case 'int':
    case 'double': {
      const pattern = def.type === 'int' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
      if (!pattern.test(text)) throw new ConfigError(key, `expected ${def.type === 'int' ? 'an integer' : 'a number'}, got "${raw}"`);
      value = Number(text);
      if (def.type === 'int' && !Number.isSafeInteger(value)) throw new ConfigError(key, `"${raw}" is out of range`);
      break;
    }
    case 'long': {
      if (!/^-?\d+$/.test(text)) throw new ConfigError(key, `expected an integer, got "${raw}"`);
      value = Number(text);
      if (!Number.isSafeInteger(value)) throw new ConfigError(key, `"${raw}" is out of range`);
      break;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new ConfigError(key, `expected true or false, got "${raw}"`);
      value = text === 'true';
      break;
    case 'string':
      value = text;
      break;
    case 'list':
      value = text === '' ? [] : text.split(',').map((s) => s.trim());
      break;
  }
  return checkConfigValue(key, def, value);
}

export function checkConfigValue(key: string, def: ConfigKeyDef, value: ConfigValue): ConfigValue {
  if (typeof value === 'number') {
    if (def.min !== undefined && value < def.min) throw new ConfigError(key, `${value} is below the minimum ${def.min}`);
    if (def.max !== undefined && value > def.max) throw new ConfigError(key, `${value} is above the maximum ${def.max}`);
  }
  if (def.oneOf !== undefined) {
    const values = Array.isArray(value) ? (value as readonly string[]) : [String(value)];
    for (const v of values) {
      if (!def.oneOf.includes(v)) throw new ConfigError(key, `"${v}" is not one of ${def.oneOf.join(', ')}`);
    }
  }
  const problem = def.check?.(value);
  if (problem !== undefined) throw new ConfigError(key, problem);
  return value;
}

/** Validates raw key=value pairs against a schema: unknown keys are errors. */
export function parseConfigEntries(schema: ConfigSchema, raw: Readonly<Record<string, string>>): ConfigValues {
  const out: ConfigValues = {};
  for (const [key, text] of Object.entries(raw)) {
    const def = schema[key];
    if (def === undefined) throw new ConfigError(key, 'unknown configuration key');
    out[key] = parseConfigValue(key, def, text);
  }
  return out;
}

/** Fills defaults and checks that required keys are present. */
export function withDefaults(schema: ConfigSchema, values: ConfigValues): ConfigValues {
  const out: ConfigValues = { ...values };
  for (const [key, def] of Object.entries(schema)) {
    if (out[key] !== undefined) continue;
    if (def.default === undefined) throw new ConfigError(key, 'is required');
    out[key] = def.default;
  }
  return out;
}

/** Java-style .properties: key=value or key: value, # and ! comments. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m === null) throw new ConfigError(line, 'expected key=value');
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** GREGOR_NODE_ID → node.id; GREGOR_LOG_DIRS → log.dirs. */
export function envKeyToConfigKey(envName: string, prefix = 'GREGOR_'): string | undefined {
  if (!envName.startsWith(prefix)) return undefined;
  return envName.slice(prefix.length).toLowerCase().replace(/_/g, '.');
}

export interface ConfigSources {
  /** Path to a .properties file (or .json object of strings). */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Highest precedence (command-line flags). */
  overrides?: Record<string, string>;
  /** Env names with the prefix that are not config keys (ignored). */
  envIgnore?: readonly string[];
}

/** file < GREGOR_* env < flags. Unknown or invalid keys throw ConfigError. */
export function loadConfig(schema: ConfigSchema, sources: ConfigSources): ConfigValues {
  const raw: Record<string, string> = {};
  if (sources.file !== undefined) {
    const text = readFileSync(sources.file, 'utf8');
    const fromFile = sources.file.endsWith('.json')
      ? Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
      : parseProperties(text);
    Object.assign(raw, fromFile);
  }
  for (const [name, value] of Object.entries(sources.env ?? {})) {
    if (value === undefined || sources.envIgnore?.includes(name)) continue;
    const key = envKeyToConfigKey(name);
    if (key !== undefined) raw[key] = value;
  }
  Object.assign(raw, sources.overrides ?? {});
  return withDefaults(schema, parseConfigEntries(schema, raw));
}
