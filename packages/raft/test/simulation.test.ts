import { replayCommands, replayOptionsFromEnv } from '../src/sim/replay';
import type { SimResult } from '../src/sim/simulator';
import { runSimulation } from '../src/sim/simulator';

/**
 * The deterministic simulation in CI: thousands of seeds, each a different
 * cluster size, fault profile and history (see src/sim). `SEED=n` (and
 * optionally `NODES=3|5`, `SAFETY_TICKS`, `LIVENESS_TICKS`, as a failure
 * report prints them) replays one seed with a full trace on failure.
 */

const SEEDS = 2000;
const CHUNK = 250;

function describeFailure(r: SimResult, tuning: { safetyTicks?: number; livenessTicks?: number } = {}): string {
  const f = r.failure;
  return [
    `seed ${r.seed} (${r.nodes} nodes) failed in the ${f?.phase} phase at tick ${f?.tick}: ${f?.message}`,
    ...replayCommands(r.seed, r.nodes, tuning).map((c) => `  replay: ${c}`),
  ].join('\n');
}

const replay = replayOptionsFromEnv(process.env);

if (replay !== undefined) {
  test(`replay seed ${replay.seed}`, () => {
    const trace: string[] = [];
    const result = runSimulation({ ...replay, trace: (line) => trace.push(line) });
    if (!result.ok) {
      // The last few hundred events usually show how the invariant broke.
      console.log(`${trace.slice(-400).join('\n')}\n${describeFailure(result, replay)}\n${result.failure?.stack ?? ''}`);
    }
    expect(result.failure).toBeUndefined();
  });
} else {
  describe(`simulation: ${SEEDS} seeds, 3 and 5 nodes`, () => {
    for (let start = 1; start <= SEEDS; start += CHUNK) {
      const end = Math.min(SEEDS, start + CHUNK - 1);
      test(`seeds ${start}..${end}`, () => {
        const failures: string[] = [];
        let committed = 0;
        let leaders = 0;
        for (let seed = start; seed <= end; seed++) {
          const r = runSimulation({ seed });
          committed += r.stats.committedIndex;
          leaders += r.stats.leadersElected;
          if (!r.ok) failures.push(describeFailure(r));
        }
        expect(failures).toEqual([]);
        // A simulation that elects no one and commits nothing checks nothing.
        expect(leaders).toBeGreaterThan(end - start + 1);
        expect(committed).toBeGreaterThan(10 * (end - start + 1));
      });
    }
  });

  test('a seed replays exactly: same trace, same result', () => {
    const run = (): { trace: string[]; result: SimResult } => {
      const trace: string[] = [];
      const result = runSimulation({ seed: 4242, trace: (line) => trace.push(line) });
      return { trace, result };
    };
    const a = run();
    const b = run();
    expect(a.trace.length).toBeGreaterThan(100);
    expect(b.trace).toEqual(a.trace);
    expect(b.result).toEqual(a.result);
  });

  test('seeds differ: the cluster size and the fault profile come from the seed', () => {
    const sizes = new Set([1, 2, 3, 4].map((seed) => runSimulation({ seed, safetyTicks: 50 }).nodes));
    expect([...sizes].sort()).toEqual([3, 5]);
    const a = runSimulation({ seed: 10, safetyTicks: 100 });
    const b = runSimulation({ seed: 12, safetyTicks: 100 });
    expect(a.stats).not.toEqual(b.stats);
  });
}
