import type { Command } from 'commander';
import { readConnectorFile } from '@gregor/connect';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { table } from '../group-format';

interface ConnectOptions {
  url: string;
  json: boolean;
}

interface StatusBody {
  name: string;
  type: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
}

/**
 * `gregor connect list|create|status|pause|resume|stop|restart|offsets|delete`
 * — a client of a Connect worker's REST API (Kafka Connect's paths), so it
 * works against gregor-connect and any Kafka Connect worker. A request the
 * worker refuses (4xx: invalid config, unknown connector, already exists) is
 * exit 1 with its message; a worker that fails or cannot be reached is exit 2.
 */
export function registerConnect(program: Command, ctx: CliContext): void {
  const connect = program.command('connect').description('manage connectors through a Connect worker\'s REST API');
  const sub = (name: string, description: string): Command =>
    connect
      .command(name)
      .description(description)
      .option('--url <url>', 'the worker\'s REST API', process.env.GREGOR_CONNECT_URL ?? 'http://127.0.0.1:8083')
      .option('--json', 'print the worker\'s JSON answer', false);

  sub('list', 'every connector with its type, state and task states').action(async (opts: ConnectOptions) => {
    const body = (await call(opts, 'GET', '/connectors?expand=status')) as Record<string, { status: StatusBody }>;
    const rows = Object.values(body).map(({ status: s }) => [s.name, s.type, s.connector.state, s.tasks.map((t) => `${t.id}:${t.state}`).join(' ') || '-']);
    await ctx.result(opts, table(['NAME', 'TYPE', 'STATE', 'TASKS'], rows), body);
  });

  sub('create', 'create a connector from a .properties file or a JSON file ({name, config} or a flat map)')
    .argument('<file>', 'connector config file')
    .action(async (file: string, opts: ConnectOptions) => {
      let props: Record<string, string>;
      try {
        props = readConnectorFile(file);
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
      }
      const { name, ...config } = props;
      if (name === undefined || name === '') throw new UsageError(`${file} has no "name"`);
      const info = (await call(opts, 'POST', '/connectors', { name, config })) as { name: string; type: string; tasks: unknown[] };
      await ctx.result(opts, `created ${info.type} connector ${info.name} with ${info.tasks.length} task(s)`, info);
    });

  sub('status', 'the connector\'s and its tasks\' states (with the failure trace)')
    .argument('<name>', 'connector name')
    .action(async (name: string, opts: ConnectOptions) => {
      const s = (await call(opts, 'GET', `/connectors/${encodeURIComponent(name)}/status`)) as StatusBody;
      const lines = [
        `Connector ${s.name} (${s.type}): ${s.connector.state} on ${s.connector.worker_id}`,
        ...table(['TASK', 'STATE', 'WORKER'], s.tasks.map((t) => [String(t.id), t.state, t.worker_id])),
        ...[s.connector, ...s.tasks].filter((x) => x.trace !== undefined).map((x) => `trace: ${x.trace!.split('\n')[0]}`),
      ];
      await ctx.result(opts, lines, s);
    });

  for (const [verb, what] of [['pause', 'pause'], ['resume', 'resume'], ['stop', 'stop (tasks shut down; offsets can then be changed)']] as const) {
    sub(verb, `${what} a connector`)
      .argument('<name>', 'connector name')
      .action(async (name: string, opts: ConnectOptions) => {
        await call(opts, 'PUT', `/connectors/${encodeURIComponent(name)}/${verb}`);
        await ctx.result(opts, `${verb}: ${name}`, { connector: name, action: verb });
      });
  }

  sub('restart', 'restart a connector (and its tasks with --include-tasks)')
    .argument('<name>', 'connector name')
    .option('--include-tasks', 'restart its tasks too', false)
    .option('--only-failed', 'only what has FAILED', false)
    .action(async (name: string, opts: ConnectOptions & { includeTasks: boolean; onlyFailed: boolean }) => {
      const body = await call(opts, 'POST', `/connectors/${encodeURIComponent(name)}/restart?includeTasks=${opts.includeTasks}&onlyFailed=${opts.onlyFailed}`);
      await ctx.result(opts, `restarted: ${name}`, body ?? { connector: name, action: 'restart' });
    });

  sub('offsets', 'the connector\'s offsets (source partitions, or the sink group\'s committed offsets)')
    .argument('<name>', 'connector name')
    .action(async (name: string, opts: ConnectOptions) => {
      const body = (await call(opts, 'GET', `/connectors/${encodeURIComponent(name)}/offsets`)) as { offsets: { partition: unknown; offset: unknown }[] };
      await ctx.result(opts, table(['PARTITION', 'OFFSET'], body.offsets.map((o) => [JSON.stringify(o.partition), JSON.stringify(o.offset)])), body);
    });

  sub('delete', 'delete a connector')
    .argument('<name>', 'connector name')
    .action(async (name: string, opts: ConnectOptions) => {
      await call(opts, 'DELETE', `/connectors/${encodeURIComponent(name)}`);
      await ctx.result(opts, `deleted: ${name}`, { connector: name, action: 'delete' });
    });
}

/** One REST call; a 4xx is the caller's to fix (UsageError, exit 1), anything else a server error (exit 2). */
async function call(opts: ConnectOptions, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${opts.url.replace(/\/$/, '')}${path}`, {
      method,
      signal: AbortSignal.timeout(60_000),
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
    });
  } catch (err) {
    throw new Error(`cannot reach the Connect worker at ${opts.url}: ${(err as Error).message}`);
  }
  const text = await res.text();
  const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  if (res.ok) return parsed;
  const message = (parsed as { message?: string } | undefined)?.message ?? text;
  if (res.status >= 400 && res.status < 500) throw new UsageError(`HTTP ${res.status}: ${message}`);
  throw new Error(`HTTP ${res.status} from ${opts.url}: ${message}`);
}
