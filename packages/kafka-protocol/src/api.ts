import type { Encodable } from './codec-support';
import type { Reader } from './reader';
import type { Writer } from './writer';

/**
 * One Kafka API as generated from its request and response schemas: its key,
 * the versions the schemas define, and the codecs for bodies (headers are
 * separate, see messages.ts). A server advertises a sub-range of
 * minVersion..maxVersion; the codecs accept any version in the full range.
 */
export interface ApiDefinition<Req, Res> {
  readonly apiKey: number;
  /** Kafka's name without the Request/Response suffix, e.g. "Produce". */
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version (compact types, tagged fields, request header v2, response header v1), or null. */
  readonly firstFlexibleVersion: number | null;
  encodeRequest(w: Writer, version: number, data: Encodable<Req>): void;
  decodeRequest(r: Reader, version: number): Req;
  encodeResponse(w: Writer, version: number, data: Encodable<Res>): void;
  decodeResponse(r: Reader, version: number): Res;
}

/** Field metadata as in Kafka's schema (types with struct fields inlined, names camelCased), for tools and tests. */
export interface FieldSchema {
  readonly name: string;
  /** A primitive ("int32", "string", "records", ...), "[]T" for arrays, or a struct name (with `fields`). */
  readonly type: string;
  readonly versions: string;
  readonly nullableVersions?: string;
  readonly tag?: number;
  readonly default?: string;
  readonly ignorable?: boolean;
  readonly flexibleVersions?: string;
  readonly fields?: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly name: string;
  readonly apiKey?: number;
  readonly type: 'request' | 'response' | 'header';
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly fields: readonly FieldSchema[];
}
