import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@gregor/common';
import { HerderError } from '../runtime/herder-error';
import { SIGNATURE_ALGORITHM_HEADER, SIGNATURE_HEADER } from '../runtime/session-key';
import { Router, type RestRequest } from './router';

/** Bodies larger than this are refused with 413 (configs are small; this bounds memory per request). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How long a request forwarded to another worker may take (Kafka's 90 s request timeout is for rebalances; 30 s bounds a stuck peer). */
const FORWARD_TIMEOUT_MS = 30_000;
/** Marks a forwarded request, so the worker it reaches answers it itself (no forwarding loops). */
export const FORWARDED_HEADER = 'x-gregor-forwarded';

/**
 * Distributed mode: where a request must be answered — another worker's base
 * URL (the group leader for config writes, the owner for restarts), or
 * undefined to answer here. Throws a HerderError (409) during a rebalance.
 */
export type Forwarder = (method: string, path: string) => string | undefined;

/**
 * The REST listener on node:http. Chosen over a framework because the API is
 * a fixed table of routes with JSON bodies, and what matters is answering
 * exactly as Kafka Connect does — `{"error_code": N, "message": "…"}` for
 * every error, Jersey's 404/405 for unknown paths and methods — which is
 * simplest with nothing in between.
 */
export class RestServer {
  private server: Server | undefined;

  constructor(
    private readonly router: Router,
    private readonly logger: Logger,
    private readonly forward?: Forwarder,
  ) {}

  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host === '' ? '0.0.0.0' : host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    let status = 500;
    try {
      const match = this.router.match(method, url.pathname);
      if (match === undefined) throw new RestError(404, 'HTTP 404 Not Found');
      if (match === 'method') throw new RestError(405, 'HTTP 405 Method Not Allowed');
      const { body, rawBody } = await readJsonBody(req);
      const target = this.forward !== undefined && req.headers[FORWARDED_HEADER] === undefined ? this.forward(method, url.pathname) : undefined;
      if (target !== undefined) {
        status = await this.forwardTo(target, method, req.url ?? '/', rawBody, req, res);
        return;
      }
      const request: RestRequest = { method, params: match.params, query: url.searchParams, body, rawBody, raw: req };
      const answer = await match.handler(request);
      status = answer.status;
      send(res, answer.status, answer.body);
    } catch (err) {
      const { code, message } = errorOf(err);
      status = code;
      if (code >= 500) this.logger.error('REST request failed', { method, path: url.pathname, error: err instanceof Error ? err.stack : String(err) });
      send(res, code, { error_code: code, message });
    } finally {
      this.logger.debug('REST', { method, path: url.pathname, status, ms: Date.now() - started });
    }
  }

  /** Kafka's forwarding: the same request to the worker that must answer it; its answer goes back as it is. */
  private async forwardTo(target: string, method: string, pathAndQuery: string, rawBody: Buffer, req: IncomingMessage, res: ServerResponse): Promise<number> {
    this.logger.debug('forwarding REST request', { method, path: pathAndQuery, to: target });
    let answer: Response;
    try {
      answer = await fetch(`${target}${pathAndQuery}`, {
        method,
        // The body's bytes and a signed internal request's headers as received: the signature covers those bytes.
        headers: { 'content-type': 'application/json', [FORWARDED_HEADER]: '1', ...signatureHeadersOf(req) },
        ...(rawBody.length > 0 ? { body: rawBody } : {}),
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
    } catch (err) {
      throw new RestError(500, `Error trying to forward REST request to ${target}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await answer.text();
    res.writeHead(answer.status, text === '' ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return answer.status;
  }
}

function signatureHeadersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [SIGNATURE_HEADER, SIGNATURE_ALGORITHM_HEADER]) {
    const v = req.headers[name.toLowerCase()];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

function errorOf(err: unknown): { code: number; message: string } {
  if (err instanceof RestError || err instanceof HerderError) return { code: err.status, message: err.message };
  return { code: 500, message: err instanceof Error ? err.message : String(err) };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJsonBody(req: IncomingMessage): Promise<{ body: unknown; rawBody: Buffer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RestError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const rawBody = Buffer.concat(chunks);
  const text = rawBody.toString('utf8').trim();
  if (text === '') return { body: undefined, rawBody };
  try {
    return { body: JSON.parse(text) as unknown, rawBody };
  } catch (err) {
    throw new RestError(400, `Invalid JSON in the request body: ${(err as Error).message}`);
  }
}
