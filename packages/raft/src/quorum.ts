import type { NodeId } from '@gregor/common';
import type { LogIndex } from './types';

export function majority(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * The highest index that a majority of voters have: sort matches descending,
 * the majority-th one is held by at least that many nodes (§5.3).
 */
export function quorumMatchIndex(matches: readonly LogIndex[]): LogIndex {
  const sorted = [...matches].sort((a, b) => b - a);
  return sorted[majority(matches.length) - 1];
}

export type VoteResult = 'won' | 'lost' | 'pending';

/** Tallies votes; missing voters are undecided. */
export function voteResult(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  let granted = 0;
  let rejected = 0;
  for (const v of voters) {
    const vote = votes.get(v);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  const needed = majority(voters.length);
  if (granted >= needed) return 'won';
  if (voters.length - rejected < needed) return 'lost';
  return 'pending';
}
