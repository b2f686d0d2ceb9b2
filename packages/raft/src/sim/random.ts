import type { Prng } from '../prng';

/** Small helpers over the simulator's seeded PRNG; every choice goes through one. */
export class SimRandom {
  constructor(private readonly prng: Prng) {}

  chance(probability: number): boolean {
    return probability > 0 && this.prng.nextFloat() < probability;
  }

  /** Uniform integer in [lo, hi]. */
  intBetween(lo: number, hi: number): number {
    return lo + this.prng.nextInt(hi - lo + 1);
  }

  floatBetween(lo: number, hi: number): number {
    return lo + this.prng.nextFloat() * (hi - lo);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.prng.nextInt(items.length)];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.prng.nextInt(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A fresh seed for a component (a node's election timer) drawn from this stream. */
  seed(): number {
    return this.prng.nextUint32();
  }
}
