import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@gregor/common';
import type { Registry } from 'prom-client';
import type { LatencyProbe } from './latency-probe';
import type { Readiness } from './readiness';

export interface HttpEndpoints {
  readiness(): Readiness;
  registry: Registry;
  logger: Logger;
  /** /debug/latency, when the node traces latency (`debug.latency.trace`); else that path is 404. */
  latency?: LatencyProbe;
}

/**
 * /healthz: the process answers (200). /readyz: 200 once every role is
 * serving (with a quorum: registered, unfenced, caught up), else 503 with
 * one reason per line. /metrics: Prometheus text. /debug/latency (only with
 * debug.latency.trace): the LatencyReport of the window since the previous
 * call, as JSON; each call starts a new window.
 */
export function createHttpServer(endpoints: HttpEndpoints): http.Server {
  return http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (url === '/readyz') {
      const r = endpoints.readiness();
      const body = r.ready ? 'ready\n' : `not ready\n${r.reasons.map((why) => `- ${why}\n`).join('')}`;
      res.writeHead(r.ready ? 200 : 503, { 'content-type': 'text/plain' }).end(body);
    } else if (url === '/metrics') {
      endpoints.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': endpoints.registry.contentType }).end(text),
        (err: unknown) => {
          endpoints.logger.error('metrics collection failed', { err: String(err) });
          res.writeHead(500).end();
        },
      );
    } else if (url === '/debug/latency' && endpoints.latency !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(endpoints.latency.takeReport()));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
}

export function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host === '' ? undefined : host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
