import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Shared by the kill -9 tests: build the package, run a fixture, kill it after N acks. */
export const REPO = join(__dirname, '..', '..', '..');
export const DEADLINE_MS = 60_000;

/** The tests' children run the built package: build it (incremental, cheap when up to date). */
export function buildStorage(): void {
  execFileSync('pnpm', ['exec', 'tsc', '-b', 'packages/storage'], { cwd: REPO, stdio: 'inherit' });
}

/** A seeded LCG, so a failing kill schedule replays with SEED=<n>. */
export function seededRandom(seed: number): () => number {
  let prng = seed;
  return () => {
    prng = (prng * 1103515245 + 12345) % 2 ** 31;
    return prng / 2 ** 31;
  };
}

export interface KillAfterAcks<A> {
  fixture: string;
  args: string[];
  acksWanted: number;
  /** Turns an `ack …` line's fields (after "ack") into an ack. */
  parse: (fields: string[]) => A;
  /**
   * Killing the instant an ack line arrives mostly hits the child while it
   * is still printing: a random extra delay below this (fault injection,
   * not a wait for anything) spreads the kill over the whole write cycle.
   */
  maxKillDelayMs: number;
  random: () => number;
  /** Every live child, so afterAll can kill what a failed test left. */
  children: Set<ChildProcess>;
}

/** Runs the fixture until `acksWanted` acks arrived, then SIGKILLs it; resolves with every ack it printed. */
export function runAndKill<A>(o: KillAfterAcks<A>): Promise<A[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [o.fixture, ...o.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    o.children.add(child);
    const acks: A[] = [];
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ${o.acksWanted} acks within ${DEADLINE_MS} ms (got ${acks.length}); stderr: ${stderr}`));
    }, DEADLINE_MS);
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [kind, ...fields] = line.split(' ');
      if (kind !== 'ack') return;
      acks.push(o.parse(fields));
      if (acks.length === o.acksWanted && !killed) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(o.random() * o.maxKillDelayMs));
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      o.children.delete(child);
      if (signal === 'SIGKILL' && killed) resolve(acks);
      else reject(new Error(`fixture exited early (code ${code}, signal ${signal}); stderr: ${stderr}`));
    });
  });
}
