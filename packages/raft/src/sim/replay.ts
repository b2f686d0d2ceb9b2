import type { SimOptions } from './options';

/**
 * Replaying one seed. A failure report prints two commands; each must carry
 * every option the failing run was given (a seed run with other bounds is
 * another history), so the commands are built here from those options and
 * the jest replay test reads them back with `replayOptionsFromEnv`.
 */

/** The options of a run that a replay must repeat, besides the seed and size. */
export type ReplayTuning = Pick<SimOptions, 'safetyTicks' | 'livenessTicks'>;

/** `pnpm sim …` and `SEED=… pnpm exec jest …`: each replays the run exactly. */
export function replayCommands(seed: number, nodes: number, tuning: ReplayTuning = {}): string[] {
  const flags: string[] = [];
  const env: string[] = [];
  if (tuning.safetyTicks !== undefined) {
    flags.push(`--safety-ticks ${tuning.safetyTicks}`);
    env.push(`SAFETY_TICKS=${tuning.safetyTicks}`);
  }
  if (tuning.livenessTicks !== undefined) {
    flags.push(`--liveness-ticks ${tuning.livenessTicks}`);
    env.push(`LIVENESS_TICKS=${tuning.livenessTicks}`);
  }
  return [
    ['pnpm sim --seeds 1', `--start ${seed}`, `--nodes ${nodes}`, ...flags, '--verbose'].join(' '),
    [...env, `SEED=${seed}`, `NODES=${nodes}`, 'pnpm exec jest packages/raft -t replay'].join(' '),
  ];
}

function nonNegativeInt(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/**
 * The run the jest replay test repeats: SEED (required), NODES (3 or 5;
 * default from the seed), SAFETY_TICKS and LIVENESS_TICKS. Undefined when
 * SEED is not set (no replay asked for).
 */
export function replayOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): SimOptions | undefined {
  const seed = nonNegativeInt(env, 'SEED');
  if (seed === undefined) return undefined;
  const nodes = nonNegativeInt(env, 'NODES');
  if (nodes !== undefined && nodes !== 3 && nodes !== 5) throw new Error(`NODES must be 3 or 5, got ${nodes}`);
  const safetyTicks = nonNegativeInt(env, 'SAFETY_TICKS');
  const livenessTicks = nonNegativeInt(env, 'LIVENESS_TICKS');
  return {
    seed,
    ...(nodes !== undefined ? { nodes } : {}),
    ...(safetyTicks !== undefined ? { safetyTicks } : {}),
    ...(livenessTicks !== undefined ? { livenessTicks } : {}),
  };
}
