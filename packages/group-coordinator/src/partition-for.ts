import { partitionForKey } from '@gregor/coordinator-runtime';

export { javaStringHashCode } from '@gregor/coordinator-runtime';

/** The __consumer_offsets partition of a group (Kafka's abs(groupId.hashCode) % partitions). */
export function partitionForGroup(groupId: string, partitionCount: number): number {
  return partitionForKey(groupId, partitionCount);
}
