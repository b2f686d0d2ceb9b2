import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * True while a process with this pid exists and any of its threads still
 * runs. A killed child of this very process stays a zombie until reaped, and
 * a process whose main thread has exited shows as a zombie while its other
 * threads (V8's, libuv's) still run and hold its listening sockets: only when
 * no thread is left is it gone and are its ports free (else a restart right
 * after a kill can hit EADDRINUSE).
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!hasProcFs()) return true; // kill(pid, 0) is all this system tells
  let threadIds: string[];
  try {
    threadIds = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false; // reaped since kill(pid, 0)
  }
  return threadIds.some((tid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  });
}

/** Whether this system has /proc to identify a process by its argv. */
export function hasProcFs(): boolean {
  return existsSync('/proc/self/cmdline');
}

/**
 * Calls `onGone` once when process `pid` is no longer alive, checking every
 * `intervalMs`. The timer does not keep the event loop alive. Returns a stop
 * function. Used by a node started with `--exit-with-pid`: a node a test or a
 * benchmark started shuts down when that process dies, even by SIGKILL.
 */
export function watchProcessExit(pid: number, onGone: () => void, intervalMs = 500): () => void {
  const timer = setInterval(() => {
    if (isAlive(pid)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
