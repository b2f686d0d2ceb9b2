import type { Props } from '../api/connector';
import { CONVERTER_PLUGINS } from '../converters/registry';
import { BUILTIN_PREDICATES, BUILTIN_TRANSFORMS } from '../transforms/builtin';
import { findPlugin, simpleName } from '../runtime/connector-config';
import { HerderError } from '../runtime/herder-error';
import type { TargetState } from '../runtime/status';
import type { Worker } from '../runtime/worker';
import { Router, type RestRequest } from './router';
import { RestError } from './server';

/** The version GET / reports: the Kafka Connect REST API level this runtime follows. */
export const CONNECT_API_VERSION = '3.9.0-gregor';

/** What the REST API asks of a herder: the standalone Worker itself, or distributed mode's view over the internal topics. */
export type Herder = Pick<
  Worker,
  | 'plugins' | 'connectorNames' | 'validate' | 'putConnector' | 'patchConnector' | 'info' | 'taskConfigs' | 'deleteConnector' | 'setTarget' | 'status'
  | 'taskStatus' | 'restartConnector' | 'restartTask' | 'topics' | 'resetTopics' | 'getOffsets' | 'alterOffsets' | 'resetOffsets'
> & {
  /**
   * Kafka's internal request (a worker running a connector hands its task
   * configs to the leader, signed under `sessioned`); distributed mode only.
   */
  putTaskConfigs?(name: string, configs: Props[], req: { rawBody: Buffer; headers: RestRequest['raw']['headers'] }): Promise<void>;
};

