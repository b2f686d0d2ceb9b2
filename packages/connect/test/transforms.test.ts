/**
 * Single message transforms and predicates (Kafka's names and keys): each
 * transform on struct-with-schema and schemaless records, the chain with
 * predicates and negate, and validation naming every bad key.
 */
import { BUILTIN_CONNECTORS, buildTransformChain, findPlugin, formatTimestamp, validateConnectorConfig, type Schema, type TransformableRecord } from '@gregor/connect';

const T = 'org.apache.kafka.connect.transforms.';
const schema: Schema = {
  type: 'struct', optional: false, name: 'row',
  fields: [
    { field: 'id', type: 'int32', optional: false },
    { field: 'name', type: 'string', optional: true },
    { field: 'addr', type: 'struct', optional: true, fields: [{ field: 'city', type: 'string', optional: true }] },
  ],
};
const rec = (over: Partial<TransformableRecord> = {}): TransformableRecord => ({
  topic: 'orders', kafkaPartition: 2, kafkaOffset: 42n, timestamp: Date.UTC(2026, 11, 7, 13, 5, 9),
  keySchema: null, key: 'k1', valueSchema: schema, value: { id: 7, name: 'n', addr: { city: 'Oslo' } }, headers: [{ key: 'h', value: 'x' }], ...over,
});
const chain = (props: Record<string, string>) => buildTransformChain({ transforms: 't', ...Object.fromEntries(Object.entries(props).map(([k, v]) => [k.startsWith('predicates') ? k : `transforms.t.${k}`, v])) });

