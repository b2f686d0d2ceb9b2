/**
 * The config and status topics' records in Kafka Connect's own format
 * (KafkaConfigBackingStore / KafkaStatusBackingStore values through the
 * internal JsonConverter, schemas.enable=false): the exact bytes a Java
 * worker writes, records written by Java workers read back (older versions
 * too), and Kafka's other keys left alone.
 */
import fc from 'fast-check';
import { configKeys, decodeConfigRecord, decodeStatus, encodeConnectorConfig, encodeSessionKey, encodeStatus, encodeTargetState, encodeTaskCommit, encodeTaskConfig } from '@gregor/connect';

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

describe("config topic records (Kafka's KafkaConfigBackingStore)", () => {
  it('writes the bytes a Java worker writes', () => {
    expect(configKeys.connector('files')).toBe('connector-files');
    expect(configKeys.task('files', 0)).toBe('task-files-0');
    expect(configKeys.commit('files')).toBe('commit-files');
    expect(configKeys.targetState('files')).toBe('target-state-files');
    expect(encodeConnectorConfig({ 'connector.class': 'FileStreamSource', name: 'files' })).toBe('{"properties":{"connector.class":"FileStreamSource","name":"files"}}');
    expect(encodeTaskConfig({ file: '/tmp/a' })).toBe('{"properties":{"file":"/tmp/a"}}');
    expect(encodeTaskCommit(2)).toBe('{"tasks":2}');
    // TARGET_STATE_V1: STOPPED reads as PAUSED to workers older than KIP-875.
    expect(encodeTargetState('STOPPED')).toBe('{"state":"PAUSED","state.v2":"STOPPED"}');
    expect(encodeTargetState('PAUSED')).toBe('{"state":"PAUSED","state.v2":"PAUSED"}');
    expect(encodeTargetState('STARTED')).toBe('{"state":"STARTED","state.v2":"STARTED"}');
  });

  it("reads Java workers' records, old and new", () => {
    expect(decodeConfigRecord('connector-a-b', buf('{"properties":{"name":"a-b","x":null}}'))).toEqual({ kind: 'connector', name: 'a-b', props: { name: 'a-b' } });
    expect(decodeConfigRecord('connector-a', null)).toEqual({ kind: 'connector', name: 'a', props: null });
    expect(decodeConfigRecord('task-a-b-12', buf('{"properties":{"k":"v"}}'))).toEqual({ kind: 'task', name: 'a-b', task: 12, props: { k: 'v' } });
    expect(decodeConfigRecord('commit-a', buf('{"tasks":3}'))).toEqual({ kind: 'commit', name: 'a', tasks: 3 });
    expect(decodeConfigRecord('target-state-a', buf('{"state":"PAUSED","state.v2":"STOPPED"}'))).toEqual({ kind: 'target', name: 'a', state: 'STOPPED' });
    expect(decodeConfigRecord('target-state-a', buf('{"state":"PAUSED"}'))).toEqual({ kind: 'target', name: 'a', state: 'PAUSED' }); // V0
    expect(decodeConfigRecord('target-state-a', null)).toEqual({ kind: 'target', name: 'a', state: null });
    // Workers from before KIP-174 with internal.value.converter.schemas.enable=true wrote the envelope.
    expect(decodeConfigRecord('commit-a', buf('{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"tasks"}],"optional":false},"payload":{"tasks":1}}'))).toEqual({ kind: 'commit', name: 'a', tasks: 1 });
  });

  it('writes and reads the session key as SESSION_KEY_V0 (KIP-507)', () => {
    const key = { key: Buffer.from('0123456789abcdef0123456789abcdef'), algorithm: 'HmacSHA256', creationTimestampMs: 1700000000000 };
    const text = encodeSessionKey(key);
    expect(text).toBe('{"key":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=","algorithm":"HmacSHA256","creation-timestamp":1700000000000}');
    expect(decodeConfigRecord('session-key', buf(text))).toEqual({ kind: 'session-key', key });
    expect(decodeConfigRecord('session-key', buf('{"key":"AA=="}'))).toEqual({ kind: 'invalid', key: 'session-key', reason: 'a session key needs "key", "algorithm" and "creation-timestamp"' });
  });

  it("leaves Kafka's other records alone and names what is not a record of the format", () => {
    for (const key of ['tasks-fencing-a', 'restart-connector-a', 'logger-cluster-org.apache']) {
      expect(decodeConfigRecord(key, buf('{"x":1}'))).toEqual({ kind: 'other', key });
    }
    expect(decodeConfigRecord('connector-a', buf('not json'))).toEqual({ kind: 'invalid', key: 'connector-a', reason: 'not JSON' });
    expect(decodeConfigRecord('connector-a', buf('{"config":{}}'))).toEqual({ kind: 'invalid', key: 'connector-a', reason: 'no "properties" map' });
    expect(decodeConfigRecord('connector-a', buf('{"properties":{"n":1}}'))).toEqual({ kind: 'invalid', key: 'connector-a', reason: 'property n is not a string' });
    expect(decodeConfigRecord('commit-a', buf('{"tasks":-1}'))).toEqual({ kind: 'invalid', key: 'commit-a', reason: '"tasks" is not a count' });
    expect(decodeConfigRecord('target-state-a', buf('{"state":"RUNNING"}'))).toEqual({ kind: 'invalid', key: 'target-state-a', reason: 'unknown target state RUNNING' });
    expect(decodeConfigRecord('something', buf('{}'))).toEqual({ kind: 'invalid', key: 'something', reason: 'not a key of the config topic' });
  });

  it('reads back what it writes (property)', () => {
    const name = fc.string({ minLength: 1 });
    const props = fc.dictionary(fc.string(), fc.string());
    fc.assert(
      fc.property(name, props, fc.nat(1000), fc.constantFrom('STARTED', 'PAUSED', 'STOPPED') as fc.Arbitrary<'STARTED' | 'PAUSED' | 'STOPPED'>, (n, p, tasks, state) => {
        expect(decodeConfigRecord(configKeys.connector(n), buf(encodeConnectorConfig(p)))).toEqual({ kind: 'connector', name: n, props: p });
        expect(decodeConfigRecord(configKeys.task(n, tasks), buf(encodeTaskConfig(p)))).toEqual({ kind: 'task', name: n, task: tasks, props: p });
        expect(decodeConfigRecord(configKeys.commit(n), buf(encodeTaskCommit(tasks)))).toEqual({ kind: 'commit', name: n, tasks });
        expect(decodeConfigRecord(configKeys.targetState(n), buf(encodeTargetState(state)))).toEqual({ kind: 'target', name: n, state });
      }),
    );
  });
});

