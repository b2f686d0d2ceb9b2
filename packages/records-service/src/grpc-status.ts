import * as grpc from '@grpc/grpc-js';
import { toGregorError, type ErrorName, type GregorError } from '@gregor/common';

/** Trailing-metadata keys that carry Kafka's error on a failed call (records.proto, "Error model"). */
export const ERROR_NAME_KEY = 'gregor-error-name';
export const ERROR_CODE_KEY = 'gregor-error-code';

const BY_NAME: Partial<Record<ErrorName, grpc.status>> = {
  UNKNOWN_TOPIC_OR_PARTITION: grpc.status.NOT_FOUND,
  UNKNOWN_TOPIC_ID: grpc.status.NOT_FOUND,
  MESSAGE_TOO_LARGE: grpc.status.RESOURCE_EXHAUSTED,
  RECORD_LIST_TOO_LARGE: grpc.status.RESOURCE_EXHAUSTED,
  THROTTLING_QUOTA_EXCEEDED: grpc.status.RESOURCE_EXHAUSTED,
  OFFSET_OUT_OF_RANGE: grpc.status.OUT_OF_RANGE,
  REQUEST_TIMED_OUT: grpc.status.DEADLINE_EXCEEDED,
  // Not retriable in Kafka's table (the client should pick another broker), which is what UNAVAILABLE tells a gRPC client.
  BROKER_NOT_AVAILABLE: grpc.status.UNAVAILABLE,
  UNKNOWN_SERVER_ERROR: grpc.status.INTERNAL,
};

/**
 * The gRPC status for a Kafka error, as records.proto documents it: the
 * specific cases above; any other retriable error means the node cannot
 * serve right now (a leader or coordinator moving, a broker down, the node
 * stopping) — UNAVAILABLE, which generated clients retry; any other
 * non-retriable error is the caller's to fix — INVALID_ARGUMENT. Pure.
 */
export function grpcStatusFor(err: GregorError): grpc.status {
  return BY_NAME[err.errorName] ?? (err.retriable ? grpc.status.UNAVAILABLE : grpc.status.INVALID_ARGUMENT);
}

/**
 * A failed call: status, message, and Kafka's error name and code in the
 * trailing metadata, plus the partition's offsets for OFFSET_OUT_OF_RANGE
 * so that a reader can jump back into range without another call.
 */
export function toServiceError(thrown: unknown): Partial<grpc.StatusObject> {
  const err = toGregorError(thrown);
  const metadata = new grpc.Metadata();
  metadata.set(ERROR_NAME_KEY, err.errorName);
  metadata.set(ERROR_CODE_KEY, String(err.code));
  for (const [field, key] of [
    ['logStartOffset', 'gregor-log-start-offset'],
    ['highWatermark', 'gregor-high-watermark'],
  ] as const) {
    const v = err.context[field];
    if (typeof v === 'bigint') metadata.set(key, v.toString());
  }
  return { code: grpcStatusFor(err), details: err.message, metadata };
}
