/** @gregor/cli — the `gregor` command; `run` lets tests and tools call it in-process. */
export { run, buildProgram } from './program';
export { CliContext, type CommandModule } from './context';
export type { CliIO } from './io';
export { EXIT_OK, EXIT_USAGE, EXIT_SERVER, UsageError, reportError } from './errors';
export { addCommonOptions, bootstrapAddresses, connect, intArg, keyValue, type CommonOptions } from './options';
export { awaitBootstrap, resolveBootstrap, tcpCanConnect, DEFAULT_BOOTSTRAP, type Bootstrap, type CanConnect, type Place } from './bootstrap';
export { formatRecord, formatTopicDescription, recordJson, toJson, type RecordFormat } from './format';
export { clusterStatusJson, formatClusterStatus, table } from './cluster-status-format';
