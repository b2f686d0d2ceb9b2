import { parseArgs } from 'node:util';

export const USAGE = `Usage: gregor-node [--config FILE.properties] [--override key=value]... [--exit-with-pid PID] [--help]

Starts one Gregor node. Settings use Kafka's key names; precedence is
file < GREGOR_* environment (GREGOR_NODE_ID -> node.id) < --override.
GREGOR_CLI_* variables belong to the gregor CLI and are ignored.
--exit-with-pid PID shuts the node down cleanly once process PID is gone
(test and benchmark harnesses tie their nodes to themselves this way).

Common keys:
  node.id=1                  process.roles=broker,controller
  log.dirs=/tmp/gregor-logs  num.partitions=1   auto.create.topics.enable=false
  listeners=CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9192,HTTP://127.0.0.1:9292
  advertised.listeners=CLIENT://localhost:9092,INTERNAL://gregor-1:19092
  inter.broker.listener.name=CLIENT (or INTERNAL: followers fetch there)
  log.level=info             log.retention.ms=604800000
`;

export type ParsedArgs =
  | { kind: 'help' }
  | { kind: 'run'; configFile: string | undefined; overrides: Record<string, string>; exitWithPid?: number }
  | { kind: 'error'; message: string };

/** Pure: argv → what to do. Errors are usage errors (exit 1). */
export function parseNodeArgs(argv: readonly string[]): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        override: { type: 'string', multiple: true, short: 'o' },
        help: { type: 'boolean', short: 'h' },
        'exit-with-pid': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help === true) return { kind: 'help' };
  const overrides: Record<string, string> = {};
  for (const item of values.override ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) return { kind: 'error', message: `--override expects key=value, got "${item}"` };
    overrides[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  const owner = values['exit-with-pid'];
  if (owner !== undefined && !/^[1-9][0-9]*$/.test(owner)) return { kind: 'error', message: `--exit-with-pid expects a process id, got "${owner}"` };
  return { kind: 'run', configFile: values.config, overrides, ...(owner !== undefined ? { exitWithPid: Number(owner) } : {}) };
}
