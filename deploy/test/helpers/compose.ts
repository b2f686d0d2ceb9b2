import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** The repository root (deploy/test/helpers → ../../..). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');

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
  services: ComposeService[];
  volumes: Record<string, unknown>;
}

/** Parses a compose file with YAML merge keys (`<<: *anchor`) applied, as compose does. */
export function loadCompose(file = COMPOSE_FILE): ComposeFile {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true }) as Record<string, unknown>;
  const services = (doc['services'] ?? {}) as Record<string, Record<string, unknown>>;
  const declared = (doc['volumes'] ?? {}) as Record<string, unknown>;
  return {
    volumes: declared,
    services: Object.entries(services).map(([name, raw]) => ({
      name,
      raw,
      env: environmentOf(raw['environment']),
      ports: ((raw['ports'] ?? []) as unknown[]).map(parsePort),
      namedVolumes: ((raw['volumes'] ?? []) as unknown[]).flatMap((v) => namedVolume(v, declared)),
    })),
  };
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
