import { ConfigValidationError } from '../src/api/config-def';
import { assignIncremental, assignRoundRobin, assignWithDelay, type DelayMemory, type OwnedUnits } from '../src/runtime/connect-assignment';
import type { ConnectorPlugin, SourceConnector } from '../src/api/connector';
import { BUILTIN_CONNECTORS } from '../src/connectors';
import { validateConnectorConfig } from '../src/runtime/connector-config';
import { forwardTarget } from '../src/runtime/distributed';
import { HerderError } from '../src/runtime/herder-error';
import { parseDistributedConfig } from '../src/runtime/worker-config';

const members = [
  { memberId: 'm-b', url: 'http://b:8083' },
  { memberId: 'm-a', url: 'http://a:8083' },
  { memberId: 'm-c', url: 'http://c:8083' },
];

describe('eager round-robin assignment', () => {
  test('connectors then tasks rotate over members in id order; every unit placed once', () => {
    const out = assignRoundRobin(members, [{ name: 'src', tasks: 1 }, { name: 'sink', tasks: 2 }], 'm-a');
    expect(out.get('m-a')).toEqual({ leader: 'm-a', leaderUrl: 'http://a:8083', connectors: ['sink'], tasks: [{ connector: 'sink', task: 1 }] });
    expect(out.get('m-b')).toMatchObject({ connectors: ['src'], tasks: [{ connector: 'src', task: 0 }] });
    expect(out.get('m-c')).toMatchObject({ connectors: [], tasks: [{ connector: 'sink', task: 0 }] });
    const units = [...out.values()].flatMap((a) => [...a.connectors, ...a.tasks.map((t) => `${t.connector}-${t.task}`)]).sort();
    expect(units).toEqual(['sink', 'sink-0', 'sink-1', 'src', 'src-0']);
  });

  test('the same input gives the same assignment whatever the member order; no members, nothing to place', () => {
    const a = assignRoundRobin(members, [{ name: 'x', tasks: 4 }], 'm-a');
    const b = assignRoundRobin([...members].reverse(), [{ name: 'x', tasks: 4 }], 'm-a');
    expect([...b]).toEqual([...a]);
    expect(assignRoundRobin([], [{ name: 'x', tasks: 4 }], '').size).toBe(0);
  });
});

describe('request forwarding', () => {
  const assignment = { leader: 'm-a', leaderUrl: 'http://a:8083', connectors: [], tasks: [] };
  const statuses = new Map([
    ['status-connector-src', { state: 'RUNNING', worker_id: 'b:8083' }],
    ['status-task-src-0', { state: 'RUNNING', worker_id: 'c:8083' }],
  ] as const);

  test('reads stay; writes go to the leader; restarts to the owner', () => {
    expect(forwardTarget('GET', '/connectors', assignment, 'm-b', statuses, 'b:8083')).toBeUndefined();
    expect(forwardTarget('PUT', '/connector-plugins/X/config/validate', assignment, 'm-b', statuses, 'b:8083')).toBeUndefined();
    expect(forwardTarget('POST', '/connectors', assignment, 'm-b', statuses, 'b:8083')).toBe('http://a:8083');
    expect(forwardTarget('POST', '/connectors', assignment, 'm-a', statuses, 'a:8083')).toBeUndefined();
    expect(forwardTarget('POST', '/connectors/src/restart', assignment, 'm-a', statuses, 'a:8083')).toBe('http://b:8083');
    expect(forwardTarget('POST', '/connectors/src/tasks/0/restart', assignment, 'm-a', statuses, 'a:8083')).toBe('http://c:8083');
    expect(forwardTarget('POST', '/connectors/src/restart', assignment, 'm-b', statuses, 'b:8083')).toBeUndefined();
  });

  test('no leader known (rebalance): 409', () => {
    const none = { ...assignment, leader: '', leaderUrl: '' };
    expect(() => forwardTarget('DELETE', '/connectors/src', none, 'm-b', statuses, 'b:8083')).toThrow(HerderError);
  });
});

