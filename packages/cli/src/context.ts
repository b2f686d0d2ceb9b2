import type { Gregor } from '@gregor/client';
import type { Command } from 'commander';
import { write, type CliIO } from './io';
import { toJson } from './format';
import { connect, type CommonOptions } from './options';

/** What every command gets: the streams, a way to connect, and a place for its exit code. */
export class CliContext {
  /** Set by commands that finish without throwing but must not exit 0 (e.g. partial produce). */
  exitCode = 0;

  constructor(
    readonly io: CliIO,
    readonly connectClient: typeof connect = connect,
  ) {}

  /** Runs `fn` with a client and always closes it. */
  async withClient<T>(opts: CommonOptions, fn: (client: Gregor) => Promise<T>, extra: Parameters<typeof connect>[1] = {}): Promise<T> {
    const client = this.connectClient(opts, extra);
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  /** The command's result on stdout: `human` lines, or `json` with --json. */
  async result(opts: Pick<CommonOptions, 'json'>, human: string | readonly string[], json: unknown): Promise<void> {
    const text = opts.json ? toJson(json) : typeof human === 'string' ? human : human.join('\n');
    await write(this.io.stdout, text.length > 0 ? `${text}\n` : '');
  }

  /** A note for the person at the terminal (counts, progress): stderr, never mixed with data. */
  async note(text: string): Promise<void> {
    await write(this.io.stderr, `${text}\n`);
  }
}

/** One file per command under src/commands/ exports one of these. */
export type CommandModule = (program: Command, ctx: CliContext) => void;
