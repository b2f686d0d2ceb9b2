/** @gregor/cli — the `gregor` command; `run` lets tests and tools call it in-process. */
export { run, buildProgram } from './program';
export { CliContext, type CommandModule } from './context';
export type { CliIO } from './io';
export { EXIT_OK, EXIT_USAGE, EXIT_SERVER, UsageError, reportError } from './errors';
export { addCommonOptions, connect, defaultBootstrap, intArg, keyValue, DEFAULT_BOOTSTRAP, type CommonOptions } from './options';
export { formatRecord, formatTopicDescription, recordJson, toJson, type RecordFormat } from './format';
export { clusterStatusJson, formatClusterStatus, table } from './cluster-status-format';