/** Kafka Connect's REST API (paths, bodies and status codes) over a herder. */
export function connectRoutes(worker: Herder, clusterId: () => string): Router {
  const r = new Router();
  r.add('GET', '/', () => ({ status: 200, body: { version: CONNECT_API_VERSION, commit: 'gregor', kafka_cluster_id: clusterId() } }));

  r.add('GET', '/connectors', (req) => {
    const names = worker.connectorNames();
    const expand = req.query.getAll('expand');
    if (expand.length === 0) return { status: 200, body: names };
    const body: Record<string, Record<string, unknown>> = {};
    for (const name of names) {
      body[name] = {};
      if (expand.includes('status')) body[name]!['status'] = worker.status(name);
      if (expand.includes('info')) body[name]!['info'] = worker.info(name);
    }
    return { status: 200, body };
  });

  r.add('POST', '/connectors', async (req) => {
    const body = objectBody(req);
    const name = body['name'];
    if (typeof name !== 'string' || name.trim() === '') throw new RestError(400, 'Connector name must be provided in the "name" field');
    const config = stringMap(body['config'] ?? {}, 'config');
    if (config['name'] !== undefined && config['name'] !== name) {
      throw new RestError(400, `Connector name configuration (${config['name']}) doesn't match connector name in the URL (${name})`);
    }
    const initial = body['initial_state'];
    if (initial !== undefined && initial !== 'RUNNING' && initial !== 'PAUSED' && initial !== 'STOPPED') {
      throw new RestError(400, `Invalid initial state ${String(initial)}: one of RUNNING, PAUSED, STOPPED`);
    }
    const { info } = await worker.putConnector(name, { ...config, name }, false);
    if (initial === 'PAUSED' || initial === 'STOPPED') await worker.setTarget(name, initial as TargetState);
    return { status: 201, body: info };
  });

  r.add('GET', '/connectors/:c', (req) => ({ status: 200, body: worker.info(req.params['c']!) }));
  r.add('GET', '/connectors/:c/config', (req) => ({ status: 200, body: worker.info(req.params['c']!).config }));

  r.add('PUT', '/connectors/:c/config', async (req) => {
    const name = req.params['c']!;
    const config = stringMap(req.body ?? {}, 'body');
    if (config['name'] !== undefined && config['name'] !== name) {
      throw new RestError(400, `Connector name configuration (${config['name']}) doesn't match connector name in the URL (${name})`);
    }
    const { created, info } = await worker.putConnector(name, { ...config, name }, true);
    return { status: created ? 201 : 200, body: info };
  });

  r.add('PATCH', '/connectors/:c/config', async (req) => {
    const name = req.params['c']!;
    const patch = nullableStringMap(req.body ?? {});
    if (patch['name'] !== undefined && patch['name'] !== name) {
      throw new RestError(400, `Connector name configuration (${String(patch['name'])}) doesn't match connector name in the URL (${name})`);
    }
    const { info } = await worker.patchConnector(name, patch);
    return { status: 200, body: info };
  });

  r.add('GET', '/connectors/:c/status', (req) => ({ status: 200, body: worker.status(req.params['c']!) }));

  r.add('POST', '/connectors/:c/restart', async (req) => {
    const includeTasks = boolParam(req, 'includeTasks');
    const onlyFailed = boolParam(req, 'onlyFailed');
    const planned = await worker.restartConnector(req.params['c']!, { includeTasks, onlyFailed });
    return includeTasks || onlyFailed ? { status: 202, body: planned } : { status: 204 };
  });

  for (const [path, target] of [['pause', 'PAUSED'], ['resume', 'STARTED'], ['stop', 'STOPPED']] as const) {
    r.add('PUT', `/connectors/:c/${path}`, async (req) => {
      await worker.setTarget(req.params['c']!, target);
      return { status: 202 };
    });
  }

  r.add('GET', '/connectors/:c/tasks', (req) => ({ status: 200, body: worker.taskConfigs(req.params['c']!) }));
  r.add('POST', '/connectors/:c/tasks', async (req) => {
    if (worker.putTaskConfigs === undefined) throw new RestError(500, 'Kafka Connect in standalone mode does not support externally setting task configurations.');
    if (!Array.isArray(req.body)) throw new RestError(400, 'The body must be a JSON array of task configs');
    const configs = (req.body as unknown[]).map((c) => stringMap(c, 'task config'));
    await worker.putTaskConfigs(req.params['c']!, configs, { rawBody: req.rawBody, headers: req.raw.headers });
    return { status: 204 };
  });
  r.add('GET', '/connectors/:c/tasks/:t/status', (req) => ({ status: 200, body: worker.taskStatus(req.params['c']!, taskId(req)) }));
  r.add('POST', '/connectors/:c/tasks/:t/restart', async (req) => {
    await worker.restartTask(req.params['c']!, taskId(req));
    return { status: 204 };
  });

  r.add('GET', '/connectors/:c/topics', (req) => {
    const name = req.params['c']!;
    return { status: 200, body: { [name]: { topics: worker.topics(name) } } };
  });
  r.add('PUT', '/connectors/:c/topics/reset', (req) => {
    worker.resetTopics(req.params['c']!);
    return { status: 202 };
  });

  r.add('GET', '/connectors/:c/offsets', async (req) => ({ status: 200, body: await worker.getOffsets(req.params['c']!) }));
  r.add('PATCH', '/connectors/:c/offsets', async (req) => {
    await worker.alterOffsets(req.params['c']!, req.body);
    return { status: 200, body: { message: 'The offsets for this connector have been altered successfully' } };
  });
  r.add('DELETE', '/connectors/:c/offsets', async (req) => {
    await worker.resetOffsets(req.params['c']!);
    return { status: 200, body: { message: 'The offsets for this connector have been reset successfully' } };
  });

  r.add('DELETE', '/connectors/:c', async (req) => {
    await worker.deleteConnector(req.params['c']!);
    return { status: 204 };
  });

  r.add('GET', '/connector-plugins', (req) => {
    const connectors = worker.plugins.map((p) => ({ class: p.className, type: p.type, version: p.version }));
    if (req.query.get('connectorsOnly') !== 'false') return { status: 200, body: connectors };
    // KIP-769: converters, transforms and predicates too.
    const others = [
      ...BUILTIN_TRANSFORMS.map((t) => ({ class: t.className, type: 'transformation', version: CONNECT_API_VERSION })),
      ...BUILTIN_PREDICATES.map((p) => ({ class: p.className, type: 'predicate', version: CONNECT_API_VERSION })),
      ...CONVERTER_PLUGINS.map((c) => ({ class: c.className, type: 'converter', version: CONNECT_API_VERSION })),
    ];
    return { status: 200, body: [...connectors, ...others] };
  });

  r.add('GET', '/connector-plugins/:p/config', (req) => {
    const plugin = findPlugin(worker.plugins, req.params['p']!);
    if (plugin === undefined) throw new HerderError(404, `Unknown plugin ${req.params['p']!}.`);
    return { status: 200, body: plugin.create().config().describe() };
  });

  r.add('PUT', '/connector-plugins/:p/config/validate', async (req) => {
    const pluginName = req.params['p']!;
    const config = stringMap(req.body ?? {}, 'body');
    const included = config['connector.class'];
    if (included !== undefined) {
      const a = findPlugin(worker.plugins, included);
      const b = findPlugin(worker.plugins, pluginName);
      if (a === undefined || a !== b) throw new RestError(400, `Included connector type ${included} does not match request type ${simpleName(pluginName)}`);
    }
    return { status: 200, body: await worker.validate(pluginName, { ...config, 'connector.class': included ?? pluginName }) };
  });

  return r;
}

function objectBody(req: RestRequest): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw new RestError(400, 'The request body must be a JSON object');
  return req.body as Record<string, unknown>;
}

/** Kafka Connect configs are string maps; numbers and booleans are accepted and turned into strings, as Jackson does. */
function stringMap(value: unknown, what: string): Props {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RestError(400, `The ${what} must be a JSON object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw new RestError(400, `The ${what} must be a JSON object of strings: "${k}" is ${v === null ? 'null' : typeof v}`);
  }
  return out;
}

function nullableStringMap(value: unknown): Record<string, string | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RestError(400, 'The body must be a JSON object of strings (null removes a key)');
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(value)) out[k] = v === null ? null : stringMap({ [k]: v }, 'body')[k]!;
  return out;
}

function boolParam(req: RestRequest, name: string): boolean {
  const v = req.query.get(name);
  return v === 'true' || v === '';
}

function taskId(req: RestRequest): number {
  const t = req.params['t']!;
  if (!/^\d+$/.test(t)) throw new RestError(404, 'HTTP 404 Not Found');
  return Number(t);
}
