import { assert } from '@gregor/common';

// Module-level copies: global lookups are slow inside vm contexts (jest), and
// the simulator calls these millions of times.
const imul = Math.imul;
const floor = Math.floor;
const isSafeInteger = Number.isSafeInteger;

/**
 * The only source of randomness in the core: injected, seeded and so
 * reproducible. Math.random() would make a failing simulation seed unreplayable.
 */
export interface Prng {
  /** Uniform in [0, 2^32). */
  nextUint32(): number;
  /** Uniform in [0, 1). */
  nextFloat(): number;
  /** Uniform integer in [0, maxExclusive). */
  nextInt(maxExclusive: number): number;
}

/**
 * xoshiro128** (Blackman & Vigna): 128 bits of state, fast with 32-bit integer
 * math, good enough statistically for timeouts and fault injection. The state
 * is filled from the seed with splitmix32 so that nearby seeds diverge at once.
 */
export function createPrng(seed: number): Prng {
  assert(Number.isSafeInteger(seed), `PRNG seed must be an integer, got ${seed}`);
  let sm = (seed ^ floor(seed / 0x1_0000_0000)) >>> 0;
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = imul(z ^ (z >>> 16), 0x85ebca6b);
    z = imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  const nextUint32 = (): number => {
    const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const nextFloat = (): number => nextUint32() / 0x1_0000_0000;
  return {
    nextUint32,
    nextFloat,
    nextInt: (maxExclusive: number): number => {
      assert(isSafeInteger(maxExclusive) && maxExclusive > 0, `nextInt bound must be positive, got ${maxExclusive}`);
      return floor(nextFloat() * maxExclusive);
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
