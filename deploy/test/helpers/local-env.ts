import * as net from 'node:net';
import { ENDPOINT_RE, type ComposeService } from './compose';

/** The variables whose values hold host:port endpoints. */
const ENDPOINT_VARS = ['GREGOR_LISTENERS', 'GREGOR_ADVERTISED_LISTENERS', 'GREGOR_CONTROLLER_QUORUM_VOTERS'] as const;

/** Every port named in the services' listeners, advertised listeners and voters. */
export function composePorts(services: readonly ComposeService[]): number[] {
  const ports = new Set<number>();
  for (const s of services) {
    for (const name of ENDPOINT_VARS) {
      for (const m of (s.env[name] ?? '').matchAll(ENDPOINT_RE)) ports.add(Number(m[3]));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

export interface LocalEnv {
  env: Record<string, string>;
  /** Variables left out, with why. */
  dropped: Record<string, string>;
}

/**
 * A compose service's environment for a gregor-node process on this host:
 * service names (and wildcard binds) become 127.0.0.1, every port moves
 * through `ports`, log.dirs moves to `dataDir`. Nothing else changes, so the
 * process runs with the compose file's own settings (INTERNAL's service
 * names included: on one host they all become the loopback).
 */
export function localEnv(
  service: ComposeService,
  serviceNames: readonly string[],
  ports: ReadonlyMap<number, number>,
  dataDir: string,
): LocalEnv {
  const env: Record<string, string> = {};
  const dropped: Record<string, string> = {};
  for (const [name, value] of Object.entries(service.env)) {
    if (!name.startsWith('GREGOR_')) {
      dropped[name] = 'read by the image entrypoint, not by gregor-node';
    } else if (name === 'GREGOR_LOG_DIRS') {
      env[name] = dataDir;
    } else if ((ENDPOINT_VARS as readonly string[]).includes(name)) {
      env[name] = value.replace(ENDPOINT_RE, (_all, prefix: string, host: string, port: string) => {
        const local = serviceNames.includes(host) || host === '0.0.0.0' || host === 'localhost' ? '127.0.0.1' : host;
        const moved = ports.get(Number(port));
        if (moved === undefined) throw new Error(`no local port for ${port}`);
        return `${prefix}${local}:${moved}`;
      });
    } else {
      env[name] = value;
    }
  }
  return { env, dropped };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function httpStatus(url: string): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status;
}