describe("status topic records (Kafka's KafkaStatusBackingStore)", () => {
  it('writes STATUS_SCHEMA_V0 with the group generation, and reads it back', () => {
    const running = encodeStatus({ state: 'RUNNING', worker_id: 'h:8083' }, 7);
    expect(running).toBe('{"state":"RUNNING","trace":null,"worker_id":"h:8083","generation":7}');
    expect(decodeStatus('status-task-a-0', buf(running))).toEqual({ state: 'RUNNING', worker_id: 'h:8083' });
    const failed = encodeStatus({ state: 'FAILED', worker_id: 'h:8083', trace: 'Error: x\n  at y' }, 2);
    expect(decodeStatus('status-connector-a', buf(failed))).toEqual({ state: 'FAILED', worker_id: 'h:8083', trace: 'Error: x\n  at y' });
  });

  it("treats Kafka's DESTROYED and tombstones as deleted, skips active-topic records, names bad ones", () => {
    expect(decodeStatus('status-connector-a', buf('{"state":"DESTROYED","trace":null,"worker_id":"h:1","generation":3}'))).toBeNull();
    expect(decodeStatus('status-task-a-0', null)).toBeNull();
    expect(decodeStatus('status-topic-orders:connector-a', buf('{"topic":{"name":"orders","connector":"a","task":0,"discoverTimestamp":1}}'))).toBeUndefined();
    expect(decodeStatus('status-task-a-0', buf('{"state":"WEIRD","worker_id":"h:1"}'))).toBe('unknown state WEIRD');
    expect(decodeStatus('status-task-a-0', buf('{"state":"RUNNING"}'))).toBe('no "worker_id"');
    expect(decodeStatus('status-task-a-0', buf('['))).toBe('not JSON');
  });
});
