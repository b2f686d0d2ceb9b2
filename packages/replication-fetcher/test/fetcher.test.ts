import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { decodeRecordBatches, validateRecordBatches } from '@gregor/record-batch';
import { ReplicaFetcherManager, type FollowerLog } from '@gregor/replication-fetcher';
import { LogStore, type PartitionLog } from '@gregor/storage';
import { FakeLeader, batchOf } from './helpers/fake-leader';

/*
 * The fetcher against scripted leaders (FakeLeader) over real storage: the
 * leaders' logs live in one LogStore, the follower's in another. Waits are
 * polls with deadlines.
 */

const valuesIn = async (log: PartitionLog): Promise<string[]> => {
  if (log.logEndOffset === log.logStartOffset) return [];
  const { records } = await log.read(log.logStartOffset, 1 << 20);
  return decodeRecordBatches(records).flatMap((b) => b.records.map((r) => r.value!.toString()));
};

async function bytesOf(log: PartitionLog): Promise<Buffer> {
  if (log.logEndOffset === log.logStartOffset) return Buffer.alloc(0);
  return (await log.read(log.logStartOffset, 1 << 20)).records;
}

describe('ReplicaFetcherManager', () => {
  let dir: string;
  let leaderStore: LogStore;
  let followerStore: LogStore;
  let leaders: Map<string, FakeLeader>;
  let manager: ReplicaFetcherManager;

  function leader(id: number): FakeLeader {
    const address = `leader-${id}`;
    let l = leaders.get(address);
    if (l === undefined) leaders.set(address, (l = new FakeLeader(address)));
    return l;
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-fetcher-'));
    leaderStore = await LogStore.open({ dataDir: path.join(dir, 'leader') });
    followerStore = await LogStore.open({ dataDir: path.join(dir, 'follower') });
    leaders = new Map();
    manager = new ReplicaFetcherManager({
      replicaId: 1,
      leaderAddress: (id) => (id === 99 ? undefined : `leader-${id}`),
      clientFactory: (address) => leaders.get(address)!.client(),
      config: { maxWaitMs: 200, backoffMs: 5, maxBackoffMs: 50 },
    });
  });

  afterEach(async () => {
    await manager.stop();
    await followerStore.close();
    await leaderStore.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A leader-side log on leader `id` with `values` appended one batch each in `epoch`. */
  async function leaderLog(id: number, topic: string, partition: number, epoch: number, values: string[]): Promise<PartitionLog> {
    const log = await leaderStore.openPartition(`${topic}-on-${id}`, partition);
    for (const v of values) await log.append(batchOf([v]), epoch);
    leader(id).lead(topic, partition, log, epoch);
    return log;
  }

  test('one request per leader carries all partitions followed from it; batches arrive unchanged', async () => {
    for (let p = 0; p < 3; p++) await leaderLog(7, 'a', p, 0, [`a${p}-0`, `a${p}-1`]);
    for (let p = 0; p < 2; p++) await leaderLog(8, 'b', p, 0, [`b${p}-0`]);
    const logs: PartitionLog[] = [];
    const parts: { topic: string; partition: number; leaderId: number; leaderEpoch: number; log: PartitionLog }[] = [];
    for (let p = 0; p < 3; p++) parts.push({ topic: 'a', partition: p, leaderId: 7, leaderEpoch: 0, log: await followerStore.openPartition('a', p) });
    for (let p = 0; p < 2; p++) parts.push({ topic: 'b', partition: p, leaderId: 8, leaderEpoch: 0, log: await followerStore.openPartition('b', p) });
    logs.push(...parts.map((p) => p.log));
    await manager.addPartitions(parts);
    expect(manager.leaderIds).toEqual([7, 8]);
    await pollUntil(() => parts.every((p) => p.log.logEndOffset === (p.topic === 'a' ? 2n : 1n)), { timeoutMs: 10_000, what: 'followers to catch up' });
    for (const p of parts) {
      const source = leader(p.leaderId).part(p.topic, p.partition).log;
      expect((await bytesOf(p.log)).equals(await bytesOf(source))).toBe(true);
    }
    for (const [id, topic, count] of [[7, 'a', 3], [8, 'b', 2]] as const) {
      const fetches = leader(id).fetches;
      expect(fetches.length).toBeGreaterThan(0);
      for (const f of fetches) {
        expect(f.replicaId).toBe(1);
        expect(f.partitions.map((x) => `${x.topic}-${x.partition}`).sort()).toEqual(Array.from({ length: count }, (_, i) => `${topic}-${i}`));
      }
    }
    // The leader's high watermark reaches the follower with the next answer.
    leader(7).setHighWatermark('a', 0, 2n);
    await pollUntil(() => parts[0]!.log.highWatermark === 2n, { timeoutMs: 10_000, what: 'the follower HW' });
    // A long-polling follower gets new records as soon as they are appended.
    await leader(7).append('a', 1, ['late']);
    await pollUntil(() => parts[1]!.log.logEndOffset === 3n, { timeoutMs: 10_000, what: 'the new record' });
    expect(await valuesIn(parts[1]!.log)).toEqual(['a1-0', 'a1-1', 'late']);
  });

  /** A follower log holding copies of the leader's first `batches` batches. */
  async function followerCopy(topic: string, partition: number, source: PartitionLog, batches: number): Promise<PartitionLog> {
    const log = await followerStore.openPartition(topic, partition);
    const all = await bytesOf(source);
    let end = 0;
    for (const b of validateRecordBatches(all, { origin: 'replication' }).slice(0, batches)) end += b.size;
    if (end > 0) await log.appendAsFollower(all.subarray(0, end));
    return log;
  }

  /** A batch as a leader of `epoch` would have stored it at `offset`. */
  function storedBatch(values: string[], offset: bigint, epoch: number): Buffer {
    const b = batchOf(values);
    b.writeBigInt64BE(offset, 0);
    b.writeInt32BE(epoch, 12);
    return b;
  }

  test('a diverging epoch in a fetch answer truncates the stale tail, then fetching resumes (KIP-320)', async () => {
    // Shared history c0,c1 (epoch 0); the follower then got x0,x1 in epoch 1 from a leader
    // that lost them; the current leader wrote n0 in epoch 2.
    const source = await leaderLog(7, 't', 0, 0, ['c0', 'c1']);
    const log = await followerCopy('t', 0, source, 2);
    await log.appendAsFollower(storedBatch(['x0'], 2n, 1));
    await log.appendAsFollower(storedBatch(['x1'], 3n, 1));
    await source.append(batchOf(['n0']), 2);
    leader(7).lead('t', 0, source, 2);
    // A careless OffsetsForLeaderEpoch answer (epoch 1 "ends" at the leader's end, 3) only trims x1;
    // the fetch-time check must catch x0.
    leader(7).epochAnswerOverride = () => ({ epoch: 1, endOffset: 3n });
    await manager.addPartitions([{ topic: 't', partition: 0, leaderId: 7, leaderEpoch: 2, log }]);
    await pollUntil(async () => (await valuesIn(log)).join(',') === 'c0,c1,n0', { timeoutMs: 10_000, what: 'the follower to match the leader' });
    expect((await bytesOf(log)).equals(await bytesOf(source))).toBe(true);
    expect(log.latestEpoch()).toBe(2);
    expect(leader(7).fetches.some((f) => f.partitions[0]!.fetchOffset === 3n && f.partitions[0]!.lastFetchedEpoch === 1)).toBe(true);
  });

  test('on a leader change the partition moves to the new leader, truncating first (OffsetsForLeaderEpoch)', async () => {
    const old = await leaderLog(7, 'm', 0, 0, ['m0', 'm1', 'u0']);
    const log = await followerStore.openPartition('m', 0);
    await manager.addPartitions([{ topic: 'm', partition: 0, leaderId: 7, leaderEpoch: 0, log }]);
    await pollUntil(() => log.logEndOffset === 3n, { timeoutMs: 10_000, what: 'the follower to catch up with leader 7' });
    // Leader 8 had only m0,m1 when it was elected in epoch 1, then wrote v0,v1.
    const next = await leaderStore.openPartition('m-on-8', 0);
    const first2 = await bytesOf(old);
    const [b0, b1] = validateRecordBatches(first2, { origin: 'replication' });
    await next.appendAsFollower(first2.subarray(0, b0!.size + b1!.size));
    leader(8).lead('m', 0, next, 1);
    await next.append(batchOf(['v0']), 1);
    await next.append(batchOf(['v1']), 1);

    await manager.addPartitions([{ topic: 'm', partition: 0, leaderId: 8, leaderEpoch: 1, log }]);
    expect(manager.leaderIds).toEqual([8]);
    await pollUntil(async () => (await valuesIn(log)).join(',') === 'm0,m1,v0,v1', { timeoutMs: 10_000, what: 'the follower to match leader 8' });
    expect((await bytesOf(log)).equals(await bytesOf(next))).toBe(true);
    expect(leader(8).epochQueries.flat()).toContainEqual({ topic: 'm', partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0 });
    expect(manager.status('m', 0)).toMatchObject({ leaderId: 8, leaderEpoch: 1, phase: 'fetching', logEndOffset: 4n });
    // The same assignment again changes nothing.
    const queries = leader(8).epochQueries.length;
    await manager.addPartitions([{ topic: 'm', partition: 0, leaderId: 8, leaderEpoch: 1, log }]);
    expect(leader(8).epochQueries.length).toBe(queries);
  });

  test('errors back off and recover: partition errors, a leader that is down, an unknown leader address', async () => {
    await leaderLog(7, 'e', 0, 0, ['e0']);
    leader(7).part('e', 0).scriptedErrors.push('NOT_LEADER_OR_FOLLOWER', 'UNKNOWN_LEADER_EPOCH');
    leader(7).down = true;
    const log = await followerStore.openPartition('e', 0);
    const lost = await followerStore.openPartition('lost', 0);
    await manager.addPartitions([
      { topic: 'e', partition: 0, leaderId: 7, leaderEpoch: 0, log },
      { topic: 'lost', partition: 0, leaderId: 99, leaderEpoch: 0, log: lost },
    ]);
    await pollUntil(() => manager.status('e', 0)?.lastError?.includes('is down'), { timeoutMs: 10_000, what: 'the transport error to show' });
    await pollUntil(() => manager.status('lost', 0)?.lastError === 'leader address unknown', { timeoutMs: 10_000, what: 'the unknown leader to show' });
    leader(7).down = false;
    await pollUntil(() => log.logEndOffset === 1n, { timeoutMs: 10_000, what: 'the follower to recover' });
    expect(leader(7).part('e', 0).scriptedErrors).toEqual([]);
    expect(manager.status('e', 0)).toMatchObject({ lastError: undefined, consecutiveFailures: 0 });
  });

  test('a partition backing off is not held up by a long poll for the others from its leader', async () => {
    // replica.fetch.wait.max.ms of a minute: only the cut makes this test finish in time.
    await manager.stop();
    manager = new ReplicaFetcherManager({
      replicaId: 1,
      leaderAddress: (id) => `leader-${id}`,
      clientFactory: (address) => leaders.get(address)!.client(),
      config: { maxWaitMs: 60_000, backoffMs: 5, maxBackoffMs: 50 },
    });
    await leaderLog(7, 'busy', 0, 0, ['b0', 'b1']);
    await leaderLog(7, 'idle', 0, 0, []);
    // As after a leader change: the follower asks before the new leader knows it leads.
    leader(7).part('busy', 0).scriptedErrors.push('NOT_LEADER_OR_FOLLOWER');
    const busy = await followerStore.openPartition('busy', 0);
    const idle = await followerStore.openPartition('idle', 0);
    await manager.addPartitions([
      { topic: 'busy', partition: 0, leaderId: 7, leaderEpoch: 0, log: busy },
      { topic: 'idle', partition: 0, leaderId: 7, leaderEpoch: 0, log: idle },
    ]);
    await pollUntil(() => busy.logEndOffset === 2n, { timeoutMs: 10_000, what: 'the partition that backed off to catch up' });
    expect(await valuesIn(busy)).toEqual(['b0', 'b1']);
    // While it backed off, the loop's long polls for the idle one ended with its backoff.
    const whileBackingOff = leader(7).fetches.filter((f) => f.partitions.length === 1 && f.partitions[0]!.topic === 'idle');
    expect(whileBackingOff.length).toBeGreaterThan(0);
    for (const f of whileBackingOff) expect(f.maxWaitMs).toBeLessThanOrEqual(50);
  });

  test('removal waits for the append in flight; stop cancels a long-poll', async () => {
    await leaderLog(7, 'g', 0, 0, ['g0']);
    const real = await followerStore.openPartition('g', 0);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let appendStarted = false;
    const gated: FollowerLog = {
      get logStartOffset() {
        return real.logStartOffset;
      },
      get logEndOffset() {
        return real.logEndOffset;
      },
      get highWatermark() {
        return real.highWatermark;
      },
      setHighWatermark: (o) => real.setHighWatermark(o),
      latestEpoch: () => real.latestEpoch(),
      endOffsetForEpoch: (e) => real.endOffsetForEpoch(e),
      appendAsFollower: async (b) => {
        appendStarted = true;
        await gate;
        return real.appendAsFollower(b);
      },
      truncateTo: (o) => real.truncateTo(o),
      truncateFullyAndStartAt: (o) => real.truncateFullyAndStartAt(o),
      deleteRecordsBefore: (o) => real.deleteRecordsBefore(o),
    };
    await manager.addPartitions([{ topic: 'g', partition: 0, leaderId: 7, leaderEpoch: 0, log: gated }]);
    await pollUntil(() => appendStarted, { timeoutMs: 10_000, what: 'the append to start' });
    let removed = false;
    const removal = manager.removePartitions([{ topic: 'g', partition: 0 }]).then(() => (removed = true));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(removed).toBe(false);
    open();
    await removal;
    expect(real.logEndOffset).toBe(1n);
    expect(manager.leaderIds).toEqual([]);

    // A caught-up follower long-polls; stop() must cut that wait short.
    const patient = new ReplicaFetcherManager({
      replicaId: 1,
      leaderAddress: (id) => `leader-${id}`,
      clientFactory: (address) => leaders.get(address)!.client(),
      config: { maxWaitMs: 600_000, requestTimeoutMs: 600_000 },
    });
    await patient.addPartitions([{ topic: 'g', partition: 0, leaderId: 7, leaderEpoch: 0, log: real }]);
    const before = leader(7).fetches.length;
    await pollUntil(() => leader(7).fetches.length > before, { timeoutMs: 10_000, what: 'a long-poll to start' });
    await patient.stop();
    expect(leader(7).aborted).toBeGreaterThanOrEqual(1);
  });
});
