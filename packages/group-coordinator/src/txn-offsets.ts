import type { ErrorName } from '@gregor/common';
import type { CommitRejection, CommittedOffsetRecord, Ctx } from './context';
import { offsetKey, type ClassicGroup } from './group';
import { offsetCommitRejection, validateOffsetCommit } from './offsets';
import type { CoordinatorRecord } from './records';
import type { GroupRegistry } from './registry';
import type { OffsetCommitRequest, RequestId } from './types';

/** TxnOffsetCommit (KIP-98, KIP-447): offsets committed inside a producer's transaction. */
export interface TxnOffsetCommitRequest extends OffsetCommitRequest {
  producerId: bigint;
  producerEpoch: number;
}

/**
 * Offsets committed inside transactions whose marker has not reached this
 * __consumer_offsets partition yet: invisible to OffsetFetch (a fetch with
 * requireStable gets UNSTABLE_OFFSET_COMMIT for such a partition), applied
 * to their groups on COMMIT, dropped on ABORT — Kafka's
 * pendingTransactionalOffsetCommits. Bounded by the transactions in flight
 * (each producer has at most one open).
 */
export class PendingTxnOffsets {
  private readonly byProducer = new Map<bigint, Map<string, Map<string, CommittedOffsetRecord>>>();

  add(producerId: bigint, groupId: string, offsets: readonly CommittedOffsetRecord[]): void {
    let groups = this.byProducer.get(producerId);
    if (groups === undefined) this.byProducer.set(producerId, (groups = new Map()));
    let byKey = groups.get(groupId);
    if (byKey === undefined) groups.set(groupId, (byKey = new Map()));
    for (const o of offsets) byKey.set(offsetKey(o.topic, o.partition), o);
  }

  /** Whether a transaction still holds an offset for the group's partition (requireStable). */
  isPending(groupId: string, key: string): boolean {
    for (const groups of this.byProducer.values()) if (groups.get(groupId)?.has(key) === true) return true;
    return false;
  }

  /** The producer's transaction ended: its offsets, per group (to apply when `commit`), are no longer pending. */
  complete(producerId: bigint): Map<string, Map<string, CommittedOffsetRecord>> {
    const groups = this.byProducer.get(producerId) ?? new Map<string, Map<string, CommittedOffsetRecord>>();
    this.byProducer.delete(producerId);
    return groups;
  }

  get producers(): number {
    return this.byProducer.size;
  }
}

/**
 * TxnOffsetCommit: the offsets go to the log in a transactional batch of
 * the producer (the write is the producer's, so a fenced epoch is refused
 * by the partition), and are pending until the transaction's marker.
 * KIP-447: a request naming a member or generation is checked like an
 * OffsetCommit (a zombie of an older generation is fenced); one without
 * (older clients) is accepted whatever the group's state.
 */
export function handleTxnOffsetCommit(ctx: Ctx, groups: GroupRegistry, requestId: RequestId, req: TxnOffsetCommitRequest): void {
  const failAll = (error: ErrorName): void =>
    ctx.reply({ requestId, kind: 'txn-commit', response: { results: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })) } });
  let group = groups.get(req.groupId);
  if (group === undefined) {
    if (req.generationId >= 0) return failAll('ILLEGAL_GENERATION');
    group = groups.create(req.groupId, ctx);
    if (group === undefined) return failAll('COORDINATOR_NOT_AVAILABLE');
  }
  if (group.is('Dead')) return failAll('COORDINATOR_NOT_AVAILABLE');
  const namesMember = req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null;
  if (namesMember) {
    const invalid = validateOffsetCommit(group, req);
    if (invalid !== undefined) return failAll(invalid);
  }
  const wallMs = ctx.wallMs();
  const committed: CommittedOffsetRecord[] = [];
  const rejected: { topic: string; partition: number; error: CommitRejection }[] = [];
  for (const o of req.offsets) {
    const rejection = offsetCommitRejection(o.offset, o.metadata, ctx.config.offsetMetadataMaxBytes);
    if (rejection !== undefined) rejected.push({ topic: o.topic, partition: o.partition, error: rejection });
    else committed.push({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestampMs: wallMs });
  }
  if (committed.length === 0) {
    ctx.reply({ requestId, kind: 'txn-commit', response: { results: rejected } });
    return;
  }
  const records: CoordinatorRecord[] = committed.map((c) => ({
    type: 'offset',
    groupId: group.groupId,
    topic: c.topic,
    partition: c.partition,
    value: { offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, commitTimestampMs: c.commitTimestampMs, expireTimestampMs: -1 },
  }));
  ctx.append(records, { kind: 'txn-commit', group, requestId, committed, rejected, producerId: req.producerId }, { producerId: req.producerId, producerEpoch: req.producerEpoch });
}

/** A transaction's marker reached the partition: its offsets become the groups' (COMMIT) or vanish (ABORT). */
export function completeTransaction(groups: GroupRegistry, pending: PendingTxnOffsets, producerId: bigint, commit: boolean): void {
  const done = pending.complete(producerId);
  if (!commit) return;
  for (const [groupId, offsets] of done) {
    const group: ClassicGroup | undefined = groups.get(groupId);
    if (group === undefined || group.is('Dead')) continue;
    for (const [key, o] of offsets) group.offsets.set(key, { ...o, expireTimestampMs: -1 });
  }
}
