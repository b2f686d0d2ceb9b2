import * as net from 'node:net';

/**
 * A TCP proxy on loopback that can make connections die silently — the
 * fault that keepalive exists for: bytes stop flowing, nothing is closed,
 * no RST or FIN arrives. For tests of dead-connection detection (and of
 * partitions without network namespaces).
 *
 * `blackHoleExisting()` freezes every connection open now (their bytes are
 * dropped both ways, their sockets stay open) while new connections are
 * forwarded normally: a connection that died during a cut that has since
 * healed. `blackHoleAll()` also freezes connections made later (a cut in
 * progress); `heal()` forwards new connections again (frozen ones stay
 * frozen, as dead TCP connections do).
 */
export interface TcpFaultProxy {
  /** The port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  blackHoleExisting(): void;
  blackHoleAll(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpFaultProxy(targetHost: string, targetPort: number): Promise<TcpFaultProxy> {
  const open = new Set<{ client: net.Socket; upstream: net.Socket; frozen: boolean }>();
  let freezeNew = false;
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(targetPort, targetHost);
    const conn = { client, upstream, frozen: freezeNew };
    open.add(conn);
    // Forward unless frozen; a frozen connection reads and drops (no back-pressure, no close).
    client.on('data', (b) => void (conn.frozen || upstream.write(b)));
    upstream.on('data', (b) => void (conn.frozen || client.write(b)));
    const end = (): void => {
      if (conn.frozen) return;
      open.delete(conn);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get accepted() {
      return accepted;
    },
    blackHoleExisting() {
      for (const c of open) c.frozen = true;
    },
    blackHoleAll() {
      freezeNew = true;
      for (const c of open) c.frozen = true;
    },
    heal() {
      freezeNew = false;
    },
    async close() {
      for (const c of open) {
        c.client.destroy();
        c.upstream.destroy();
      }
      open.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
