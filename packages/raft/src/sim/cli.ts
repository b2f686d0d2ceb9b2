#!/usr/bin/env node
/**
 * `pnpm sim --seeds N [--start S] [--nodes 3|5] [--safety-ticks T] [--liveness-ticks T] [--verbose]`
 * Runs N seeds from S, prints progress on stderr and a JSON summary on stdout;
 * exits 1 if any seed failed, printing the commands that replay it (with the
 * same tick bounds).
 */
import type { ReplayTuning } from './replay';
import { replayCommands } from './replay';
import type { SimResult } from './simulator';
import { runSimulation } from './simulator';

interface CliArgs {
  seeds: number;
  start: number;
  nodes: 3 | 5 | undefined;
  safetyTicks: number | undefined;
  livenessTicks: number | undefined;
  verbose: boolean;
}

const USAGE = 'usage: pnpm sim --seeds N [--start S] [--nodes 3|5] [--safety-ticks T] [--liveness-ticks T] [--verbose]';

function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { seeds: 100, start: 1, nodes: undefined, safetyTicks: undefined, livenessTicks: undefined, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) usage(`${flag} needs a non-negative integer`);
      return v;
    };
    switch (flag) {
      case '--seeds':
        args.seeds = value();
        break;
      case '--start':
        args.start = value();
        break;
      case '--nodes': {
        const n = value();
        if (n !== 3 && n !== 5) usage('--nodes must be 3 or 5');
        args.nodes = n;
        break;
      }
      case '--safety-ticks':
        args.safetyTicks = value();
        break;
      case '--liveness-ticks':
        args.livenessTicks = value();
        break;
      case '--verbose':
        args.verbose = true;
        break;
      case '--':
        break;
      default:
        usage(`unknown argument ${flag}`);
    }
  }
  return args;
}

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${USAGE}\n`);
  process.exit(1);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const failures: SimResult[] = [];
  const totals = { ticks: 0, leadersElected: 0, committed: 0, crashes: 0, partitions: 0, snapshots: 0, messagesSent: 0 };
  let maxLivenessTicks = 0;
  let maxLivenessBudgetUsed = 0;
  const clusterSizes: Record<string, number> = {};
  const every = Math.max(1, Math.floor(args.seeds / 20));
  const tuning: ReplayTuning = {
    ...(args.safetyTicks === undefined ? {} : { safetyTicks: args.safetyTicks }),
    ...(args.livenessTicks === undefined ? {} : { livenessTicks: args.livenessTicks }),
  };
  for (let k = 0; k < args.seeds; k++) {
    const seed = args.start + k;
    const result = runSimulation({
      seed,
      ...(args.nodes === undefined ? {} : { nodes: args.nodes }),
      ...tuning,
      ...(args.verbose ? { trace: (line: string) => process.stdout.write(`${line}\n`) } : {}),
    });
    const s = result.stats;
    totals.ticks += s.ticks;
    totals.leadersElected += s.leadersElected;
    totals.committed += s.committedIndex;
    totals.crashes += s.crashes;
    totals.partitions += s.partitions;
    totals.snapshots += s.snapshots;
    totals.messagesSent += s.messagesSent;
    maxLivenessTicks = Math.max(maxLivenessTicks, s.livenessTicks);
    maxLivenessBudgetUsed = Math.max(maxLivenessBudgetUsed, s.livenessTicks / s.livenessBudgetTicks);
    clusterSizes[`${result.nodes} nodes`] = (clusterSizes[`${result.nodes} nodes`] ?? 0) + 1;
    if (!result.ok) {
      failures.push(result);
      const f = result.failure;
      process.stderr.write(
        `seed ${seed} (${result.nodes} nodes) FAILED in ${f?.phase} at tick ${f?.tick}: ${f?.message}\n` +
          `  replay: ${replayCommands(seed, result.nodes, tuning).join('\n      or: ')}\n`,
      );
    }
    if ((k + 1) % every === 0 || k + 1 === args.seeds) {
      process.stderr.write(`${k + 1}/${args.seeds} seeds, ${failures.length} failed, ${Date.now() - started} ms\n`);
    }
  }
  const summary = {
    seeds: args.seeds,
    start: args.start,
    nodes: args.nodes ?? 'by seed (even 3, odd 5)',
    clusterSizes,
    passed: args.seeds - failures.length,
    failed: failures.length,
    durationMs: Date.now() - started,
    totals,
    maxLivenessTicks,
    /** The worst seed's recovery time as a fraction of its liveness bound. */
    maxLivenessBudgetUsed: Number(maxLivenessBudgetUsed.toFixed(3)),
    failures: failures.map((r) => ({
      seed: r.seed,
      nodes: r.nodes,
      phase: r.failure?.phase,
      tick: r.failure?.tick,
      kind: r.failure?.kind,
      message: r.failure?.message,
      replay: replayCommands(r.seed, r.nodes, tuning),
    })),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main();
