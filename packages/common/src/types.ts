/**
 * Distinct types for ids and positions. Brands cost nothing at run time and
 * stop a term from being passed where an offset is expected.
 * 64-bit quantities (offsets, producer ids) are bigint: precision ends at 2^53.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type NodeId = Brand<number, 'NodeId'>;
export type PartitionId = number;
/** A position in a partition log. */
export type Offset = bigint;
export type ProducerId = bigint;
export type LeaderEpoch = number;

export const nodeId = (n: number): NodeId => n as NodeId;

/** A partition, named as Kafka does. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: PartitionId;
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
