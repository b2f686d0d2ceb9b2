import { pollUntil } from '@gregor/common';
import { createClient } from '@gregor/client';
import { orderCandidates } from '../src/cluster';
import { movedAwayFrom } from '../src/slow-leader';
import { FAST_RETRY, useFakeCluster } from './helpers/fake-cluster-suite';

/*
 * Issue 10: clients move off a leader that is cut off from the cluster (or
 * fenced) within about slowLeaderCheckMs of the move, and never trust the
 * stale broker's metadata first. Each test would fail before the fix: the
 * request or the delivery timeout (set to 10–20 s here) would run out.
 */

describe('slow or stale leaders (pure parts)', () => {
  test('distrusted brokers are asked last, the most recently distrusted at the very end, each address once', () => {
    expect(orderCandidates('a:1', ['a:1', 'b:1', 'c:1'], ['c:1', 'd:1'], new Map())).toEqual(['a:1', 'b:1', 'c:1', 'd:1']);
    expect(orderCandidates('a:1', ['a:1', 'b:1', 'c:1'], ['c:1', 'd:1'], new Map([['a:1', 2], ['c:1', 1]]))).toEqual(['b:1', 'd:1', 'c:1', 'a:1']);
    // Everyone distrusted (slow requests everywhere): the last one to fail a request is asked last.
    expect(orderCandidates('a:1', ['a:1', 'b:1', 'c:1'], [], new Map([['a:1', 7], ['b:1', 5], ['c:1', 6]]))).toEqual(['b:1', 'c:1', 'a:1']);
    expect(orderCandidates(undefined, [], ['a:1'], new Map([['a:1', 1]]))).toEqual(['a:1']);
  });

  test('leadership moved when another broker leads one of the partitions in a newer epoch; leaderless, unknown or older does not count', () => {
    const info = (leader: number, leaderEpoch: number) => ({ partition: 0, leader, leaderEpoch, replicas: [], isr: [], offlineReplicas: [], error: null });
    const partitions: Record<string, ReturnType<typeof info> | undefined> = { 't-0': info(1, 4), 't-1': info(-1, 5), 't-2': info(3, 5), 't-3': info(2, 3) };
    const metadata = { partition: (topic: string, partition: number) => partitions[`${topic}-${partition}`] };
    const ref = (partition: number, leaderEpoch = 4) => ({ topic: 't', partition, leaderEpoch });
    expect(movedAwayFrom(metadata, 1, [ref(0), ref(1), ref(9), ref(3)])).toBeUndefined();
    expect(movedAwayFrom(metadata, 1, [ref(1), ref(2)])).toEqual({ ...ref(2), leader: 3 });
    expect(movedAwayFrom(metadata, 1, [ref(3, -1)])).toEqual({ ...ref(3, -1), leader: 2 });
  });
});

