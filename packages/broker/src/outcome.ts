import { toGregorError, type ErrorName, type GregorError, type Logger } from '@gregor/common';

/**
 * Collects the per-item errors of one request: each becomes a GregorError
 * (the domain responses' error),
 * the first one labels the request in metrics, and unexpected ones
 * (UNKNOWN_SERVER_ERROR: a bug, not bad input) are logged with their stack.
 */
export class RequestOutcome {
  firstError: ErrorName | 'NONE' = 'NONE';

  constructor(
    private readonly logger: Logger,
    readonly api: string,
  ) {}

  fail(err: unknown, context: Record<string, unknown> = {}): GregorError {
    const g: GregorError = toGregorError(err, context);
    if (this.firstError === 'NONE') this.firstError = g.errorName;
    if (g.errorName === 'UNKNOWN_SERVER_ERROR') {
      this.logger.error('unexpected error', { api: this.api, ...context, err: err instanceof Error ? err.stack : String(err) });
    }
    return g;
  }
}
