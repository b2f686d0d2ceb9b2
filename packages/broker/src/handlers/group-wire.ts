import type * as grpc from '@grpc/grpc-js';
import type { ErrorName } from '@gregor/common';
import type { Error as WireError } from '@gregor/proto';
import { wireErrorOf } from '../wire';

/** Conversions shared by the group handlers: Kafka's nullable strings are "" on our wire. */
export function nullable(s: string): string | null {
  return s === '' ? null : s;
}

export function orEmpty(s: string | null): string {
  return s ?? '';
}

const MESSAGES: Partial<Record<ErrorName, string>> = {
  NOT_COORDINATOR: 'this broker is not the coordinator of the group; find it again with FindCoordinator',
  COORDINATOR_LOAD_IN_PROGRESS: 'the coordinator is loading the group; retry shortly',
  COORDINATOR_NOT_AVAILABLE: 'the group coordinator is not available; retry shortly',
};

/** A coordinator's error name as a wire Error (null for NONE). */
export function groupError(name: ErrorName, detail?: string): WireError | null {
  if (name === 'NONE') return null;
  return wireErrorOf(name, detail ?? MESSAGES[name] ?? name.toLowerCase().replace(/_/g, ' '));
}

/** What the handlers read from a call: who sent it. */
export interface CallerInfo {
  readonly metadata: grpc.Metadata;
  getPeer(): string;
}

/** The client id a member sent (gRPC metadata, as Kafka's request header carries it). */
export function clientIdOf(call: CallerInfo | undefined): string {
  const v = call?.metadata.get('client-id')[0];
  return typeof v === 'string' && v !== '' ? v : 'unknown';
}

/** Kafka shows a member's host as "/ip" (InetAddress.toString()). */
export function clientHostOf(call: CallerInfo | undefined): string {
  const peer = call?.getPeer() ?? '';
  const m = /^(?:ipv[46]:)?\[?([^\]]*?)\]?(?::\d+)?$/.exec(peer);
  return `/${m?.[1] ?? peer}`;
}
