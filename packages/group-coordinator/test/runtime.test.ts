import fc from 'fast-check';
import { GregorError, pollUntil, silentLogger } from '@gregor/common';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, GroupCoordinatorRuntime, partitionForGroup, javaStringHashCode, type JoinGroupRequest } from '@gregor/group-coordinator';
import { MemoryLog } from '../../coordinator-runtime/test/helpers/memory-log';

const config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupMinSessionTimeoutMs: 10, groupInitialRebalanceDelayMs: 0 };
const P = 3;
const G = 'payments';

function runtime(log: MemoryLog): GroupCoordinatorRuntime {
  return new GroupCoordinatorRuntime({ config, log, logger: silentLogger() });
}

const joinReq = (memberId = '', extra: Partial<JoinGroupRequest> = {}): JoinGroupRequest => ({
  groupId: G,
  memberId,
  groupInstanceId: null,
  sessionTimeoutMs: 2000,
  rebalanceTimeoutMs: 5000,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: Buffer.from('m') }],
  clientId: 'c',
  clientHost: '/127.0.0.1',
  requireKnownMemberId: true,
  ...extra,
});

/** One member through join and sync; returns its id and generation. */
async function joinAndSync(rt: GroupCoordinatorRuntime): Promise<{ memberId: string; generationId: number }> {
  const first = await rt.joinGroup(P, joinReq());
  expect(first.error).toBe('MEMBER_ID_REQUIRED');
  const joined = await rt.joinGroup(P, joinReq(first.memberId));
  expect(joined.error).toBe('NONE');
  const synced = await rt.syncGroup(P, {
    groupId: G,
    memberId: joined.memberId,
    generationId: joined.generationId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment: Buffer.from('all') }],
  });
  expect(synced).toMatchObject({ error: 'NONE', assignment: Buffer.from('all') });
  return { memberId: joined.memberId, generationId: joined.generationId };
}

describe('group placement (Kafka’s rule)', () => {
  test('String.hashCode matches Java for ASCII, non-ASCII and overflowing strings', () => {
    // Values from Java's "x".hashCode().
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('ü€')).toBe(252 * 31 + 8364);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  test('abs(hashCode) % partitions, with Integer.MIN_VALUE mapping to partition 0', () => {
    expect(partitionForGroup('hello', 50)).toBe(99162322 % 50);
    expect(partitionForGroup('polygenelubricants', 7)).toBe(0);
    expect(() => partitionForGroup('x', 0)).toThrow(RangeError);
  });

  test('agrees with a BigInt transcription of Java’s formula: s[0]·31^(n-1) + … + s[n-1], as int32', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 1, max: 200 }), (s, n) => {
        let h = 0n;
        for (let i = 0; i < s.length; i++) h = h * 31n + BigInt(s.charCodeAt(i));
        const int32 = Number(BigInt.asIntN(32, h));
        expect(javaStringHashCode(s)).toBe(int32);
        expect(partitionForGroup(s, n)).toBe(int32 === -2147483648 ? 0 : Math.abs(int32) % n);
      }),
    );
  });
});

