import type { ErrorName } from '@gregor/common';
import type { CommitRejection, CommittedOffsetRecord, Ctx } from './context';
import { offsetKey, type ClassicGroup } from './group';
import { validateMember } from './membership';
import { scheduleHeartbeat } from './rebalance';
import type { GroupRegistry } from './registry';
import type { CoordinatorRecord } from './records';
import { UNKNOWN_MEMBER_ID, type FetchedOffset, type OffsetCommitRequest, type OffsetFetchRequest, type OffsetFetchResponse, type RequestId } from './types';

/**
 * OffsetCommit and OffsetFetch (Kafka's handleCommitOffsets /
 * handleFetchOffsets). A commit is applied to the group only after its
 * records are written (acks=all), so a fetch never sees an offset that a
 * coordinator failover could lose.
 */
export function handleOffsetCommit(ctx: Ctx, groups: GroupRegistry, requestId: RequestId, req: OffsetCommitRequest): void {
  const failAll = (error: ErrorName): void =>
    ctx.reply({ requestId, kind: 'commit', response: { results: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })) } });
  let group = groups.get(req.groupId);
  if (group === undefined) {
    // A group that uses the coordinator for offsets only (manual
    // assignment, admin tools) is created by its first commit; a commit
    // with a generation is from a member of a group that no longer exists.
    if (req.generationId >= 0) return failAll('ILLEGAL_GENERATION');
    group = groups.create(req.groupId, ctx);
    if (group === undefined) return failAll('COORDINATOR_NOT_AVAILABLE');
  }
  const invalid = validateOffsetCommit(group, req);
  if (invalid !== undefined) return failAll(invalid);
  switch (group.state) {
    case 'Empty':
      storeOffsets(ctx, group, requestId, req);
      return;
    case 'Stable':
    case 'PreparingRebalance':
      // Commits during the join phase are allowed: the member learns of
      // the rebalance from its next heartbeat.
      scheduleHeartbeat(ctx, group, group.get(req.memberId));
      storeOffsets(ctx, group, requestId, req);
      return;
    case 'CompletingRebalance':
      // The member has its new generation but not its assignment yet.
      return failAll('REBALANCE_IN_PROGRESS');
    case 'Dead':
      return failAll('COORDINATOR_NOT_AVAILABLE');
  }
}

/**
 * Kafka's validateOffsetCommit: a commit naming a member (or a
 * generation) must come from a current member of the current generation;
 * one without (generation -1, member "") is accepted only while the group
 * has no members — how admin tools reset offsets.
 */
export function validateOffsetCommit(group: ClassicGroup, req: OffsetCommitRequest): ErrorName | undefined {
  if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
  if (req.generationId >= 0 || req.memberId !== UNKNOWN_MEMBER_ID || req.groupInstanceId !== null) {
    if (req.groupInstanceId !== null) {
      const current = group.staticMemberId(req.groupInstanceId);
      if (current === undefined) return 'UNKNOWN_MEMBER_ID';
      if (current !== req.memberId) return 'FENCED_INSTANCE_ID';
    }
    return validateMember(group, req.memberId, null, req.generationId);
  }
  if (!group.is('Empty')) return 'UNKNOWN_MEMBER_ID';
  return undefined;
}

/**
 * Why one offset of a commit cannot be stored, if it cannot. An offset is
 * the next one to consume, so it is never negative; Kafka's clients refuse
 * to commit one, but its broker would store it, and -1 reads back as "no
 * offset" — so a buggy or hostile client could silently rewind a group.
 * Refusing it per partition leaves the earlier offset in place.
 */
export function offsetCommitRejection(offset: bigint, metadata: string, offsetMetadataMaxBytes: number): CommitRejection | undefined {
  if (offset < 0n) return 'INVALID_REQUEST';
  if (Buffer.byteLength(metadata, 'utf8') > offsetMetadataMaxBytes) return 'OFFSET_METADATA_TOO_LARGE';
  return undefined;
}

