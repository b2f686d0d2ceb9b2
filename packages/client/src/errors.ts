import * as grpc from '@grpc/grpc-js';
import { GregorError, type ErrorName, type GregorErrorContext } from '@gregor/common';
import type { Error__Output } from '@gregor/proto';

/**
 * Turning what comes back from a broker into GregorError, and deciding what
 * to do about it. The classification lives here, once, so the producer, the
 * consumer and the admin client agree on it.
 */

/** The per-partition/per-topic error on the wire; undefined when it is NONE. */
export function errorFromWire(error: Error__Output | null | undefined, context: GregorErrorContext = {}): GregorError | undefined {
  if (error === null || error === undefined || error.code === 0) return undefined;
  // Brokers may send GregorError messages that already start with the name.
  const text = error.message !== '' ? withoutName(error.message) : error.name;
  return GregorError.fromCode(error.code, text, context);
}

/** "NAME: detail" → "detail", so that wrapping an error does not repeat its name. */
export function withoutName(message: string): string {
  return message.replace(/^[A-Z][A-Z_]+: /, '');
}

/**
 * gRPC failures of a whole call. UNAVAILABLE and cancelled calls mean the
 * broker did not answer (NETWORK_EXCEPTION, retriable: try another broker);
 * a deadline means REQUEST_TIMED_OUT; the rest are the server rejecting the
 * request as such.
 */
const GRPC_TO_KAFKA: Partial<Record<grpc.status, ErrorName>> = {
  [grpc.status.UNAVAILABLE]: 'NETWORK_EXCEPTION',
  [grpc.status.CANCELLED]: 'NETWORK_EXCEPTION',
  [grpc.status.DEADLINE_EXCEEDED]: 'REQUEST_TIMED_OUT',
  [grpc.status.RESOURCE_EXHAUSTED]: 'MESSAGE_TOO_LARGE',
  [grpc.status.INVALID_ARGUMENT]: 'INVALID_REQUEST',
  [grpc.status.UNIMPLEMENTED]: 'UNSUPPORTED_VERSION',
  [grpc.status.UNAUTHENTICATED]: 'CLUSTER_AUTHORIZATION_FAILED',
  [grpc.status.PERMISSION_DENIED]: 'CLUSTER_AUTHORIZATION_FAILED',
};

export function errorFromGrpc(err: unknown, broker: string, context: GregorErrorContext = {}): GregorError {
  if (err instanceof GregorError) return err;
  const e = err as Partial<grpc.ServiceError>;
  const code = typeof e.code === 'number' ? (e.code as grpc.status) : undefined;
  const name = (code !== undefined ? GRPC_TO_KAFKA[code] : undefined) ?? 'UNKNOWN_SERVER_ERROR';
  const details = trimGrpcDetails(e.details !== undefined && e.details !== '' ? e.details : (e.message ?? String(err)));
  return new GregorError(name, `broker ${broker}: ${details}`, { ...context, broker, grpcCode: code, transport: isTransport(code) }, err);
}

/** grpc-js connection failures append a long "Resolution note"; keep the first useful part. */
function trimGrpcDetails(details: string): string {
  const m = /Last error: (?:Error: )?(.*?)(?:\. Resolution note|$)/.exec(details);
  return m !== null ? `cannot connect (${m[1]!.trim()})` : details;
}

function isTransport(code: grpc.status | undefined): boolean {
  return code === grpc.status.UNAVAILABLE || code === grpc.status.CANCELLED || code === grpc.status.DEADLINE_EXCEEDED;
}

/** The broker did not answer at all (as opposed to answering with an error). */
export function isTransportError(err: unknown): boolean {
  return err instanceof GregorError && err.context['transport'] === true;
}

/** Only GregorErrors flagged retriable are retried; bugs and non-retriable errors are not. */
export function isRetriableError(err: unknown): boolean {
  return err instanceof GregorError && err.retriable;
}

/**
 * Errors that mean our picture of the cluster is stale (Kafka's
 * InvalidMetadataException family): refresh metadata before retrying.
 */
const STALE_METADATA: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'NOT_LEADER_OR_FOLLOWER',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NETWORK_EXCEPTION',
  'REQUEST_TIMED_OUT',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'REPLICA_NOT_AVAILABLE',
  'KAFKA_STORAGE_ERROR',
  'NOT_CONTROLLER',
  'UNKNOWN_TOPIC_ID',
  'INCONSISTENT_TOPIC_ID',
]);

export function needsMetadataRefresh(err: unknown): boolean {
  return err instanceof GregorError && STALE_METADATA.has(err.errorName);
}

/** The first error among per-item failures, carrying all of them in its context. */
export function firstFailure(failures: readonly { name: string; error: GregorError }[]): GregorError | undefined {
  const first = failures[0];
  if (first === undefined) return undefined;
  if (failures.length === 1) return first.error;
  const err = new GregorError(
    first.error.errorName,
    `${withoutName(first.error.message)} (and ${failures.length - 1} more failure(s))`,
    { ...first.error.context, failures: failures.map((f) => ({ name: f.name, error: f.error.errorName, message: f.error.message })) },
  );
  return err;
}
