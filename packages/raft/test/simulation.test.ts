import { nodesForSeed } from '../src/sim/options';
import type { SimResult } from '../src/sim/simulator';
import { replayCommands, runSimulation } from '../src/sim/simulator';

/**
 * The deterministic simulation in CI: thousands of seeds, each a different
 * cluster size, fault profile and history (see src/sim). `SEED=n` (and
 * optionally `NODES=3|5`) replays one seed with a full trace on failure.
 */

const SEEDS = 2000;
const CHUNK = 250;

function describeFailure(r: SimResult): string {
  const f = r.failure;
  return [
    `seed ${r.seed} (${r.nodes} nodes) failed in the ${f?.phase} phase at tick ${f?.tick}: ${f?.message}`,
    ...replayCommands(r.seed, r.nodes).map((c) => `  replay: ${c}`),
  ].join('\n');
}

const replaySeed = process.env.SEED;

if (replaySeed !== undefined) {
  test(`replay seed ${replaySeed}`, () => {
    const seed = Number(replaySeed);
    const nodes = process.env.NODES === undefined ? nodesForSeed(seed) : (Number(process.env.NODES) as 3 | 5);
    const trace: string[] = [];
    const result = runSimulation({ seed, nodes, trace: (line) => trace.push(line) });
    if (!result.ok) {
      // The last few hundred events usually show how the invariant broke.
      console.log(`${trace.slice(-400).join('\n')}\n${describeFailure(result)}\n${result.failure?.stack ?? ''}`);
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