describe('GroupCoordinatorRuntime', () => {
  test('logs one line per rebalance and one per generation, in Kafka\'s words', async () => {
    const log = new MemoryLog();
    log.setLeaderEpoch(P, 1);
    const logger = silentLogger();
    const info = jest.spyOn(logger, 'info');
    const rt = new GroupCoordinatorRuntime({ config, log, logger });
    rt.onElection(P, 1);
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'load' });
    const first = await joinAndSync(rt);
    // A second member joins: the first rejoins (as its heartbeat tells it to), one rebalance, one new generation.
    const pending = await rt.joinGroup(P, joinReq('', { clientId: 'd', reason: 'scaling out' }));
    const second = rt.joinGroup(P, joinReq(pending.memberId, { clientId: 'd', reason: 'scaling out' }));
    const rejoin = rt.joinGroup(P, joinReq(first.memberId));
    const [a, b] = await Promise.all([second, rejoin]);
    expect(a.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    const lines = info.mock.calls.map((c) => String(c[0])).filter((l) => /rebalance|Stabilized|empty/.test(l));
    const where = `__consumer_offsets-${P}`;
    expect(lines).toEqual([
      `Preparing to rebalance group ${G} in state Empty with old generation 0 (${where}) (reason: Adding new member ${first.memberId} with group instance id None; client reason: not provided)`,
      `Stabilized group ${G} generation 1 (protocol consumer/range, ${where}) with 1 members`,
      `Preparing to rebalance group ${G} in state Stable with old generation 1 (${where}) (reason: Adding new member ${pending.memberId} with group instance id None; client reason: scaling out)`,
      `Stabilized group ${G} generation 2 (protocol consumer/range, ${where}) with 2 members`,
    ]);
    await rt.stop();
  });

  test('NOT_COORDINATOR for partitions it does not lead; COORDINATOR_LOAD_IN_PROGRESS while loading', async () => {
    const log = new MemoryLog();
    const rt = runtime(log);
    expect((await rt.heartbeat(P, { groupId: G, memberId: 'm', generationId: 1, groupInstanceId: null })).error).toBe('NOT_COORDINATOR');
    let open!: () => void;
    log.loadGate = new Promise((r) => (open = r));
    log.setLeaderEpoch(P, 1);
    rt.onElection(P, 1);
    expect(rt.partitionState(P)).toBe('loading');
    expect((await rt.joinGroup(P, joinReq())).error).toBe('COORDINATOR_LOAD_IN_PROGRESS');
    expect(rt.fetchOffsets(P, { groupId: G, partitions: null, requireStable: false }).error).toBe('COORDINATOR_LOAD_IN_PROGRESS');
    expect(rt.listGroups().error).toBe('COORDINATOR_LOAD_IN_PROGRESS');
    open();
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'load' });
    expect((await rt.joinGroup(P, joinReq())).error).toBe('MEMBER_ID_REQUIRED');
    await rt.stop();
  });

  test('a transaction marker that lands while the partition loads is applied once the load is done', async () => {
    const log = new MemoryLog();
    log.setLeaderEpoch(P, 1);
    const a = runtime(log);
    a.onElection(P, 1);
    await pollUntil(() => a.partitionState(P) === 'active', { timeoutMs: 5000, what: 'load' });
    const txnCommit = await a.commitTransactionalOffsets(P, {
      groupId: 'tool', generationId: -1, memberId: '', groupInstanceId: null,
      offsets: [{ topic: 't', partition: 0, offset: 10n, leaderEpoch: -1, metadata: '' }],
      producerId: 42n, producerEpoch: 3,
    });
    expect(txnCommit.results[0]!.error).toBe('NONE');
    // The partition moves to b; its load is held, and the COMMIT marker lands meanwhile (after what b reads).
    log.setLeaderEpoch(P, 2);
    await a.onResignation(P);
    let open!: () => void;
    log.loadGate = new Promise((r) => (open = r));
    const b = runtime(log);
    b.onElection(P, 2);
    expect(b.partitionState(P)).toBe('loading');
    b.onTransactionCompleted(P, 42n, true);
    open();
    log.loadGate = undefined;
    await pollUntil(() => b.partitionState(P) === 'active', { timeoutMs: 5000, what: 'load on b' });
    const fetched = b.fetchOffsets(P, { groupId: 'tool', partitions: [{ topic: 't', partition: 0 }], requireStable: true });
    expect(fetched.offsets[0]).toMatchObject({ offset: 10n, error: 'NONE' });
    await Promise.all([a.stop(), b.stop()]);
  });

  test('concurrent commits share writes; offsets and the group survive a move to another broker', async () => {
    const log = new MemoryLog();
    log.setLeaderEpoch(P, 1);
    const a = runtime(log);
    a.onElection(P, 1);
    await pollUntil(() => a.partitionState(P) === 'active', { timeoutMs: 5000, what: 'load' });
    const { memberId, generationId } = await joinAndSync(a);
    const writesBefore = log.writes;
    // Hold the first write so that the rest queue up behind it.
    let release!: () => void;
    log.writeGate = new Promise((r) => (release = r));
    const commits = Array.from({ length: 20 }, (_, i) =>
      a.commitOffsets(P, { groupId: G, generationId, memberId, groupInstanceId: null, offsets: [{ topic: 't', partition: i, offset: BigInt(i * 10), leaderEpoch: -1, metadata: '' }] }),
    );
    await new Promise((r) => setImmediate(r));
    release();
    log.writeGate = undefined;
    const results = await Promise.all(commits);
    expect(results.every((r) => r.results[0]!.error === 'NONE')).toBe(true);
    expect(log.writes - writesBefore).toBeLessThanOrEqual(2);
    // Leadership moves: a resigns, b (another broker) loads the same log.
    // A second member's JoinGroup waits for the first to rejoin.
    const newcomer = await a.joinGroup(P, joinReq());
    const waitingJoin = a.joinGroup(P, joinReq(newcomer.memberId));
    log.setLeaderEpoch(P, 2);
    await a.onResignation(P);
    expect((await waitingJoin).error).toBe('NOT_COORDINATOR');
    expect((await a.heartbeat(P, { groupId: G, memberId, generationId, groupInstanceId: null })).error).toBe('NOT_COORDINATOR');
    const b = runtime(log);
    b.onElection(P, 2);
    await pollUntil(() => b.partitionState(P) === 'active', { timeoutMs: 5000, what: 'load on b' });
    const fetched = b.fetchOffsets(P, { groupId: G, partitions: null, requireStable: false });
    expect(fetched.offsets.map((o) => o.offset).sort((x, y) => Number(x - y))).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i * 10)));
    // The member carries on with the new coordinator in the same generation.
    expect((await b.heartbeat(P, { groupId: G, memberId, generationId, groupInstanceId: null })).error).toBe('NONE');
    expect(b.describeGroups(P, [G])[0]).toMatchObject({ state: 'Stable', members: [{ memberId, assignment: Buffer.from('all') }] });
    await Promise.all([a.stop(), b.stop()]);
  });

  test('session expiry runs on the runtime’s timer', async () => {
    const log = new MemoryLog();
    log.setLeaderEpoch(P, 1);
    const rt = runtime(log);
    rt.onElection(P, 1);
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'load' });
    const first = await rt.joinGroup(P, joinReq('', { sessionTimeoutMs: 100 }));
    const joined = await rt.joinGroup(P, joinReq(first.memberId, { sessionTimeoutMs: 100 }));
    expect(joined.error).toBe('NONE');
    // No sync, no heartbeat: the member goes after its session timeout and the group empties.
    await pollUntil(() => rt.describeGroups(P, [G])[0]!.state === 'Empty', { timeoutMs: 5000, what: 'session expiry' });
    expect(rt.listGroups(['Empty']).groups.map((g) => g.groupId)).toEqual([G]);
    await rt.stop();
  });

  test('a failed write answers the commit with Kafka’s coordinator error', async () => {
    const log = new MemoryLog();
    log.setLeaderEpoch(P, 1);
    const rt = runtime(log);
    rt.onElection(P, 1);
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'load' });
    log.failWrites = new GregorError('NOT_ENOUGH_REPLICAS', 'isr too small');
    const r = await rt.commitOffsets(P, { groupId: 'tool', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: '' }] });
    expect(r.results[0]!.error).toBe('COORDINATOR_NOT_AVAILABLE');
    log.failWrites = undefined;
    expect(rt.fetchOffsets(P, { groupId: 'tool', partitions: [{ topic: 't', partition: 0 }], requireStable: false }).offsets[0]!.offset).toBe(-1n);
    await rt.stop();
  });

  test('an older election is ignored; a newer one replaces the shard', async () => {
    const log = new MemoryLog();
    log.setLeaderEpoch(P, 5);
    const rt = runtime(log);
    rt.onElection(P, 5);
    rt.onElection(P, 4);
    expect(rt.coordinatedEpoch(P)).toBe(5);
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'load' });
    log.setLeaderEpoch(P, 6);
    rt.onElection(P, 6);
    expect(rt.coordinatedEpoch(P)).toBe(6);
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'reload' });
    await rt.onResignation(P, 5); // stale resignation: keeps epoch 6
    expect(rt.partitionState(P)).toBe('active');
    await rt.stop();
  });
});