describe('distributed worker config', () => {
  test("Kafka's internal topic defaults", () => {
    const s = parseDistributedConfig({ 'group.id': 'g' });
    expect(s.configTopic).toEqual({ name: 'connect-configs', partitions: 1, replicationFactor: -1 });
    expect(s.offsetTopic).toEqual({ name: 'connect-offsets', partitions: 25, replicationFactor: -1 });
    expect(s.statusTopic).toEqual({ name: 'connect-status', partitions: 5, replicationFactor: -1 });
    // Not Kafka's 300000: a dead worker's tasks move once its session expires (issue 16).
    expect(s.scheduledRebalanceMaxDelayMs).toBe(0);
  });

  test('exactly.once.source.support=enabled gives source tasks the transactional.id prefix <group.id>-', () => {
    expect(parseDistributedConfig({ 'group.id': 'g' }).exactlyOnceSource).toBeUndefined();
    expect(parseDistributedConfig({ 'group.id': 'g', 'exactly.once.source.support': 'preparing' }).exactlyOnceSource).toBeUndefined();
    expect(parseDistributedConfig({ 'group.id': 'g', 'exactly.once.source.support': 'enabled' }).exactlyOnceSource).toEqual({ transactionalIdPrefix: 'g-' });
    expect(() => parseDistributedConfig({ 'group.id': 'g', 'exactly.once.source.support': 'yes' })).toThrow(/exactly\.once\.source\.support/);
  });

  test('connect.protocol=sessioned and the inter.worker.* keys (Kafka\'s defaults; bad ones named)', () => {
    const s = parseDistributedConfig({ 'group.id': 'g', 'connect.protocol': 'sessioned' });
    expect(s.connectProtocol).toBe('sessioned');
    expect(s.interWorker).toEqual({ keyAlgorithm: 'HmacSHA256', keySizeBits: 256, keyTtlMs: 3600000, signatureAlgorithm: 'HmacSHA256', verificationAlgorithms: ['HmacSHA256'] });
    expect(() => parseDistributedConfig({ 'group.id': 'g', 'inter.worker.key.size': '100' })).toThrow(/inter\.worker\.key\.size/);
    expect(() => parseDistributedConfig({ 'group.id': 'g', 'inter.worker.verification.algorithms': 'HmacSHA256,HmacMD9' })).toThrow(/inter\.worker\.verification\.algorithms.*HmacMD9/);
    expect(() => parseDistributedConfig({ 'group.id': 'g', 'inter.worker.signature.algorithm': 'HmacSHA512' })).toThrow('invalid config "inter.worker.verification.algorithms": must include the signature algorithm HmacSHA512 (inter.worker.signature.algorithm)');
  });

  test('a source connector names an unsupported transaction.boundary', async () => {
    const plugin = BUILTIN_CONNECTORS.find((p) => p.className.endsWith('FileStreamSourceConnector'))!;
    const base = { name: 'f', 'connector.class': 'FileStreamSource', file: '/tmp/x', topic: 't' };
    const errorsOf = async (props: Record<string, string>): Promise<string[]> =>
      (await validateConnectorConfig(plugin, props)).infos.configs.find((c) => c.definition.name === 'transaction.boundary')!.value.errors;
    expect(await errorsOf(base)).toEqual([]);
    expect(await errorsOf({ ...base, 'transaction.boundary': 'interval' })).toEqual(['Invalid value interval for configuration transaction.boundary: not supported yet (only poll)']);
  });

  test('exactly.once.support=required: the connector must declare exactly-once support', async () => {
    const file = BUILTIN_CONNECTORS.find((p) => p.className.endsWith('FileStreamSourceConnector'))!;
    const errorsOf = async (plugin: ConnectorPlugin, props: Record<string, string>): Promise<string[]> =>
      (await validateConnectorConfig(plugin, props)).infos.configs.find((c) => c.definition.name === 'exactly.once.support')!.value.errors;
    const base = { name: 'f', 'connector.class': 'FileStreamSource', file: '/tmp/x', topic: 't', 'exactly.once.support': 'required' };
    expect(await errorsOf(file, base)).toEqual([]);
    // A source that does not say (Kafka's preflight API missing), and one that says UNSUPPORTED.
    const source = (support?: 'UNSUPPORTED'): ConnectorPlugin => ({
      ...file,
      create: () => {
        const c = file.create() as SourceConnector;
        return Object.assign(Object.create(Object.getPrototypeOf(c) as object) as SourceConnector, c, { exactlyOnceSupport: support === undefined ? undefined : () => support });
      },
    });
    expect((await errorsOf(source(), base))[0]).toMatch(/does not implement the API required for preflight validation/);
    expect(await errorsOf(source('UNSUPPORTED'), base)).toEqual(['The connector does not support exactly-once semantics with the provided configuration.']);
    expect(await errorsOf(source('UNSUPPORTED'), { ...base, 'exactly.once.support': 'requested' })).toEqual([]);
  });

  test('group.id is required and bad values are named', () => {
    expect(() => parseDistributedConfig({})).toThrow(/group\.id/);
    expect(() => parseDistributedConfig({ 'group.id': 'g', 'session.timeout.ms': 'soon' })).toThrow(ConfigValidationError);
  });
});

