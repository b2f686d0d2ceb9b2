import { formatRecord, formatTopicDescription, recordJson, reportError, toJson } from '@gregor/cli';
import { ConfigError, GregorError } from '@gregor/common';

const record = {
  topic: 't',
  partition: 2,
  offset: 9007199254740993n,
  timestamp: 1700000000000n,
  key: Buffer.from('k1'),
  value: Buffer.from('hello'),
  headers: [{ key: 'h', value: Buffer.from('v') }],
};
const plain = { printKey: false, printOffset: false, printPartition: false, printTimestamp: false, separator: '\t' };

describe('output formatting', () => {
  it('prints the value alone by default, Kafka-style prefixes on request', () => {
    expect(formatRecord(record, plain)).toBe('hello');
    expect(formatRecord(record, { ...plain, printKey: true })).toBe('k1\thello');
    expect(formatRecord(record, { ...plain, printKey: true, printOffset: true, printPartition: true })).toBe('Partition:2\tOffset:9007199254740993\tk1\thello');
    expect(formatRecord(record, { ...plain, printTimestamp: true, separator: ' | ' })).toBe('CreateTime:1700000000000 | hello');
    expect(formatRecord({ ...record, key: null, value: null }, { ...plain, printKey: true })).toBe('null\tnull');
  });

  it('JSON keeps 64-bit offsets exact (decimal strings) and bytes as text', () => {
    expect(JSON.parse(recordJson(record))).toEqual({
      topic: 't',
      partition: 2,
      offset: '9007199254740993',
      timestamp: '1700000000000',
      key: 'k1',
      value: 'hello',
      headers: [{ key: 'h', value: 'v' }],
    });
    expect(toJson({ n: 1n, s: 'x' })).toBe('{"n":"1","s":"x"}');
  });

  it('describes a topic as kafka-topics --describe does, listing non-default configs', () => {
    const text = formatTopicDescription(
      {
        name: 'orders',
        topicId: 'abc',
        isInternal: false,
        partitions: [
          { partition: 0, leader: 1, leaderEpoch: 0, replicas: [1, 2], isr: [1, 2], offlineReplicas: [] },
          { partition: 1, leader: null, leaderEpoch: 3, replicas: [2, 1], isr: [], offlineReplicas: [2] },
        ],
      },
      {
        type: 'topic',
        name: 'orders',
        configs: [
          { name: 'retention.ms', value: '1000', readOnly: false, isDefault: false },
          { name: 'cleanup.policy', value: 'delete', readOnly: false, isDefault: true },
        ],
      },
    );
    expect(text.split('\n')).toEqual([
      'Topic: orders\tTopicId: abc\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: retention.ms=1000',
      '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2',
      '\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,1\tIsr: ',
    ]);
  });

  it('maps errors to exit codes: usage 1, Kafka errors 2 with the name first', () => {
    expect(reportError(new ConfigError('acks', 'bad')).exitCode).toBe(1);
    const server = reportError(new GregorError('UNKNOWN_TOPIC_OR_PARTITION', 'topic "x" does not exist', { topic: 'x' }));
    expect(server.exitCode).toBe(2);
    expect(server.text).toBe('UNKNOWN_TOPIC_OR_PARTITION: topic "x" does not exist');
    expect(server.json).toMatchObject({ error: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, context: { topic: 'x' } });
    const many = reportError(
      new GregorError('TOPIC_ALREADY_EXISTS', 'a (and 1 more failure(s))', {
        failures: [
          { name: 'a', error: 'TOPIC_ALREADY_EXISTS', message: 'TOPIC_ALREADY_EXISTS: a exists' },
          { name: 'b', error: 'INVALID_PARTITIONS', message: 'INVALID_PARTITIONS: 0' },
        ],
      }),
    );
    expect(many.text.split('\n')).toHaveLength(3);
    expect(reportError(new Error('bug')).exitCode).toBe(2);
  });
});
