import type { MetadataChange } from './image';

const list = (ids: readonly number[]): string => `[${ids.join(',')}]`;

/** A change that leaves a partition without a leader is a warning; the rest are info. */
export function changeLogLevel(c: MetadataChange): 'info' | 'warn' {
  return c.kind === 'partition-changed' && c.after.leader === -1 && c.before.leader !== -1 ? 'warn' : 'info';
}

/**
 * One line per change worth an operator's attention (fencing, unfencing,
 * leader and ISR changes, topics, registrations). The active controller logs
 * the changes of its own term as they are applied, so each change is logged
 * once in the whole cluster.
 */
export function describeChange(c: MetadataChange): string | undefined {
  switch (c.kind) {
    case 'broker-registered':
      return c.previous === undefined
        ? `registered broker ${c.broker.brokerId} (epoch ${c.broker.brokerEpoch}, incarnation ${c.broker.incarnationId})`
        : `re-registered broker ${c.broker.brokerId} (epoch ${c.previous.brokerEpoch} -> ${c.broker.brokerEpoch}, new incarnation ${c.broker.incarnationId}); fenced until it catches up`;
    case 'broker-fenced':
      return `fenced broker ${c.broker.brokerId} (epoch ${c.broker.brokerEpoch})${c.reason !== undefined ? `: ${c.reason}` : ''}`;
    case 'broker-unfenced':
      return `unfenced broker ${c.broker.brokerId} (epoch ${c.broker.brokerEpoch}): it caught up with the metadata log`;
    case 'topic-created': {
      const rf = c.topic.partitions[0]?.replicas.length ?? 0;
      return `created topic ${c.topic.name} (id ${c.topic.topicId}, ${c.topic.partitions.length} partitions, replication factor ${rf})`;
    }
    case 'topic-deleted':
      return `deleted topic ${c.name} (id ${c.topicId})`;
    case 'partition-created':
      return `created partition ${c.topic}-${c.partition.partition} replicas ${list(c.partition.replicas)} leader ${c.partition.leader}`;
    case 'partition-changed': {
      const parts: string[] = [];
      if (c.before.leader !== c.after.leader) {
        const to = c.after.leader === -1 ? 'none (OFFLINE: no eligible replica in the ISR)' : String(c.after.leader);
        parts.push(`leader ${c.before.leader} -> ${to} (leader epoch ${c.after.leaderEpoch})`);
      }
      const isrChanged = c.before.isr.length !== c.after.isr.length || c.before.isr.some((id, i) => id !== c.after.isr[i]);
      if (isrChanged) parts.push(`ISR ${list(c.before.isr)} -> ${list(c.after.isr)}`);
      if (parts.length === 0) return undefined;
      const why = c.reason !== undefined ? `: ${c.reason}` : '';
      return `partition ${c.topic}-${c.after.partition} ${parts.join(', ')} (partition epoch ${c.after.partitionEpoch})${why}`;
    }
    case 'configs-changed':
      return `altered configs of topic ${c.topic}`;
    case 'producer-ids':
    case 'leader-change':
      return undefined;
  }
}
