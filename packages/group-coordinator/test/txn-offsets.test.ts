import { DEFAULT_GROUP_COORDINATOR_CONFIG, GroupCoordinatorShard, OffsetsLoader, type CoordinatorRecord, type PendingAppend } from '@gregor/group-coordinator';

/**
 * TxnOffsetCommit in the shard (KIP-98/447): the offsets are written as the
 * producer's transactional batch, stay pending (UNSTABLE_OFFSET_COMMIT for
 * requireStable, invisible otherwise) until the transaction's marker, are
 * applied on COMMIT and dropped on ABORT; a member of an older generation
 * is fenced; the loader does the same with the records and markers of the log.
 */

const deps = { config: DEFAULT_GROUP_COORDINATOR_CONFIG, newMemberId: (p: string) => `${p}-1`, wallClockMs: () => 1000 };
const offsetOf = (s: GroupCoordinatorShard, group: string, requireStable = false) => s.fetchOffsets({ groupId: group, partitions: [{ topic: 't', partition: 0 }], requireStable }).offsets[0]!;

function txnCommit(s: GroupCoordinatorShard, requestId: number, producerId: bigint, offset: bigint, generationId = -1): { append: PendingAppend | undefined; error: string | undefined } {
  const fx = s.commitTransactionalOffsets(
    requestId,
    { groupId: 'g', generationId, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset, leaderEpoch: -1, metadata: '' }], producerId, producerEpoch: 3 },
    0,
  );
  const reply = fx.replies[0];
  return { append: fx.appends[0], error: reply?.kind === 'txn-commit' ? reply.response.results[0]!.error : undefined };
}

describe('transactional offsets', () => {
  test('pending until COMMIT; dropped on ABORT; written as the producer’s batch', () => {
    const s = new GroupCoordinatorShard(deps);
    const { append } = txnCommit(s, 1, 42n, 10n);
    expect(append!.owner).toEqual({ producerId: 42n, producerEpoch: 3 });
    const done = s.appendCompleted(append!, undefined, 0);
    expect(done.replies).toEqual([{ requestId: 1, kind: 'txn-commit', response: { results: [{ topic: 't', partition: 0, error: 'NONE' }] } }]);
    expect(offsetOf(s, 'g')).toMatchObject({ offset: -1n, error: 'NONE' });
    expect(offsetOf(s, 'g', true)).toMatchObject({ error: 'UNSTABLE_OFFSET_COMMIT' });
    s.completeTransaction(42n, true, 0);
    expect(offsetOf(s, 'g', true)).toMatchObject({ offset: 10n, error: 'NONE' });

    const second = txnCommit(s, 2, 42n, 20n);
    s.appendCompleted(second.append!, undefined, 0);
    s.completeTransaction(42n, false, 0);
    expect(offsetOf(s, 'g', true)).toMatchObject({ offset: 10n, error: 'NONE' });
  });

  test('a refused epoch answers PRODUCER_FENCED and leaves nothing pending; a request naming a generation the group does not have is fenced (KIP-447)', () => {
    const s = new GroupCoordinatorShard(deps);
    const { append } = txnCommit(s, 1, 42n, 10n);
    const fx = s.appendCompleted(append!, 'INVALID_PRODUCER_EPOCH', 0);
    expect(fx.replies[0]).toMatchObject({ kind: 'txn-commit', response: { results: [{ error: 'PRODUCER_FENCED' }] } });
    expect(offsetOf(s, 'g', true).error).toBe('NONE');
    const stale = txnCommit(s, 2, 43n, 5n, 7);
    expect(stale.error).toBe('UNKNOWN_MEMBER_ID');
  });

  test('the loader applies a committed transaction’s offsets at its marker, drops aborted ones and keeps open ones pending', () => {
    const rec = (offset: bigint): CoordinatorRecord => ({ type: 'offset', groupId: 'g', topic: 't', partition: 0, value: { offset, leaderEpoch: -1, metadata: '', commitTimestampMs: 1, expireTimestampMs: -1 } });
    const loader = new OffsetsLoader();
    loader.replay(rec(1n));
    loader.replayTransactional(7n, rec(5n));
    loader.replayTransactional(8n, rec(6n));
    loader.replayMarker(8n, false);
    loader.replayMarker(7n, true);
    loader.replayTransactional(9n, rec(9n));
    const { shard } = loader.build(deps, 0);
    expect(offsetOf(shard, 'g')).toMatchObject({ offset: 5n });
    expect(offsetOf(shard, 'g', true).error).toBe('UNSTABLE_OFFSET_COMMIT');
    shard.completeTransaction(9n, true, 0);
    expect(offsetOf(shard, 'g', true)).toMatchObject({ offset: 9n, error: 'NONE' });
  });
});