function storeOffsets(ctx: Ctx, group: ClassicGroup, requestId: RequestId, req: OffsetCommitRequest): void {
  const wallMs = ctx.wallMs();
  const committed: CommittedOffsetRecord[] = [];
  const rejected: { topic: string; partition: number; error: CommitRejection }[] = [];
  for (const o of req.offsets) {
    const rejection = offsetCommitRejection(o.offset, o.metadata, ctx.config.offsetMetadataMaxBytes);
    if (rejection !== undefined) {
      rejected.push({ topic: o.topic, partition: o.partition, error: rejection });
    } else {
      committed.push({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestampMs: wallMs });
    }
  }
  if (committed.length === 0) {
    ctx.reply({ requestId, kind: 'commit', response: { results: rejected } });
    return;
  }
  const records: CoordinatorRecord[] = committed.map((c) => ({
    type: 'offset',
    groupId: group.groupId,
    topic: c.topic,
    partition: c.partition,
    value: { offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, commitTimestampMs: c.commitTimestampMs, expireTimestampMs: -1 },
  }));
  for (const c of committed) addPending(group, offsetKey(c.topic, c.partition), 1);
  ctx.append(records, { kind: 'commit', group, requestId, committed, rejected });
}

function addPending(group: ClassicGroup, key: string, delta: number): void {
  const n = (group.pendingOffsetCommits.get(key) ?? 0) + delta;
  if (n <= 0) group.pendingOffsetCommits.delete(key);
  else group.pendingOffsetCommits.set(key, n);
}

/** The commit's write finished: apply the offsets (on success) and answer. */
export function onCommitWritten(group: ClassicGroup, committed: readonly CommittedOffsetRecord[], failed: boolean): void {
  for (const c of committed) {
    const key = offsetKey(c.topic, c.partition);
    addPending(group, key, -1);
    if (!failed) group.offsets.set(key, { ...c, expireTimestampMs: -1 });
  }
}

export function handleOffsetFetch(groups: GroupRegistry, req: OffsetFetchRequest, txnPending: (groupId: string, key: string) => boolean = () => false): OffsetFetchResponse {
  const group = groups.get(req.groupId);
  const none = (topic: string, partition: number): FetchedOffset => ({ topic, partition, offset: -1n, leaderEpoch: -1, metadata: '', error: 'NONE' });
  if (group === undefined || group.is('Dead')) {
    return { error: 'NONE', offsets: (req.partitions ?? []).map((p) => none(p.topic, p.partition)) };
  }
  const fetched = (topic: string, partition: number): FetchedOffset => {
    const key = offsetKey(topic, partition);
    // KIP-447: a consumer asking for stable offsets waits while a commit (or a transaction's) is in flight.
    if (req.requireStable && (group.pendingOffsetCommits.has(key) || txnPending(group.groupId, key))) return { ...none(topic, partition), error: 'UNSTABLE_OFFSET_COMMIT' };
    const o = group.offsets.get(key);
    return o === undefined ? none(topic, partition) : { topic, partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, error: 'NONE' };
  };
  const wanted = req.partitions ?? [...group.offsets.values()].map((o) => ({ topic: o.topic, partition: o.partition }));
  return { error: 'NONE', offsets: wanted.map((p) => fetched(p.topic, p.partition)) };
}

/**
 * Offsets past retention (Kafka's removeExpiredOffsets): for an Empty group
 * with a protocol, retention counts from when it became empty; for a group
 * that only stores offsets, from each commit. Offsets with a commit in
 * flight are kept. (Kafka also expires, in Stable consumer groups, offsets
 * of topics no member subscribes to any more; that needs the consumer
 * protocol's subscriptions, which this coordinator treats as opaque.)
 */
export function expiredOffsets(group: ClassicGroup, wallMs: number, retentionMs: number): string[] {
  let base: ((commitMs: number) => number) | undefined;
  if (group.protocolType !== null && group.protocolType !== '' && group.is('Empty')) base = () => group.stateTimestampMs;
  else if ((group.protocolType === null || group.protocolType === '') && group.is('Empty')) base = (commitMs) => commitMs;
  if (base === undefined) return [];
  const out: string[] = [];
  for (const [key, o] of group.offsets) {
    if (group.pendingOffsetCommits.has(key)) continue;
    const expired = o.expireTimestampMs >= 0 ? wallMs >= o.expireTimestampMs : wallMs - base(o.commitTimestampMs) >= retentionMs;
    if (expired) out.push(key);
  }
  return out;
}
