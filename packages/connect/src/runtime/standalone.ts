import { readFileSync } from 'node:fs';
import { createClient, type Gregor } from '@gregor/client';
import { createLogger, parseProperties, type Logger } from '@gregor/common';
import type { ConnectorPlugin, Props } from '../api/connector';
import { BUILTIN_CONNECTORS } from '../connectors';
import { RestServer } from '../rest/server';
import { connectRoutes } from '../rest/routes';
import { FileOffsetStore, MemoryOffsetStore } from './offset-store';
import { Worker } from './worker';
import { parseWorkerConfig, type WorkerSettings } from './worker-config';

/**
 * Standalone mode: one worker, connectors from properties files given on the
 * command line (and any created over REST, kept in memory only, as Kafka's),
 * source offsets in `offset.storage.file.filename`.
 */
export interface StandaloneWorker {
  readonly worker: Worker;
  readonly settings: WorkerSettings;
  /** The REST base URL, e.g. http://127.0.0.1:8083 */
  readonly url: string;
  close(): Promise<void>;
}

export async function startStandalone(opts: {
  workerProps: Props;
  connectors?: readonly Props[];
  plugins?: readonly ConnectorPlugin[];
  logger?: Logger;
}): Promise<StandaloneWorker> {
  const settings = parseWorkerConfig(opts.workerProps);
  const logger = opts.logger ?? createLogger({ level: settings.logLevel, component: 'connect' });
  const client: Gregor = createClient({ bootstrap: settings.bootstrap, logger, metadataMaxAgeMs: settings.metadataMaxAgeMs });
  const offsets = settings.offsetFile !== undefined ? new FileOffsetStore(settings.offsetFile) : new MemoryOffsetStore();
  const worker = new Worker(settings, client, offsets, opts.plugins ?? BUILTIN_CONNECTORS, logger);
  let clusterId = '';
  const rest = new RestServer(connectRoutes(worker, () => clusterId), logger);
  const address = await rest.listen(settings.listener.host, settings.listener.port);
  worker.workerId = `${settings.advertisedHost}:${address.port}`;
  const url = `http://${settings.advertisedHost}:${address.port}`;
  logger.info('REST API listening', { url });
  const close = async (): Promise<void> => {
    await rest.close();
    await worker.close();
    await client.close();
  };
  try {
    clusterId = (await client.admin().describeCluster()).clusterId;
    for (const props of opts.connectors ?? []) {
      const name = props['name'];
      if (name === undefined) throw new Error(`a connector config has no "name": ${JSON.stringify(props)}`);
      await worker.putConnector(name, props, false);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { worker, settings, url, close };
}

/** A connector config file: Java properties, or JSON (`{name, config}` as POST /connectors takes, or a flat map). */
export function readConnectorFile(file: string): Props {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.json')) return parseProperties(text);
  const doc = JSON.parse(text) as Record<string, unknown>;
  const flat = typeof doc['config'] === 'object' && doc['config'] !== null ? { ...(doc['config'] as object), name: doc['name'] } : doc;
  return Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, String(v)]));
}
