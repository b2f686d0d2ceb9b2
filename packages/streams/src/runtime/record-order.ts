import type { IncomingRecord } from '../processor/record-collector';

/**
 * The order in which a task processes one poll's records (Kafka's
 * PartitionGroup choice): the partitions' records stay in offset order,
 * and among the partitions' next records the one with the smallest
 * timestamp goes first (ties: the partition listed first). A join task
 * thus sees a table update and a stream record in event-time order when
 * both arrived in the same poll. Pure; partitions with nothing buffered
 * are not waited for (Kafka's max.task.idle.ms = 0).
 */
export function mergeByTimestamp(partitions: readonly (readonly IncomingRecord[])[]): IncomingRecord[] {
  const heads = partitions.map(() => 0);
  const total = partitions.reduce((n, p) => n + p.length, 0);
  const out: IncomingRecord[] = [];
  while (out.length < total) {
    let best = -1;
    for (let i = 0; i < partitions.length; i++) {
      const r = partitions[i]![heads[i]!];
      if (r !== undefined && (best < 0 || r.timestamp < partitions[best]![heads[best]!]!.timestamp)) best = i;
    }
    out.push(partitions[best]![heads[best]!++]!);
  }
  return out;
}

/** Groups a poll's records by task, and within a task by partition (in arrival order). */
export function groupByTask<T>(records: readonly IncomingRecord[], taskOf: (r: IncomingRecord) => T): Map<T, IncomingRecord[][]> {
  const out = new Map<T, Map<string, IncomingRecord[]>>();
  for (const r of records) {
    const task = taskOf(r);
    let parts = out.get(task);
    if (parts === undefined) out.set(task, (parts = new Map()));
    const key = `${r.topic}\u0000${r.partition}`;
    let list = parts.get(key);
    if (list === undefined) parts.set(key, (list = []));
    list.push(r);
  }
  return new Map([...out].map(([t, parts]) => [t, [...parts.values()]]));
}
