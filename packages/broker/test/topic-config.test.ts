import { GregorError } from '@gregor/common';
import {
  alterTopicConfigOverrides,
  checkTopicDefaults,
  describeTopicConfig,
  effectiveTopicConfig,
  validateTopicConfigOverrides,
} from '@gregor/broker';

function expectGregor(fn: () => unknown, name: string, text?: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GregorError);
    expect((err as GregorError).errorName).toBe(name);
    if (text !== undefined) expect((err as GregorError).message).toContain(text);
    return;
  }
  throw new Error(`expected ${name}`);
}

describe('topic configs', () => {
  const defaults = checkTopicDefaults({ 'retention.ms': '1000' });

  test('valid overrides are normalised', () => {
    expect(validateTopicConfigOverrides({ 'retention.ms': ' 5000 ', 'cleanup.policy': 'compact, delete' })).toEqual({
      'cleanup.policy': 'compact,delete',
      'retention.ms': '5000',
    });
  });

  test('unknown keys and bad values are INVALID_CONFIG naming the key', () => {
    expectGregor(() => validateTopicConfigOverrides({ 'retention.mss': '1' }), 'INVALID_CONFIG', 'retention.mss');
    expectGregor(() => validateTopicConfigOverrides({ 'retention.ms': 'soon' }), 'INVALID_CONFIG', 'retention.ms');
    expectGregor(() => validateTopicConfigOverrides({ 'retention.bytes': '-2' }), 'INVALID_CONFIG', 'retention.bytes');
    expectGregor(() => validateTopicConfigOverrides({ 'cleanup.policy': 'shred' }), 'INVALID_CONFIG', 'cleanup.policy');
    expectGregor(() => validateTopicConfigOverrides({ 'cleanup.policy': '' }), 'INVALID_CONFIG', 'cleanup.policy');
    expectGregor(() => validateTopicConfigOverrides({ 'message.timestamp.type': 'Now' }), 'INVALID_CONFIG', 'message.timestamp.type');
    expectGregor(() => validateTopicConfigOverrides({ 'min.insync.replicas': '0' }), 'INVALID_CONFIG', 'min.insync.replicas');
    expectGregor(() => validateTopicConfigOverrides({ 'delete.retention.ms': '-1' }), 'INVALID_CONFIG', 'delete.retention.ms');
    expectGregor(() => validateTopicConfigOverrides({ 'min.cleanable.dirty.ratio': '1.5' }), 'INVALID_CONFIG', 'min.cleanable.dirty.ratio');
    expectGregor(() => validateTopicConfigOverrides({ 'min.cleanable.dirty.ratio': 'half' }), 'INVALID_CONFIG', 'min.cleanable.dirty.ratio');
    expect(effectiveTopicConfig(defaults, { 'min.cleanable.dirty.ratio': '0.1' }).minCleanableDirtyRatio).toBe(0.1);
  });

  test('effective config: overrides over broker defaults over Kafka defaults', () => {
    const c = effectiveTopicConfig(defaults, { 'max.message.bytes': '100' });
    expect(c).toEqual({
      retentionMs: 1000,
      retentionBytes: -1,
      maxMessageBytes: 100,
      cleanupPolicy: ['delete'],
      deleteRetentionMs: 86_400_000,
      minCleanableDirtyRatio: 0.5,
      minInsyncReplicas: 1,
      messageTimestampType: 'CreateTime',
      uncleanLeaderElectionEnable: false,
    });
  });

  test('incremental alter sets, deletes and keeps', () => {
    const current = { 'retention.ms': '5', 'retention.bytes': '10' };
    expect(alterTopicConfigOverrides(current, { 'max.message.bytes': '64' }, ['retention.ms'])).toEqual({
      'max.message.bytes': '64',
      'retention.bytes': '10',
    });
    expect(current).toEqual({ 'retention.ms': '5', 'retention.bytes': '10' });
    expectGregor(() => alterTopicConfigOverrides(current, {}, ['nope']), 'INVALID_CONFIG', 'nope');
    expectGregor(() => alterTopicConfigOverrides(current, { 'retention.ms': '1' }, ['retention.ms']), 'INVALID_REQUEST');
    expectGregor(() => alterTopicConfigOverrides(current, { 'retention.ms': 'x' }, []), 'INVALID_CONFIG', 'retention.ms');
  });

  test('describe marks defaults and filters by name', () => {
    const all = describeTopicConfig(defaults, { 'retention.bytes': '77' });
    expect(all.find((e) => e.name === 'retention.bytes')).toEqual({ name: 'retention.bytes', value: '77', isDefault: false, readOnly: false });
    expect(all.find((e) => e.name === 'retention.ms')).toEqual({ name: 'retention.ms', value: '1000', isDefault: true, readOnly: false });
    expect(describeTopicConfig(defaults, {}, ['max.message.bytes', 'bogus']).map((e) => e.name)).toEqual(['max.message.bytes']);
  });
});
