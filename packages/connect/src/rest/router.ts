import type { IncomingMessage } from 'node:http';

/**
 * A tiny path router for the REST server: Kafka Connect's API is a fixed set
 * of ~20 routes, so a table of patterns is all it needs.
 */
export interface RestRequest {
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body (undefined when empty). */
  readonly body: unknown;
  /** The body's bytes as received (signed internal requests are checked against them). */
  readonly rawBody: Buffer;
  readonly raw: IncomingMessage;
}

export interface RestResponse {
  readonly status: number;
  readonly body?: unknown;
}

export type Handler = (req: RestRequest) => Promise<RestResponse> | RestResponse;

interface Route {
  readonly method: string;
  readonly parts: readonly string[];
  readonly handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    this.routes.push({ method, parts: path.split('/').filter((p) => p !== ''), handler });
    return this;
  }

  /** The handler and path params, 'method' when the path exists with another method, undefined when it does not. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | 'method' | undefined {
    const parts = pathname.split('/').filter((p) => p !== '');
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (params === undefined) continue;
      pathMatched = true;
      if (route.method === method) return { handler: route.handler, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

function matchParts(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(parts[i]!);
      } catch {
        return undefined;
      }
    } else if (p !== parts[i]) return undefined;
  }
  return params;
}
