/**
 * Issue 17: Records Subscribe streams on a real 3-node cluster (gregor-node
 * processes from dist/). Two SDK subscribers of one group, each streaming
 * from a different node, ack what they get while a producer keeps
 * appending; the node serving one stream is killed with -9. The SDK reopens
 * that stream on another node naming the dead stream's group member
 * (replaces_member_id), the node removes that member at once — the group
 * session is set far longer than the test, so only the removal can move its
 * partitions — and every acknowledged record reaches a subscriber at least
 * once: none is skipped.
 */
import { createClient, type Gregor, type RecordsSubscription } from '@gregor/client';
import { pollUntil, sleep } from '@gregor/common';
import { TestCluster } from './harness';

describe('Subscribe survives kill -9 of the node serving a stream', () => {
  let cluster: TestCluster;
  const clients: Gregor[] = [];
  const subs: RecordsSubscription[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(3, {
      'broker.heartbeat.interval.ms': '250',
      'broker.session.timeout.ms': '2000',
      'replica.lag.time.max.ms': '3000',
      'group.initial.rebalance.delay.ms': '0',
      // Longer than the whole test: a dead stream's member can only leave the group by its replacement's LeaveGroup.
      'records.subscribe.session.timeout.ms': '300000',
    });
  });

  afterAll(async () => {
    await Promise.all(subs.map((s) => s.close().catch(() => undefined)));
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await cluster?.stop();
  });

  /** A client that asks node `first` before the others. */
  function clientVia(first: number): Gregor {
    const nodes = cluster.cluster.nodes;
    const c = createClient({ bootstrap: [...nodes.filter((n) => n.id === first), ...nodes.filter((n) => n.id !== first)].map((n) => n.grpc), requestTimeoutMs: 5000 });
    clients.push(c);
    return c;
  }

  it('every acknowledged record arrives at least once and none is skipped', async () => {
    const topic = 'pushed';
    await cluster.client.admin().createTopics([{ topic, numPartitions: 6, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    await cluster.waitForFullIsr(topic);

    // value → how often a subscriber got it
    const received = new Map<string, number>();
    const runs: { sub: RecordsSubscription; name: string; done: Promise<void> }[] = [];
    let consuming = true;
    const victimAddress = cluster.cluster.nodes.find((n) => n.id === 2)!.grpc;
    let receivedByVictimAfterReopen = 0;
    for (const [name, node] of [['a', 2], ['b', 3]] as const) {
      const sub = clientVia(node).subscribe({ group: 'pushed-g', topics: [topic], start: 'earliest', ackDeadlineMs: 20_000, reconnectBackoffMs: 100, reconnectMaxBackoffMs: 1000, reconnectAttempts: 30 });
      subs.push(sub);
      // The victim acks each record only once 20 more have arrived, so records are surely outstanding on its stream when its node dies.
      const holdBack = name === 'a' ? 20 : 0;
      const unacked: { ack(): void }[] = [];
      const done = (async () => {
        while (consuming) {
          const r = await sub.next(200);
          if (r === undefined) continue;
          const v = r.value!.toString();
          received.set(v, (received.get(v) ?? 0) + 1);
          if (name === 'a' && sub.servedBy !== victimAddress) receivedByVictimAfterReopen++;
          unacked.push(r);
          while (unacked.length > holdBack) unacked.shift()!.ack();
        }
      })();
      runs.push({ sub, name, done });
    }
    await pollUntil(() => runs.every((r) => r.sub.assignment().length === 3), { timeoutMs: 60_000, what: 'both streams to own 3 partitions' });
    const victim = runs[0]!;
    const victimNode = cluster.cluster.nodes.find((n) => n.id === 2)!;
    expect(victim.sub.servedBy).toBe(victimAddress);

    const producer = cluster.client.producer({ acks: 'all', lingerMs: 5 });
    const acked: string[] = [];
    let producing = true;
    let next = 0;
    const producing$ = (async () => {
      // Paced (about 1,000 records/s, at most 30,000) so that records keep coming through the kill and the group's failover.
      while (producing && next < 30_000) {
        const batch = Array.from({ length: 20 }, () => `r${next++}`);
        const results = await Promise.allSettled(batch.map((value) => producer.send({ topic, key: value, value })));
        results.forEach((res, i) => {
          if (res.status === 'fulfilled') acked.push(batch[i]!);
        });
        await sleep(20);
      }
    })();

    try {
      await pollUntil(() => received.size >= 500, { timeoutMs: 60_000, what: '500 records before the kill' });
      const deadMember = victim.sub.groupMemberId;
      expect(deadMember).toBeDefined();
      await cluster.kill(victimNode.id);
      const atKill = received.size;
      // The victim's stream comes back on another node and gets records again.
      await pollUntil(() => victim.sub.servedBy !== undefined && victim.sub.servedBy !== victimNode.grpc && victim.sub.assignment().length > 0, {
        timeoutMs: 60_000,
        what: 'the victim stream reopened on another node with partitions',
      });
      // The reopened stream joined after its node removed the dead member: it is not in the group (its session has ~5 minutes left).
      const members = (await cluster.client.admin().describeGroups(['pushed-g']))[0]!.members.map((m) => m.memberId);
      expect(members).not.toContain(deadMember);
      expect(members).toContain(victim.sub.groupMemberId);
      await pollUntil(() => received.size >= atKill + 500 && receivedByVictimAfterReopen >= 100, { timeoutMs: 90_000, what: '500 more records after the kill, 100 of them through the reopened stream' });
    } finally {
      producing = false;
      await producing$;
      await producer.close().catch(() => undefined);
    }
    await pollUntil(() => acked.every((v) => received.has(v)), { timeoutMs: 90_000, intervalMs: 200, what: `every one of ${acked.length} acknowledged records to arrive` });
    consuming = false;
    await Promise.all(runs.map((r) => r.done));

    expect(acked.length).toBeGreaterThanOrEqual(1000);
    const missing = acked.filter((v) => !received.has(v));
    expect(missing).toEqual([]);
    const duplicates = [...received.values()].filter((n) => n > 1).length;
    // The victim's last unacked records (up to 20) were outstanding on the dead node: they came again.
    expect(duplicates).toBeGreaterThan(0);
    process.stderr.write(`subscribe failover: ${acked.length} acknowledged records, all received; ${duplicates} delivered more than once\n`);
  });
});
