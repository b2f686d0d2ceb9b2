import { ConfigError, isGregorError } from '@gregor/common';
import { DevClusterError } from '@gregor/dev-cluster';

/** DESIGN.md §9: 0 ok, 1 usage, 2 server error. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_SERVER = 2;

/** Bad arguments or input: exit 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ReportedError {
  exitCode: number;
  /** One line for humans, Kafka's error name first for server errors. */
  text: string;
  json: { error: string; code?: number; message: string; retriable?: boolean; context?: Record<string, unknown> };
}

/** How an error is shown and which exit code it means. */
export function reportError(err: unknown): ReportedError {
  // A dev-cluster request that cannot apply here (no cluster in --dir, no such node) is the caller's to fix.
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof DevClusterError) {
    return { exitCode: EXIT_USAGE, text: `error: ${err.message}`, json: { error: 'USAGE', message: err.message } };
  }
  if (isGregorError(err)) {
    // GregorError messages already read "NAME: detail".
    const { failures, ...context } = err.context;
    const lines = [err.message];
    if (Array.isArray(failures)) for (const f of failures as { name: string; message: string }[]) lines.push(`  ${f.name}: ${f.message}`);
    return {
      exitCode: EXIT_SERVER,
      text: lines.join('\n'),
      json: { error: err.errorName, code: err.code, message: err.message, retriable: err.retriable, context: { ...context, ...(failures !== undefined ? { failures } : {}) } },
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: EXIT_SERVER, text: `UNKNOWN_SERVER_ERROR: ${message}`, json: { error: 'UNKNOWN_SERVER_ERROR', message } };
}
