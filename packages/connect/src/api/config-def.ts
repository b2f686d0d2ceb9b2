import { ConfigError, parseConfigValue, type ConfigKeyDef, type ConfigValue } from '@gregor/common';

/**
 * A connector's (or the worker's) configuration keys: type, default,
 * validators (from @gregor/common's ConfigKeyDef, so parsing and range rules
 * live once), plus what Kafka Connect's REST API shows about each key
 * (importance, group, display name). Unlike a node's config, validation
 * collects every problem of every key instead of stopping at the first, and
 * keys the definition does not know are passed through (connectors read
 * prefixed keys such as `transforms.*` or `producer.override.*`).
 */
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

export interface ConnectConfigKey extends ConfigKeyDef {
  readonly importance: Importance;
  readonly group?: string;
  readonly displayName?: string;
  /** Shown as PASSWORD and never echoed back by the validate endpoint. */
  readonly password?: boolean;
  /** A check that needs the other keys; returns a problem or undefined. */
  readonly validateWith?: (value: ConfigValue | null, all: ConfigValues) => string | undefined;
}

export type ConfigValues = Record<string, ConfigValue | null>;

/** One key as GET /connector-plugins/{p}/config shows it (Kafka's ConfigKeyInfo). */
export interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: Importance;
  documentation: string;
  group: string | null;
  order: number;
  width: 'NONE';
  display_name: string;
  dependents: string[];
}

/** The outcome of validating raw properties: parsed values and every problem per key. */
export interface ConfigValidation {
  readonly values: ConfigValues;
  readonly errors: ReadonlyMap<string, readonly string[]>;
  readonly errorCount: number;
}

export class ConfigDef {
  constructor(readonly keys: Readonly<Record<string, ConnectConfigKey>>) {}

  /** A definition with this one's keys and `other`'s (other wins on a clash). */
  merge(other: ConfigDef): ConfigDef {
    return new ConfigDef({ ...this.keys, ...other.keys });
  }

  validate(raw: Readonly<Record<string, string>>): ConfigValidation {
    const values: ConfigValues = {};
    const errors = new Map<string, string[]>();
    const add = (key: string, problem: string): void => {
      const list = errors.get(key) ?? [];
      list.push(problem);
      errors.set(key, list);
    };
    for (const [key, def] of Object.entries(this.keys)) {
      const text = raw[key];
      if (text === undefined) {
        if (def.default === undefined) add(key, `Missing required configuration "${key}" which has no default value.`);
        values[key] = def.default ?? null;
        continue;
      }
      try {
        values[key] = parseConfigValue(key, def, String(text));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        add(key, `Invalid value ${String(text)} for configuration ${key}: ${err.problem}`);
        values[key] = null;
      }
    }
    for (const [key, def] of Object.entries(this.keys)) {
      if (def.validateWith === undefined || errors.has(key)) continue;
      const problem = def.validateWith(values[key] ?? null, values);
      if (problem !== undefined) add(key, problem);
    }
    let errorCount = 0;
    for (const list of errors.values()) errorCount += list.length;
    return { values, errors, errorCount };
  }

  /** Parsed values, or a ConfigValidationError naming every problem. */
  parse(raw: Readonly<Record<string, string>>): ConfigValues {
    const v = this.validate(raw);
    if (v.errorCount > 0) throw new ConfigValidationError(v);
    return v.values;
  }

  describe(): ConfigKeyInfo[] {
    return Object.entries(this.keys).map(([name, def], i) => ({
      name,
      type: def.password === true ? 'PASSWORD' : typeName(def.type),
      required: def.default === undefined,
      default_value: def.default === undefined || def.default === null ? null : formatValue(def.default),
      importance: def.importance,
      documentation: def.doc,
      group: def.group ?? null,
      order: i + 1,
      width: 'NONE',
      display_name: def.displayName ?? name,
      dependents: [],
    }));
  }
}

export class ConfigValidationError extends Error {
  constructor(readonly validation: ConfigValidation) {
    const lines = [...validation.errors.values()].flat();
    super(`Connector configuration is invalid and contains the following ${lines.length} error(s):\n${lines.join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function typeName(type: ConfigKeyDef['type']): string {
  return type.toUpperCase();
}

export function formatValue(value: ConfigValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** Reads a parsed value with its expected JS type; asserting misuse by the connector author. */
export const cfg = {
  str: (v: ConfigValues, key: string): string => String(v[key] ?? ''),
  optStr: (v: ConfigValues, key: string): string | undefined => (v[key] === null || v[key] === undefined || v[key] === '' ? undefined : String(v[key])),
  int: (v: ConfigValues, key: string): number => Number(v[key]),
  bool: (v: ConfigValues, key: string): boolean => v[key] === true,
  list: (v: ConfigValues, key: string): string[] => (Array.isArray(v[key]) ? [...(v[key] as string[])] : []),
};
