import { AssertionError } from '@gregor/common';
import { MetadataImage } from '../src/image';
import type { MetadataRecord } from '../src/records';
import { decodeBigint, decodeRecordBatch, encodeRecordBatch } from '../src/records';
import { applyEntry, LARGE_ENTRY_BYTES } from '../src/apply-entry';
import { topicsChangedBy } from '../src/metadata-view';
import { applyRecords, partition, registerAndUnfence } from './helpers';

describe('records', () => {
  it('round-trip a batch, bigints included', () => {
    const batch = {
      origin: 'n1:abc:7',
      records: [
        { type: 'producer-ids' as const, brokerId: 1, brokerEpoch: 4, nextProducerId: 2n ** 60n + 1n },
        { type: 'config' as const, topic: 't', key: 'retention.ms', value: null },
      ],
    };
    expect(decodeRecordBatch(encodeRecordBatch(batch))).toEqual(batch);
  });

  it('decode bigints by field, and refuse one that is not an encoded integer', () => {
    expect(decodeBigint({ $bigint: '-12345678901234567890' }, 'x')).toBe(-12345678901234567890n);
    expect(decodeBigint(7, 'x')).toBe(7n);
    expect(() => decodeBigint({ $bigint: '1e3' }, 'x')).toThrow(/x is not an encoded bigint/);
    expect(() => decodeRecordBatch(Buffer.from(JSON.stringify({ v: 1, origin: null, records: [{ type: 'producer-ids', brokerId: 1, brokerEpoch: 1, nextProducerId: 'many' }] })))).toThrow(
      AssertionError,
    );
  });

  it('refuse a batch of another version or an unknown record type', () => {
    expect(() => decodeRecordBatch(Buffer.from(JSON.stringify({ v: 2, origin: null, records: [] })))).toThrow(AssertionError);
    expect(() => decodeRecordBatch(Buffer.from(JSON.stringify({ v: 1, origin: null, records: [{ type: 'nope' }] })))).toThrow(
      /unknown metadata record type/,
    );
  });
});

describe('applyEntry', () => {
  it('applies a large entry in one step, a turn after decoding it; readers meanwhile see the image before it', async () => {
    const image = new MetadataImage();
    registerAndUnfence(image, [1, 2, 3]);
    const records: MetadataRecord[] = [{ type: 'topic', name: 'big', topicId: 'big-id' }];
    for (let p = 0; p < 2000; p++) records.push({ type: 'partition', topicId: 'big-id', partition: p, replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 });
    const data = encodeRecordBatch({ origin: null, records });
    expect(data.byteLength).toBeGreaterThanOrEqual(LARGE_ENTRY_BYTES);
    const offset = image.offset + 1;
    const applying = applyEntry(() => image, data, offset);
    expect(image.topicByName('big')).toBeUndefined();
    expect(image.offset).toBe(offset - 1);
    const changes = await applying;
    expect(image.offset).toBe(offset);
    expect(image.topicByName('big')?.partitions).toHaveLength(2000);
    expect(changes).toEqual([expect.objectContaining({ kind: 'topic-created' })]);
  });

  it('applies a small entry with no turn in between', async () => {
    const image = new MetadataImage();
    const applying = applyEntry(() => image, encodeRecordBatch({ origin: null, records: [{ type: 'leader-change', leaderId: 1, term: 2 }] }), 1);
    expect(image.offset).toBe(1);
    await applying;
  });

  it('skips an entry another path applied while it was decoded (the broker of a voter fetched it during a one-way cut)', async () => {
    const image = new MetadataImage();
    registerAndUnfence(image, [1, 2, 3]);
    const records: MetadataRecord[] = [{ type: 'topic', name: 'big', topicId: 'big-id' }];
    for (let p = 0; p < 2000; p++) records.push({ type: 'partition', topicId: 'big-id', partition: p, replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 });
    const data = encodeRecordBatch({ origin: null, records });
    const offset = image.offset + 1;
    const applying = applyEntry(() => image, data, offset);
    image.apply(decodeRecordBatch(data), offset);
    expect(await applying).toBeUndefined();
    expect(image.offset).toBe(offset);
    expect(image.topicByName('big')?.partitions).toHaveLength(2000);
  });
});

