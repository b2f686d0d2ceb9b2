/**
 * What a group went through, for the one log line per rebalance and per
 * generation that Kafka's GroupCoordinator writes (operators grep for
 * them). The shard is pure, so it reports these in its Effects and the
 * driver, which knows the __consumer_offsets partition, writes the lines.
 */
export type GroupEvent =
  /** A rebalance starts (Kafka's prepareRebalance): the state and generation it leaves, and why. */
  | { kind: 'rebalance-started'; groupId: string; fromState: string; oldGenerationId: number; reason: string }
  /** The join phase ended with members: a new generation (Kafka's onCompleteJoin). */
  | { kind: 'generation-started'; groupId: string; generationId: number; protocolType: string | null; protocolName: string | null; members: number }
  /** The join phase ended with nobody left: a new, empty generation. */
  | { kind: 'group-emptied'; groupId: string; generationId: number };

/** Kafka's wording, with the group's __consumer_offsets partition as Kafka gives it. */
export function describeGroupEvent(e: GroupEvent, offsetsPartition: string): string {
  switch (e.kind) {
    case 'rebalance-started':
      return `Preparing to rebalance group ${e.groupId} in state ${e.fromState} with old generation ${e.oldGenerationId} (${offsetsPartition}) (reason: ${e.reason})`;
    case 'generation-started':
      return `Stabilized group ${e.groupId} generation ${e.generationId} (protocol ${e.protocolType ?? 'none'}/${e.protocolName ?? 'none'}, ${offsetsPartition}) with ${e.members} members`;
    case 'group-emptied':
      return `Group ${e.groupId} with generation ${e.generationId} is now empty (${offsetsPartition})`;
  }
}

/** Kafka appends the client's own reason (KIP-800) to the coordinator's. */
export function withClientReason(reason: string, clientReason: string | null | undefined): string {
  return `${reason}; client reason: ${clientReason === undefined || clientReason === null || clientReason === '' ? 'not provided' : clientReason}`;
}
