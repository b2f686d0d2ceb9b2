import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** The repository root (deploy/test/helpers → ../../..). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');
/** Compose reads it from the project directory for the file's `${...}` (the published ports). */
export const DOTENV_FILE = path.join(REPO_ROOT, '.env');

export interface PublishedPort {
  hostIp: string | undefined;
  published: number;
  target: number;
}

export interface ComposeService {
  name: string;
  raw: Record<string, unknown>;
  /** `environment` as a map, whichever of the two compose syntaxes is used. */
  env: Record<string, string>;
  ports: PublishedPort[];
  /** Named-volume mounts (volume name → container path). */
  namedVolumes: { volume: string; target: string }[];
}

export interface ComposeFile {
  /** The services `docker compose up` starts (no `profiles`). */
  services: ComposeService[];
  /** Services only started with their profile (`--profile connect`). */
  optional: ComposeService[];
  volumes: Record<string, unknown>;
}

/** A compose `.env` file: KEY=VALUE lines, `#` comments (no quoting or `export`: ours has none). */
export function readDotenv(file = DOTENV_FILE): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const eq = text.indexOf('=');
    if (eq <= 0) throw new Error(`${file}: "${text}" is not KEY=VALUE`);
    vars[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return vars;
}

/** The names in a compose file's `${NAME}` / `${NAME:?message}` / `${NAME:-default}`. */
export function interpolatedNames(text: string): string[] {
  return [...new Set([...text.matchAll(INTERPOLATION_RE)].map((m) => m[1]!))].sort();
}

const INTERPOLATION_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[?-])([^}]*))?\}/g;

/** Compose's interpolation for the forms above; a missing `?` variable is an error, as in compose. */
export function interpolate(text: string, vars: Readonly<Record<string, string | undefined>>): string {
  return text.replace(INTERPOLATION_RE, (_all, name: string, op: string | undefined, arg: string | undefined) => {
    const value = vars[name];
    const unset = value === undefined || (op?.startsWith(':') === true && value === '');
    if (!unset) return value;
    if (op?.endsWith('?')) throw new Error(`compose: ${name} is not set: ${arg}`);
    return op?.endsWith('-') ? arg! : '';
  });
}

/**
 * Parses a compose file as compose does: `${...}` interpolated from `vars`
 * (by default the shell's environment over `.env`), then YAML with merge keys
 * (`<<: *anchor`) applied.
 */
export function loadCompose(file = COMPOSE_FILE, vars: Readonly<Record<string, string | undefined>> = { ...readDotenv(), ...process.env }): ComposeFile {
  const doc = parse(interpolate(readFileSync(file, 'utf8'), vars), { merge: true }) as Record<string, unknown>;
  const services = (doc['services'] ?? {}) as Record<string, Record<string, unknown>>;
  const declared = (doc['volumes'] ?? {}) as Record<string, unknown>;
  const all = Object.entries(services).map(([name, raw]) => ({
    name,
    raw,
    env: environmentOf(raw['environment']),
    ports: ((raw['ports'] ?? []) as unknown[]).map(parsePort),
    namedVolumes: ((raw['volumes'] ?? []) as unknown[]).flatMap((v) => namedVolume(v, declared)),
  }));
  const profiled = (s: ComposeService): boolean => Array.isArray(s.raw['profiles']) && (s.raw['profiles'] as unknown[]).length > 0;
  return { volumes: declared, services: all.filter((s) => !profiled(s)), optional: all.filter(profiled) };
}

export function environmentOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry: string) => {
        const eq = entry.indexOf('=');
        return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Short syntax `[IP:]PUBLISHED:TARGET` (no ranges) or the long syntax. */
export function parsePort(value: unknown): PublishedPort {
  if (typeof value === 'object' && value !== null) {
    const o = value as { host_ip?: string; published?: string | number; target: number };
    return { hostIp: o.host_ip, published: Number(o.published), target: Number(o.target) };
  }
  const text = String(value).replace(/\/tcp$/, '');
  const m = /^(?:(\d+\.\d+\.\d+\.\d+|\[[^\]]+\]):)?(\d+):(\d+)$/.exec(text);
  if (m === null) throw new Error(`port "${text}" is not [IP:]PUBLISHED:TARGET`);
  return { hostIp: m[1], published: Number(m[2]), target: Number(m[3]) };
}

function namedVolume(value: unknown, declared: Record<string, unknown>): { volume: string; target: string }[] {
  if (typeof value === 'object' && value !== null) {
    const o = value as { type?: string; source?: string; target: string };
    return o.type === 'volume' && o.source !== undefined ? [{ volume: o.source, target: o.target }] : [];
  }
  const [source, target] = String(value).split(':');
  // A source that names a declared volume (not a path) is a named volume.
  return source !== undefined && target !== undefined && source in declared ? [{ volume: source, target }] : [];
}

/** host:port endpoints in a listeners / voters value, with what precedes them. */
export const ENDPOINT_RE = /(:\/\/|@)(\[[^\]]+\]|[^:,/@[\]]+):(\d+)/g;
