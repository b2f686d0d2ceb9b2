import type { ApiError } from '../api/context';

/**
 * Conversions at the Kafka edge shared by the adapters: generated types stop
 * here. An ApiError goes on Kafka's wire as its code (and, where the version
 * has an error_message field, its message).
 */
export function errorCodeOf(err: ApiError | null): number {
  return err === null ? 0 : err.code;
}

export function errorMessageOf(err: ApiError | null): string | null {
  return err === null ? null : err.message;
}

/** Kafka's "authorized operations not requested" sentinel (INT32_MIN). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
