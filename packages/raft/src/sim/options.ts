import type { RaftConfig } from '../config';
import type { SimRandom } from './random';

/** What a caller chooses; everything else is drawn from the seed. */
export interface SimOptions {
  readonly seed: number;
  /** Cluster size; by default derived from the seed (even seeds 3, odd seeds 5). */
  readonly nodes?: 3 | 5;
  /** Simulated ticks of the fault-injection phase. */
  readonly safetyTicks?: number;
  /** Ticks allowed after healing for a leader and a new commit everywhere. */
  readonly livenessTicks?: number;
  /** Receives a line per event (deliveries, crashes, role changes). */
  readonly trace?: (line: string) => void;
}

export const DEFAULT_SAFETY_TICKS = 400;

export function nodesForSeed(seed: number): 3 | 5 {
  return seed % 2 === 0 ? 3 : 5;
}

/**
 * The fault profile of one seed. Drawn once so that seeds differ in kind, not
 * only in luck: some are calm, some lose a fifth of their messages, some
 * crash nodes every few dozen ticks.
 */
export interface SimProfile {
  readonly dropProbability: number;
  readonly duplicateProbability: number;
  /** Extra delivery delay in whole ticks, uniform in [0, maxExtraDelay]. */
  readonly maxExtraDelay: number;
  /** Per tick: a live node crashes. */
  readonly crashProbability: number;
  /** Per Ready: the node crashes while handling it (before or after persisting). */
  readonly crashInReadyProbability: number;
  readonly downtimeTicks: readonly [number, number];
  /** Per tick: the partition changes. */
  readonly partitionProbability: number;
  readonly partitionTicks: readonly [number, number];
  /** Per tick: a proposal is attempted. */
  readonly proposeProbability: number;
  /** Per tick: a node snapshots its applied state and compacts its log. */
  readonly snapshotProbability: number;
  /** Per tick: the leader hands leadership over; or a node campaigns out of turn. */
  readonly transferProbability: number;
  readonly campaignProbability: number;
  /** A Ready completes up to this many ticks after it is taken (0: at once). */
  readonly readyDelayTicks: number;
  /** Per-node tick rates: ticks per simulated tick, around 1. */
  readonly tickRateRange: readonly [number, number];
  readonly raft: Omit<RaftConfig, 'id' | 'voters' | 'storage' | 'prng' | 'applied'>;
}

export function drawProfile(rng: SimRandom): SimProfile {
  const electionTimeoutTicks = rng.intBetween(5, 15);
  const drift = rng.chance(0.7) ? rng.floatBetween(0.05, 0.3) : 0;
  const bytes = (lo: number, hi: number): number => (rng.chance(0.5) ? rng.intBetween(lo, hi) : 1 << 20);
  return {
    dropProbability: rng.chance(0.2) ? 0 : rng.floatBetween(0, 0.2),
    duplicateProbability: rng.chance(0.3) ? 0 : rng.floatBetween(0, 0.1),
    maxExtraDelay: rng.intBetween(0, 4),
    crashProbability: rng.chance(0.25) ? 0 : rng.floatBetween(0.001, 0.02),
    crashInReadyProbability: rng.chance(0.5) ? 0 : rng.floatBetween(0, 0.003),
    downtimeTicks: [5, rng.intBetween(10, 150)],
    partitionProbability: rng.chance(0.2) ? 0 : rng.floatBetween(0.002, 0.03),
    partitionTicks: [5, rng.intBetween(20, 200)],
    proposeProbability: rng.floatBetween(0.05, 0.6),
    snapshotProbability: rng.chance(0.3) ? 0 : rng.floatBetween(0.005, 0.05),
    transferProbability: rng.chance(0.6) ? 0 : rng.floatBetween(0, 0.01),
    campaignProbability: rng.chance(0.6) ? 0 : rng.floatBetween(0, 0.01),
    tickRateRange: [1 - drift, 1 + drift],
    readyDelayTicks: rng.chance(0.5) ? 0 : rng.intBetween(1, 3),
    raft: {
      electionTimeoutTicks,
      heartbeatIntervalTicks: rng.intBetween(1, Math.max(1, Math.floor(electionTimeoutTicks / 3))),
      preVote: rng.chance(0.85),
      checkQuorum: rng.chance(0.85),
      maxMsgBytes: bytes(30, 200),
      maxInflightMsgs: rng.intBetween(1, 8),
      maxInflightBytes: bytes(60, 2000),
      maxUncommittedEntriesBytes: bytes(20, 400),
      maxCommittedBytesPerReady: bytes(30, 300),
      snapshotTimeoutTicks: rng.intBetween(electionTimeoutTicks, electionTimeoutTicks * 5),
    },
  };
}
