import type { CanConnect, Place } from './bootstrap';

/**
 * What a command touches of the outside world, passed in so that tests can
 * run commands in-process with their own streams.
 */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Progress output only goes to a terminal. */
  stderrIsTTY: boolean;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly. */
  signal: AbortSignal;
  /** Environment and directory the defaults come from (--bootstrap, dev-cluster --dir); this process's when absent. */
  place?: Place;
  /**
   * Probes bootstrap addresses before the first call, so that "nothing
   * listens" is said in seconds (bin.ts passes a TCP connect). Absent: no
   * probe (in-process tests with fake clients).
   */
  canConnect?: CanConnect;
}

/** Writes and waits for the stream to take it (back-pressure), unless it is gone. */
export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (err) => {
      if (err !== null && err !== undefined) reject(err);
    });
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}
