import { errorCode } from '@gregor/common';
import type { ApiDefinition } from './api';
import type { Encodable } from './codec-support';
import { KafkaProtocolError } from './errors';
import { API_KEYS, API_VERSIONS_API, GENERATED_APIS, decodeRequestHeader, decodeResponseHeader, encodeRequestHeader, encodeResponseHeader } from './generated';
import { Reader } from './reader';
import { Writer, type WriterOptions } from './writer';

/**
 * Whole frames: header + body, the header version chosen as Kafka does
 * (KIP-482): flexible API versions use request header v2 and response
 * header v1, others v1 and v0. Exception: the ApiVersions response always
 * uses header v0, because a client that does not yet know the broker's
 * versions must be able to read it. (Request header v0, without client id,
 * is only ControlledShutdown v0, which Gregor does not serve.)
 */

export function isFlexible(api: ApiDefinition<unknown, unknown>, version: number): boolean {
  return api.firstFlexibleVersion !== null && version >= api.firstFlexibleVersion;
}

export function requestHeaderVersion(api: ApiDefinition<unknown, unknown>, version: number): 1 | 2 {
  return isFlexible(api, version) ? 2 : 1;
}

export function responseHeaderVersion(api: ApiDefinition<unknown, unknown>, version: number): 0 | 1 {
  if (api.apiKey === API_KEYS.ApiVersions) return 0;
  return isFlexible(api, version) ? 1 : 0;
}

const NAME_BY_KEY: ReadonlyMap<number, string> = new Map(Object.entries(API_KEYS).map(([name, key]) => [key, name]));

/** Kafka's name for an API key ("Produce"), or "ApiKey(n)" for one Kafka does not define. */
export function apiName(apiKey: number): string {
  return NAME_BY_KEY.get(apiKey) ?? `ApiKey(${apiKey})`;
}

export interface RequestHeaderInfo {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Null when absent, or when the API is unknown and the rest of the header was not parsed. */
  clientId: string | null;
  /** The generated API for the key, or undefined if Gregor has no codec for it. */
  api: ApiDefinition<unknown, unknown> | undefined;
  /** Where the body starts in the frame; -1 when the API is unknown. */
  bodyOffset: number;
}

/**
 * Reads a request frame's header without touching the body, so a server can
 * answer an unknown API or an unsupported version before decoding (Kafka:
 * ApiVersions at an unsupported version gets a v0 response with
 * UNSUPPORTED_VERSION; other APIs get UNSUPPORTED_VERSION or a close). The
 * header layout follows the version even past the API's maxVersion: a newer
 * flexible version keeps header v2. Throws a truncated KafkaProtocolError if
 * even the fixed 8 bytes are missing.
 */
export function peekRequestHeader(frame: Buffer): RequestHeaderInfo {
  const fixed = new Reader(frame);
  const apiKey = fixed.int16();
  const apiVersion = fixed.int16();
  const correlationId = fixed.int32();
  const api = GENERATED_APIS.get(apiKey);
  if (api === undefined) return { apiKey, apiVersion, correlationId, clientId: null, api, bodyOffset: -1 };
  const r = new Reader(frame);
  const header = decodeRequestHeader(r, requestHeaderVersion(api, apiVersion));
  return { apiKey, apiVersion, correlationId, clientId: header.clientId, api, bodyOffset: r.offset };
}

function checkServed(api: ApiDefinition<unknown, unknown>, version: number): void {
  if (version < api.minVersion || version > api.maxVersion) {
    throw new KafkaProtocolError('unsupported-version', `${api.name} version ${version} is outside ${api.minVersion}-${api.maxVersion}`, {
      apiKey: api.apiKey,
      version,
    });
  }
}

/** Decodes the body of a peeked request. Trailing bytes after the body are malformed (the frame and the schema disagree). */
export function decodeRequestBody<Req>(api: ApiDefinition<Req, unknown>, header: RequestHeaderInfo, frame: Buffer): Req {
  checkServed(api as ApiDefinition<unknown, unknown>, header.apiVersion);
  const r = new Reader(frame, header.bodyOffset);
  const body = api.decodeRequest(r, header.apiVersion);
  if (r.remaining !== 0) {
    throw new KafkaProtocolError('malformed', `${api.name} v${header.apiVersion} request has ${r.remaining} bytes after its body`, {
      apiKey: api.apiKey,
      version: header.apiVersion,
    });
  }
  return body;
}

/** A whole response frame (size prefix, header, body) as chunks for writev; records are not copied. */
export function encodeResponseFrame<Res>(
  api: ApiDefinition<unknown, Res>,
  version: number,
  correlationId: number,
  body: Encodable<Res>,
  opts?: WriterOptions,
): Buffer[] {
  const w = Writer.frame(opts);
  encodeResponseHeader(w, responseHeaderVersion(api as ApiDefinition<unknown, unknown>, version), { correlationId });
  api.encodeResponse(w, version, body);
  return w.toChunks();
}

/** A whole request frame, as a client sends it. */
export function encodeRequestFrame<Req>(
  api: ApiDefinition<Req, unknown>,
  version: number,
  header: { correlationId: number; clientId: string | null },
  body: Encodable<Req>,
  opts?: WriterOptions,
): Buffer[] {
  const w = Writer.frame(opts);
  encodeRequestHeader(w, requestHeaderVersion(api as ApiDefinition<unknown, unknown>, version), {
    requestApiKey: api.apiKey,
    requestApiVersion: version,
    correlationId: header.correlationId,
    clientId: header.clientId,
  });
  api.encodeRequest(w, version, body);
  return w.toChunks();
}

/** Decodes a response frame body (without its size prefix) of a request the caller sent at `version`. */
export function decodeResponseFrame<Res>(api: ApiDefinition<unknown, Res>, version: number, frame: Buffer): { correlationId: number; body: Res } {
  const r = new Reader(frame);
  const { correlationId } = decodeResponseHeader(r, responseHeaderVersion(api as ApiDefinition<unknown, unknown>, version));
  const body = api.decodeResponse(r, version);
  if (r.remaining !== 0) {
    throw new KafkaProtocolError('malformed', `${api.name} v${version} response has ${r.remaining} bytes after its body`);
  }
  return { correlationId, body };
}

/**
 * Kafka's answer to ApiVersions at a version it does not serve (KIP-511): a
 * v0 response, UNSUPPORTED_VERSION, listing only ApiVersions' own served
 * range so the client can retry at a version both know.
 */
export function unsupportedApiVersionsResponse(correlationId: number, served: { minVersion: number; maxVersion: number }): Buffer[] {
  return encodeResponseFrame(API_VERSIONS_API, 0, correlationId, {
    errorCode: errorCode('UNSUPPORTED_VERSION'),
    apiKeys: [{ apiKey: API_KEYS.ApiVersions, minVersion: served.minVersion, maxVersion: served.maxVersion }],
  });
}
