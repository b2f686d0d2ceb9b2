/**
 * Runs the real Kafka clients of tests/kafka as separate processes. Each
 * client program in clients/ takes the same command line (`metadata`,
 * `admin`, `produce`, `consume` with --bootstrap, --topic, --group, --codec,
 * --count, --start, --partition, --interval-ms, --max, --idle-ms,
 * --idempotent) and prints one JSON object per line:
 *   produce → { sent } per value handed to the producer, { acked, partition, offset } per acknowledged value (value = key "k<i>", header seq=<i>), { error, value } on failure
 *   consume → { p, o, k, v, h } per record, { assigned: [partitions] } on each group assignment
 * SIGTERM stops produce/consume cleanly (flush; close, leaving the group).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pollUntil, runProcess } from '@gregor/common';

const ROOT = path.resolve(__dirname, '../..');
/** The system interpreter, where Debian's python3-kafka and python3-confluent-kafka live (not a pyenv python3 on PATH). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface ClientProgram {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Codecs the client can produce with here. */
  readonly codecs: readonly string[];
  /**
   * Codecs its consumer can read, when fewer: zstd needs Fetch v10 (KIP-110),
   * and a broker answers an older Fetch UNSUPPORTED_COMPRESSION_TYPE for a
   * zstd batch — Kafka's rule, which Gregor follows.
   */
  readonly fetchCodecs?: readonly string[];
}

const ALL_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
/** kafka-python 2.0.2 produces zstd (Produce v7) but fetches with Fetch v4 at most, so it cannot read zstd batches from Kafka either. */
export const KAFKA_PYTHON: ClientProgram = {
  name: 'kafka-python',
  command: SYSTEM_PYTHON,
  args: [path.join(__dirname, 'clients/kafka_python_client.py')],
  codecs: ALL_CODECS,
  fetchCodecs: ['none', 'gzip', 'snappy', 'lz4'],
};
export const CONFLUENT_KAFKA: ClientProgram = { name: 'confluent-kafka', command: SYSTEM_PYTHON, args: [path.join(__dirname, 'clients/confluent_client.py')], codecs: ALL_CODECS };
/** kafkajs has gzip built in; snappy, lz4 and zstd need codec plugins it does not ship. */
export const KAFKAJS: ClientProgram = { name: 'kafkajs', command: process.execPath, args: [path.join(__dirname, 'clients/kafkajs-client.js')], codecs: ['none', 'gzip'] };

export type ClientLine = Record<string, unknown>;
export interface ConsumedRecord { p: number; o: number; k: string | null; v: string | null; h: Record<string, string | null> }

/**
 * Whether kcat and the Python clients are installed (scripts/install-kafka-clients.sh check).
 * Without them the Kafka client tests skip with a SKIPPED line, except under CI=true, where they fail.
 */
export function kafkaClientsSupport(): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/install-kafka-clients.sh'), 'check'], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true } : { ok: false, reason: r.stderr.trim() || `exit ${String(r.status)}` };
}

/** `describe`, or `describe.skip` with a SKIPPED line when the clients are missing (never under CI=true). */
export function describeWithKafkaClients(file: string): jest.Describe {
  const support = kafkaClientsSupport();
  if (support.ok || process.env.CI === 'true') return describe;
  process.stderr.write(`SKIPPED ${file}: ${support.reason} (CI=true makes this a failure)\n`);
  return describe.skip;
}

function parseLines(text: string): ClientLine[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ClientLine);
}

/** Runs one command to completion; rejects with its output when it exits non-zero. */
export async function runClient(prog: ClientProgram, args: readonly string[], timeoutMs = 60_000): Promise<ClientLine[]> {
  const r = await runProcess(prog.command, [...prog.args, ...args], { timeoutMs, cwd: ROOT });
  if (r.code !== 0) throw new Error(`${prog.name} ${args.join(' ')} exited ${String(r.code)}\n${r.stdout}\n${r.stderr}`);
  return parseLines(r.stdout);
}

/** A long-running client process whose JSON lines are collected as they arrive. */
export class ClientProcess {
  readonly lines: ClientLine[] = [];
  private stderr = '';
  private pending = '';
  private readonly exited: Promise<number | null>;

  private constructor(readonly prog: ClientProgram, private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const text = this.pending + chunk;
      const cut = text.lastIndexOf('\n') + 1;
      this.pending = text.slice(cut);
      this.lines.push(...parseLines(text.slice(0, cut)));
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr = (this.stderr + c).slice(-20_000)));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(prog: ClientProgram, args: readonly string[]): ClientProcess {
    return new ClientProcess(prog, spawn(prog.command, [...prog.args, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Values handed to the client's producer (acknowledged or not). */
  get sent(): number[] {
    return this.lines.flatMap((l) => (typeof l.sent === 'number' ? [l.sent] : []));
  }
  get acked(): number[] {
    return this.lines.flatMap((l) => (typeof l.acked === 'number' ? [l.acked] : []));
  }
  get records(): ConsumedRecord[] {
    return this.lines.filter((l) => typeof l.o === 'number') as unknown as ConsumedRecord[];
  }
  get values(): number[] {
    return this.records.map((r) => Number(r.v));
  }
  /** The partitions of the latest group assignment, or undefined before the first. */
  get assignment(): number[] | undefined {
    const last = this.lines.filter((l) => Array.isArray(l.assigned)).at(-1);
    return last === undefined ? undefined : (last.assigned as number[]);
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  describe(): string {
    return `${this.prog.name} (pid ${String(this.child.pid)}): last lines ${JSON.stringify(this.lines.slice(-3))}; stderr: ${this.stderr.slice(-2000)}`;
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const outcome = await pollUntil(() => (condition() ? 'done' : this.running ? false : 'exited'), { timeoutMs, intervalMs: 50, what }).catch(
      (err: Error) => {
        throw new Error(`${err.message}; ${this.describe()}`);
      },
    );
    if (outcome === 'exited' && !condition()) throw new Error(`${this.prog.name} exited while waiting for ${what}: ${this.describe()}`);
  }

  /** SIGTERM and wait for the exit code (SIGKILL after timeoutMs). */
  stop(timeoutMs = 30_000): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    return this.exit(timeoutMs);
  }

  /**
   * Waits for the process to end by itself (a run with --max), SIGKILL after
   * timeoutMs. Not SIGTERM: one that lands while Python is already shutting
   * down (its handler gone) would kill a process that was exiting 0.
   */
  async exit(timeoutMs = 30_000): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}