describe('producer and a slow or stale leader (fake cluster)', () => {
  const t = useFakeCluster();

  it('a Produce the leader leaves unanswered goes to the new leader once the other brokers name one, and the record is written once', async () => {
    const b1 = await t.cluster.startBroker(1);
    await t.cluster.startBroker(2);
    t.cluster.createTopic('slow', 1, [1]);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY, slowLeaderCheckMs: 100, requestTimeoutMs: 20_000 });
    const producer = t.client.producer({ lingerMs: 0, deliveryTimeoutMs: 20_000 });
    expect((await producer.send({ topic: 'slow', value: 'first' })).offset).toBe(0n);

    // Node 1 is cut off: it keeps its picture of the cluster, and the next
    // produce it gets is appended (and replicated: the fake's log is shared)
    // but never answered.
    t.cluster.freezeMetadata(1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = 0;
    t.cluster.interceptor = (call) => {
      if (call.method !== 'Produce' || call.nodeId !== 1) return undefined;
      held++;
      for (const topic of call.request.topics) for (const p of topic.partitions) t.cluster.append(topic.name, p.partition, p.records);
      return { waitFor: gate };
    };
    const sending = producer.send({ topic: 'slow', value: 'second' });
    await pollUntil(() => held === 1, { timeoutMs: 10_000, what: 'the produce held by node 1' });
    // The controller moves leadership to node 2 (node 1 does not know).
    t.cluster.setLeader('slow', 0, 2);
    try {
      // Sent again to node 2 with the same sequence: the original offset, no second copy.
      expect((await sending).offset).toBe(1n);
    } finally {
      release();
    }
    expect(t.cluster.values('slow', 0)).toEqual(['first', 'second']);
    expect(t.cluster.callsOf('Produce').filter((c) => c.nodeId === 2)).toHaveLength(1);
    expect((await producer.send({ topic: 'slow', value: 'third' })).offset).toBe(2n);
  });

  it('keeps waiting on a slow leader that still leads: one request, no resend', async () => {
    const b1 = await t.cluster.startBroker(1);
    await t.cluster.startBroker(2);
    t.cluster.createTopic('busy', 1, [1]);
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY, slowLeaderCheckMs: 50 });
    const producer = t.client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'busy', value: 'warm-up' });
    const { release, held } = t.cluster.holdProduces((call) => call.nodeId === 1);
    const metadataBefore = t.cluster.callsOf('Metadata').length;
    const sending = producer.send({ topic: 'busy', value: 'slow' });
    // Several checks with the other broker, each saying node 1 still leads.
    await pollUntil(() => t.cluster.callsOf('Metadata').slice(metadataBefore).filter((c) => c.nodeId === 2).length >= 2, {
      timeoutMs: 10_000,
      what: 'two leadership checks with node 2',
    });
    release();
    expect((await sending).offset).toBe(1n);
    expect(held()).toBe(1);
    expect(t.cluster.values('busy', 0)).toEqual(['warm-up', 'slow']);
  });

  it('after NOT_LEADER_OR_FOLLOWER metadata comes from another broker than the one that said it', async () => {
    const b1 = await t.cluster.startBroker(1);
    await t.cluster.startBroker(2);
    t.cluster.createTopic('moved', 1, [1]);
    // Off, so that only the NOT_LEADER_OR_FOLLOWER path is tested.
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY, slowLeaderCheckMs: 0, requestTimeoutMs: 10_000 });
    const producer = t.client.producer({ lingerMs: 0, deliveryTimeoutMs: 10_000 });
    expect((await producer.send({ topic: 'moved', value: 'a' })).offset).toBe(0n);
    // Node 1 still believes it leads (its Metadata says so) but no longer does.
    t.cluster.freezeMetadata(1);
    t.cluster.setLeader('moved', 0, 2);
    const metadataBefore = t.cluster.callsOf('Metadata').length;
    expect((await producer.send({ topic: 'moved', value: 'b' })).offset).toBe(1n);
    expect(t.cluster.callsOf('Metadata').slice(metadataBefore)[0]?.nodeId).toBe(2);
    expect(t.cluster.values('moved', 0)).toEqual(['a', 'b']);
  });

  it('a consumer told NOT_LEADER_OR_FOLLOWER asks another broker who leads, and reads on from the new leader', async () => {
    const b1 = await t.cluster.startBroker(1);
    await t.cluster.startBroker(2);
    t.cluster.createTopic('read', 1, [1]);
    // Separate clients: the producer's refreshes must not do the consumer's work.
    t.client = createClient({ bootstrap: b1.address, retry: FAST_RETRY, slowLeaderCheckMs: 0 });
    const producer = t.client.producer({ lingerMs: 0 });
    const reader = createClient({ bootstrap: b1.address, retry: FAST_RETRY });
    try {
      const consumer = reader.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 50 });
      consumer.assign([{ topic: 'read', partition: 0 }]);
      await producer.send({ topic: 'read', value: 'a' });
      const got: string[] = [];
      const readUntil = async (n: number): Promise<void> => {
        const deadline = Date.now() + 10_000;
        while (got.length < n && Date.now() < deadline) for (const r of await consumer.poll({ timeoutMs: 200 })) got.push(r.value!.toString());
      };
      await readUntil(1);
      t.cluster.freezeMetadata(1);
      t.cluster.setLeader('read', 0, 2);
      await producer.send({ topic: 'read', value: 'b' });
      await readUntil(2);
      expect(got).toEqual(['a', 'b']);
      expect(t.cluster.callsOf('Fetch').some((c) => c.nodeId === 2)).toBe(true);
      await consumer.close();
    } finally {
      await reader.close();
    }
  });
});
