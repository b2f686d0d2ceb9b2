import * as grpc from '@grpc/grpc-js';
import { pollUntil, silentLogger } from '@gregor/common';
import { loadControllerProto, type DescribeQuorumResponse__Output } from '@gregor/proto';
import { ControllerClient } from '../src';
import type { TestQuorum } from './quorum-helpers';
import { FAST, TestBrokers, startQuorum } from './quorum-helpers';

/*
 * What `gregor cluster status` reads from the quorum (DescribeQuorum on the
 * active controller), and preferred leader election on a live quorum: 3
 * in-process controllers over gRPC, each with a ControllerMetadataSource
 * standing in for its broker.
 */

function describeQuorumAt(address: string, activeOnly: boolean): Promise<DescribeQuorumResponse__Output> {
  const Ctor = loadControllerProto().gregor.v1.GregorController;
  const stub = new Ctor(address, grpc.credentials.createInsecure());
  return new Promise<DescribeQuorumResponse__Output>((resolve, reject) => {
    stub.DescribeQuorum({ activeOnly }, { deadline: Date.now() + 5000 }, (err, res) => (err !== null || res === undefined ? reject(err) : resolve(res)));
  }).finally(() => stub.close());
}

describe('quorum status and preferred leader election (3 in-process controllers)', () => {
  let q: TestQuorum;
  const logger = silentLogger();
  const info = jest.spyOn(logger, 'info');
  let brokers: TestBrokers;

  beforeAll(async () => {
    q = await startQuorum(3, { ...FAST, leaderImbalanceCheckIntervalMs: 200, logger });
    brokers = new TestBrokers(q);
    await brokers.registerAll([1, 2, 3]);
  });

  afterAll(async () => {
    await brokers.close();
    await q.close();
  });

  it('describeActiveQuorum answers with the leader\'s view, wherever the client asks first', async () => {
    const active = await q.waitForActive();
    const follower = q.voters.find((v) => v.id !== active.nodeId)!;
    // A client that knows only a follower: it must be redirected by the NOT_CONTROLLER hint.
    const client = brokers.track(new ControllerClient({ voters: [follower, ...q.voters.filter((v) => v.id !== follower.id)], clusterId: 'test-cluster' }));
    const d = await pollUntil(
      async () => {
        const x = await client.describeActiveQuorum({ deadlineMs: 5000 });
        // Followers' last contact is known once each has answered an append.
        return x.voters.every((v) => v.lastContactMsAgo >= 0 && v.logEndOffset > 0) ? x : undefined;
      },
      { timeoutMs: 5000, what: 'every voter to have answered the leader' },
    );
    expect(d.leaderId).toBe(active.nodeId);
    expect(d.leaderAddress).toBe(`127.0.0.1:${q.voters.find((v) => v.id === active.nodeId)!.port}`);
    expect(d.term).toBe(active.driver.status().term);
    expect(d.voters.map((v) => v.nodeId)).toEqual([1, 2, 3]);
    expect(d.logEndOffset).toBeGreaterThanOrEqual(d.commitIndex);
    expect(d.commitIndex).toBeGreaterThan(0);
    const self = d.voters.find((v) => v.nodeId === active.nodeId)!;
    expect(self).toMatchObject({ lastContactMsAgo: 0, logEndOffset: d.logEndOffset });
    for (const v of d.voters) expect(v.logEndOffset).toBeLessThanOrEqual(d.logEndOffset);
  });

  it('DescribeQuorum with active_only on a follower answers NOT_CONTROLLER naming the active controller; without it, the follower\'s own view', async () => {
    const active = await q.waitForActive();
    const follower = q.voters.find((v) => v.id !== active.nodeId)!;
    const redirected = await describeQuorumAt(`127.0.0.1:${follower.port}`, true);
    expect(redirected.error).toMatchObject({ name: 'NOT_CONTROLLER', retriable: true, leaderHint: active.nodeId });
    expect(redirected.controllerId).toBe(active.nodeId);
    expect(redirected.controllerAddress).toBe(`127.0.0.1:${q.voters.find((v) => v.id === active.nodeId)!.port}`);
    const own = await describeQuorumAt(`127.0.0.1:${follower.port}`, false);
    expect(own.error?.code ?? 0).toBe(0);
    expect(own.role).toBe('follower');
    expect(own.leaderId).toBe(active.nodeId);
  });

  it('gives leadership back to the preferred replica once it is unfenced and in the ISR again, one log line per move', async () => {
    const active = await q.waitForActive();
    const victim = [1, 2, 3].find((id) => id !== active.nodeId)!;
    const reader = brokers.sources.get(active.nodeId)!;
    await reader.createTopic({ name: 'pref', numPartitions: 3, replicationFactor: 3, configs: {} });
    const preferredOf = reader.topic('pref')!.partitions.filter((p) => p.replicas[0] === victim).map((p) => p.partition);
    expect(preferredOf.length).toBeGreaterThan(0);
    // The victim's broker dies: fenced, its leaderships move.
    await brokers.sources.get(victim)!.close({ controlledShutdown: false });
    brokers.sources.delete(victim);
    await pollUntil(() => reader.topic('pref')!.partitions.every((p) => p.leaderId !== victim && !p.isr.includes(victim)), {
      timeoutMs: 10_000,
      what: `broker ${victim} to be fenced and leave every ISR`,
    });
    const moved = reader.topic('pref')!.partitions.filter((p) => preferredOf.includes(p.partition));
    // It restarts (new incarnation) and is unfenced, but is not in the ISR yet: no move.
    const again = brokers.add(victim, 'incarnation-2');
    await again.registerBroker({ nodeId: victim, host: '127.0.0.1', port: 9200 + victim });
    await pollUntil(() => reader.liveBrokers().some((b) => b.nodeId === victim), { timeoutMs: 5000, what: 'the victim to be unfenced' });
    const epochsBefore = new Map(moved.map((p) => [p.partition, p.leaderEpoch]));
    // Each current leader adds the caught-up victim back to its ISR (what its replication would do).
    for (const p of moved) {
      const leader = brokers.sources.get(p.leaderId)!;
      await leader.alterPartition('pref', p.partition, { leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, isr: [...p.isr, victim] });
    }
    await pollUntil(() => reader.topic('pref')!.partitions.every((p) => p.leaderId === p.replicas[0]), {
      timeoutMs: 10_000,
      what: 'every partition to be led by its preferred replica again',
    });
    for (const p of reader.topic('pref')!.partitions.filter((x) => preferredOf.includes(x.partition))) {
      expect(p.leaderEpoch).toBe(epochsBefore.get(p.partition)! + 1);
      expect(p.isr).toContain(victim);
    }
    const lines = info.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('partition pref-') && l.endsWith(': preferred leader election'));
    expect(lines.sort()).toEqual(preferredOf.map((p) => expect.stringContaining(`partition pref-${p} leader `)));
    expect(lines).toHaveLength(preferredOf.length);
  });
});
