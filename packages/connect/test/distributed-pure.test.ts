import { ConfigValidationError } from '../src/api/config-def';
import { assignRoundRobin } from '../src/runtime/connect-assignment';
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