describe('MetadataImage', () => {
  it('refuses a partition with duplicate replicas, an ISR outside them or a leader outside the ISR, naming it', () => {
    const image = new MetadataImage();
    registerAndUnfence(image, [1, 2, 3]);
    applyRecords(image, [{ type: 'topic', name: 't', topicId: 'tid' }]);
    expect(() => applyRecords(image, [{ type: 'partition', topicId: 'tid', partition: 0, replicas: [1, 1], isr: [1], leader: 1 }])).toThrow(/t-0 replicas has duplicates: \[1,1\]/);
    expect(() => applyRecords(image, [{ type: 'partition', topicId: 'tid', partition: 0, replicas: [1, 2], isr: [3], leader: 3 }])).toThrow(/t-0 ISR \[3\] is not within replicas \[1,2\]/);
    expect(() => applyRecords(image, [{ type: 'partition', topicId: 'tid', partition: 0, replicas: [1, 2], isr: [1], leader: 2 }])).toThrow(/t-0 leader 2 is not in ISR \[1\]/);
  });

  it('gives a broker the offset of its registration as its epoch, fenced until unfenced', () => {
    const image = new MetadataImage();
    image.advanceTo(3);
    applyRecords(image, [{ type: 'register-broker', brokerId: 2, incarnationId: 'a', listeners: [], rack: null }]);
    expect(image.broker(2)).toMatchObject({ brokerEpoch: 4, fenced: true, incarnationId: 'a' });
    applyRecords(image, [{ type: 'unfence-broker', brokerId: 2, brokerEpoch: 4 }]);
    expect(image.isUnfenced(2)).toBe(true);
    // A stale epoch is a broken invariant: the controller never writes one.
    expect(() => applyRecords(image, [{ type: 'fence-broker', brokerId: 2, brokerEpoch: 3 }])).toThrow(AssertionError);
  });

  it('bumps the leader epoch only on leader change and the partition epoch on every change', () => {
    const image = new MetadataImage();
    registerAndUnfence(image, [1, 2, 3]);
    applyRecords(image, [
      { type: 'topic', name: 't', topicId: 'id-t' },
      { type: 'partition', topicId: 'id-t', partition: 0, replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 },
    ]);
    applyRecords(image, [{ type: 'partition-change', topicId: 'id-t', partition: 0, isr: [1, 2] }]);
    expect(partition(image, 't', 0)).toMatchObject({ leader: 1, leaderEpoch: 0, partitionEpoch: 1, isr: [1, 2] });
    applyRecords(image, [{ type: 'partition-change', topicId: 'id-t', partition: 0, leader: 2, isr: [2] }]);
    expect(partition(image, 't', 0)).toMatchObject({ leader: 2, leaderEpoch: 1, partitionEpoch: 2, isr: [2] });
  });

  it('rejects records that break partition invariants', () => {
    const image = new MetadataImage();
    registerAndUnfence(image, [1, 2]);
    applyRecords(image, [
      { type: 'topic', name: 't', topicId: 'id-t' },
      { type: 'partition', topicId: 'id-t', partition: 0, replicas: [1, 2], isr: [1, 2], leader: 1 },
    ]);
    const bad = [
      { type: 'partition-change' as const, topicId: 'id-t', partition: 0, isr: [] },
      { type: 'partition-change' as const, topicId: 'id-t', partition: 0, leader: 2, isr: [1] },
      { type: 'partition-change' as const, topicId: 'id-t', partition: 0, isr: [1, 3] },
      { type: 'partition-change' as const, topicId: 'id-t', partition: 1, isr: [1] },
    ];
    // Each on a fresh copy, so one failure does not leave the next a different image.
    for (const record of bad) expect(() => applyRecords(MetadataImage.fromSnapshot(image.toSnapshot()), [record])).toThrow(AssertionError);
    expect(() => applyRecords(image, [{ type: 'topic', name: 't', topicId: 'other' }])).toThrow(/already exists/);
  });

  it('removes a topic with its partitions and configs, and reports changes', () => {
    const image = new MetadataImage();
    registerAndUnfence(image, [1]);
    applyRecords(image, [
      { type: 'topic', name: 't', topicId: 'id-t' },
      { type: 'partition', topicId: 'id-t', partition: 0, replicas: [1], isr: [1], leader: 1 },
      { type: 'config', topic: 't', key: 'retention.ms', value: '1000' },
    ]);
    expect(image.topicConfigs('t')).toEqual({ 'retention.ms': '1000' });
    const changes = image.apply({ origin: null, records: [{ type: 'remove-topic', topicId: 'id-t' }] }, image.offset + 1);
    expect(changes).toEqual([{ kind: 'topic-deleted', name: 't', topicId: 'id-t' }]);
    expect(image.topicByName('t')).toBeUndefined();
    expect(image.topicConfigs('t')).toEqual({});
    // The name can be used again, with a new id.
    applyRecords(image, [{ type: 'topic', name: 't', topicId: 'id-t2' }]);
    expect(image.topicByName('t')?.topicId).toBe('id-t2');
  });

  it('snapshots canonically: restore gives the same bytes and the same answers', () => {
    const image = new MetadataImage();
    registerAndUnfence(image, [3, 1, 2]);
    applyRecords(image, [
      { type: 'topic', name: 'zeta', topicId: 'z' },
      { type: 'partition', topicId: 'z', partition: 0, replicas: [3, 1], isr: [3, 1], leader: 3 },
      { type: 'topic', name: 'alpha', topicId: 'a' },
      { type: 'partition', topicId: 'a', partition: 0, replicas: [1, 2], isr: [1, 2], leader: 1 },
      { type: 'config', topic: 'zeta', key: 'b', value: '2' },
      { type: 'config', topic: 'zeta', key: 'a', value: '1' },
      { type: 'producer-ids', brokerId: 1, brokerEpoch: 3, nextProducerId: 1000n },
      { type: 'leader-change', leaderId: 2, term: 7 },
    ]);
    const bytes = image.toSnapshot();
    const restored = MetadataImage.fromSnapshot(bytes);
    expect(Buffer.from(restored.toSnapshot()).equals(Buffer.from(bytes))).toBe(true);
    expect(restored.offset).toBe(image.offset);
    expect(restored.nextProducerId).toBe(1000n);
    expect(restored.topics().map((t) => t.name)).toEqual(['alpha', 'zeta']);
    expect(restored.topicConfigs('zeta')).toEqual({ a: '1', b: '2' });
    expect(restored.lastLeaderChange).toEqual({ leaderId: 2, term: 7 });
  });
});