describe('incremental cooperative assignment', () => {
  const none = { connectors: [], tasks: [] };
  const unitsOf = (a: { connectors: string[]; tasks: { connector: string; task: number }[] }): string[] => [...a.connectors, ...a.tasks.map((t) => `${t.connector}-${t.task}`)];

  test('a new connector goes to the least loaded worker; nothing else moves', () => {
    const before = assignIncremental(
      [
        { memberId: 'm-a', url: 'a', owned: { connectors: ['x'], tasks: [{ connector: 'x', task: 1 }] } },
        { memberId: 'm-b', url: 'b', owned: { connectors: [], tasks: [{ connector: 'x', task: 0 }] } },
      ],
      [{ name: 'x', tasks: 2 }, { name: 'y', tasks: 0 }],
      'm-a',
    );
    expect(unitsOf(before.get('m-a')!)).toEqual(['x', 'x-1']);
    expect(unitsOf(before.get('m-b')!)).toEqual(['y', 'x-0']);
    expect([...before.values()].every((a) => !a.rejoin)).toBe(true);
  });

  test('a new worker: the loaded one gives units up (rejoin) without anyone getting them; the next generation places them evenly', () => {
    const owned = { connectors: ['x'], tasks: [0, 1, 2, 3].map((task) => ({ connector: 'x', task })) };
    const first = assignIncremental([{ memberId: 'm-a', url: 'a', owned }, { memberId: 'm-b', url: 'b', owned: none }], [{ name: 'x', tasks: 4 }], 'm-a');
    expect(unitsOf(first.get('m-a')!)).toEqual(['x', 'x-0', 'x-1']);
    expect(first.get('m-a')!.rejoin).toBe(true);
    expect(unitsOf(first.get('m-b')!)).toEqual([]); // x-2, x-3 run nowhere until m-a stopped them
    const second = assignIncremental(
      [
        { memberId: 'm-a', url: 'a', owned: first.get('m-a')! },
        { memberId: 'm-b', url: 'b', owned: first.get('m-b')! },
      ],
      [{ name: 'x', tasks: 4 }],
      'm-a',
    );
    expect(unitsOf(second.get('m-a')!)).toEqual(['x', 'x-0', 'x-1']);
    expect(unitsOf(second.get('m-b')!)).toEqual(['x-2', 'x-3']);
    expect([...second.values()].some((a) => a.rejoin)).toBe(false);
  });

  test('a worker that left: its units go to the survivors; deleted units are dropped; a unit claimed twice stays with the first', () => {
    const out = assignIncremental(
      [
        { memberId: 'm-a', url: 'a', owned: { connectors: ['gone'], tasks: [{ connector: 'x', task: 0 }] } },
        { memberId: 'm-b', url: 'b', owned: { connectors: [], tasks: [{ connector: 'x', task: 0 }] } },
      ],
      [{ name: 'x', tasks: 3 }],
      'm-b',
    );
    const all = [...out.values()].flatMap(unitsOf).sort();
    expect(all).toEqual(['x', 'x-0', 'x-1', 'x-2']);
    expect(unitsOf(out.get('m-a')!)).toContain('x-0');
    expect(Math.abs(unitsOf(out.get('m-a')!).length - unitsOf(out.get('m-b')!).length)).toBeLessThanOrEqual(1);
  });
});