describe('transforms', () => {
  it('InsertField$Value adds topic, partition, offset, timestamp and a static field, schema included', () => {
    const out = chain({ type: `${T}InsertField$Value`, 'topic.field': 'src_topic', 'offset.field': 'off', 'partition.field': 'p', 'timestamp.field': 'ts', 'static.field': 'dc', 'static.value': 'eu' }).apply(rec())!;
    expect(out.value).toEqual({ id: 7, name: 'n', addr: { city: 'Oslo' }, src_topic: 'orders', off: 42n, p: 2, ts: Date.UTC(2026, 11, 7, 13, 5, 9), dc: 'eu' });
    expect(out.valueSchema!.fields!.map((f) => f.field)).toEqual(['id', 'name', 'addr', 'src_topic', 'p', 'off', 'ts', 'dc']);
  });

  it('ReplaceField keeps, drops and renames', () => {
    const out = chain({ type: 'ReplaceField$Value', exclude: 'addr', renames: 'name:full_name' }).apply(rec())!;
    expect(out.value).toEqual({ id: 7, full_name: 'n' });
    expect(out.valueSchema!.fields!.map((f) => f.field)).toEqual(['id', 'full_name']);
    expect(chain({ type: 'ReplaceField$Value', include: 'id' }).apply(rec({ valueSchema: null }))!.value).toEqual({ id: 7 });
  });

  it('MaskField empties fields (or puts the replacement)', () => {
    expect(chain({ type: 'MaskField$Value', fields: 'id,name' }).apply(rec())!.value).toMatchObject({ id: 0, name: '' });
    expect(chain({ type: 'MaskField$Value', fields: 'name', replacement: '***' }).apply(rec())!.value).toMatchObject({ name: '***' });
  });

  it('ValueToKey and ExtractField$Key', () => {
    const out = buildTransformChain({ transforms: 'a,b', 'transforms.a.type': 'ValueToKey', 'transforms.a.fields': 'id', 'transforms.b.type': 'ExtractField$Key', 'transforms.b.field': 'id' }).apply(rec())!;
    expect(out.key).toBe(7);
    expect(out.keySchema).toEqual({ type: 'int32', optional: false });
  });

  it('Cast per field and whole', () => {
    const out = chain({ type: 'Cast$Value', spec: 'id:string' }).apply(rec())!;
    expect(out.value).toMatchObject({ id: '7' });
    expect(out.valueSchema!.fields![0]).toEqual({ field: 'id', type: 'string', optional: false });
    expect(chain({ type: 'Cast$Key', spec: 'int64' }).apply(rec({ key: '12', keySchema: { type: 'string' } }))!).toMatchObject({ key: 12, keySchema: { type: 'int64' } });
  });

  it('Flatten joins nested names with the delimiter', () => {
    const out = chain({ type: 'Flatten$Value', delimiter: '_' }).apply(rec())!;
    expect(out.value).toEqual({ id: 7, name: 'n', addr_city: 'Oslo' });
    expect(out.valueSchema!.fields!.map((f) => [f.field, f.optional])).toEqual([['id', false], ['name', true], ['addr_city', true]]);
  });

  it('TimestampRouter and RegexRouter rename the topic', () => {
    expect(chain({ type: 'TimestampRouter', 'timestamp.format': 'yyyy-MM-dd_HH' }).apply(rec())!.topic).toBe('orders-2026-12-07_13');
    expect(formatTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5), 'yyyyMMddHHmmss')).toBe('20260102030405');
    expect(chain({ type: 'RegexRouter', regex: 'ord(.*)', replacement: 'archive.ord$1' }).apply(rec())!.topic).toBe('archive.orders');
    expect(chain({ type: 'RegexRouter', regex: 'ord', replacement: 'x' }).apply(rec())!.topic).toBe('orders'); // whole-name match only
  });

  it('Filter with predicates: TopicNameMatches, HasHeaderKey, RecordIsTombstone, negate', () => {
    const filter = (p: Record<string, string>, negate = false) =>
      buildTransformChain({ transforms: 'f', 'transforms.f.type': 'Filter', 'transforms.f.predicate': 'p', 'transforms.f.negate': String(negate), predicates: 'p', ...Object.fromEntries(Object.entries(p).map(([k, v]) => [`predicates.p.${k}`, v])) });
    expect(filter({ type: 'TopicNameMatches', pattern: 'ord.*' }).apply(rec())).toBeNull();
    expect(filter({ type: 'TopicNameMatches', pattern: 'ord.*' }, true).apply(rec())).not.toBeNull();
    expect(filter({ type: 'HasHeaderKey', name: 'h' }).apply(rec())).toBeNull();
    expect(filter({ type: 'HasHeaderKey', name: 'nope' }).apply(rec())).not.toBeNull();
    expect(filter({ type: 'RecordIsTombstone' }).apply(rec({ value: null }))).toBeNull();
    expect(filter({ type: 'RecordIsTombstone' }).apply(rec())).not.toBeNull();
  });

  it('keeps what the runtime needs (source offsets) through the chain', () => {
    const out = chain({ type: 'RegexRouter', regex: '.*', replacement: 'x' }).apply({ ...rec(), sourcePartition: { f: 1 }, sourceOffset: { p: 2 } } as TransformableRecord & { sourcePartition: object; sourceOffset: object });
    expect(out).toMatchObject({ topic: 'x', sourcePartition: { f: 1 }, sourceOffset: { p: 2 } });
  });
});

describe('transform validation', () => {
  it('names every bad transform and predicate key in the connector validation', async () => {
    const plugin = findPlugin(BUILTIN_CONNECTORS, 'FileStreamSink')!;
    const { infos } = await validateConnectorConfig(plugin, {
      name: 'x', 'connector.class': 'FileStreamSink', file: '/tmp/x', topics: 't',
      transforms: 'a,b,c', 'transforms.a.type': 'NoSuchTransform', 'transforms.b.type': 'MaskField$Value',
      'transforms.c.type': 'Filter', 'transforms.c.predicate': 'missing',
      predicates: 'p', 'predicates.p.type': 'TopicNameMatches', 'predicates.p.pattern': '(',
    });
    const errors = Object.fromEntries(infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.definition.name, c.value.errors]));
    expect(Object.keys(errors).sort()).toEqual(['predicates.p.pattern', 'transforms.a.type', 'transforms.b.fields', 'transforms.c.predicate']);
    expect(errors['transforms.a.type']![0]).toMatch(/Class NoSuchTransform could not be found/);
    expect(errors['transforms.b.fields']![0]).toBe('Missing required configuration "transforms.b.fields" which has no default value.');
    expect(infos.error_count).toBe(4);
    expect(() => buildTransformChain({ transforms: 'a' })).toThrow(/transforms.a.type/);
  });
});
