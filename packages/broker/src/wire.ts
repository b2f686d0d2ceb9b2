import { ERRORS, GregorError, type ErrorName } from '@gregor/common';
import type { ReplicationError, Error as WireError } from '@gregor/proto';

/**
 * Conversions at the RPC edge: generated protobuf types stop here. int64
 * fields arrive as decimal strings (proto-loader `longs: String`) and leave
 * as decimal strings.
 */
export const NO_ERROR: WireError | null = null;

export function wireError(err: GregorError): WireError {
  return { code: err.code, name: err.errorName, message: err.message, retriable: err.retriable };
}

export function wireErrorOf(name: ErrorName, message: string): WireError {
  return { code: ERRORS[name].code, name, message: `${name}: ${message}`, retriable: ERRORS[name].retriable };
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
export function replicationWireError(err: GregorError): ReplicationError {
  const hint = err.context.leaderHint;
  return { ...wireError(err), leaderHint: typeof hint === 'number' ? hint : -1 };
}
