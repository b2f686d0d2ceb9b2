import { ManualClock } from '@gregor/common';
import * as grpc from '@grpc/grpc-js';
import type { GregorControllerClient, RaftAck__Output, RaftMessage } from '@gregor/proto';
import { loadControllerProto } from '@gregor/proto';
import type { ControllerNode } from '../src';
import { ControllerClient } from '../src';
import type { TestQuorum } from './quorum-helpers';
import { FAST, startQuorum } from './quorum-helpers';

/*
 * The broker-lifecycle and transport error paths of the controller RPCs,
 * over gRPC against 3 in-process controllers. Each test sends the bad
 * request, checks the Kafka error name, checks that the request changed
 * nothing it must not, and then that the quorum still serves (a topic
 * create commits). Broker sessions run on a ManualClock that no test moves,
 * so no session expires behind a test's back.
 */

const CLUSTER_ID = 'test-cluster';

describe('broker lifecycle and transport errors (3 controllers)', () => {
  let q: TestQuorum;
  let client: ControllerClient;
  let topics = 0;

  beforeAll(async () => {
    q = await startQuorum(3, { ...FAST, clock: new ManualClock() });
    client = new ControllerClient({ voters: q.voters, clusterId: CLUSTER_ID, retryDeadlineMs: 10_000 });
    await q.waitForActive();
    // One live broker that no test touches, so that expectServing() can always place a replica.
    await registerUnfenced(1, 'inc-1');
  });

  afterAll(async () => {
    client?.close();
    await q?.close();
  });

  const register = (brokerId: number, incarnationId: string) =>
    client.registerBroker({ brokerId, incarnationId, listeners: [{ name: 'CLIENT', host: '127.0.0.1', port: 9000 + brokerId }], rack: null });

  const heartbeat = (brokerId: number, brokerEpoch: number, metadataOffset: number, wantFence = false) =>
    client.heartbeat({ brokerId, brokerEpoch, metadataOffset, wantFence, wantShutdown: false });

  /** Registers `brokerId` and heartbeats it caught up: unfenced. */
  async function registerUnfenced(brokerId: number, incarnationId: string): Promise<number> {
    const { brokerEpoch } = await register(brokerId, incarnationId);
    expect((await heartbeat(brokerId, brokerEpoch, brokerEpoch)).isFenced).toBe(false);
    return brokerEpoch;
  }

  const activeNode = (): Promise<ControllerNode> => q.waitForActive(10_000);

  /** The quorum still takes metadata writes after the bad request. */
  async function expectServing(): Promise<void> {
    const name = `still-serving-${++topics}`;
    const out = await client.createTopics([{ name, numPartitions: 1, replicationFactor: 1, configs: {} }]);
    expect(out.results[0]!.error).toBeUndefined();
    expect((await activeNode()).controller.image.topicByName(name)).toBeDefined();
  }

  it('a heartbeat behind the broker\'s own registration keeps it fenced; caught up, it is unfenced', async () => {
    const { brokerEpoch } = await register(7, 'inc-7');
    // KRaft's rule: caught up means applied the log up to its own registration record (offset = broker epoch).
    const behind = await heartbeat(7, brokerEpoch, brokerEpoch - 1);
    expect(behind).toEqual({ isCaughtUp: false, isFenced: true, shouldShutdown: false, metadataOffset: expect.any(Number), controllerId: expect.any(Number) });
    // The answer says how far the controller's log is: past the registration at least (brokers judge their own staleness by it).
    expect(behind.metadataOffset).toBeGreaterThanOrEqual(brokerEpoch);
    expect((await activeNode()).controller.image.broker(7)!.fenced).toBe(true);
    await expectServing();
    const caughtUp = await heartbeat(7, brokerEpoch, brokerEpoch);
    expect(caughtUp).toEqual({ isCaughtUp: true, isFenced: false, shouldShutdown: false, metadataOffset: expect.any(Number), controllerId: expect.any(Number) });
    expect((await activeNode()).controller.image.broker(7)!.fenced).toBe(false);
  });

  it('a fenced broker is unfenced only once it has applied its own fencing, not just its registration', async () => {
    const epoch = await registerUnfenced(11, 'inc-11');
    expect((await heartbeat(11, epoch, epoch, true)).isFenced).toBe(true);
    const fencedAt = (await activeNode()).controller.image.broker(11)!.fencedAtOffset!;
    expect(fencedAt).toBeGreaterThan(epoch);
    // Its image still stops at (or just after) its registration: it leads what moved away meanwhile.
    expect(await heartbeat(11, epoch, fencedAt - 1)).toEqual({ isCaughtUp: false, isFenced: true, shouldShutdown: false, metadataOffset: expect.any(Number), controllerId: expect.any(Number) });
    expect((await activeNode()).controller.image.broker(11)!.fenced).toBe(true);
    await expectServing();
    expect(await heartbeat(11, epoch, fencedAt)).toEqual({ isCaughtUp: true, isFenced: false, shouldShutdown: false, metadataOffset: expect.any(Number), controllerId: expect.any(Number) });
    expect((await activeNode()).controller.image.broker(11)!.fenced).toBe(false);
  });

  it('a heartbeat with a stale broker epoch or from an unregistered broker is refused and changes nothing', async () => {
    const epoch = await registerUnfenced(8, 'inc-8');
    await expect(heartbeat(8, epoch - 1, epoch)).rejects.toMatchObject({ errorName: 'STALE_BROKER_EPOCH' });
    await expect(heartbeat(8, epoch + 1000, epoch)).rejects.toMatchObject({ errorName: 'STALE_BROKER_EPOCH' });
    // Even one asking to be fenced: an old incarnation must not fence the current one.
    await expect(heartbeat(8, epoch - 1, epoch, true)).rejects.toMatchObject({ errorName: 'STALE_BROKER_EPOCH' });
    await expect(heartbeat(99, 5, 5)).rejects.toMatchObject({ errorName: 'BROKER_ID_NOT_REGISTERED' });
    const image = (await activeNode()).controller.image;
    expect(image.broker(8)).toMatchObject({ brokerEpoch: epoch, fenced: false });
    expect(image.broker(99)).toBeUndefined();
    await expectServing();
  });

  it('a new incarnation is refused while the old one has a live session (DUPLICATE_BROKER_REGISTRATION), taken once it is fenced', async () => {
    const oldEpoch = await registerUnfenced(9, 'inc-9-old');
    await expect(register(9, 'inc-9-new')).rejects.toMatchObject({ errorName: 'DUPLICATE_BROKER_REGISTRATION' });
    expect((await activeNode()).controller.image.broker(9)).toMatchObject({ incarnationId: 'inc-9-old', brokerEpoch: oldEpoch, fenced: false });
    // The same incarnation again (a retried request) is no conflict and writes nothing.
    expect(await register(9, 'inc-9-old')).toEqual({ brokerEpoch: oldEpoch });
    await expectServing();
    // Once the old incarnation is fenced (here: it asks to be), the new one registers with a new epoch.
    expect((await heartbeat(9, oldEpoch, oldEpoch, true)).isFenced).toBe(true);
    const { brokerEpoch } = await register(9, 'inc-9-new');
    expect(brokerEpoch).toBeGreaterThan(oldEpoch);
    await expect(heartbeat(9, oldEpoch, brokerEpoch)).rejects.toMatchObject({ errorName: 'STALE_BROKER_EPOCH' });
  });

  describe('raw Raft RPCs', () => {
    const stubs: GregorControllerClient[] = [];
    afterAll(() => {
      for (const s of stubs) s.close();
    });

    function stubFor(id: number): GregorControllerClient {
      const v = q.voters.find((x) => x.id === id)!;
      const Ctor = loadControllerProto().gregor.v1.GregorController;
      const stub = new Ctor(`${v.host}:${v.port}`, grpc.credentials.createInsecure());
      stubs.push(stub);
      return stub;
    }

    function raft(target: number, clusterId: string, from: number, messages: RaftMessage[]): Promise<RaftAck__Output> {
      return new Promise((resolve, reject) => {
        stubFor(target).Raft({ clusterId, from, messages }, { deadline: Date.now() + 10_000 }, (err, ack) => {
          if (err !== null || ack === undefined) reject(err ?? new Error('empty Raft ack'));
          else resolve(ack);
        });
      });
    }

    /**
     * A heartbeat from a "leader" of a far-future term: stepped, it would
     * move its target to term 1000 and depose the real leader. Each refusal
     * below is checked by the target's term staying where it was.
     */
    const futureHeartbeat = (from: number, to: number): RaftMessage => ({ type: 'MsgHeartbeat', from, to, term: 1000, commit: 0 });

    async function follower(): Promise<{ target: ControllerNode; other: number; term: number }> {
      const active = await activeNode();
      const target = [...q.nodes.values()].find((n) => n.nodeId !== active.nodeId)!;
      const other = q.voters.map((v) => v.id).find((id) => id !== target.nodeId && id !== active.nodeId)!;
      return { target, other, term: target.driver.status().term };
    }

    it('a batch from another cluster is refused with INCONSISTENT_CLUSTER_ID and not stepped', async () => {
      const { target, other, term } = await follower();
      const ack = await raft(target.nodeId, 'other-cluster', other, [futureHeartbeat(other, target.nodeId)]);
      expect(ack.error?.name).toBe('INCONSISTENT_CLUSTER_ID');
      expect(ack.error?.message).toContain('other-cluster');
      expect(target.driver.status().term).toBe(term);
      await expectServing();
    });

    it('a message addressed to another node is refused with INVALID_REQUEST and not stepped', async () => {
      const { target, other, term } = await follower();
      const ack = await raft(target.nodeId, CLUSTER_ID, other, [futureHeartbeat(other, other)]);
      expect(ack.error?.name).toBe('INVALID_REQUEST');
      expect(ack.error?.message).toContain(`raft message for node ${other} sent to node ${target.nodeId}`);
      expect(target.driver.status().term).toBe(term);
      await expectServing();
    });

    it('a message of an unknown type is refused with INVALID_REQUEST; the batch is taken whole or not at all', async () => {
      const { target, other, term } = await follower();
      const bogus: RaftMessage = { type: 'MsgBogus', from: other, to: target.nodeId, term: 1000 };
      const ack = await raft(target.nodeId, CLUSTER_ID, other, [futureHeartbeat(other, target.nodeId), bogus]);
      expect(ack.error?.name).toBe('INVALID_REQUEST');
      expect(ack.error?.message).toContain('unknown raft message type "MsgBogus"');
      // The valid heartbeat ahead of it in the batch was not stepped either.
      expect(target.driver.status().term).toBe(term);
      await expectServing();
    });
  });

  it('a BrokerRegistration for another cluster is refused with INCONSISTENT_CLUSTER_ID', async () => {
    const stranger = new ControllerClient({ voters: q.voters, clusterId: 'other-cluster', retryDeadlineMs: 10_000 });
    try {
      await expect(
        stranger.registerBroker({ brokerId: 10, incarnationId: 'inc-10', listeners: [{ name: 'CLIENT', host: '127.0.0.1', port: 9010 }], rack: null }),
      ).rejects.toMatchObject({ errorName: 'INCONSISTENT_CLUSTER_ID' });
    } finally {
      stranger.close();
    }
    expect((await activeNode()).controller.image.broker(10)).toBeUndefined();
    await expectServing();
  });
});

