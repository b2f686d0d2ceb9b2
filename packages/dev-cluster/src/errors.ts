/**
 * A problem with the request or the local set-up — no cluster in the
 * directory, no such node, a cluster already running there, gregor-node not
 * built — as opposed to a node that fails to start or to become ready. The
 * CLI reports it as a usage error (exit 1), naming what is wrong.
 */
export class DevClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevClusterError';
  }
}
