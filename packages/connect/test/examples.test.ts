/**
 * Every connector config in examples/connect is valid for its connector
 * (the file ones also run end to end in tests/cluster/connect-file.test.ts,
 * the PostgreSQL and HTTP ones are exercised by postgres.test.ts and
 * http-sink.test.ts with the same keys).
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_CONNECTORS, findPlugin, parseDistributedConfig, parseWorkerConfig, readConnectorFile, validateConnectorConfig } from '@gregor/connect';

const DIR = path.resolve(__dirname, '../../../examples/connect');

describe('examples/connect', () => {
  const WORKERS = ['connect-standalone.properties', 'connect-distributed.properties'];
  const files = readdirSync(DIR).filter((f) => f.endsWith('.properties') && !WORKERS.includes(f));

  it('has the file, PostgreSQL and HTTP examples', () => {
    expect(files.sort()).toEqual(['connect-file-sink.properties', 'connect-file-source.properties', 'http-push-sink.properties', 'postgres-cdc-source.properties', 'postgres-sink.properties']);
  });

  it.each(files)('%s is a valid connector config (its keys; not the systems it names)', async (file) => {
    const props = readConnectorFile(path.join(DIR, file));
    const plugin = findPlugin(BUILTIN_CONNECTORS, props['connector.class']!);
    expect(plugin).toBeDefined();
    const { infos } = await validateConnectorConfig(plugin!, props, { external: false }); // no database at the examples' addresses here
    expect(infos.configs.filter((c) => c.value.errors.length > 0).map((c) => c.value.errors)).toEqual([]);
  });

  it('connect-standalone.properties is a valid worker config', () => {
    const settings = parseWorkerConfig(readConnectorFile(path.join(DIR, 'connect-standalone.properties')));
    expect(settings.listener.port).toBe(8083);
    expect(settings.offsetFile).toBe('connect.offsets');
  });

  it('connect-distributed.properties is a valid distributed worker config', () => {
    const settings = parseDistributedConfig(readConnectorFile(path.join(DIR, 'connect-distributed.properties')));
    expect(settings.groupId).toBe('connect-cluster');
    expect(settings.configTopic.name).toBe('connect-configs');
  });
});
