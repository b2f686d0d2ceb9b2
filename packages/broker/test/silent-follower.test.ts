import { ManualClock, pollUntil, silentLogger, type Logger } from '@gregor/common';
import { batchOf, call, produce, valuesOf } from './helpers/grpc-client';
import { TestCluster } from './helpers/cluster';

/*
 * Issue 10: an ISR follower that still heartbeats (so the controller never
 * fences it) but sends the leader no fetch — on real nodes, a one-way cut
 * from the follower's node to the leader's. Three in-process brokers over
 * real gRPC; the test plays the controller (FakeController) and owns
 * session time (ManualClock). replica.lag.time.max.ms is far beyond the
 * test: before the fix the waiting acks=all produce was answered only once
 * that lag had passed (on real nodes 5 s); now the leader drops the silent
 * follower after a broker session and answers it.
 */

const SESSION_MS = 1500;
const STEP_MS = 100;

describe('an ISR follower that sends no fetch while a write waits', () => {
  let cluster: TestCluster;
  const clock = new ManualClock();
  const leaderLogger = silentLogger();
  const info = jest.spyOn(leaderLogger, 'info');

  beforeAll(async () => {
    cluster = await TestCluster.start(
      3,
      { replicaLagTimeMaxMs: 600_000, brokerSessionTimeoutMs: SESSION_MS },
      { clock, loggerFor: (id): Logger => (id === 1 ? leaderLogger : silentLogger()) },
    );
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('leaves the ISR after a session of silence, the waiting acks=all produce is answered, the follower still fetching stays; once back it rejoins', async () => {
    const created = await call(cluster.client(1), 'CreateTopics', { topics: [{ name: 'quiet', numPartitions: 1, replicationFactor: 3, configs: {} }] });
    expect(created.topics[0].error).toBeNull();
    expect(cluster.controller.assignment('quiet', 0).leaderId).toBe(1);
    expect((await produce(cluster.client(1), 'quiet', 0, batchOf(['before']), -1)).error).toBeNull();
    await cluster.waitForLogEnd([1, 2, 3], 'quiet', 0, 1n);

    // Node 2 stops fetching; nobody fences it (its heartbeats would still be answered).
    await cluster.stopBroker(2);
    const startMs = clock.monotonicMs();
    const waiting = call(cluster.client(1), 'Produce', {
      acks: -1,
      timeoutMs: 60_000,
      topics: [{ name: 'quiet', partitions: [{ partition: 0, records: batchOf(['waits']) }] }],
    });
    await pollUntil(() => cluster.log(1, 'quiet', 0).logEndOffset === 2n, { timeoutMs: 10_000, what: 'the acks=all append on node 1' });

    // Session time moves in steps the leader sees (each acks=1 write is
    // one; a single jump would look like a stall of the leader itself,
    // which does not count as silence), and node 3 fetches every write.
    let answered: any;
    void waiting.then((r) => (answered = r));
    const acked = ['before', 'waits'];
    for (let i = 0; answered === undefined && i < (3 * SESSION_MS) / STEP_MS; i++) {
      clock.advance(STEP_MS);
      const r = await produce(cluster.client(1), 'quiet', 0, batchOf([`step-${i}`]), 1);
      expect(r.error).toBeNull();
      acked.push(`step-${i}`);
      await cluster.waitForLogEnd([3], 'quiet', 0, BigInt(acked.length));
    }
    await cluster.waitForIsr('quiet', 0, [1, 3]);
    expect((await waiting).topics[0].partitions[0].error).toBeNull();
    // Not before a session of silence (session time is the test's).
    const shrink = cluster.controller.alterPartitionCalls.find((c) => c.topic === 'quiet' && c.outcome === 'accepted');
    expect(shrink?.request.isr).toEqual([1, 3]);
    expect(clock.monotonicMs() - startMs).toBeGreaterThan(SESSION_MS);
    expect(info.mock.calls.filter((c: unknown[]) => /^proposing to drop 2 from the ISR of quiet-0: no fetch for over 1500 ms/.test(String(c[0])))).toHaveLength(1);
    // Further acks=all writes need node 3 only.
    expect((await produce(cluster.client(1), 'quiet', 0, batchOf(['after']), -1)).error).toBeNull();
    acked.push('after');

    // Node 2 comes back, catches up and rejoins.
    await cluster.startBroker(2);
    await cluster.waitForIsr('quiet', 0, [1, 2, 3]);
    expect(valuesOf(await cluster.logBytes(2, 'quiet', 0))).toEqual(acked);
  });

  test('with no other follower fetching to run the ISR check, the check still comes a session after the write started waiting', async () => {
    const created = await call(cluster.client(1), 'CreateTopics', {
      topics: [{ name: 'lonely', numPartitions: 1, replicationFactor: 2, configs: { 'min.insync.replicas': '1' } }],
    });
    expect(created.topics[0].error).toBeNull();
    const { leaderId: leader, replicas } = cluster.controller.assignment('lonely', 0);
    const follower = replicas.find((id) => id !== leader)!;
    expect((await produce(cluster.client(leader), 'lonely', 0, batchOf(['before']), -1)).error).toBeNull();
    await cluster.waitForLogEnd(replicas, 'lonely', 0, 1n);

    await cluster.stopBroker(follower);
    const waiting = call(cluster.client(leader), 'Produce', {
      acks: -1,
      timeoutMs: 60_000,
      topics: [{ name: 'lonely', partitions: [{ partition: 0, records: batchOf(['waits']) }] }],
    });
    await pollUntil(() => cluster.log(leader, 'lonely', 0).logEndOffset === 2n, { timeoutMs: 10_000, what: 'the acks=all append' });
    // Past a session, in steps the leader sees (acks=1 appends, which run no ISR check themselves).
    for (let left = SESSION_MS + STEP_MS; left > 0; left -= STEP_MS) {
      clock.advance(STEP_MS);
      expect((await produce(cluster.client(leader), 'lonely', 0, batchOf(['step']), 1)).error).toBeNull();
    }
    // Only the leader's ISR timer can notice now: before, it was set for the cadence (replica.lag.time.max.ms / 2, 300 s here).
    await cluster.waitForIsr('lonely', 0, [leader]);
    expect((await waiting).topics[0].partitions[0].error).toBeNull();

    await cluster.startBroker(follower);
    await cluster.waitForIsr('lonely', 0, replicas);
  });
});