describe('scheduled rebalance delay (scheduled.rebalance.max.delay.ms)', () => {
  const DELAY = 10_000;
  const X = [{ name: 'x', tasks: 5 }];
  const unitsOf = (a: { connectors: string[]; tasks: { connector: string; task: number }[] }): string[] => [...a.connectors, ...a.tasks.map((t) => `${t.connector}-${t.task}`)];
  const owning = (a: { connectors: string[]; tasks: { connector: string; task: number }[] }): OwnedUnits => ({ connectors: a.connectors, tasks: a.tasks });
  type Round = ReturnType<typeof assignWithDelay>;
  /** One generation: members (id → what they report owning), on the leader m-a, at `now`. */
  const round = (generation: number, now: number, owned: Record<string, OwnedUnits>, memory: DelayMemory | undefined, maxDelay = DELAY): Round =>
    assignWithDelay(Object.entries(owned).map(([memberId, o]) => ({ memberId, url: memberId, owned: o })), X, 'm-a', generation, now, maxDelay, memory);
  /** Three workers running x's 6 units, two each (generation 1). */
  const settled = (): Round => {
    const none = { connectors: [], tasks: [] };
    const g1 = round(1, 0, { 'm-a': none, 'm-b': none, 'm-c': none }, undefined);
    expect([...g1.assignments.values()].map((a) => unitsOf(a).length)).toEqual([2, 2, 2]);
    expect([...g1.assignments.values()].every((a) => a.delay === undefined)).toBe(true);
    return g1;
  };

  test('a worker that left: its units are held for the delay, then go to the worker that came back in its place; nothing else moves', () => {
    const g1 = settled();
    const a = owning(g1.assignments.get('m-a')!);
    const b = owning(g1.assignments.get('m-b')!);
    const lostUnits = unitsOf(g1.assignments.get('m-c')!);
    // m-c dies: the survivors keep theirs, m-c's units run nowhere, everyone rejoins when the delay ends.
    const g2 = round(2, 1000, { 'm-a': a, 'm-b': b }, g1.memory);
    expect(unitsOf(g2.assignments.get('m-a')!)).toEqual(unitsOf(a));
    expect(unitsOf(g2.assignments.get('m-b')!)).toEqual(unitsOf(b));
    expect([...g2.assignments.values()].map((x) => x.delay)).toEqual([DELAY, DELAY]);
    // m-c restarts (a new member id, nothing owned): still held, with what is left of the delay.
    const g3 = round(3, 4000, { 'm-a': a, 'm-b': b, 'm-c2': { connectors: [], tasks: [] } }, g2.memory);
    expect(unitsOf(g3.assignments.get('m-c2')!)).toEqual([]);
    expect([...g3.assignments.values()].map((x) => x.delay)).toEqual([DELAY - 3000, DELAY - 3000, DELAY - 3000]);
    expect([...g3.assignments.values()].some((x) => x.rejoin)).toBe(false);
    // The delay ends: the held units go to the restarted worker, the others keep theirs; nothing held any more.
    const g4 = round(4, 11_000, { 'm-a': a, 'm-b': b, 'm-c2': { connectors: [], tasks: [] } }, g3.memory);
    expect(unitsOf(g4.assignments.get('m-c2')!).sort()).toEqual(lostUnits.sort());
    expect(unitsOf(g4.assignments.get('m-a')!)).toEqual(unitsOf(a));
    expect([...g4.assignments.values()].every((x) => x.delay === undefined && !x.rejoin)).toBe(true);
    expect(g4.memory.deadline).toBeUndefined();
  });

  test('nobody came back: when the delay ends the held units go to the survivors', () => {
    const g1 = settled();
    const a = owning(g1.assignments.get('m-a')!);
    const b = owning(g1.assignments.get('m-b')!);
    const g2 = round(2, 0, { 'm-a': a, 'm-b': b }, g1.memory);
    const g3 = round(3, DELAY, { 'm-a': a, 'm-b': b }, g2.memory);
    expect([...g3.assignments.values()].flatMap(unitsOf).sort()).toEqual(['x', 'x-0', 'x-1', 'x-2', 'x-3', 'x-4']);
    expect([...g3.assignments.values()].map((x) => unitsOf(x).length)).toEqual([3, 3]);
  });

  test('delay 0, a new connector during the delay, a new leader without memory: placed at once', () => {
    const g1 = settled();
    const a = owning(g1.assignments.get('m-a')!);
    const b = owning(g1.assignments.get('m-b')!);
    // 0: as before the delay existed.
    const now = round(2, 0, { 'm-a': a, 'm-b': b }, g1.memory, 0);
    expect([...now.assignments.values()].flatMap(unitsOf)).toHaveLength(6);
    // A memory from an older generation (this worker was not the last leader): nothing is known lost.
    const stale = round(3, 0, { 'm-a': a, 'm-b': b }, g1.memory);
    expect([...stale.assignments.values()].flatMap(unitsOf)).toHaveLength(6);
    // New units (a connector created while units are held) are placed; the held ones are not.
    const held = round(2, 0, { 'm-a': a, 'm-b': b }, g1.memory);
    const more = assignWithDelay(
      [{ memberId: 'm-a', url: 'a', owned: a }, { memberId: 'm-b', url: 'b', owned: b }],
      [...X, { name: 'y', tasks: 1 }],
      'm-a', 3, 100, DELAY, held.memory,
    );
    expect([...more.assignments.values()].flatMap(unitsOf).sort()).toEqual([...unitsOf(a), ...unitsOf(b), 'y', 'y-0'].sort());
    expect(more.memory.deadline).toBe(DELAY);
  });

  test('a worker that gave units up (revoked) does not have them held as lost', () => {
    const g1 = round(1, 0, { 'm-a': { connectors: ['x'], tasks: [0, 1, 2, 3, 4].map((task) => ({ connector: 'x', task })) } }, undefined);
    const g2 = round(2, 0, { 'm-a': owning(g1.assignments.get('m-a')!), 'm-b': { connectors: [], tasks: [] } }, g1.memory);
    expect(g2.assignments.get('m-a')!.rejoin).toBe(true);
    const g3 = round(3, 0, { 'm-a': owning(g2.assignments.get('m-a')!), 'm-b': { connectors: [], tasks: [] } }, g2.memory);
    expect([...g3.assignments.values()].map((x) => unitsOf(x).length)).toEqual([3, 3]);
    expect(g3.memory.deadline).toBeUndefined();
  });
});
