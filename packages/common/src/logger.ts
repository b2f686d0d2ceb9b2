import winston from 'winston';

export type Logger = winston.Logger;
/** The log levels Gregor's processes accept (node `log.level`, the examples' GREGOR_LOG_LEVEL). */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level?: LogLevel;
  /** Included on every line, so interleaved cluster logs stay readable. */
  nodeId?: number;
  component?: string;
  /** JSON lines; defaults to true when stdout is not a TTY. */
  json?: boolean;
  /** Log to stderr instead of stdout (CLIs keep stdout for data). */
  stderr?: boolean;
  silent?: boolean;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const json = opts.json ?? !process.stdout.isTTY;
  const format = json
    ? winston.format.combine(winston.format.timestamp(), winston.format.json())
    : winston.format.combine(
        winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
        winston.format.printf(({ timestamp, level, message, node, component, ...rest }) => {
          const meta = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
          const who = node !== undefined ? `node-${String(node)} ` : '';
          const comp = component !== undefined ? `[${String(component)}] ` : '';
          return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} ${who}${comp}${String(message)}${meta}`;
        }),
      );
  const defaultMeta: Record<string, unknown> = {};
  if (opts.nodeId !== undefined) defaultMeta['node'] = opts.nodeId;
  if (opts.component !== undefined) defaultMeta['component'] = opts.component;
  const logger = winston.createLogger({
    level: opts.level ?? 'info',
    format,
    defaultMeta,
    silent: opts.silent ?? false,
    transports: [
      new winston.transports.Console(
        opts.stderr === true ? { stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] } : {},
      ),
    ],
  });
  skipDisabledLevels(logger);
  return logger;
}

/**
 * Winston drops an entry below its level only after building it and
 * passing it through its stream; a node applying 10,000 new partitions
 * spent ~12% of a multi-second stall on debug lines it then dropped. The
 * level methods now return at once when their level is off (or the logger
 * is silent). Child loggers inherit them (winston makes a child with
 * Object.create(parent)).
 */
function skipDisabledLevels(logger: Logger): void {
  for (const level of LOG_LEVELS) {
    const method = logger[level];
    logger[level] = function (this: Logger, ...args: unknown[]): Logger {
      if (this.silent || !this.isLevelEnabled(level)) return this;
      return (method as (...a: unknown[]) => Logger).apply(this, args);
    } as Logger[typeof level];
  }
}

/** A logger that drops everything: the default for library code and tests. */
export function silentLogger(): Logger {
  return createLogger({ silent: true });
}
