import * as grpc from '@grpc/grpc-js';
import { pollUntil } from '@gregor/common';
import { DEFAULT_GROUP_COORDINATOR_CONFIG } from '@gregor/group-coordinator';
import { createTopic, type Client } from './helpers/grpc-client';
import { startHarness, type Harness } from './helpers/harness';

/**
 * Issue 5 review item 4: bad input to the group RPCs over real gRPC gets
 * Kafka's error code; afterwards the node still serves, the group's one
 * member is still in its generation, and the offsets it committed before
 * are intact.
 */

const MIN_SESSION_MS = 1000;
const MAX_SESSION_MS = 120_000;
const GROUP = 'kept';
const groupConfig = {
  ...DEFAULT_GROUP_COORDINATOR_CONFIG,
  groupMinSessionTimeoutMs: MIN_SESSION_MS,
  groupMaxSessionTimeoutMs: MAX_SESSION_MS,
  groupInitialRebalanceDelayMs: 0,
  groupMaxSize: 1,
};

function rpc<Res = any>(client: Client, method: string, req: unknown): Promise<Res> {
  const md = new grpc.Metadata();
  md.set('client-id', 'bad-input-test');
  return new Promise((resolve, reject) => {
    (client as any)[method](req, md, { deadline: Date.now() + 20_000 }, (err: grpc.ServiceError | null, res: Res) => (err !== null ? reject(err) : resolve(res)));
  });
}

const errName = (e: { name?: string } | null | undefined): string => e?.name ?? 'NONE';

const joinRequest = (groupId: string, memberId: string, sessionTimeoutMs: number) => ({
  groupId,
  memberId,
  sessionTimeoutMs,
  rebalanceTimeoutMs: 10_000,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
});

const commitRequest = (generationId: number, memberId: string, partitions: { partition: number; offset: string; metadata?: string }[], groupId = GROUP) => ({
  groupId,
  generationId,
  memberId,
  topics: [
    {
      name: 'orders',
      partitions: partitions.map((p) => ({ partition: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, committedMetadata: p.metadata ?? '' })),
    },
  ],
});

// ---- a hand-made OffsetCommitRequest, to send bytes the generated client cannot ----

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

const field = (tag: number, wireType: number): Buffer => varint((tag << 3) | wireType);
const lengthDelimited = (tag: number, body: Buffer): Buffer => Buffer.concat([field(tag, 2), varint(body.length), body]);

/** OffsetCommitRequest for partition 2 of "orders", with `offsetVarint` as the committed_offset's bytes. */
function rawCommit(generationId: number, memberId: string, offsetVarint: Buffer): Buffer {
  const partition = Buffer.concat([field(1, 0), varint(2), field(2, 0), offsetVarint]);
  const topic = Buffer.concat([lengthDelimited(1, Buffer.from('orders')), lengthDelimited(2, partition)]);
  return Buffer.concat([lengthDelimited(1, Buffer.from(GROUP)), field(2, 0), varint(generationId), lengthDelimited(3, Buffer.from(memberId)), lengthDelimited(5, topic)]);
}

/** A varint of 11 bytes: protobuf allows at most 10 for 64 bits. */
const BROKEN_VARINT = Buffer.concat([Buffer.alloc(10, 0xff), Buffer.from([0x01])]);

function rawCall(address: string, method: string, body: Buffer): Promise<Buffer> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      `/gregor.v1.Gregor/${method}`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      new grpc.Metadata(),
      { deadline: Date.now() + 20_000 },
      (err, res) => (err ? reject(err) : resolve(res!)),
    );
  }).finally(() => client.close());
}

