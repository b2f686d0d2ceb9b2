import type { Gregor } from '@gregor/client';
import type { Command } from 'commander';
import { awaitBootstrap, processPlace, resolveBootstrap, type Place } from './bootstrap';
import { write, type CliIO } from './io';
import { toJson } from './format';
import { bootstrapAddresses, connect, type CommonOptions } from './options';

/** What every command gets: the streams, a way to connect, and a place for its exit code. */
export class CliContext {
  /** Set by commands that finish without throwing but must not exit 0 (e.g. partial produce). */
  exitCode = 0;

  constructor(
    readonly io: CliIO,
    readonly connectClient: typeof connect = connect,
  ) {}

  /** Where the command runs (the defaults of --bootstrap and dev-cluster --dir come from it). */
  get place(): Place {
    return this.io.place ?? processPlace();
  }

  /**
   * Runs `fn` with a client and always closes it. The bootstrap list is
   * --bootstrap or its default (resolveBootstrap); with `io.canConnect`, a
   * broker must accept a connection first (awaitBootstrap: a dead cluster
   * is named in seconds, with what to check).
   */
  async withClient<T>(opts: CommonOptions, fn: (client: Gregor) => Promise<T>, extra: Parameters<typeof connect>[1] = {}): Promise<T> {
    const bootstrap = resolveBootstrap(opts.bootstrap, this.place);
    const addresses = bootstrapAddresses(bootstrap.list);
    if (this.io.canConnect !== undefined) {
      await awaitBootstrap(bootstrap, addresses, this.io.canConnect, (text) => void this.note(text), this.io.signal);
    }
    const client = this.connectClient({ ...opts, bootstrap: bootstrap.list }, extra);
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
