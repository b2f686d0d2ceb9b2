/**
 * gregor.v1.Records Subscribe on a real in-process node, through the SDK's
 * client.subscribe() (which speaks the Records stream): the acked prefix is
 * committed, unacked records come again after the ack deadline and after
 * the stream ends, a start timestamp applies where the group has no
 * offset, a subscriber that never acks gets at most its
 * outstanding bound, streams of one group share partitions, a rebalance
 * loses nothing, and an open with replaces_member_id removes that member.
 * Plus the stream's errors, through a raw stub.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pollUntil, silentLogger, type TopicPartition } from '@gregor/common';
import { createClient, type Gregor, type RecordsSubscription, type SubscribedRecord, type SubscribeOptions } from '@gregor/client';
import { loadRecordsProto, type RecordsClient, type SubscribeResponse__Output } from '@gregor/proto';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';

const GROUP_SETTINGS = {
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 500,
  'offsets.topic.num.partitions': 3,
};

const id = (r: { partition: number; offset: bigint }): string => `${r.partition}:${r.offset}`;

describe('Records Subscribe on a real node', () => {
  let dir: string;
  let node: RunningNode;
  let client: Gregor;
  const subs: RecordsSubscription[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-subscribe-'));
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, ...GROUP_SETTINGS }), { logger: silentLogger() });
    client = createClient({ bootstrap: node.clientAddress!, retry: { initialBackoffMs: 20, maxBackoffMs: 200 } });
  });

  afterEach(async () => {
    await Promise.all(subs.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function subscribe(opts: SubscribeOptions): RecordsSubscription {
    const s = client.subscribe({ start: 'earliest', reconnectBackoffMs: 20, reconnectMaxBackoffMs: 200, ...opts });
    subs.push(s);
    return s;
  }

  async function produce(topic: string, partitions: number, perPartition: number, tag = 'v'): Promise<void> {
    const producer = client.producer({ lingerMs: 0 });
    const sends = [];
    for (let p = 0; p < partitions; p++) for (let i = 0; i < perPartition; i++) sends.push(producer.send({ topic, partition: p, value: `${tag}-${p}-${i}` }));
    await Promise.all(sends);
    await producer.close();
  }

  async function take(sub: RecordsSubscription, n: number, timeoutMs = 30_000): Promise<SubscribedRecord[]> {
    const out: SubscribedRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < n) {
      const r = await sub.next(Math.max(1, deadline - Date.now()));
      if (r === undefined) throw new Error(`got ${out.length} of ${n} records in ${timeoutMs} ms`);
      out.push(r);
    }
    return out;
  }

  async function committed(group: string, tps: TopicPartition[]): Promise<Map<string, bigint>> {
    const c = client.consumer({ groupId: group });
    try {
      return await c.committed(tps);
    } finally {
      await c.close();
    }
  }

  test('isolationLevel read_committed: a subscriber gets committed transactions only, and an open one once it commits', async () => {
    await client.admin().createTopics([{ topic: 'sub-txn', numPartitions: 1 }]);
    const p = client.producer({ transactionalId: 'sub-txn-producer', lingerMs: 0 });
    await p.initTransactions();
    p.beginTransaction();
    await p.send({ topic: 'sub-txn', messages: [{ value: 'c1' }, { value: 'c2' }] });
    await p.commitTransaction();
    p.beginTransaction();
    await p.send({ topic: 'sub-txn', value: 'aborted' });
    await p.abortTransaction();
    p.beginTransaction();
    await p.send({ topic: 'sub-txn', value: 'late' });
    try {
      const committedOnly = subscribe({ group: 'g-txn-committed', topics: ['sub-txn'], isolationLevel: 'read_committed' });
      const uncommitted = subscribe({ group: 'g-txn-all', topics: ['sub-txn'] });
      expect((await take(uncommitted, 4)).map((r) => r.value!.toString())).toEqual(['c1', 'c2', 'aborted', 'late']);
      const first = await take(committedOnly, 2);
      expect(first.map((r) => r.value!.toString())).toEqual(['c1', 'c2']);
      for (const r of first) r.ack();
      await p.commitTransaction();
      const next = await take(committedOnly, 1);
      expect(next.map((r) => r.value!.toString())).toEqual(['late']);
      expect(() => client.subscribe({ group: 'g', topics: ['sub-txn'], isolationLevel: 'serializable' as never })).toThrow(/isolationLevel/);
    } finally {
      await p.close();
    }
  });

  test('the group offset advances over the contiguous acked prefix only, whatever the ack order', async () => {
    await client.admin().createTopics([{ topic: 'prefix', numPartitions: 1 }]);
    await produce('prefix', 1, 10);
    const sub = subscribe({ group: 'prefix-g', topics: ['prefix'], ackDeadlineMs: 600_000 });
    const got = await take(sub, 10);
    expect(got.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    expect(got.every((r) => r.deliveryAttempt === 1)).toBe(true);
    for (const i of [1, 0, 3, 5]) got[i]!.ack(); // 2 is missing: the prefix ends at 2
    await pollUntil(async () => (await committed('prefix-g', [{ topic: 'prefix', partition: 0 }])).get('prefix-0') === 2n, { timeoutMs: 30_000, intervalMs: 50, what: 'offset 2 committed' });
    got[2]!.ack();
    got[4]!.ack();
    await pollUntil(async () => (await committed('prefix-g', [{ topic: 'prefix', partition: 0 }])).get('prefix-0') === 6n, { timeoutMs: 30_000, intervalMs: 50, what: 'offset 6 committed' });
  });

  test('start at a timestamp: a group without an offset starts each partition at its first record at or after it; a committed offset wins', async () => {
    await client.admin().createTopics([{ topic: 'since', numPartitions: 2 }]);
    const producer = client.producer({ lingerMs: 0 });
    // Create times 1000..1004 on both partitions.
    for (let i = 0; i < 5; i++) for (const partition of [0, 1]) await producer.send({ topic: 'since', partition, value: `s-${partition}-${i}`, timestamp: 1000 + i });
    await producer.close();
    const sub = subscribe({ group: 'since-g', topics: ['since'], start: { timestamp: 1003n }, ackDeadlineMs: 600_000 });
    const got = await take(sub, 4);
    expect(got.map(id).sort()).toEqual(['0:3', '0:4', '1:3', '1:4']);
    expect(got.every((r) => r.timestamp >= 1003n)).toBe(true);
    for (const r of got) if (r.partition === 0) r.ack();
    await pollUntil(async () => (await committed('since-g', [{ topic: 'since', partition: 0 }])).get('since-0') === 5n, { timeoutMs: 30_000, intervalMs: 50, what: 'offset 5 committed' });
    await sub.close();
    // Partition 0 has a committed offset (5: nothing more); partition 1 none, so it starts at the timestamp again.
    const again = subscribe({ group: 'since-g', topics: ['since'], start: { timestamp: 1001n }, ackDeadlineMs: 600_000 });
    const second = await take(again, 4);
    expect(second.map(id).sort()).toEqual(['1:1', '1:2', '1:3', '1:4']);
  });

  test('a record not acked within the ack deadline comes again, with the records after it, in order', async () => {
    await client.admin().createTopics([{ topic: 'deadline', numPartitions: 1 }]);
    await produce('deadline', 1, 5);
    const sub = subscribe({ group: 'deadline-g', topics: ['deadline'], ackDeadlineMs: 300 });
    const first = await take(sub, 5);
    first[0]!.ack();
    first[1]!.ack();
    first[3]!.ack(); // 2 is never acked: 2, 3, 4 come again
    const again = await take(sub, 3);
    expect(again.map((r) => r.offset)).toEqual([2n, 3n, 4n]);
    expect(again.map((r) => r.deliveryAttempt)).toEqual([2, 2, 2]);
    for (const r of again) r.ack();
    await pollUntil(async () => (await committed('deadline-g', [{ topic: 'deadline', partition: 0 }])).get('deadline-0') === 5n, { timeoutMs: 30_000, intervalMs: 50, what: 'offset 5 committed' });
  });

  test('records outstanding when a stream ends go to the next stream of the group; acked ones do not', async () => {
    await client.admin().createTopics([{ topic: 'ending', numPartitions: 1 }]);
    await produce('ending', 1, 8);
    const a = subscribe({ group: 'ending-g', topics: ['ending'], ackDeadlineMs: 600_000 });
    const got = await take(a, 8);
    for (const r of got.slice(0, 3)) r.ack();
    got[5]!.ack(); // past the prefix: delivered again
    await a.close();
    const b = subscribe({ group: 'ending-g', topics: ['ending'], ackDeadlineMs: 600_000 });
    const again = await take(b, 5);
    expect(again.map((r) => r.offset)).toEqual([3n, 4n, 5n, 6n, 7n]);
  });

  test('a subscriber that never acks gets at most max outstanding records; each ack lets one more through', async () => {
    await client.admin().createTopics([{ topic: 'bound', numPartitions: 2 }]);
    await produce('bound', 2, 50);
    const sub = subscribe({ group: 'bound-g', topics: ['bound'], maxOutstandingRecords: 5, ackDeadlineMs: 600_000 });
    const got = await take(sub, 5);
    // Nothing more comes while all five are unacked (a bounded wait for an absence: it cannot pass by luck when the bound is broken).
    expect(await sub.next(1500)).toBeUndefined();
    got[0]!.ack();
    const more = await take(sub, 1);
    expect(more).toHaveLength(1);
    expect(await sub.next(1500)).toBeUndefined();
    const ids = new Set([...got, ...more].map(id));
    expect(ids.size).toBe(6);
  });

  test('the byte bound holds too: records that would pass it wait until acks make room', async () => {
    await client.admin().createTopics([{ topic: 'bytes', numPartitions: 1 }]);
    const producer = client.producer({ lingerMs: 0 });
    await producer.send({ topic: 'bytes', messages: Array.from({ length: 10 }, (_, i) => ({ value: `${i}`.padEnd(100, '.') })) });
    await producer.close();
    const sub = subscribe({ group: 'bytes-g', topics: ['bytes'], maxOutstandingBytes: 250, ackDeadlineMs: 600_000 });
    const got = await take(sub, 2);
    expect(await sub.next(1500)).toBeUndefined(); // a third 100-byte record would make 300
    got[0]!.ack();
    const more = await take(sub, 1);
    expect(more.map((r) => r.offset)).toEqual([2n]);
    expect(more[0]!.deliveryAttempt).toBe(1);
  });

  test('the group lists each stream\'s member under the subscriber\'s client_id', async () => {
    await client.admin().createTopics([{ topic: 'named', numPartitions: 1 }]);
    const named = createClient({ bootstrap: node.clientAddress!, clientId: 'billing-7' });
    try {
      let owned = 0;
      const s = named.subscribe({ group: 'named-g', topics: ['named'], onAssignment: (tps) => (owned = tps.length) });
      await pollUntil(() => owned === 1, { timeoutMs: 30_000, intervalMs: 20, what: 'the stream owns the partition' });
      const [group] = await client.admin().describeGroups(['named-g']);
      expect(group!.members.map((m) => m.clientId)).toEqual(['billing-7']);
      await s.close();
    } finally {
      await named.close();
    }
  });

  test('streams of one group share the partitions and together get every record exactly once', async () => {
    await client.admin().createTopics([{ topic: 'share', numPartitions: 4 }]);
    const assigned: TopicPartition[][] = [[], []];
    const a = subscribe({ group: 'share-g', topics: ['share'], onAssignment: (tps) => (assigned[0] = tps) });
    const b = subscribe({ group: 'share-g', topics: ['share'], onAssignment: (tps) => (assigned[1] = tps) });
    await pollUntil(() => assigned[0]!.length === 2 && assigned[1]!.length === 2, { timeoutMs: 30_000, intervalMs: 20, what: 'two partitions each' });
    expect([...assigned[0]!, ...assigned[1]!].map((tp) => tp.partition).sort()).toEqual([0, 1, 2, 3]);
    await produce('share', 4, 25);
    const got: SubscribedRecord[][] = [[], []];
    await pollUntil(
      async () => {
        for (const [i, s] of [a, b].entries()) {
          const r = await s.next(20);
          if (r !== undefined) {
            got[i]!.push(r);
            r.ack();
          }
        }
        return got[0]!.length + got[1]!.length >= 100;
      },
      { timeoutMs: 30_000, intervalMs: 1, what: '100 records' },
    );
    const all = [...got[0]!, ...got[1]!].map(id);
    expect(new Set(all).size).toBe(100);
    expect(all).toHaveLength(100);
    // Each stream got only its own partitions.
    for (const i of [0, 1]) for (const r of got[i]!) expect(assigned[i]!.some((tp) => tp.partition === r.partition)).toBe(true);
  });

  test('a rebalance moves partitions between streams without losing a record; what was outstanding on a revoked partition comes to its new owner', async () => {
    await client.admin().createTopics([{ topic: 'move', numPartitions: 4 }]);
    await produce('move', 4, 20, 'a');
    const a = subscribe({ group: 'move-g', topics: ['move'], ackDeadlineMs: 600_000 });
    const seen = new Set<string>();
    // A acks only offsets 0-9 of each partition: 10-19 are outstanding when half of its partitions move.
    const held = await take(a, 80);
    for (const r of held) {
      seen.add(id(r));
      if (r.offset < 10n) r.ack();
    }
    const bGot: SubscribedRecord[] = [];
    const b = subscribe({ group: 'move-g', topics: ['move'], ackDeadlineMs: 600_000 });
    await pollUntil(() => b.assignment().length === 2 && a.assignment().length === 2, { timeoutMs: 30_000, intervalMs: 20, what: 'the partitions split 2 + 2' });
    const moved = b.assignment().map((tp) => tp.partition);
    // A finishes its work: acks for the partitions it lost are ignored, so those records must come again at B.
    for (const r of held) if (r.offset >= 10n) r.ack();
    await produce('move', 4, 20, 'b');
    await pollUntil(
      async () => {
        for (const s of [a, b]) {
          const r = await s.next(20);
          if (r !== undefined) {
            seen.add(id(r));
            if (s === b) bGot.push(r);
            r.ack();
          }
        }
        const c = await committed('move-g', [0, 1, 2, 3].map((partition) => ({ topic: 'move', partition })));
        return [...c.values()].every((o) => o === 40n);
      },
      { timeoutMs: 60_000, intervalMs: 1, what: 'every partition committed to 40' },
    );
    for (let p = 0; p < 4; p++) for (let o = 0; o < 40; o++) expect(seen.has(`${p}:${o}`)).toBe(true);
    // B started the moved partitions at A's acked prefix (10), not before it and not after.
    for (const p of moved) {
      const offsets = bGot.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets[0]).toBe(10n);
      expect(offsets).toEqual([...offsets].sort((x, y) => (x < y ? -1 : 1)));
    }
  });

  test('an open naming another stream’s member (replaces_member_id) removes that member from the group; the new stream starts at its committed prefix', async () => {
    await client.admin().createTopics([{ topic: 'replace', numPartitions: 2 }]);
    await produce('replace', 2, 5);
    const a = subscribe({ group: 'replace-g', topics: ['replace'], ackDeadlineMs: 600_000 });
    for (const r of await take(a, 10)) if (r.offset < 3n) r.ack();
    const tps = [0, 1].map((partition) => ({ topic: 'replace', partition }));
    await pollUntil(async () => [...(await committed('replace-g', tps)).values()].every((o) => o === 3n), { timeoutMs: 30_000, intervalMs: 50, what: 'offset 3 committed on both partitions' });
    const replaced = a.groupMemberId;
    expect(replaced).toBeDefined();
    // A raw stream, as a generated client reopening after its stream broke would open it.
    const stub = new (loadRecordsProto().gregor.v1.Records)(node.clientAddress!, grpc.credentials.createInsecure());
    const call = stub.Subscribe();
    const got: { partition: number; offset: bigint }[] = [];
    let memberId: string | undefined;
    call.on('data', (m: SubscribeResponse__Output) => {
      if (m.assignment != null && m.assignment.partitions.some((t) => t.partitions.length > 0)) memberId = m.assignment.memberId;
      for (const r of m.records?.records ?? []) got.push({ partition: r.partition, offset: BigInt(r.offset) });
    });
    call.on('error', () => undefined);
    const ended = new Promise((resolve) => call.on('status', resolve));
    try {
      call.write({ open: { group: 'replace-g', topics: ['replace'], start: 'SUBSCRIBE_START_EARLIEST', ackDeadlineMs: 600_000, replacesMemberId: replaced } });
      await pollUntil(() => memberId !== undefined && got.length > 0, { timeoutMs: 30_000, intervalMs: 20, what: 'the new stream to own a partition and get records' });
      const members = (await client.admin().describeGroups(['replace-g']))[0]!.members.map((m) => m.memberId);
      expect(members).toContain(memberId);
      // A's consumer is alive and rejoins under a new member id; the one it had is gone.
      expect(members).not.toContain(replaced);
      // Nothing before the committed prefix comes again, nothing after it is skipped.
      for (const p of new Set(got.map((r) => r.partition))) expect(got.find((r) => r.partition === p)!.offset).toBe(3n);
    } finally {
      call.end();
      await ended;
      stub.close();
    }
  });

  describe('errors on the stream (raw stub)', () => {
    let stub: RecordsClient;
    beforeAll(() => {
      stub = new (loadRecordsProto().gregor.v1.Records)(node.clientAddress!, grpc.credentials.createInsecure());
    });
    afterAll(() => stub?.close());

    function statusOf(first: object, then?: object): Promise<grpc.StatusObject> {
      return new Promise((resolve) => {
        const call = stub.Subscribe();
        call.on('data', (_: SubscribeResponse__Output) => undefined);
        call.on('error', () => undefined);
        call.on('status', resolve);
        call.write(first);
        if (then !== undefined) call.write(then);
      });
    }

    test('an unknown topic is NOT_FOUND with UNKNOWN_TOPIC_OR_PARTITION', async () => {
      const s = await statusOf({ open: { group: 'g', topics: ['no-such-topic'] } });
      expect(s.code).toBe(grpc.status.NOT_FOUND);
      expect(s.metadata.get('gregor-error-name')).toEqual(['UNKNOWN_TOPIC_OR_PARTITION']);
    });

    test('a stream that does not start with open, or opens twice, is INVALID_ARGUMENT', async () => {
      const s = await statusOf({ ack: { acks: [] } });
      expect(s.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(s.metadata.get('gregor-error-name')).toEqual(['INVALID_REQUEST']);
      await client.admin().createTopics([{ topic: 'twice', numPartitions: 1 }]);
      const twice = await statusOf({ open: { group: 'g2', topics: ['twice'] } }, { open: { group: 'g2', topics: ['twice'] } });
      expect(twice.code).toBe(grpc.status.INVALID_ARGUMENT);
    });

    test('a node that stops ends its streams with UNAVAILABLE (BROKER_NOT_AVAILABLE): subscribers reopen elsewhere', async () => {
      const dir2 = await mkdtemp(path.join(os.tmpdir(), 'gregor-subscribe-stop-'));
      const other = await startNode(nodeConfig({ 'log.dirs': dir2, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, ...GROUP_SETTINGS }), { logger: silentLogger() });
      const c2 = createClient({ bootstrap: other.clientAddress! });
      const stub2 = new (loadRecordsProto().gregor.v1.Records)(other.clientAddress!, grpc.credentials.createInsecure());
      try {
        await c2.admin().createTopics([{ topic: 'stopping', numPartitions: 1 }]);
        const p = c2.producer({ lingerMs: 0 });
        await p.send({ topic: 'stopping', messages: [{ value: 'a' }, { value: 'b' }] });
        await p.close();
        const call = stub2.Subscribe();
        const got: string[] = [];
        const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
        call.on('error', () => undefined);
        call.on('data', (m: SubscribeResponse__Output) => {
          for (const r of m.records?.records ?? []) {
            got.push(r.offset);
            if (r.offset === '0') call.write({ ack: { acks: [{ topic: r.topic, partition: r.partition, offset: r.offset }] } });
          }
        });
        call.write({ open: { group: 'stop-g', topics: ['stopping'], start: 'SUBSCRIBE_START_EARLIEST' } });
        await pollUntil(() => got.length === 2, { timeoutMs: 30_000, what: 'both records' });
        const check = c2.consumer({ groupId: 'stop-g' });
        await pollUntil(async () => (await check.committed([{ topic: 'stopping', partition: 0 }])).get('stopping-0') === 1n, { timeoutMs: 30_000, intervalMs: 50, what: 'the ack of offset 0 committed' });
        await check.close();
        const stopped = other.stop();
        const s = await status;
        expect(s.code).toBe(grpc.status.UNAVAILABLE);
        expect(s.metadata.get('gregor-error-name')).toEqual(['BROKER_NOT_AVAILABLE']);
        await stopped;
      } finally {
        stub2.close();
        await c2.close();
        await rm(dir2, { recursive: true, force: true });
      }
    });

    test('the SDK surfaces NOT_FOUND and does not retry it', async () => {
      const sub = subscribe({ group: 'nf', topics: ['missing-topic'] });
      await expect(sub.next(30_000)).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    });
  });
});
