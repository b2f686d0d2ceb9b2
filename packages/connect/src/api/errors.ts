/**
 * Connect's exception kinds. A connector throws `RetriableError` for a failure
 * that may pass (the runtime retries the same call with backoff) and
 * `ConnectError` for one that will not (the task fails; the worker restarts
 * it with bounded backoff). `DataError` is a record that cannot be converted:
 * `errors.tolerance=all` skips it (to the dead-letter topic for sinks).
 */
export class ConnectError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectError';
  }
}

export class RetriableError extends ConnectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableError';
  }
}

export class DataError extends ConnectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
  }
}

/** The stack trace Connect's status API shows for a failed connector or task. */
export function traceOf(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}
