import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@gregor/common';
import { loadNodeConfig, nodeConfig, parseListeners, parseNodeArgs } from '@gregor/node';

function keyOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err.key;
    throw err;
  }
}

describe('node config', () => {
  test('defaults are Kafka-like and the documented listeners', () => {
    const c = nodeConfig({});
    expect(c.nodeId).toBe(1);
    expect(c.roles).toEqual(['broker', 'controller']);
    expect(c.listeners).toEqual([
      { name: 'CLIENT', host: '127.0.0.1', port: 9092 },
      { name: 'CONTROLLER', host: '127.0.0.1', port: 9192 },
      { name: 'HTTP', host: '127.0.0.1', port: 9292 },
    ]);
    expect(c.advertisedListeners).toEqual(c.listeners);
    expect(c.autoCreateTopicsEnable).toBe(false);
    expect(c.messageMaxBytes).toBe(1_048_588);
    expect(c.socketRequestMaxBytes).toBe(104_857_600);
    expect(c.logRetentionMs).toBe(604_800_000);
  });

  test('file < GREGOR_* env < overrides', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-cfg-'));
    try {
      const file = path.join(dir, 'node.properties');
      await writeFile(file, '# a node\nnode.id=3\nnum.partitions=4\nlog.level=debug\n');
      const c = loadNodeConfig({ file, env: { GREGOR_NODE_ID: '5', GREGOR_NUM_PARTITIONS: '6', PATH: '/bin' }, overrides: { 'num.partitions': '8' } });
      expect(c.nodeId).toBe(5);
      expect(c.numPartitions).toBe(8);
      expect(c.logLevel).toBe('debug');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [{ 'bogus.key': '1' }, 'bogus.key'],
    [{ 'node.id': 'one' }, 'node.id'],
    [{ 'node.id': '-1' }, 'node.id'],
    [{ 'process.roles': 'broker,janitor' }, 'process.roles'],
    [{ listeners: 'CLIENT://127.0.0.1' }, 'listeners'],
    [{ listeners: 'GOPHER://127.0.0.1:1' }, 'listeners'],
    [{ listeners: 'CLIENT://a:1,CLIENT://b:2' }, 'listeners'],
    [{ listeners: 'HTTP://127.0.0.1:0' }, 'listeners'],
    [{ 'log.dirs': '/a,/b' }, 'log.dirs'],
    [{ 'auto.create.topics.enable': 'yes' }, 'auto.create.topics.enable'],
    [{ 'log.level': 'chatty' }, 'log.level'],
    [{ 'num.partitions': '0' }, 'num.partitions'],
    [{ 'log.retention.ms': '-2' }, 'log.retention.ms'],
    [{ 'controller.quorum.voters': '1@host' }, 'controller.quorum.voters'],
    [{ 'inter.broker.listener.name': 'INTERNAL' }, 'inter.broker.listener.name'],
    [{ 'inter.broker.listener.name': 'HTTP' }, 'inter.broker.listener.name'],
    [{ 'advertised.listeners': 'INTERNAL://gregor-1:19092' }, 'advertised.listeners'],
  ])('%j is refused naming %s', (settings, key) => {
    expect(keyOf(() => nodeConfig(settings))).toBe(key);
  });

  test('an INTERNAL listener for brokers; advertised.listeners overrides per listener, the rest advertise where they bind', () => {
    const c = nodeConfig({
      listeners: 'CLIENT://0.0.0.0:9092,INTERNAL://0.0.0.0:19092,CONTROLLER://0.0.0.0:9192',
      'advertised.listeners': 'CLIENT://localhost:9092',
      'inter.broker.listener.name': 'INTERNAL',
    });
    expect(c.interBrokerListenerName).toBe('INTERNAL');
    expect(c.advertisedListeners).toEqual([
      { name: 'CLIENT', host: 'localhost', port: 9092 },
      { name: 'INTERNAL', host: os.hostname(), port: 19092 },
      { name: 'CONTROLLER', host: os.hostname(), port: 9192 },
    ]);
    expect(nodeConfig({}).interBrokerListenerName).toBe('CLIENT');
  });

  test('listeners: IPv6, empty host, port 0', () => {
    expect(parseListeners('listeners', 'CLIENT://[::1]:0,HTTP://:9292')).toEqual([
      { name: 'CLIENT', host: '::1', port: 0 },
      { name: 'HTTP', host: '', port: 9292 },
    ]);
  });
});

describe('gregor-node arguments', () => {
  test('config, repeated overrides and help', () => {
    expect(parseNodeArgs(['--config', 'n.properties', '--override', 'node.id=2', '--override', 'listeners=CLIENT://h:1'])).toEqual({
      kind: 'run',
      configFile: 'n.properties',
      overrides: { 'node.id': '2', listeners: 'CLIENT://h:1' },
    });
    expect(parseNodeArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseNodeArgs([])).toEqual({ kind: 'run', configFile: undefined, overrides: {} });
  });

  test('unknown flags and malformed overrides are usage errors', () => {
    expect(parseNodeArgs(['--frobnicate']).kind).toBe('error');
    expect(parseNodeArgs(['--override', 'novalue']).kind).toBe('error');
    expect(parseNodeArgs(['stray']).kind).toBe('error');
  });

  test('--exit-with-pid takes a process id', () => {
    expect(parseNodeArgs(['--exit-with-pid', '4242'])).toEqual({ kind: 'run', configFile: undefined, overrides: {}, exitWithPid: 4242 });
    expect(parseNodeArgs(['--exit-with-pid', '0'])).toEqual({ kind: 'error', message: '--exit-with-pid expects a process id, got "0"' });
    expect(parseNodeArgs(['--exit-with-pid', 'me']).kind).toBe('error');
  });
});

