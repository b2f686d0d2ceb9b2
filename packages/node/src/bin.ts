#!/usr/bin/env -S node --initial-old-space-size=256 --max-semi-space-size=32
// The V8 flags above are part of how gregor-node runs (launchers that start
// it through `node` read them from this line: see nodeFlagsOf in
// @gregor/dev-cluster). Buffers that outlive a scavenge (produce requests
// waiting for acks=all, fetch responses, the tail cache) make V8 run a full
// mark-compact for every few tens of MiB of them while its old-space limit is
// sized for the ~20 MiB heap; a 256 MiB initial old space cut full GCs from
// ~65 to ~7 per node and node CPU per record by ~30% in the 3-node bench.
import { ConfigError, createLogger, watchProcessExit, type Logger } from '@gregor/common';
import { parseNodeArgs, USAGE } from './args';
import { loadNodeConfig, type NodeConfig } from './node-config';
import { startNode, type RunningNode } from './start-node';

function flush(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 1000);
    logger.on('finish', () => {
      clearTimeout(t);
      resolve();
    });
    logger.end();
  });
}

async function main(): Promise<number> {
  const args = parseNodeArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.kind === 'error') {
    process.stderr.write(`gregor-node: ${args.message}\n\n${USAGE}`);
    return 1;
  }
  let config: NodeConfig;
  try {
    config = loadNodeConfig({
      ...(args.configFile !== undefined ? { file: args.configFile } : {}),
      env: process.env,
      // The gregor CLI's own settings, e.g. GREGOR_CLI_BOOTSTRAP set in a
      // container image for the CLI inside it: not node keys.
      envIgnore: Object.keys(process.env).filter((name) => name.startsWith('GREGOR_CLI_')),
      overrides: args.overrides,
    });
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : `cannot read config: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`gregor-node: ${message}\n`);
    return 1;
  }
  const logger = createLogger({ level: config.logLevel, nodeId: config.nodeId });
  // A signal during start-up (which may wait long for a quorum) ends the
  // process at once: nothing has been acknowledged yet, and storage and Raft
  // state are crash-safe, so there is nothing to shut down in order.
  const duringStartUp = (signal: NodeJS.Signals): void => {
    logger.warn('signal during start-up: exiting before serving', { signal });
    void flush(logger).then(() => process.exit(1));
  };
  process.on('SIGTERM', duringStartUp);
  process.on('SIGINT', duringStartUp);
  // The owner's death is a SIGTERM it can no longer send.
  const owner = args.exitWithPid;
  if (owner !== undefined) watchProcessExit(owner, () => {
    logger.warn(`process ${owner} that started this node is gone: shutting down`);
    process.emit('SIGTERM', 'SIGTERM');
  });
  let node: RunningNode;
  try {
    node = await startNode(config, { logger });
  } catch (err) {
    logger.error('start-up failed', { err: err instanceof Error ? err.message : String(err) });
    await flush(logger);
    return 1;
  } finally {
    process.off('SIGTERM', duringStartUp);
    process.off('SIGINT', duringStartUp);
  }
  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        logger.warn('second signal: exiting without a clean shutdown', { signal });
        resolve(1);
        return;
      }
      signalled = true;
      logger.info('signal received: shutting down', { signal });
      node.stop().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error('shutdown failed', { err: err instanceof Error ? err.stack : String(err) });
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }).then(async (code) => {
    await flush(logger);
    return code;
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`gregor-node: fatal: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