describe('replication factor counts live (unfenced) brokers only', () => {
  let q: TestQuorum;
  let client: ControllerClient;

  beforeAll(async () => {
    q = await startQuorum(3, { ...FAST, clock: new ManualClock() });
    client = new ControllerClient({ voters: q.voters, clusterId: CLUSTER_ID, retryDeadlineMs: 10_000 });
    await q.waitForActive();
  });

  afterAll(async () => {
    client?.close();
    await q?.close();
  });

  it('with one of 3 brokers fenced, RF 3 is INVALID_REPLICATION_FACTOR and RF 2 is placed on the live two', async () => {
    const epochs = new Map<number, number>();
    for (const id of [1, 2, 3]) {
      const { brokerEpoch } = await client.registerBroker({ brokerId: id, incarnationId: `inc-${id}`, listeners: [{ name: 'CLIENT', host: '127.0.0.1', port: 9000 + id }], rack: null });
      expect((await client.heartbeat({ brokerId: id, brokerEpoch, metadataOffset: brokerEpoch, wantFence: false, wantShutdown: false })).isFenced).toBe(false);
      epochs.set(id, brokerEpoch);
    }
    const spec = (name: string, rf: number) => ({ name, numPartitions: 3, replicationFactor: rf, configs: {} });
    expect((await client.createTopics([spec('rf3-all-live', 3)])).results[0]!.error).toBeUndefined();

    // Broker 3 is fenced (it asks to be; a lost session ends the same way).
    const fenced = await client.heartbeat({ brokerId: 3, brokerEpoch: epochs.get(3)!, metadataOffset: epochs.get(3)!, wantFence: true, wantShutdown: false });
    expect(fenced.isFenced).toBe(true);
    const image = () => q.active()!.controller.image;
    expect(image().unfencedBrokerIds()).toEqual([1, 2]);
    // Registered brokers are 3, live ones 2.
    expect(image().brokers()).toHaveLength(3);

    const refused = (await client.createTopics([spec('rf3-one-fenced', 3)])).results[0]!;
    expect(refused.error?.errorName).toBe('INVALID_REPLICATION_FACTOR');
    expect(refused.error?.message).toContain('larger than the number of available brokers (2)');
    expect(image().topicByName('rf3-one-fenced')).toBeUndefined();
    // New partitions of an RF 3 topic need 3 live brokers too.
    const grown = (await client.createPartitions([{ name: 'rf3-all-live', count: 4 }])).results[0]!;
    expect(grown.error?.errorName).toBe('INVALID_REPLICATION_FACTOR');

    const placed = await client.createTopics([spec('rf2-live', 2)]);
    expect(placed.results[0]!.error).toBeUndefined();
    for (const p of image().topicByName('rf2-live')!.partitions) expect(p.replicas).not.toContain(3);
  });
});