describe('records service settings', () => {
  it('are the service\'s defaults unless set, and a default above its maximum or a session the groups refuse names the key', () => {
    const r = nodeConfig({}).records;
    expect(r).toMatchObject({ maxRequestBytes: 1 << 20, maxInFlightBytes: 64 << 20, maxConcurrentReads: 256 });
    expect(r.subscribe.limits).toMatchObject({ maxStreams: 1024, defaultMaxOutstandingRecords: 1000, maxOutstandingRecords: 10_000, defaultAckDeadlineMs: 30_000 });
    expect(r.subscribe.consumer).toEqual({ sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, commitIntervalMs: 100 });
    expect(nodeConfig({ 'records.subscribe.session.timeout.ms': 1200, 'group.min.session.timeout.ms': 1000 }).records.subscribe.consumer?.heartbeatIntervalMs).toBe(400);
    expect(nodeConfig({ 'records.subscribe.max.streams': 3 }).records.subscribe.limits?.maxStreams).toBe(3);
    expect(keyOf(() => nodeConfig({ 'records.subscribe.default.max.outstanding.records': 20_000 }))).toBe('records.subscribe.default.max.outstanding.records');
    expect(keyOf(() => nodeConfig({ 'records.subscribe.ack.deadline.ms': 700_000 }))).toBe('records.subscribe.ack.deadline.ms');
    expect(keyOf(() => nodeConfig({ 'records.subscribe.session.timeout.ms': 2000 }))).toBe('records.subscribe.session.timeout.ms');
    expect(keyOf(() => nodeConfig({ 'records.publish.max.request.bytes': 0 }))).toBe('records.publish.max.request.bytes');
  });
});

describe('log cleaner settings', () => {
  it('sizes the storage tail cache (64 MiB by default, 0 turns it off) and names the key of a bad value', () => {
    expect(nodeConfig({}).logTailCacheBytes).toBe(64 * 1024 * 1024);
    expect(nodeConfig({ 'log.tail.cache.bytes': '0' }).logTailCacheBytes).toBe(0);
    expect(keyOf(() => nodeConfig({ 'log.tail.cache.bytes': '-1' }))).toBe('log.tail.cache.bytes');
    expect(keyOf(() => nodeConfig({ 'log.tail.cache.bytes': 'lots' }))).toBe('log.tail.cache.bytes');
  });

  it('sets every LevelDB and write-queue bound from log.store.* and log.write.queue.max.bytes, naming the key of a bad value', () => {
    const MiB = 1024 * 1024;
    const d = nodeConfig({});
    expect(d.logStore).toEqual({ writeBufferBytes: 64 * MiB, blockCacheBytes: 8 * MiB, maxOpenFiles: 1000, maxFileBytes: 32 * MiB });
    expect(d.logWriteQueueMaxBytes).toBe(64 * MiB);
    const c = nodeConfig({
      'log.store.write.buffer.bytes': 8 * MiB,
      'log.store.block.cache.bytes': 0,
      'log.store.max.open.files': 200,
      'log.store.max.file.bytes': 4 * MiB,
      'log.write.queue.max.bytes': 16 * MiB,
    });
    expect(c.logStore).toEqual({ writeBufferBytes: 8 * MiB, blockCacheBytes: 0, maxOpenFiles: 200, maxFileBytes: 4 * MiB });
    expect(c.logWriteQueueMaxBytes).toBe(16 * MiB);
    expect(keyOf(() => nodeConfig({ 'log.store.write.buffer.bytes': 1024 }))).toBe('log.store.write.buffer.bytes');
    expect(keyOf(() => nodeConfig({ 'log.store.max.open.files': 10 }))).toBe('log.store.max.open.files');
    expect(keyOf(() => nodeConfig({ 'log.store.block.cache.bytes': -1 }))).toBe('log.store.block.cache.bytes');
    expect(keyOf(() => nodeConfig({ 'log.write.queue.max.bytes': 'big' }))).toBe('log.write.queue.max.bytes');
  });

  it('maps Kafka keys for compaction, with defaults', () => {
    expect(nodeConfig({}).logCleanerBackoffMs).toBe(15_000);
    expect(nodeConfig({}).logCleanerDeleteRetentionMs).toBe(86_400_000);
    expect(nodeConfig({}).logCleanerMinCleanableRatio).toBe(0.5);
    expect(nodeConfig({ 'log.cleaner.min.cleanable.ratio': '0.2' }).logCleanerMinCleanableRatio).toBe(0.2);
    expect(() => nodeConfig({ 'log.cleaner.min.cleanable.ratio': '2' })).toThrow(/log\.cleaner\.min\.cleanable\.ratio/);
    const c = nodeConfig({ 'log.cleaner.backoff.ms': 500, 'log.cleaner.delete.retention.ms': 0 });
    expect([c.logCleanerBackoffMs, c.logCleanerDeleteRetentionMs]).toEqual([500, 0]);
    expect(() => nodeConfig({ 'log.cleaner.backoff.ms': 0 })).toThrow(/log\.cleaner\.backoff\.ms/);
  });
});
