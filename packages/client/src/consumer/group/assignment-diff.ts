import { tpKey, type TopicPartition } from '@gregor/common';

export interface AssignmentChange {
  /** Owned before, not in the new assignment: revoke (commit first, then onPartitionsRevoked). */
  revoked: TopicPartition[];
  /** New in the assignment: onPartitionsAssigned, then committed offsets. */
  added: TopicPartition[];
  kept: TopicPartition[];
}

/** What changes from `owned` to `next` (pure). */
export function diffAssignment(owned: readonly TopicPartition[], next: readonly TopicPartition[]): AssignmentChange {
  const nextKeys = new Set(next.map((tp) => tpKey(tp.topic, tp.partition)));
  const ownedKeys = new Set(owned.map((tp) => tpKey(tp.topic, tp.partition)));
  return {
    revoked: owned.filter((tp) => !nextKeys.has(tpKey(tp.topic, tp.partition))),
    added: next.filter((tp) => !ownedKeys.has(tpKey(tp.topic, tp.partition))),
    kept: next.filter((tp) => ownedKeys.has(tpKey(tp.topic, tp.partition))),
  };
}

/**
 * Topics matching a pattern subscription, internal topics excluded
 * (Kafka's default). Like Java's Matcher.matches(), the whole name must match.
 */
export function matchTopics(pattern: RegExp, topics: readonly { name: string; isInternal: boolean }[]): string[] {
  const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
  return topics
    .filter((t) => !t.isInternal && whole.test(t.name))
    .map((t) => t.name)
    .sort();
}