describe('topicsChangedBy', () => {
  it('names the topics whose view a batch changed, and none for broker-only changes', () => {
    const image = new MetadataImage();
    registerAndUnfence(image, [1, 2]);
    applyRecords(image, [{ type: 'topic', name: 'a', topicId: 'ida' }, { type: 'partition', topicId: 'ida', partition: 0, replicas: [1, 2], isr: [1, 2], leader: 1 }]);
    applyRecords(image, [{ type: 'topic', name: 'b', topicId: 'idb' }, { type: 'partition', topicId: 'idb', partition: 0, replicas: [1, 2], isr: [1, 2], leader: 1 }]);
    const at = (records: MetadataRecord[]) => topicsChangedBy(image.apply(decodeRecordBatch(encodeRecordBatch({ origin: null, records })), image.offset + 1));
    expect([...at([{ type: 'partition-change', topicId: 'ida', partition: 0, isr: [1] }])]).toEqual(['a']);
    expect([...at([{ type: 'config', topic: 'b', key: 'retention.ms', value: '1' }])]).toEqual(['b']);
    expect([...at([{ type: 'partition', topicId: 'idb', partition: 1, replicas: [2, 1], isr: [2, 1], leader: 2 }])]).toEqual(['b']);
    expect([...at([{ type: 'remove-topic', topicId: 'ida' }, { type: 'topic', name: 'c', topicId: 'idc' }])].sort()).toEqual(['a', 'c']);
    expect(at([{ type: 'fence-broker', brokerId: 2, brokerEpoch: image.broker(2)!.brokerEpoch }]).size).toBe(0);
  });
});
