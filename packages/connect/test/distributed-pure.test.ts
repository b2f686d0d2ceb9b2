import { ConfigValidationError } from '../src/api/config-def';
import { assignIncremental, assignRoundRobin } from '../src/runtime/connect-assignment';
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