describe('bad input to the group RPCs', () => {
  let h: Harness;
  let memberId: string;
  let generationId: number;

  beforeAll(async () => {
    h = await startHarness({ groupCoordinator: groupConfig, offsetsTopicNumPartitions: 2 });
    await createTopic(h.client, 'orders', 3);
    await pollUntil(async () => errName((await rpc(h.client, 'FindCoordinator', { keyType: 0, keys: [GROUP] })).coordinators[0].error) === 'NONE', {
      timeoutMs: 20_000,
      what: 'a coordinator',
    });
    // One member, with a session long enough to outlast the file, in a Stable group.
    const first = await pollUntil(
      async () => {
        const r = await rpc(h.client, 'JoinGroup', joinRequest(GROUP, '', 60_000));
        return errName(r.error) === 'COORDINATOR_LOAD_IN_PROGRESS' ? undefined : r;
      },
      { timeoutMs: 20_000, what: 'the coordinator to load' },
    );
    expect(errName(first.error)).toBe('MEMBER_ID_REQUIRED');
    const joined = await rpc(h.client, 'JoinGroup', joinRequest(GROUP, first.memberId, 60_000));
    expect(errName(joined.error)).toBe('NONE');
    memberId = joined.memberId;
    generationId = joined.generationId;
    const synced = await rpc(h.client, 'SyncGroup', { groupId: GROUP, generationId, memberId, assignments: [{ memberId, assignment: Buffer.from('all') }] });
    expect(errName(synced.error)).toBe('NONE');
    const c = await rpc(h.client, 'OffsetCommit', commitRequest(generationId, memberId, [{ partition: 0, offset: '42', metadata: 'keep' }, { partition: 1, offset: '7', metadata: 'keep' }]));
    expect(c.topics[0].partitions.map((p: any) => errName(p.error))).toEqual(['NONE', 'NONE']);
  });

  afterAll(async () => {
    await h.close();
  });

  afterEach(async () => {
    // The node serves, the member is still in its generation (no rebalance
    // started), and what it committed earlier is unchanged.
    expect(errName((await rpc(h.client, 'Heartbeat', { groupId: GROUP, generationId, memberId })).error)).toBe('NONE');
    const fetched = await rpc(h.client, 'OffsetFetch', { groupId: GROUP, topics: [{ name: 'orders', partitions: [0, 1] }] });
    expect(errName(fetched.error)).toBe('NONE');
    expect(fetched.topics[0].partitions.map((p: any) => [p.partition, p.committedOffset, p.metadata])).toEqual([
      [0, '42', 'keep'],
      [1, '7', 'keep'],
    ]);
    const d = await rpc(h.client, 'DescribeGroups', { groups: [GROUP] });
    expect(d.groups[0].groupState).toBe('Stable');
    expect(d.groups[0].members.map((m: any) => m.memberId)).toEqual([memberId]);
    const md = await rpc(h.client, 'Metadata', { topics: ['orders'] });
    expect(md.topics[0].partitions).toHaveLength(3);
  });

  test.each([
    ['below group.min.session.timeout.ms', MIN_SESSION_MS - 1],
    ['above group.max.session.timeout.ms', MAX_SESSION_MS + 1],
    ['zero', 0],
    ['negative', -1],
  ])('JoinGroup with a session timeout %s is INVALID_SESSION_TIMEOUT, for new and current members alike', async (_what, sessionTimeoutMs) => {
    const fresh = await rpc(h.client, 'JoinGroup', joinRequest('never-created', '', sessionTimeoutMs));
    expect(fresh.error).toMatchObject({ name: 'INVALID_SESSION_TIMEOUT', code: 26, retriable: false });
    const joiner = await rpc(h.client, 'JoinGroup', joinRequest(GROUP, '', sessionTimeoutMs));
    expect(errName(joiner.error)).toBe('INVALID_SESSION_TIMEOUT');
    const current = await rpc(h.client, 'JoinGroup', joinRequest(GROUP, memberId, sessionTimeoutMs));
    expect(errName(current.error)).toBe('INVALID_SESSION_TIMEOUT');
    // The refused join created no group.
    expect((await rpc(h.client, 'ListGroups', {})).groups.map((g: any) => g.groupId)).not.toContain('never-created');
  });

  test('an empty group id is INVALID_GROUP_ID for JoinGroup, SyncGroup, Heartbeat and LeaveGroup', async () => {
    const join = await rpc(h.client, 'JoinGroup', joinRequest('', '', 10_000));
    expect(join.error).toMatchObject({ name: 'INVALID_GROUP_ID', code: 24, retriable: false });
    expect(errName((await rpc(h.client, 'SyncGroup', { groupId: '', generationId, memberId, assignments: [] })).error)).toBe('INVALID_GROUP_ID');
    expect(errName((await rpc(h.client, 'Heartbeat', { groupId: '', generationId, memberId })).error)).toBe('INVALID_GROUP_ID');
    expect(errName((await rpc(h.client, 'LeaveGroup', { groupId: '', members: [{ memberId }] })).error)).toBe('INVALID_GROUP_ID');
    expect((await rpc(h.client, 'ListGroups', {})).groups.map((g: any) => g.groupId)).not.toContain('');
  });

  test('a joiner beyond group.max.size is GROUP_MAX_SIZE_REACHED and the group keeps its member', async () => {
    const r = await rpc(h.client, 'JoinGroup', joinRequest(GROUP, '', 10_000));
    expect(r.error).toMatchObject({ name: 'GROUP_MAX_SIZE_REACHED', code: 81, retriable: false });
    expect(r.memberId).toBe('');
  });

  test('OffsetCommit: metadata over offset.metadata.max.bytes is OFFSET_METADATA_TOO_LARGE, a negative offset INVALID_REQUEST; a good partition in the same request is stored', async () => {
    const tooLong = 'm'.repeat(groupConfig.offsetMetadataMaxBytes + 1);
    const r = await rpc(
      h.client,
      'OffsetCommit',
      commitRequest(generationId, memberId, [
        { partition: 0, offset: '43', metadata: tooLong },
        { partition: 1, offset: '-5' },
        { partition: 2, offset: '11', metadata: 'fine' },
      ]),
    );
    const byPartition = Object.fromEntries(r.topics[0].partitions.map((p: any) => [p.partition, p.error]));
    expect(byPartition[0]).toMatchObject({ name: 'OFFSET_METADATA_TOO_LARGE', code: 12, retriable: false });
    expect(byPartition[1]).toMatchObject({ name: 'INVALID_REQUEST', code: 42, retriable: false });
    expect(byPartition[2]).toBeNull();
    const two = await rpc(h.client, 'OffsetFetch', { groupId: GROUP, topics: [{ name: 'orders', partitions: [2] }] });
    expect(two.topics[0].partitions[0]).toMatchObject({ committedOffset: '11', metadata: 'fine' });
    // -1 would read back as "no offset" (the group would start over); 2^63 wraps to -2^63 on the wire.
    for (const offset of ['-1', '9223372036854775808']) {
      const x = await rpc(h.client, 'OffsetCommit', commitRequest(generationId, memberId, [{ partition: 0, offset }]));
      expect(errName(x.topics[0].partitions[0].error)).toBe('INVALID_REQUEST');
    }
  });

  test('OffsetCommit with an undecodable offset (an 11-byte varint) fails as a whole request and commits nothing', async () => {
    const address = `127.0.0.1:${h.broker.port}`;
    const offsetOf2 = async () => (await rpc(h.client, 'OffsetFetch', { groupId: GROUP, topics: [{ name: 'orders', partitions: [2] }] })).topics[0].partitions[0].committedOffset;
    const before = await offsetOf2();
    const err = await rawCall(address, 'OffsetCommit', rawCommit(generationId, memberId, BROKEN_VARINT)).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(err).toBeDefined();
    expect([grpc.status.INTERNAL, grpc.status.INVALID_ARGUMENT]).toContain(err!.code);
    expect(await offsetOf2()).toBe(before);
    // The same request with a valid varint is accepted: the refusal was the varint's.
    await rawCall(address, 'OffsetCommit', rawCommit(generationId, memberId, varint(12)));
    expect(await offsetOf2()).toBe('12');
  });

  test('an unknown member id is UNKNOWN_MEMBER_ID for OffsetCommit, Heartbeat, SyncGroup, JoinGroup and LeaveGroup', async () => {
    const ghost = 'ghost-member';
    const c = await rpc(h.client, 'OffsetCommit', commitRequest(generationId, ghost, [{ partition: 0, offset: '1' }]));
    expect(c.topics[0].partitions[0].error).toMatchObject({ name: 'UNKNOWN_MEMBER_ID', code: 25, retriable: false });
    // A commit from outside the group (the admin path) while it has a member.
    const admin = await rpc(h.client, 'OffsetCommit', commitRequest(-1, '', [{ partition: 0, offset: '1' }]));
    expect(errName(admin.topics[0].partitions[0].error)).toBe('UNKNOWN_MEMBER_ID');
    expect(errName((await rpc(h.client, 'Heartbeat', { groupId: GROUP, generationId, memberId: ghost })).error)).toBe('UNKNOWN_MEMBER_ID');
    expect(errName((await rpc(h.client, 'SyncGroup', { groupId: GROUP, generationId, memberId: ghost, assignments: [] })).error)).toBe('UNKNOWN_MEMBER_ID');
    // JoinGroup with a member id to a group that does not exist (a stale member).
    // (To this full group it is GROUP_MAX_SIZE_REACHED: Kafka checks the size first.)
    expect(errName((await rpc(h.client, 'JoinGroup', joinRequest('no-such-group', ghost, 10_000))).error)).toBe('UNKNOWN_MEMBER_ID');
    expect(errName((await rpc(h.client, 'JoinGroup', joinRequest(GROUP, ghost, 10_000))).error)).toBe('GROUP_MAX_SIZE_REACHED');
    const left = await rpc(h.client, 'LeaveGroup', { groupId: GROUP, members: [{ memberId: ghost }] });
    expect(errName(left.members[0].error)).toBe('UNKNOWN_MEMBER_ID');
  });

  test('a stale or future generation is ILLEGAL_GENERATION for OffsetCommit, Heartbeat and SyncGroup', async () => {
    for (const gen of [generationId - 1, generationId + 1]) {
      const c = await rpc(h.client, 'OffsetCommit', commitRequest(gen, memberId, [{ partition: 0, offset: '1' }]));
      expect(c.topics[0].partitions[0].error).toMatchObject({ name: 'ILLEGAL_GENERATION', code: 22, retriable: false });
      expect(errName((await rpc(h.client, 'Heartbeat', { groupId: GROUP, generationId: gen, memberId })).error)).toBe('ILLEGAL_GENERATION');
      expect(errName((await rpc(h.client, 'SyncGroup', { groupId: GROUP, generationId: gen, memberId, assignments: [] })).error)).toBe('ILLEGAL_GENERATION');
    }
  });
});
