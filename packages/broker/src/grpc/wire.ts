import { GregorError } from '@gregor/common';
import type { ReplicationError, Error as WireError } from '@gregor/proto';

/**
 * Conversions at the gRPC edge: generated protobuf types stop here. int64
 * fields arrive as decimal strings (proto-loader `longs: String`) and leave
 * as decimal strings; Kafka's nullable strings are "" on this wire.
 */
export function wireError(err: GregorError | null): WireError | null {
  return err === null ? null : { code: err.code, name: err.errorName, message: err.message, retriable: err.retriable };
}

/** Parses an int64 field; anything but an integer is INVALID_REQUEST. */
export function int64(value: string | number | undefined, field: string): bigint {
  if (value === undefined || value === '') return 0n;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new GregorError('INVALID_REQUEST', `${field} is not an integer`);
    return BigInt(value);
  }
  if (!/^-?\d+$/.test(value)) throw new GregorError('INVALID_REQUEST', `${field} is not an integer: "${value}"`);
  return BigInt(value);
}

export function int64String(value: bigint | number): string {
  return value.toString();
}

/** The replication API's error shape: client.proto's plus the leader hint. */
export function replicationWireError(err: GregorError | null): ReplicationError | null {
  if (err === null) return null;
  const hint = err.context.leaderHint;
  return { code: err.code, name: err.errorName, message: err.message, retriable: err.retriable, leaderHint: typeof hint === 'number' ? hint : -1 };
}

/** "" on this wire is Kafka's null. */
export function nullable(s: string): string | null {
  return s === '' ? null : s;
}

export function orEmpty(s: string | null): string {
  return s ?? '';
}
