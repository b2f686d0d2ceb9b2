import { spawn } from 'node:child_process';

export interface ProcessResult {
  /** null when the process died of a signal (a timeout's SIGKILL included). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunProcessOptions {
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** SIGKILL after this long: a run that hangs ends (and fails its caller's checks). */
  timeoutMs: number;
}

/** Runs a command to completion and collects its output (tools and tests that drive the CLIs). */
export function runProcess(command: string, args: readonly string[], opts: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs,
      killSignal: 'SIGKILL',
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      ...(opts.env !== undefined ? { env: opts.env } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  });
}
