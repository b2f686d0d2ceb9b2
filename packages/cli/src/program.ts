import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Help, type HelpConfiguration, type Option } from 'commander';
import { CliContext } from './context';
import { COMMANDS } from './commands';
import { EXIT_OK, EXIT_USAGE, reportError } from './errors';
import { toJson } from './format';
import type { CliIO } from './io';
import { connect } from './options';

/** The CLI's version, from its package.json (dist/ and src/ both sit next to it). */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Commander appends "(default: …)" to every option with a default value:
 * "(default: false)" on every flag, "(default: {})" on repeatables, and a
 * second default after a description that already says what the default
 * means ("(default: only new records) (default: false)"). Shown only when
 * it tells the reader something.
 */
export function optionDescription(option: Option): string {
  const value: unknown = option.defaultValue;
  const trivial = value === false || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
  if (trivial || option.description.includes('(default: ')) return option.description;
  return new Help().optionDescription(option);
}

const HELP: HelpConfiguration = { optionDescription };

/** The `gregor` command tree, writing to `io`. Commander errors are thrown, not process.exit()ed. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('gregor')
    .description('Gregor command line: topics, produce and consume (mirrors Kafka console tools)')
    .version(cliVersion(), '-V, --version', 'print the version')
    .configureHelp(HELP)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => void ctx.io.stdout.write(s),
      writeErr: (s) => void ctx.io.stderr.write(s),
    });
  for (const register of COMMANDS) register(program, ctx);
  // exitOverride/configureOutput are copied to subcommands created after
  // them; apply again to be sure nested ones (topic create) have them.
  const inherit = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride();
      sub.configureHelp(HELP);
      sub.configureOutput({ writeOut: (s) => void ctx.io.stdout.write(s), writeErr: (s) => void ctx.io.stderr.write(s) });
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/**
 * Runs `gregor` with `argv` (without node and script), returns the exit
 * code: 0 ok, 1 usage error, 2 server error (DESIGN.md §9).
 */
export async function run(argv: readonly string[], io: CliIO, connectClient: typeof connect = connect): Promise<number> {
  const ctx = new CliContext(io, connectClient);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; everything else commander rejects is usage.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const report = reportError(err);
    const json = argv.includes('--json');
    io.stderr.write(`${json ? toJson(report.json) : report.text}\n`);
    return report.exitCode;
  }
}
