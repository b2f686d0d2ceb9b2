import { Command, CommanderError } from 'commander';
import { CliContext } from './context';
import { COMMANDS } from './commands';
import { EXIT_OK, EXIT_USAGE, reportError } from './errors';
import { toJson } from './format';
import type { CliIO } from './io';
import { connect } from './options';

/** The `gregor` command tree, writing to `io`. Commander errors are thrown, not process.exit()ed. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('gregor')
    .description('Gregor command line: topics, produce and consume (mirrors Kafka console tools)')
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
